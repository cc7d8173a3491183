// Recovery codes: ten single-use codes shown once at TOTP enrolment, for a lost phone. Each is 80
// random bits written in Crockford's base32 (no i, l, o, u; typed look-alikes are read as 1 and 0),
// so a plain SHA-256 is enough to store it: unlike a password there is no small space to search.
import { createHash } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const CODE_BYTES = 10; // 80 bits: 16 characters of 5 bits
const CODE_PATTERN = /^[0-9a-hjkmnp-tv-z]{16}$/;

function encode(bytes: Buffer): string {
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let text = '';
  for (let shift = BigInt(bytes.length * 8 - 5); shift >= 0n; shift -= 5n) text += ALPHABET[Number((bits >> shift) & 31n)];
  return text;
}

/** New codes, shown as xxxx-xxxx-xxxx-xxxx. */
export const newRecoveryCodes = (randomBytes: (size: number) => Buffer): string[] =>
  Array.from({ length: RECOVERY_CODE_COUNT }, () => encode(randomBytes(CODE_BYTES)).replace(/(.{4})(?!$)/g, '$1-'));

/** A typed code as stored: lower case, no dashes or spaces, look-alikes mapped; null if it cannot be one. */
export function normalizeRecoveryCode(typed: string): string | null {
  const code = typed.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0');
  return CODE_PATTERN.test(code) ? code : null;
}

export const hashRecoveryCode = (normalized: string): Buffer => createHash('sha256').update(normalized, 'utf8').digest();
