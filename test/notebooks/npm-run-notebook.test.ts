// `npm run notebook` as a process manager (or `timeout`) meets it: a SIGTERM to npm must reach
// Jupyter, or Jupyter keeps serving, orphaned. A stand-in `jupyter` on PATH records how it was
// started and whether SIGTERM came; pre-scripts are skipped (npm test has built dist/ already).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/notebook/kernel-spec';

// Answers the launcher's `jupyter lab --version` probe, then serves "forever".
const FAKE_JUPYTER = `#!/bin/sh
if [ "$2" = "--version" ]; then exit 0; fi
trap 'echo terminated >> "$FAKE_JUPYTER_LOG"; exit 0' TERM
echo "$$" > "$FAKE_JUPYTER_LOG.pid"
echo "started in $PWD with: $*" >> "$FAKE_JUPYTER_LOG"
while :; do sleep 0.1; done
`;

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return condition();
}

describe('npm run notebook', () => {
  let dir: string;
  let log: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbook-fake-jupyter-'));
    fs.writeFileSync(path.join(dir, 'jupyter'), FAKE_JUPYTER, { mode: 0o755 });
    log = path.join(dir, 'log');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('starts Jupyter at the project root on notebook 1, and passes a SIGTERM on to it', async () => {
    const npm = spawn('npm', ['run', '--silent', '--ignore-scripts', 'notebook', '--', '--no-browser'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PATH: `${dir}${path.delimiter}${process.env.PATH}`, FAKE_JUPYTER_LOG: log },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
    try {
      expect(await waitFor(() => fs.existsSync(log), 20_000)).toBe(true);
      expect(fs.readFileSync(log, 'utf8')).toMatch(new RegExp(`^started in ${PROJECT_ROOT} with: lab notebooks/01-install\\.ipynb (--allow-root )?--no-browser\\n$`));
      npm.kill('SIGTERM');
      expect(await waitFor(() => fs.readFileSync(log, 'utf8').includes('terminated'), 5_000)).toBe(true);
      expect(await exited).toBe(0); // Jupyter's exit code, passed through
    } finally {
      npm.kill('SIGKILL');
      // Had the SIGTERM not arrived, the stand-in would still run, orphaned: end it (its launcher follows).
      const pid = fs.existsSync(`${log}.pid`) ? Number(fs.readFileSync(`${log}.pid`, 'utf8')) : 0;
      if (pid > 0 && !fs.readFileSync(log, 'utf8').includes('terminated')) process.kill(pid, 'SIGKILL');
    }
  }, 40_000);
});
