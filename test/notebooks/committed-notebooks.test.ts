// What is committed in notebooks/: clean (no outputs, no execution counts, so no stale results, tokens
// or machine paths in git), on the project's own kernel, numbered in order, each opening with a
// title, a summary and the source it teaches. Reads the files only; no kernel needed.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNEL_NAME } from '../../src/notebook/kernel-spec';
import { NOTEBOOKS_DIR } from './run-notebook';

interface Cell {
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
  metadata: Record<string, unknown>;
  outputs?: unknown[];
  execution_count?: number | null;
}

const names = fs.readdirSync(NOTEBOOKS_DIR).filter((name) => name.endsWith('.ipynb')).sort();
const read = (name: string) => {
  const text = fs.readFileSync(path.join(NOTEBOOKS_DIR, name), 'utf8');
  return { text, notebook: JSON.parse(text) as { nbformat: number; metadata: { kernelspec?: { name: string } }; cells: Cell[] } };
};
const sourceOf = (cell: Cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);

describe('committed notebooks', () => {
  it('are numbered 01, 02, ... without gaps', () => {
    expect(names.length).toBeGreaterThan(0);
    names.forEach((name, index) => expect(name).toMatch(new RegExp(`^${String(index + 1).padStart(2, '0')}-[a-z0-9-]+\\.ipynb$`)));
  });

  describe.each(names)('%s', (name) => {
    const { text, notebook } = read(name);

    it('carries no outputs and no execution counts', () => {
      for (const cell of notebook.cells.filter((c) => c.cell_type === 'code')) {
        expect(cell.outputs).toEqual([]);
        expect(cell.execution_count).toBeNull();
      }
    });

    it("names the project's kernel", () => {
      expect(notebook.nbformat).toBe(4);
      expect(notebook.metadata.kernelspec?.name).toBe(KERNEL_NAME);
    });

    it('opens with a title, a one-line summary and its source files', () => {
      const first = notebook.cells[0];
      expect(first.cell_type).toBe('markdown');
      expect(sourceOf(first)).toMatch(/^# \d+\. .+\n\n.+\n\nSource: `(src\/|package\.json)/);
    });

    it('holds no tokens, secrets or machine paths', () => {
      expect(text).not.toMatch(/eyJ[\w-]{10,}\.eyJ[\w-]{10,}/); // a JWT
      expect(text).not.toMatch(/\/(home|root|Users|tmp)\/[\w.-]+/);
      expect(text).not.toMatch(/authtoken|ngrok\.set_auth_token/i);
    });

    it('keeps only tags in cell metadata', () => {
      for (const cell of notebook.cells) expect(Object.keys(cell.metadata).filter((key) => key !== 'tags')).toEqual([]);
    });
  });
});
