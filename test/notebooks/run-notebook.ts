// Executes one notebook headless on the real tslab kernel (through src/notebook/nbconvert.ts, as
// `npm run tutorial:html` does) and returns what its cells printed and displayed. A learner's ways
// of running it can be applied first: every code cell twice in a row (Shift-Enter twice), and edits
// the text invites. The kernel gets its own TMPDIR, so the test can see what it left behind.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { executeNotebookJson, notebookToHtml, NOTEBOOKS_DIR } from '../../src/notebook/nbconvert';

export { NOTEBOOKS_DIR };

interface Output {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, string | string[]>;
}

interface NotebookCell {
  cell_type: string;
  id?: string;
  source: string | string[];
  metadata: { tags?: string[] };
  outputs?: Output[];
}

export interface ExecutedCell {
  source: string;
  tags: string[];
  /** True for the second run of a cell run twice. */
  again: boolean;
  /** Everything the cell printed (stdout and stderr) and its plain-text results, in order. */
  text: string;
  /** Rich outputs by MIME type (text/html, text/markdown), concatenated. */
  rich: Record<string, string>;
}

export interface CellsView {
  cells: ExecutedCell[];
  /** All cells' text, joined: for "somewhere in the notebook it said ..." assertions. */
  text: string;
  /** All rich outputs of one MIME type, joined. */
  richOf(mime: string): string;
  /** Lines starting with ✓ or ✗. */
  checkLines(): string[];
}

export interface ExecutedNotebook extends CellsView {
  /** The second runs only, when every cell ran twice. */
  again: CellsView;
  /** The executed notebook as nbconvert's HTML page, when asked for. */
  html?: string;
  /** What the kernel left in its TMPDIR. */
  leftovers: string[];
}

/** A change to one code cell: `find` must occur in exactly one of them. */
export interface NotebookEdit {
  find: string;
  replace: string;
}

export interface RunOptions {
  /** Variables for the kernel (LT_HOST, ...). */
  env?: Record<string, string>;
  /** Run every code cell twice in a row, in one kernel. */
  twice?: boolean;
  edits?: NotebookEdit[];
  /** Also export the executed notebook as HTML. */
  html?: boolean;
  /** Run on past a failing cell, whose error stays in its text (tslab writes it to stderr). */
  allowErrors?: boolean;
}

const joined = (value: string | string[] | undefined): string => (Array.isArray(value) ? value.join('') : (value ?? ''));

function applyEdits(cells: NotebookCell[], edits: NotebookEdit[]): void {
  for (const { find, replace } of edits) {
    const matching = cells.filter((cell) => cell.cell_type === 'code' && joined(cell.source).includes(find));
    if (matching.length !== 1) throw new Error(`edit "${find}" matches ${matching.length} code cells, not one`);
    matching[0].source = joined(matching[0].source).replace(find, replace);
  }
}

const AGAIN_TAG = 'test-run-again';

function view(cells: ExecutedCell[]): CellsView {
  const text = cells.map((cell) => cell.text).join('\n');
  return {
    cells,
    text,
    richOf: (mime) => cells.map((cell) => cell.rich[mime] ?? '').join('\n'),
    checkLines: () => text.split('\n').filter((line) => /^[✓✗] /.test(line)),
  };
}

function readExecuted(file: string): ExecutedCell[] {
  const notebook = JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: NotebookCell[] };
  return notebook.cells
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
      const tags = cell.metadata.tags ?? [];
      return { source: joined(cell.source), tags: tags.filter((tag) => tag !== AGAIN_TAG), again: tags.includes(AGAIN_TAG), text, rich };
    });
}

/** Runs notebooks/<name> in a fresh kernel; rejects naming the failing cell. */
export async function executeNotebook(name: string, { env = {}, twice = false, edits = [], html = false, allowErrors = false }: RunOptions = {}): Promise<ExecutedNotebook> {
  const notebook = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS_DIR, name), 'utf8')) as { cells: NotebookCell[] };
  applyEdits(notebook.cells, edits);
  if (twice) {
    notebook.cells = notebook.cells.flatMap((cell) =>
      cell.cell_type === 'code' ? [cell, { ...cell, id: `${cell.id}-again`, metadata: { ...cell.metadata, tags: [...(cell.metadata.tags ?? []), AGAIN_TAG] } }] : [cell],
    );
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'authbook-nbtest-'));
  const kernelTmp = path.join(work, 'tmp');
  fs.mkdirSync(kernelTmp);
  try {
    const executed = path.join(work, 'executed.ipynb');
    await executeNotebookJson(JSON.stringify(notebook), executed, { TMPDIR: kernelTmp, ...env }, { allowErrors });
    const cells = readExecuted(executed);
    let page: string | undefined;
    if (html) {
      await notebookToHtml(executed, path.join(work, 'page.html'));
      page = fs.readFileSync(path.join(work, 'page.html'), 'utf8');
    }
    return { ...view(cells), again: view(cells.filter((cell) => cell.again)), html: page, leftovers: fs.readdirSync(kernelTmp) };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
