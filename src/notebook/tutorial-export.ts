// `npm run tutorial:html`: the tutorial as static pages a workshop host can hand out. Each notebook
// is executed headless and written as HTML with its outputs; the images and src/ are copied beside,
// so figures, screenshots and the "Source:" links work from the folder alone, on any web server or
// straight from the disk. Figures are sent as text/html by the notebooks, which the export keeps.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { escapeHtml } from './html';
import { registerKernel, PROJECT_ROOT } from './kernel-spec';
import { executeNotebookJson, notebookToHtml, NOTEBOOKS_DIR } from './nbconvert';

export interface ExportOptions {
  /** Default: tutorial-html/ in the project. */
  outDir?: string;
  /** Default: every notebook in notebooks/, in order. */
  notebooks?: string[];
  /** Variables for the kernels (LT_HOST, ...), over this process's environment. */
  env?: Record<string, string>;
  /** One line per step. */
  log?: (line: string) => void;
}

const titleOf = (notebookJson: string, fallback: string): string => {
  const first = (JSON.parse(notebookJson) as { cells: Array<{ source: string | string[] }> }).cells[0];
  const text = Array.isArray(first?.source) ? first.source.join('') : (first?.source ?? '');
  return /^# (.+)$/m.exec(text)?.[1] ?? fallback;
};

/**
 * Writes `<outDir>/index.html`, `<outDir>/notebooks/NN-name.html`, the notebooks' images and a copy
 * of src/. Resolves with the index page's path.
 *
 * @example
 * await exportTutorial({ outDir: '/srv/www/authbook' });
 */
export async function exportTutorial({ outDir = path.join(PROJECT_ROOT, 'tutorial-html'), notebooks, env = {}, log = console.log }: ExportOptions = {}): Promise<string> {
  registerKernel();
  const names = notebooks ?? fs.readdirSync(NOTEBOOKS_DIR).filter((name) => name.endsWith('.ipynb')).sort();
  const pagesDir = path.join(outDir, 'notebooks');
  fs.mkdirSync(pagesDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'authbook-export-'));
  const entries: string[] = [];
  try {
    for (const name of names) {
      const json = fs.readFileSync(path.join(NOTEBOOKS_DIR, name), 'utf8');
      const executed = path.join(work, name);
      const page = name.replace(/\.ipynb$/, '.html');
      log(`executing ${name}`);
      await executeNotebookJson(json, executed, env);
      await notebookToHtml(executed, path.join(pagesDir, page));
      entries.push(`<li><a href="notebooks/${escapeHtml(page)}">${escapeHtml(titleOf(json, name))}</a></li>`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  fs.cpSync(path.join(NOTEBOOKS_DIR, 'images'), path.join(pagesDir, 'images'), { recursive: true });
  fs.cpSync(path.join(PROJECT_ROOT, 'src'), path.join(outDir, 'src'), { recursive: true });
  const index = path.join(outDir, 'index.html');
  fs.writeFileSync(
    index,
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>authbook tutorial</title></head>\n<body>\n<h1>authbook tutorial</h1>\n` +
      `<p>The notebooks as run on ${escapeHtml(new Date().toISOString().slice(0, 10))}, outputs included. Read them in order.</p>\n<ol>\n${entries.join('\n')}\n</ol>\n</body></html>\n`,
  );
  log(`wrote ${index}`);
  return index;
}
