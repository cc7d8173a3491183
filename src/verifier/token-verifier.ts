// For the apps behind authbook: verify its access tokens with its published keys alone, no secret
// and no database. The JWKS is fetched on first use and kept for its Cache-Control max-age; a token
// naming a kid not in it triggers one refetch (at most once per cooldown, so made-up kids cannot
// make this app hammer authbook). Only ES256 keys on P-256 are taken from the JWKS, and each verifies
// ES256 alone, so neither "none" nor an HS256 token signed with a public key can pass. If authbook
// cannot be reached, the keys fetched before keep working.
// The trade-off: such an app sees a logout only when the token expires (ACCESS_TOKEN_TTL); for
// immediate revocation it asks authbook (POST /token/introspect, or GET /users/me).
import { createPublicKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { accessTokenClaimsOf, headerKid, type AccessTokenClaims } from '../auth/tokens';

export type TokenVerificationErrorCode = 'invalid_token' | 'unknown_key' | 'jwks_unavailable';

/** Why a token was refused: `code` is stable, the message is for people. */
export class TokenVerificationError extends Error {
  constructor(
    readonly code: TokenVerificationErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TokenVerificationError';
  }
}

export interface TokenVerifierOptions {
  /** e.g. https://auth.example.com/.well-known/jwks.json */
  jwksUrl: string;
  issuer: string;
  audience: string;
  clockSkewSeconds?: number;
  /** Least time between two refetches for unknown kids, and between retries of a failed fetch (default 30 s). */
  refetchCooldownSeconds?: number;
  /** Used when the JWKS answer has no max-age (default 300 s). */
  defaultMaxAgeSeconds?: number;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; a seam for tests. */
  now?: () => number;
}

export interface TokenVerifier {
  /** The token's claims, or a rejection with a TokenVerificationError. */
  verify(token: string): Promise<AccessTokenClaims>;
  /** How many times the JWKS has been fetched (for operators and tests). */
  readonly fetches: number;
}

interface Jwk {
  kty?: unknown;
  crv?: unknown;
  x?: unknown;
  y?: unknown;
  kid?: unknown;
  alg?: unknown;
  use?: unknown;
}

/** The JWKS's ES256 signing keys by kid; anything else in it is ignored. */
function es256Keys(body: unknown): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const list = (body as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(list)) throw new Error('not a JWKS: no keys array');
  for (const jwk of list as Jwk[]) {
    const usable = jwk.kty === 'EC' && jwk.crv === 'P-256' && typeof jwk.kid === 'string' && (jwk.alg ?? 'ES256') === 'ES256' && (jwk.use ?? 'sig') === 'sig';
    if (!usable || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') continue;
    keys.set(jwk.kid as string, createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' }));
  }
  return keys;
}

const maxAgeOf = (cacheControl: string | null): number | null => {
  const match = /(?:^|,)\s*max-age=(\d+)/i.exec(cacheControl ?? '');
  return match ? Number(match[1]) : null;
};

/**
 * @example
 * const verifier = createTokenVerifier({ jwksUrl: 'http://127.0.0.1:5000/.well-known/jwks.json', issuer: 'authbook', audience: 'authbook' });
 * const claims = await verifier.verify(token); // { sub: '42', sid: '…', exp: …, … }
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  const skew = options.clockSkewSeconds ?? 5;
  const cooldownMs = (options.refetchCooldownSeconds ?? 30) * 1000;
  let keys = new Map<string, KeyObject>();
  let fetchedAt = -Infinity;
  let unknownKidFetchAt = -Infinity;
  let freshUntil = -Infinity;
  let fetching: Promise<void> | null = null;
  let fetches = 0;

  function refetch(): Promise<void> {
    fetching ??= (async () => {
      fetchedAt = now();
      fetches += 1;
      try {
        const response = await doFetch(options.jwksUrl, { headers: { accept: 'application/jwk-set+json, application/json' } });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        keys = es256Keys(await response.json());
        freshUntil = now() + (maxAgeOf(response.headers.get('cache-control')) ?? options.defaultMaxAgeSeconds ?? 300) * 1000;
      } catch (error) {
        // Keep the keys we have: authbook being briefly unreachable must not log everyone out.
        if (keys.size === 0) throw new TokenVerificationError('jwks_unavailable', `cannot fetch the JWKS at ${options.jwksUrl}: ${(error as Error).message}`);
      } finally {
        fetching = null;
      }
    })();
    return fetching;
  }

  async function keyFor(kid: string): Promise<KeyObject> {
    if (now() >= freshUntil && now() - fetchedAt >= cooldownMs) await refetch();
    else if (!keys.has(kid) && now() - unknownKidFetchAt >= cooldownMs) {
      unknownKidFetchAt = now();
      await refetch();
    } else if (fetching) await fetching;
    const key = keys.get(kid);
    if (!key) throw new TokenVerificationError('unknown_key', 'The token names a key the JWKS does not hold');
    return key;
  }

  return {
    async verify(token) {
      const kid = headerKid(token);
      if (typeof kid !== 'string') throw new TokenVerificationError('invalid_token', 'The token is malformed or names no key');
      const key = await keyFor(kid);
      const nowSeconds = Math.floor(now() / 1000);
      let decoded: jwt.Jwt;
      try {
        decoded = jwt.verify(token, key, {
          algorithms: ['ES256'],
          issuer: options.issuer,
          audience: options.audience,
          clockTolerance: skew,
          clockTimestamp: nowSeconds,
          complete: true,
        });
      } catch (error) {
        throw new TokenVerificationError('invalid_token', `The token is not valid: ${(error as Error).message}`);
      }
      const claims = accessTokenClaimsOf(decoded, nowSeconds, skew);
      if (!claims) throw new TokenVerificationError('invalid_token', 'The token is not an authbook access token');
      return claims;
    },
    get fetches() {
      return fetches;
    },
  };
}
