// A random secret generated once into a 0600 file beside the database, for developers and learners
// who set no variable: it survives restarts, is never written in code, and processes starting
// together all end up with the same one. Used for the JWT secret and for the secrets-at-rest key.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createPrivateFolder, PRIVATE_FILE_MODE } from './private-files';

export type GeneratedSecret =
  | { secret: Buffer; source: string; created: boolean }
  | { problem: string };

/**
 * The secret in `fileName` beside the database, created there (`bytes` random bytes) if missing.
 * With an in-memory database there is no folder: the secret is random and lives with the process.
 * Only writing the file can fail; a file holding fewer than `minBytes` is a problem, not replaced.
 */
export function resolveGeneratedSecret(fileName: string, databasePath: string, bytes: number, minBytes: number): GeneratedSecret {
  if (databasePath === ':memory:') return { secret: randomBytes(bytes), source: 'generated in memory', created: true };
  const file = path.join(path.dirname(path.resolve(databasePath)), fileName);
  const existing = readSecretFile(file, minBytes);
  if (existing) return { secret: existing, source: file, created: false };
  createPrivateFolder(path.dirname(file));
  const secret = randomBytes(bytes);
  try {
    if (!publishSecretFile(file, secret)) {
      // Another process created it first: read theirs, so both agree. It was whole when it appeared.
      const raced = readSecretFile(file, minBytes);
      if (raced) return { secret: raced, source: file, created: false };
      return { problem: `${file} exists but holds no usable secret` };
    }
  } catch (error) {
    return { problem: `${file} could not be written: ${(error as Error).message}` };
  }
  return { secret, source: file, created: true };
}

/**
 * Creates `file` holding the secret, atomically: written whole (and synced) under a private
 * temporary name, then hard-linked into place. The link fails if the file exists, so of processes
 * starting together exactly one creates it, and none ever reads it half-written. False: it existed.
 */
function publishSecretFile(file: string, secret: Buffer): boolean {
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fd = fs.openSync(temporary, 'wx', PRIVATE_FILE_MODE);
    try {
      fs.writeSync(fd, secret.toString('base64') + '\n');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

function readSecretFile(file: string, minBytes: number): Buffer | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
  const secret = Buffer.from(text, 'base64');
  return secret.length >= minBytes ? secret : null;
}
