// Executes one notebook headless on the real tslab kernel with `jupyter nbconvert --execute` and
// returns what its cells printed and displayed. A failing cell rejects with that cell's source and
// stderr (nbconvert-config.py prints them; tslab's own error report is an empty traceback).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jupyterEnv, PROJECT_ROOT } from '../../src/notebook/kernel-spec';

export const NOTEBOOKS_DIR = path.join(PROJECT_ROOT, 'notebooks');
const CONFIG_FILE = path.join(__dirname, 'nbconvert-config.py');
const CELL_TIMEOUT_SECONDS = 240;

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}

export interface ExecutedCell {
  source: string;
  tags: string[];
  /** Everything the cell printed (stdout and stderr) and its plain-text results, in order. */
  text: string;
  /** Rich outputs by MIME type (text/html, image/svg+xml, text/markdown), concatenated. */
  rich: Record<string, string>;
}

export interface ExecutedNotebook {
  cells: ExecutedCell[];
  /** All cells' text, joined: for "somewhere in the notebook it said ..." assertions. */
  text: string;
  /** All rich outputs of one MIME type, joined. */
  richOf(mime: string): string;
}

const joined = (value: string | string[] | undefined): string => (Array.isArray(value) ? value.join('') : (value ?? ''));

function readExecuted(file: string): ExecutedNotebook {
  const notebook = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    cells: Array<{ cell_type: string; source: string | string[]; metadata: { tags?: string[] }; outputs?: Output[] }>;
  };
  const cells = notebook.cells
    .filter((cell) => cell.cell_type === 'code')
    .map((cell): ExecutedCell => {
      const rich: Record<string, string> = {};
      let text = '';
      for (const output of cell.outputs ?? []) {
        if (output.output_type === 'stream') text += joined(output.text);
        for (const [mime, value] of Object.entries(output.data ?? {})) {
          if (mime === 'text/plain') text += joined(value) + '\n';
          else rich[mime] = (rich[mime] ?? '') + joined(value);
        }
      }
      return { source: joined(cell.source), tags: cell.metadata.tags ?? [], text, rich };
    });
  return {
    cells,
    text: cells.map((cell) => cell.text).join('\n'),
    richOf: (mime) => cells.map((cell) => cell.rich[mime] ?? '').join('\n'),
  };
}

/** The part of nbconvert's stderr worth reading: our hook's report, else the last lines. */
function failureReport(stderr: string): string {
  const start = stderr.indexOf('NOTEBOOK CELL');
  if (start === -1) return stderr.split('\n').slice(-30).join('\n');
  const end = stderr.indexOf('Traceback (most recent call last)', start);
  return stderr.slice(start, end === -1 ? undefined : end).trim();
}

/**
 * Runs notebooks/<name> in a fresh kernel; `env` reaches the kernel (e.g. LT_HOST).
 * Resolves with its outputs; rejects naming the failing cell.
 */
export async function executeNotebook(name: string, env: Record<string, string> = {}): Promise<ExecutedNotebook> {
  const outputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbook-nbtest-'));
  try {
    const args = [
      'nbconvert',
      `--config=${CONFIG_FILE}`,
      '--to=notebook',
      '--execute',
      `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_SECONDS}`,
      `--output-dir=${outputDir}`,
      '--output=executed',
      path.join(NOTEBOOKS_DIR, name),
    ];
    // Asynchronous on purpose: a fixture server in this process (the loopback tunnel) must keep serving.
    const child = spawn('jupyter', args, { cwd: NOTEBOOKS_DIR, env: { ...jupyterEnv(), ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    if (code !== 0) throw new Error(`notebook ${name} failed (exit ${code}):\n${failureReport(stderr)}`);
    return readExecuted(path.join(outputDir, 'executed.ipynb'));
  } finally {
    fs.rmSync(outputDir, { recursive: true, force: true });
  }
}
