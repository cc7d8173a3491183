// Trusted devices (OWASP "device cookies"): a client that has signed in to an account gets a signed
// token naming that account and a random device id. While the account is locked for unknown
// clients (someone is guessing its password, or just trying to lock its owner out), a client with a
// valid token still gets in with the right password, spending a small budget of its own. The token
// grants nothing by itself: the password is still checked.
import { createHmac, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';

export interface TrustedDevices {
  /** A new token for a client that just proved it knows this account's password. */
  issue(userId: number): string;
  /** The device id of a token this server issued for this account and that has not expired; else null. */
  verify(token: string, userId: number): string | null;
}

// id (128 bits) . expiry (seconds since the epoch) . HMAC-SHA256 over account, id and expiry
const TOKEN_PATTERN = /^([A-Za-z0-9_-]{22})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * @example
 * const devices = createTrustedDevices({ secret: config.jwtSecret, ttlSeconds: 180 * 86400, now: Date.now, randomBytes });
 * const token = devices.issue(42);
 * devices.verify(token, 42); // 'dG9rZW4gaWQgaGVyZQ' (the device id); for user 43: null
 */
export function createTrustedDevices(options: {
  secret: KeyObject;
  ttlSeconds: number;
  now: () => number;
  randomBytes: (size: number) => Buffer;
}): TrustedDevices {
  // A key of its own, derived from the server secret, so a device token can never pass for anything else.
  const key = Buffer.from(hkdfSync('sha256', options.secret, Buffer.alloc(0), 'authbook device token v1', 32));
  const mac = (userId: number, id: string, expires: string): Buffer => createHmac('sha256', key).update(`${userId}.${id}.${expires}`).digest();

  return {
    issue(userId) {
      const id = options.randomBytes(16).toString('base64url');
      const expires = String(Math.floor(options.now() / 1000) + options.ttlSeconds);
      return `${id}.${expires}.${mac(userId, id, expires).toString('base64url')}`;
    },

    verify(token, userId) {
      const match = TOKEN_PATTERN.exec(token);
      if (!match) return null;
      const [, id, expires, signature] = match;
      if (Number(expires) * 1000 <= options.now()) return null;
      // constant-time comparison, so timing reveals nothing about the expected signature
      return timingSafeEqual(Buffer.from(signature, 'base64url'), mac(userId, id, expires)) ? id : null;
    },
  };
}
