// Where the token-signing secret comes from. Production must supply JWT_SECRET (at least 32 bytes, not guessable);
// a developer or learner gets a random secret generated once and kept in a 0600 file beside the
// database, so tokens survive restarts and no secret is ever written in code.
import { createSecretKey, KeyObject } from 'node:crypto';
import { resolveGeneratedSecret } from './secret-file';

export const MIN_JWT_SECRET_BYTES = 32;
const SECRET_FILE_NAME = 'jwt-secret';

export type ResolvedSecret =
  | { key: KeyObject; source: string; warning?: string }
  | { problem: string };

/** True for a JWT_SECRET (or SECRETS_KEY) long enough to use; checked (with the production rule) by loadConfig. */
export const isStrongJwtSecret = (value: string): boolean => Buffer.byteLength(value, 'utf8') >= MIN_JWT_SECRET_BYTES;

/** Below this estimate a JWT_SECRET or SECRETS_KEY is refused in production and warned about elsewhere. */
export const MIN_JWT_SECRET_ENTROPY_BITS = 128;

/** The one line loadConfig reports for a secret variable (JWT_SECRET, SECRETS_KEY) that looks guessable, or null. */
export function guessableSecretProblem(value: string, variable: string): string | null {
  const bits = estimateEntropyBits(value);
  if (bits >= MIN_JWT_SECRET_ENTROPY_BITS) return null;
  return `${variable} looks guessable (repeated or few distinct characters: about ${Math.floor(bits)} bits by a per-character estimate, ${MIN_JWT_SECRET_ENTROPY_BITS} needed): generate one with openssl rand -base64 48`;
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
  // A KeyObject is parsed once; jsonwebtoken re-parses a plain string on every call (3x slower).
  if (value !== undefined) return { key: createSecretKey(Buffer.from(value, 'utf8')), source: 'JWT_SECRET' };
  const generated = resolveGeneratedSecret(SECRET_FILE_NAME, databasePath, 48, MIN_JWT_SECRET_BYTES);
  if ('problem' in generated) return { problem: `JWT_SECRET not set and ${generated.problem}` };
  const key = createSecretKey(generated.secret);
  if (databasePath === ':memory:') {
    return { key, source: generated.source, warning: 'JWT_SECRET not set: using a random secret for this process only (tokens die with it)' };
  }
  if (!generated.created) return { key, source: generated.source };
  return { key, source: generated.source, warning: `JWT_SECRET not set: generated a development secret in ${generated.source} (set JWT_SECRET in production)` };
}
