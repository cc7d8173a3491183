// Runs `jupyter nbconvert` on the project's kernel: executes a notebook headless, or turns an
// executed one into HTML. `npm run tutorial:html` and the notebook tests both go through here, so
// the pages a workshop hands out are made exactly as the tests make theirs. The notebook arrives on
// stdin and the kernel starts in notebooks/, so a test can run an edited copy where `../dist` and
// `images/` still resolve. A failing cell rejects with that cell's source and stderr.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { jupyterEnv, PROJECT_ROOT } from './kernel-spec';

export const NOTEBOOKS_DIR = path.join(PROJECT_ROOT, 'notebooks');
/** Prints a failing cell's source and stderr: tslab's own error report is an empty traceback. */
const CONFIG_FILE = path.join(PROJECT_ROOT, 'src', 'notebook', 'nbconvert-config.py');
const CELL_TIMEOUT_SECONDS = 240;

/** The part of nbconvert's stderr worth reading: the config hook's report, else the last lines. */
function failureReport(stderr: string): string {
  const start = stderr.indexOf('NOTEBOOK CELL');
  if (start === -1) return stderr.split('\n').slice(-30).join('\n');
  const end = stderr.indexOf('Traceback (most recent call last)', start);
  return stderr.slice(start, end === -1 ? undefined : end).trim();
}

// Asynchronous on purpose: a server in the calling process (a test's loopback tunnel) keeps serving.
async function nbconvert(args: string[], { input, env = {} }: { input?: string; env?: Record<string, string> }): Promise<void> {
  const child = spawn('jupyter', ['nbconvert', ...args], {
    cwd: NOTEBOOKS_DIR,
    env: { ...jupyterEnv(), ...env },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin?.end(input);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`nbconvert failed (exit ${code}):\n${failureReport(stderr)}`);
}

/**
 * Executes a notebook (its JSON text) in a fresh kernel started in notebooks/, and writes the
 * executed notebook to `outputFile` (.ipynb). `env` reaches the kernel. With `allowErrors` it runs
 * on past a failing cell (for tests of how a notebook reports a failure).
 *
 * @example
 * await executeNotebookJson(fs.readFileSync('notebooks/04-authentication.ipynb', 'utf8'), '/tmp/run/04.ipynb');
 */
export function executeNotebookJson(notebookJson: string, outputFile: string, env: Record<string, string> = {}, { allowErrors = false } = {}): Promise<void> {
  return nbconvert(
    [
      `--config=${CONFIG_FILE}`,
      '--stdin',
      '--to=notebook',
      '--execute',
      ...(allowErrors ? ['--allow-errors'] : []),
      `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_SECONDS}`,
      `--output-dir=${path.dirname(outputFile)}`,
      `--output=${path.basename(outputFile, '.ipynb')}`,
    ],
    { input: notebookJson, env },
  );
}

/**
 * Turns an executed notebook into one HTML page at `outputFile`, its outputs as they are.
 *
 * @example
 * await notebookToHtml('/tmp/run/04.ipynb', 'tutorial-html/notebooks/04-authentication.html');
 */
export function notebookToHtml(executedFile: string, outputFile: string): Promise<void> {
  return nbconvert(['--to=html', `--output-dir=${path.dirname(outputFile)}`, `--output=${path.basename(outputFile, '.html')}`, executedFile], {});
}
