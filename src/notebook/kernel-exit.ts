// What a notebook leaves on disk (temp folders, the shared-server file) goes when its kernel ends,
// so "Run All" never needs a teardown cell. A kernel holding a server does not end by itself when
// Jupyter asks it to shut down: Jupyter sends SIGTERM 2.5 s later, whose default action skips
// 'exit' handlers. So the clean-ups run on SIGTERM too, and the process then ends as it would have.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const cleanups = new Set<() => void>();
let installed = false;

function runCleanups(): void {
  for (const cleanup of [...cleanups]) {
    cleanups.delete(cleanup);
    try {
      cleanup();
    } catch {
      // the process is ending: one failed removal must not stop the others
    }
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', runCleanups);
  process.once('SIGTERM', () => {
    runCleanups();
    // Another SIGTERM listener (an embedding app's graceful shutdown) decides when to exit.
    if (process.listenerCount('SIGTERM') === 0) process.exit(128 + os.constants.signals.SIGTERM);
  });
}

/**
 * Runs `cleanup` (synchronous: the process is ending) when this process exits or gets SIGTERM.
 * Returns a function that runs it now instead, once.
 *
 * @example
 * const forget = onKernelExit(() => fs.rmSync(file, { force: true }));
 * forget(); // removed now, and nothing left to do at exit
 */
export function onKernelExit(cleanup: () => void): () => void {
  install();
  let done = false;
  const once = () => {
    if (done) return;
    done = true;
    cleanups.delete(once);
    cleanup();
  };
  cleanups.add(once);
  return once;
}

/**
 * A fresh folder under the system's temp folder, removed when the kernel ends. Each call (each run
 * of a cell) makes a new one, so a re-run never meets the files of the last run.
 *
 * @example
 * const dir = tempFolder('02'); // /tmp/authbook-02-Xg3k1a
 */
export function tempFolder(label: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `authbook-${label}-`));
  onKernelExit(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
