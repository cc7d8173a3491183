// SECURITY.md cites tests by file and title; this keeps the citations from drifting: every cited
// test file exists and holds a test (or test case) whose title begins with the cited words.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(__dirname, '..', '..');
const doc = fs.readFileSync(path.join(ROOT, 'SECURITY.md'), 'utf8');

/** [file, title prefix] for every `test/x.test.ts` "title" citation, in order. */
function citations(): Array<[string, string]> {
  const found: Array<[string, string]> = [];
  for (const line of doc.split('\n')) {
    let file: string | null = null;
    for (const match of line.matchAll(/`(test\/[^`]+\.test\.ts)`|"([^"]+)"/g)) {
      if (match[1]) file = match[1];
      else if (file) found.push([file, match[2]]);
    }
  }
  return found;
}

describe('SECURITY.md', () => {
  it('cites tests', () => {
    expect(citations().length).toBeGreaterThan(40);
  });

  it.each(citations())('%s has a test titled "%s..."', (file, title) => {
    const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
    expect(source.includes(`'${title}`) || source.includes(`"${title}`) || source.includes(`\`${title}`)).toBe(true);
  });

  it('covers every Level 1 and 2 requirement of V6 to V9 that has a number', () => {
    const rows = new Set([...doc.matchAll(/^\| (\d\.\d\.\d+)(?:–\d\.\d\.(\d+))? \|/gm)].flatMap((m) => {
      if (!m[2]) return [m[1]];
      const [major, minor, first] = m[1].split('.').map(Number);
      return Array.from({ length: Number(m[2]) - first + 1 }, (_, i) => `${major}.${minor}.${first + i}`);
    }));
    const expected = [
      '6.1.1', '6.1.2', '6.1.3', '6.2.1', '6.2.2', '6.2.3', '6.2.4', '6.2.5', '6.2.6', '6.2.7', '6.2.8', '6.2.9', '6.2.10', '6.2.11', '6.2.12',
      '6.3.1', '6.3.2', '6.3.3', '6.3.4', '6.4.1', '6.4.2', '6.4.3', '6.4.4', '6.5.1', '6.5.2', '6.5.3', '6.5.4', '6.5.5', '6.6.1', '6.6.2', '6.6.3',
      '6.8.1', '6.8.2', '6.8.3', '6.8.4', '7.1.1', '7.1.2', '7.1.3', '7.2.1', '7.2.2', '7.2.3', '7.2.4', '7.3.1', '7.3.2', '7.4.1', '7.4.2', '7.4.3',
      '7.4.4', '7.4.5', '7.5.1', '7.5.2', '7.6.1', '7.6.2', '8.1.1', '8.1.2', '8.2.1', '8.2.2', '8.2.3', '8.3.1', '8.4.1', '9.1.1', '9.1.2', '9.1.3',
      '9.2.1', '9.2.2', '9.2.3', '9.2.4',
    ];
    expect(expected).toHaveLength(67); // ASVS 5.0.0: 35 + 18 + 7 + 7 requirements at Level 1 or 2
    expect(expected.filter((id) => !rows.has(id))).toEqual([]);
  });
});
