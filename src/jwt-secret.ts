// Where the token-signing secret comes from. Production must supply JWT_SECRET (at least 32 bytes, not guessable);
// a developer or learner gets a random secret generated once and kept in a 0600 file beside the
// database, so tokens survive restarts and no secret is ever written in code.
import { createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createPrivateFolder, PRIVATE_FILE_MODE } from './private-files';

export const MIN_JWT_SECRET_BYTES = 32;
const SECRET_FILE_NAME = 'jwt-secret';

export type ResolvedSecret =
  | { key: KeyObject; source: string; warning?: string }
  | { problem: string };

/** True for a JWT_SECRET long enough to sign with; checked (with the production rule) by loadConfig. */
export const isStrongJwtSecret = (value: string): boolean => Buffer.byteLength(value, 'utf8') >= MIN_JWT_SECRET_BYTES;

/** Below this estimate a JWT_SECRET is refused in production and warned about elsewhere. */
export const MIN_JWT_SECRET_ENTROPY_BITS = 128;

/** The one line loadConfig reports for a JWT_SECRET that looks guessable, or null. */
export function guessableJwtSecretProblem(value: string): string | null {
  const bits = estimateEntropyBits(value);
  if (bits >= MIN_JWT_SECRET_ENTROPY_BITS) return null;
  return `JWT_SECRET looks guessable (repeated or few distinct characters: about ${Math.floor(bits)} bits by a per-character estimate, ${MIN_JWT_SECRET_ENTROPY_BITS} needed): generate one with openssl rand -base64 48`;
}

/**
 * A rough upper bound on a secret's entropy: its length times the Shannon entropy of its own
 * character frequencies. It cannot prove a secret random, but it exposes the obvious failures:
 * one repeated character (0 bits), a repeated pattern, a short alphabet. `openssl rand -base64 48`
 * gives about 330; 32 random bytes in hex (64 characters) about 245.
 *
 * @example
 * estimateEntropyBits('abc'.repeat(11)); // 52.3: three symbols, equally often, 33 times
 */
export function estimateEntropyBits(value: string): number {
  const characters = Array.from(value);
  const counts = new Map<string, number>();
  for (const character of characters) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bitsPerCharacter = 0;
  for (const count of counts.values()) {
    const p = count / characters.length;
    bitsPerCharacter -= p * Math.log2(p);
  }
  return bitsPerCharacter * characters.length;
}

/**
 * The key from an already-validated JWT_SECRET, or (none given, outside production) the generated
 * one: read from the file beside the database, or created there. Only writing the file can fail.
 */
export function resolveJwtSecret(value: string | undefined, databasePath: string): ResolvedSecret {
  if (value !== undefined) {
    // A KeyObject is parsed once; jsonwebtoken re-parses a plain string on every call (3x slower).
    return { key: createSecretKey(Buffer.from(value, 'utf8')), source: 'JWT_SECRET' };
  }
  if (databasePath === ':memory:') {
    return {
      key: createSecretKey(randomBytes(48)),
      source: 'generated in memory',
      warning: 'JWT_SECRET not set: using a random secret for this process only (tokens die with it)',
    };
  }
  const file = path.join(path.dirname(path.resolve(databasePath)), SECRET_FILE_NAME);
  const existing = readSecretFile(file);
  if (existing) return { key: createSecretKey(existing), source: file };
  createPrivateFolder(path.dirname(file));
  const secret = randomBytes(48);
  try {
    if (!publishSecretFile(file, secret)) {
      // Another process created it first: read theirs, so both agree. It was whole when it appeared.
      const raced = readSecretFile(file);
      if (raced) return { key: createSecretKey(raced), source: file };
      return { problem: `JWT_SECRET not set and ${file} exists but holds no usable secret` };
    }
  } catch (error) {
    return { problem: `JWT_SECRET not set and ${file} could not be written: ${(error as Error).message}` };
  }
  return {
    key: createSecretKey(secret),
    source: file,
    warning: `JWT_SECRET not set: generated a development secret in ${file} (set JWT_SECRET in production)`,
  };
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

function readSecretFile(file: string): Buffer | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').trim();
  } catch {
    return null;
  }
  const secret = Buffer.from(text, 'base64');
  return secret.length >= MIN_JWT_SECRET_BYTES ? secret : null;
}
