// The mfa_token /login answers when the account has a second factor: a JWT for one purpose (typ
// "mfa+jwt", signed with a key derived from the server secret for this alone, so it can never pass
// as an access token, nor an access token as it), naming the account, valid for five minutes.
import { hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const MFA_TOKEN_TTL_SECONDS = 300;
const TYPE = 'mfa+jwt';
const ALGORITHM = 'HS256';

export interface MfaTokens {
  issue(userId: number): string;
  /** The account the token was issued for, if it is valid now; else null. */
  verify(token: string): number | null;
}

export function createMfaTokens(options: { secret: KeyObject; issuer: string; now: () => number }): MfaTokens {
  const key = Buffer.from(hkdfSync('sha256', options.secret, Buffer.alloc(0), 'authbook mfa token v1', 32));
  return {
    issue(userId) {
      const iat = Math.floor(options.now() / 1000);
      const claims = { iss: options.issuer, sub: String(userId), jti: randomBytes(12).toString('base64url'), iat, exp: iat + MFA_TOKEN_TTL_SECONDS };
      return jwt.sign(claims, key, { algorithm: ALGORITHM, header: { alg: ALGORITHM, typ: TYPE } });
    },
    verify(token) {
      try {
        const decoded = jwt.verify(token, key, { algorithms: [ALGORITHM], issuer: options.issuer, clockTimestamp: Math.floor(options.now() / 1000), complete: true });
        const userId = Number((decoded.payload as { sub?: unknown }).sub);
        return decoded.header.typ === TYPE && Number.isSafeInteger(userId) && userId > 0 ? userId : null;
      } catch {
        return null;
      }
    },
  };
}
