// The files that hold password hashes, sessions and the signing secret are created readable by the
// service's own user only: the database, its -wal and -shm, the jwt-secret file and their folder.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/sqlite/open-database';
import { tempDir } from '../helpers/test-server';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
function scratch(): string {
  const dir = tempDir('authbook-files-');
  dirs.push(dir);
  return dir;
}
const modeOf = (file: string): number => fs.statSync(file).mode & 0o777;

describe('private files', () => {
  it('openDatabase creates the folder 0700 and the database, its -wal and -shm 0600', () => {
    const folder = path.join(scratch(), 'new', 'data');
    const file = path.join(folder, 'auth.db');
    const db = openDatabase(file);
    try {
      db.prepare("INSERT INTO roles (name, description) VALUES ('x', 'a write, so the WAL has content')").run();
      expect(modeOf(folder)).toBe(0o700);
      expect(modeOf(path.dirname(folder))).toBe(0o700);
      for (const name of [file, `${file}-wal`, `${file}-shm`]) expect([name, modeOf(name)]).toEqual([name, 0o600]);
    } finally {
      db.close();
    }
  });

  it("leaves an operator's existing folder and database as they are", () => {
    const folder = scratch();
    fs.chmodSync(folder, 0o750);
    const file = path.join(folder, 'auth.db');
    fs.writeFileSync(file, '');
    fs.chmodSync(file, 0o640);
    openDatabase(file).close();
    expect(modeOf(folder)).toBe(0o750);
    expect(modeOf(file)).toBe(0o640);
  });

  it('the generated jwt-secret and the folder it creates are private', () => {
    const folder = path.join(scratch(), 'fresh');
    loadConfig({ DATABASE_PATH: path.join(folder, 'auth.db') });
    expect(modeOf(folder)).toBe(0o700);
    expect(modeOf(path.join(folder, 'jwt-secret'))).toBe(0o600);
  });
});
