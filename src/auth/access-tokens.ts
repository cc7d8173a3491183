// Access tokens as the rules use them: signed with the key ring's current key (fresh, see
// key-ring.ts), verified with a bounded cache in front. An ES256 signature check costs tens of µs
// where an HMAC costs a few; the cache, keyed by the exact token string, makes it once per token per
// process. Only tokens that verified are cached, and each entry dies at the token's exp. The cache
// vouches for the signature and claims only: the session is still read from the database on every
// request (sessions.ts), so a logout bites at once.
import type { KeyRing } from './key-ring';
import { UNKNOWN_KEY, type TokenService, type VerifiedAccessToken } from './tokens';

export const VERIFIED_TOKEN_CACHE_ENTRIES = 10_000;

export interface AccessTokens {
  sign(subject: { userId: number; sessionId: string }): Promise<{ token: string; expiresIn: number }>;
  /** From memory: the verified token, null, or UNKNOWN_KEY (then call verifyAfterReload). */
  verifyCached(token: string): VerifiedAccessToken | null | typeof UNKNOWN_KEY;
  /** Reloads the keys (rate-limited) and verifies again: for a kid this process did not hold. */
  verifyAfterReload(token: string): Promise<VerifiedAccessToken | null>;
}

export interface AccessTokenOptions {
  tokens: TokenService;
  ring: KeyRing;
  now: () => number;
  maxEntries?: number;
}

/**
 * @example
 * const access = createAccessTokens({ tokens, ring, now: Date.now });
 * const { token } = await access.sign({ userId: 1, sessionId: 's' });
 * access.verifyCached(token); // { userId: 1, sessionId: 's', claims }, from the cache the second time
 */
export function createAccessTokens({ tokens, ring, now, maxEntries = VERIFIED_TOKEN_CACHE_ENTRIES }: AccessTokenOptions): AccessTokens {
  const verified = new Map<string, VerifiedAccessToken>(); // in insertion order: the oldest goes first

  function remember(token: string, result: VerifiedAccessToken): void {
    if (verified.size >= maxEntries) verified.delete(verified.keys().next().value!);
    verified.set(token, result);
  }

  function verifyCached(token: string): VerifiedAccessToken | null | typeof UNKNOWN_KEY {
    const hit = verified.get(token);
    if (hit) {
      if (hit.claims.exp * 1000 > now()) return hit;
      verified.delete(token); // expired: the full check below decides (the clock skew may still allow it)
    }
    if (!ring.loaded()) return UNKNOWN_KEY;
    const result = tokens.verifyWithKeyLookup(token);
    if (result !== null && result !== UNKNOWN_KEY) remember(token, result);
    return result;
  }

  return {
    async sign(subject) {
      await ring.fresh();
      return tokens.sign(subject);
    },
    verifyCached,
    async verifyAfterReload(token) {
      await (ring.loaded() ? ring.reloadForUnknownKid() : ring.fresh());
      const result = verifyCached(token);
      return result === UNKNOWN_KEY ? null : result;
    },
  };
}
