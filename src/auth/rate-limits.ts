// Per-client rate limits for the endpoints an attacker hammers. Counts live in the store, so every
// process serving one database shares them. RATE_LIMIT=off skips them (benchmarks only).
import type { AuthDeps, RequestContext } from './deps';
import { AuthError } from './errors';

export type LimitedAction = 'login' | 'register' | 'refresh';

const LIMIT_OF: Record<LimitedAction, (deps: AuthDeps) => number> = {
  login: (deps) => deps.config.rateLimit.loginPerWindow,
  register: (deps) => deps.config.rateLimit.registerPerWindow,
  refresh: (deps) => deps.config.rateLimit.refreshPerWindow,
};

export const retryAfterSeconds = (until: number, now: number): number => Math.max(1, Math.ceil((until - now) / 1000));

/** Counts this request against the client's address; throws rate_limited (429) past the limit. */
export async function enforceRateLimit(deps: AuthDeps, action: LimitedAction, context: RequestContext): Promise<void> {
  if (!deps.config.rateLimit.enabled) return;
  const now = deps.now();
  const { count, resetAt } = await deps.store.hitRateLimit(
    `${action}:ip:${context.ip ?? 'unknown'}`,
    now,
    deps.config.rateLimit.windowSeconds * 1000,
  );
  if (count > LIMIT_OF[action](deps)) {
    throw new AuthError('rate_limited', 'Too many requests, try again later', { retryAfterSeconds: retryAfterSeconds(resetAt, now) });
  }
}
