// What is committed in notebooks/: clean (no outputs, no execution counts, so no stale results, tokens
// or machine paths in git), on the project's own kernel and language, numbered in order, each opening
// with a title, a summary and links to the source it teaches, and ending with exercises and questions.
// "Run All" must leave a notebook alive: servers are only stopped by opt-in cells. Reads the files
// only; no kernel needed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNEL_NAME } from '../../src/notebook/kernel-spec';
import { NOTEBOOKS_DIR } from './run-notebook';

interface Cell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata: { tags?: string[] };
  outputs?: unknown[];
  execution_count?: number | null;
}

interface Notebook {
  nbformat: number;
  metadata: { kernelspec?: { name: string }; language_info?: { name: string; file_extension?: string } };
  cells: Cell[];
}

/** Tags a cell may carry: a Try it solution, an opt-in clean-up. */
const KNOWN_TAGS = ['solution', 'cleanup'];

const names = fs.readdirSync(NOTEBOOKS_DIR).filter((name) => name.endsWith('.ipynb')).sort();
const read = (name: string) => {
  const text = fs.readFileSync(path.join(NOTEBOOKS_DIR, name), 'utf8');
  return { text, notebook: JSON.parse(text) as Notebook };
};
const sourceOf = (cell: Cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);

describe('committed notebooks', () => {
  // Increasing from 01, each number once: notebooks written side by side may land in any order.
  it('are numbered from 01, in order, each number once', () => {
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(name).toMatch(/^\d{2}-[a-z0-9-]+\.ipynb$/);
    const numbers = names.map((name) => Number(name.slice(0, 2)));
    expect(numbers[0]).toBe(1);
    numbers.slice(1).forEach((number, index) => expect(number).toBeGreaterThan(numbers[index]));
  });

  describe.each(names)('%s', (name) => {
    const { text, notebook } = read(name);
    const markdown = notebook.cells.filter((cell) => cell.cell_type === 'markdown').map(sourceOf);
    const code = notebook.cells.filter((cell) => cell.cell_type === 'code');

    it('carries no outputs and no execution counts', () => {
      for (const cell of code) {
        expect(cell.outputs).toEqual([]);
        expect(cell.execution_count).toBeNull();
      }
    });

    it("names the project's kernel, and TypeScript as its language (exports highlight it so)", () => {
      expect(notebook.nbformat).toBe(4);
      expect(notebook.metadata.kernelspec?.name).toBe(KERNEL_NAME);
      expect(notebook.metadata.language_info).toMatchObject({ name: 'typescript', file_extension: '.ts' });
    });

    it('opens with a title, a one-line summary and links to its source files, each of which exists', () => {
      const first = sourceOf(notebook.cells[0]);
      expect(notebook.cells[0].cell_type).toBe('markdown');
      expect(first).toMatch(/^# \d+\. .+\n\n.+\n\nSource: \[/);
      const links = [...first.split('Source:')[1].matchAll(/\[([^\]]+)\]\(\.\.\/([^)]+)\)/g)];
      expect(links.length).toBeGreaterThan(0);
      for (const [, label, target] of links) {
        expect(label).toBe(target);
        expect(fs.existsSync(path.join(NOTEBOOKS_DIR, '..', target))).toBe(true);
      }
    });

    it('ends with 2 or 3 Try it tasks, each with an expected result and a tagged solution, then questions', () => {
      const tryIt = markdown.findIndex((source) => source.startsWith('## Try it'));
      const questions = markdown.findIndex((source) => source.startsWith('## Questions'));
      expect(tryIt).toBeGreaterThan(0);
      expect(questions).toBeGreaterThan(tryIt);
      const tasks = markdown.slice(tryIt, questions).filter((source) => /\*\*\d\. /.test(source));
      expect(tasks.length).toBeGreaterThanOrEqual(2);
      expect(tasks.length).toBeLessThanOrEqual(3);
      for (const task of tasks) expect(task).toContain('*Expected:*');
      expect(code.filter((cell) => cell.metadata.tags?.includes('solution')).length).toBeGreaterThanOrEqual(tasks.length);
      expect((markdown[questions].match(/^\d\. .+\?$/gm) ?? []).length).toBeGreaterThanOrEqual(4);
    });

    it('stops nothing on "Run All": teardown only in opt-in cells that start switched off', () => {
      for (const cell of code) {
        const source = sourceOf(cell);
        if (cell.metadata.tags?.includes('cleanup')) expect(source).toMatch(/^const stopNow = false;$/m);
        else expect(source).not.toMatch(/closeGlobalHandle\(|\.close\(\)/);
      }
    });

    it('holds no tokens, secrets, machine paths or leftover issue notes', () => {
      expect(text).not.toMatch(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}/); // a JWT
      expect(text).not.toMatch(/\/(home|root|Users|tmp)\/[\w.-]+/);
      expect(text).not.toMatch(/authtoken|ngrok\.set_auth_token/i);
      expect(text).not.toMatch(/\(issue\b|\bissue \d+/i);
    });

    it('keeps only known tags in cell metadata', () => {
      for (const cell of notebook.cells) {
        expect(Object.keys(cell.metadata).filter((key) => key !== 'tags')).toEqual([]);
        for (const tag of cell.metadata.tags ?? []) expect(KNOWN_TAGS).toContain(tag);
      }
    });
  });
});
