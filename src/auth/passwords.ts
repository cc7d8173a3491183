// Password hashing: bcrypt at a configurable cost, on libuv's threadpool (the async API) so a login
// never stalls other requests. bcrypt reads only 72 bytes and stops at a NUL byte, so the password
// is first folded with HMAC-SHA256 keyed by the bcrypt salt and base64-encoded (44 bytes, no NUL):
// the scheme of passlib's bcrypt_sha256 v2. Every character of a long password counts (ASVS 6.2.8).
import { createHmac } from 'node:crypto';
import bcrypt from 'bcrypt';

/** NIST SP 800-63B asks for Unicode normalisation, so the same password typed two ways matches. */
export const normalizePassword = (password: string): string => password.normalize('NFKC');

// #region prehash
function prehash(password: string, salt: string): string {
  return createHmac('sha256', salt).update(normalizePassword(password), 'utf8').digest('base64');
}
// #endregion prehash

/** The "$2b$12$" + 22-character salt at the front of a bcrypt string. */
const BCRYPT_SALT_LENGTH = 29;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
  /** Spends the time of one verify and returns false: an unknown email costs what a known one does. */
  verifyAgainstNothing(password: string): Promise<false>;
  readonly rounds: number;
}

/**
 * @example
 * const hasher = createPasswordHasher(12);
 * const hash = await hasher.hash('correct horse battery staple'); // "$2b$12$..."
 * await hasher.verify('correct horse battery staple', hash);     // true
 */
export function createPasswordHasher(rounds: number): PasswordHasher {
  async function hash(password: string): Promise<string> {
    const salt = await bcrypt.genSalt(rounds);
    return bcrypt.hash(prehash(password, salt), salt);
  }

  async function verify(password: string, stored: string): Promise<boolean> {
    // bcrypt.compare runs in constant time, so timing reveals nothing about the stored hash.
    return bcrypt.compare(prehash(password, stored.slice(0, BCRYPT_SALT_LENGTH)), stored);
  }

  // Made now, on the threadpool, so even the first unknown-email login costs one compare, not two.
  const dummyHash = hash('authbook timing equaliser');

  return {
    rounds,
    hash,
    verify,
    async verifyAgainstNothing(password) {
      await verify(password, await dummyHash);
      return false;
    },
  };
}

/** Splits a bcrypt string into its parts, for people to look at. */
export function describeBcryptHash(stored: string): { algorithm: string; cost: number; salt: string; hash: string } {
  const match = /^\$(2[abxy])\$(\d{2})\$([./A-Za-z0-9]{22})([./A-Za-z0-9]{31})$/.exec(stored);
  if (!match) throw new Error('not a bcrypt hash');
  return { algorithm: match[1], cost: Number(match[2]), salt: match[3], hash: match[4] };
}
