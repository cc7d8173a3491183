// Access tokens: short-lived HS256 JWTs bound to a session. Verification follows RFC 8725: the
// algorithm is pinned (no "none", no RS/HS confusion), the type is explicit (typ "at+jwt",
// RFC 9068), iss/aud/sub/sid/jti/iat/exp are all required and checked, a token issued in the future
// beyond the clock skew is refused, and kid/jku/jwk headers are never consulted: the key is ours.
// An invalid token is a null result, not an exception.
import { randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export const ACCESS_TOKEN_ALGORITHM = 'HS256';
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export interface AccessTokenClaims {
  iss: string;
  aud: string;
  sub: string;
  sid: string;
  jti: string;
  iat: number;
  exp: number;
}

export interface VerifiedAccessToken {
  userId: number;
  sessionId: string;
  claims: AccessTokenClaims;
}

export interface TokenServiceOptions {
  secret: KeyObject;
  issuer: string;
  audience: string;
  ttlSeconds: number;
  clockSkewSeconds: number;
  /** Milliseconds since the epoch; a seam for tests. */
  now?: () => number;
}

export interface TokenService {
  sign(subject: { userId: number; sessionId: string }): { token: string; expiresIn: number };
  verify(token: string): VerifiedAccessToken | null;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * @example
 * const tokens = createTokenService({ secret, issuer: 'authbook', audience: 'authbook', ttlSeconds: 900, clockSkewSeconds: 5 });
 * const { token } = tokens.sign({ userId: 1, sessionId: 'abc' });
 * tokens.verify(token); // { userId: 1, sessionId: 'abc', claims: {...} }
 * tokens.verify(token.slice(0, -2) + 'xx'); // null
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const now = options.now ?? Date.now;
  const signOptions: jwt.SignOptions = {
    algorithm: ACCESS_TOKEN_ALGORITHM,
    header: { alg: ACCESS_TOKEN_ALGORITHM, typ: ACCESS_TOKEN_TYPE },
  }; // jsonwebtoken keeps the iat we give it (from our clock) rather than its own

  return {
    sign({ userId, sessionId }) {
      const iat = Math.floor(now() / 1000);
      const claims: AccessTokenClaims = {
        iss: options.issuer,
        aud: options.audience,
        sub: String(userId),
        sid: sessionId,
        jti: randomBytes(16).toString('base64url'),
        iat,
        exp: iat + options.ttlSeconds,
      };
      return { token: jwt.sign(claims, options.secret, signOptions), expiresIn: options.ttlSeconds };
    },

    // #region verify
    verify(token) {
      const nowSeconds = Math.floor(now() / 1000);
      let decoded: jwt.Jwt;
      try {
        decoded = jwt.verify(token, options.secret, {
          algorithms: [ACCESS_TOKEN_ALGORITHM],
          issuer: options.issuer,
          audience: options.audience,
          clockTolerance: options.clockSkewSeconds,
          clockTimestamp: nowSeconds,
          complete: true,
        });
      } catch {
        return null; // bad signature, wrong alg, expired, wrong iss/aud, malformed: all simply invalid
      }
      if (decoded.header.typ !== ACCESS_TOKEN_TYPE) return null;
      const claims = decoded.payload as Partial<AccessTokenClaims>;
      if (!isText(claims.sub) || !isText(claims.sid) || !isText(claims.jti)) return null;
      if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number') return null;
      if (claims.iat > nowSeconds + options.clockSkewSeconds) return null; // issued in the future
      const userId = Number(claims.sub);
      if (!Number.isSafeInteger(userId) || userId <= 0) return null;
      return { userId, sessionId: claims.sid, claims: claims as AccessTokenClaims };
    },
    // #endregion verify
  };
}
