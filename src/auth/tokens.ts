// Access tokens: short-lived JWTs bound to a session, signed ES256 (keys in the database, see
// signing-keys.ts) or HS256 (JWT_SECRET). Verification follows RFC 8725: the key is one of OUR keys,
// picked by the header's kid (jku, jwk and x5u are never consulted), and each key pins its one
// algorithm, so an HS256 token cannot pass under an ES256 key (or "none" under any); the type is
// explicit (typ "at+jwt", RFC 9068); iss/aud/sub/sid/jti/iat/exp are all required and checked; a
// token issued in the future beyond the clock skew, or living longer than the configured lifetime,
// is refused. An invalid token is a null result, not an exception.
import { createHmac, randomBytes, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** The algorithm of tokens signed with a JWT_SECRET alone (the `secret` option). */
export const ACCESS_TOKEN_ALGORITHM = 'HS256';
export const ACCESS_TOKEN_TYPE = 'at+jwt';

export type AccessTokenAlgorithm = 'ES256' | 'HS256';

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

/** A key that signs: ES256 private key or HS256 secret. */
export interface TokenSigningKey {
  kid: string;
  alg: AccessTokenAlgorithm;
  key: KeyObject;
}

/** A key that verifies, with the one algorithm it accepts. */
export interface TokenVerificationKey extends TokenSigningKey {
  /** Seconds since the epoch: tokens issued later are refused (JWT_SECRET once ES256 signs). */
  issuedNoLaterThan?: number;
}

/** Where the token service finds keys: in memory, answered at once (key-ring.ts keeps them fresh). */
export interface TokenKeys {
  signingKey(): TokenSigningKey;
  /** Our key named `kid` (a token without one: the JWT_SECRET key), or null when we hold none. */
  verificationKey(kid: string | undefined): TokenVerificationKey | null;
}

export interface TokenServiceOptions {
  /** HS256 under this one key (tokens, the notebooks), unless `keys` is given. */
  secret?: KeyObject;
  keys?: TokenKeys;
  issuer: string;
  audience: string;
  ttlSeconds: number;
  clockSkewSeconds: number;
  /** Milliseconds since the epoch; a seam for tests. */
  now?: () => number;
}

/** verifyWithKeyLookup's answer for a well-formed token naming a kid we do not hold (yet). */
export const UNKNOWN_KEY = Symbol('unknown signing key');

export interface TokenService {
  sign(subject: { userId: number; sessionId: string }): { token: string; expiresIn: number };
  verify(token: string): VerifiedAccessToken | null;
  /** Like verify, but tells a kid we do not hold (worth reloading the keys for) from a bad token. */
  verifyWithKeyLookup(token: string): VerifiedAccessToken | null | typeof UNKNOWN_KEY;
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** The kid of the JWT_SECRET key: a fingerprint (an HMAC of a fixed label) that reveals nothing of it. */
export const hmacKeyId = (secret: KeyObject): string =>
  `hs256-${createHmac('sha256', secret).update('authbook access-token kid').digest('base64url').slice(0, 16)}`;

/** The JWT_SECRET key as the only key: signs, and verifies tokens naming it (or no kid, as before kids). */
export function hmacTokenKeys(secret: KeyObject): TokenKeys {
  const key: TokenSigningKey = { kid: hmacKeyId(secret), alg: 'HS256', key: secret };
  return { signingKey: () => key, verificationKey: (kid) => (kid === undefined || kid === key.kid ? key : null) };
}

/** The header's kid: undefined when absent, null when not a string (malformed). */
function headerKid(token: string): string | undefined | null {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.header !== 'object') return null;
  const { kid } = decoded.header;
  return kid === undefined || isText(kid) ? kid : null;
}

/**
 * @example
 * const tokens = createTokenService({ secret, issuer: 'authbook', audience: 'authbook', ttlSeconds: 900, clockSkewSeconds: 5 });
 * const { token } = tokens.sign({ userId: 1, sessionId: 'abc' });
 * tokens.verify(token); // { userId: 1, sessionId: 'abc', claims: {...} }
 * tokens.verify(token.slice(0, -2) + 'xx'); // null
 */
export function createTokenService(options: TokenServiceOptions): TokenService {
  const now = options.now ?? Date.now;
  const keys = options.keys ?? hmacTokenKeys(options.secret!);

  const service: TokenService = {
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
      const { kid, alg, key } = keys.signingKey();
      // jsonwebtoken keeps the iat we give it (from our clock) rather than its own
      const token = jwt.sign(claims, key, { algorithm: alg, header: { alg, typ: ACCESS_TOKEN_TYPE, kid } });
      return { token, expiresIn: options.ttlSeconds };
    },

    // #region verify
    verify(token) {
      const kid = headerKid(token);
      const key = kid === null ? null : keys.verificationKey(kid);
      if (!key) return null;
      const nowSeconds = Math.floor(now() / 1000);
      let decoded: jwt.Jwt;
      try {
        decoded = jwt.verify(token, key.key, {
          algorithms: [key.alg], // the key's own algorithm, never the one the header asks for
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
      if (claims.exp - claims.iat > options.ttlSeconds + options.clockSkewSeconds) return null; // longer-lived than we issue
      if (key.issuedNoLaterThan !== undefined && claims.iat > key.issuedNoLaterThan) return null;
      const userId = Number(claims.sub);
      if (!Number.isSafeInteger(userId) || userId <= 0) return null;
      return { userId, sessionId: claims.sid, claims: claims as AccessTokenClaims };
    },
    // #endregion verify

    verifyWithKeyLookup(token) {
      const kid = headerKid(token);
      if (typeof kid === 'string' && keys.verificationKey(kid) === null) return UNKNOWN_KEY;
      return service.verify(token);
    },
  };
  return service;
}
