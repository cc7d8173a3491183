// Per-client rate limits for the endpoints an attacker hammers. Counts live in the store, so every
// process serving one database shares them. Limits on login and refresh count failures only: a hit
// is taken before the work and given back when it succeeds, so a room of people behind one address
// signing in costs nothing, and concurrency cannot slip past the count. RATE_LIMIT=off skips them.
import type { RateLimitConfig } from '../config';
import { auditEntry, type AuthDeps, type RequestContext } from './deps';
import { AuthError } from './errors';

export type LimitedAction = 'login' | 'register' | 'refresh' | 'password' | 'mail';

const LIMIT_OF: Record<LimitedAction, (limits: RateLimitConfig) => number> = {
  login: (limits) => limits.loginFailuresPerWindow,
  register: (limits) => limits.registerPerWindow,
  refresh: (limits) => limits.refreshFailuresPerWindow,
  password: (limits) => limits.passwordChangesPerWindow,
  mail: (limits) => limits.mailPerWindow,
};

/** A hit taken from a limit; give it back with releaseRateLimit when the request succeeds. */
export interface LimitSlot {
  key: string;
  windowStart: number;
}

export const retryAfterSeconds = (until: number, now: number): number => Math.max(1, Math.ceil((until - now) / 1000));

async function hit(deps: AuthDeps, key: string, limit: number, context: RequestContext, details: { action: string; scope: string }, userId: number | null) {
  const now = deps.now();
  const result = await deps.store.hitRateLimit(
    key,
    now,
    deps.config.rateLimit.windowSeconds * 1000,
    limit,
    auditEntry('rate_limited', context, { userId, actorId: null }, details),
  );
  if (!result.allowed) {
    throw new AuthError('rate_limited', 'Too many requests, try again later', { retryAfterSeconds: retryAfterSeconds(result.resetAt, now) });
  }
  return { key, windowStart: result.windowStart };
}

/** Counts this request against the client's address; throws rate_limited (429) past the limit. */
export async function enforceRateLimit(deps: AuthDeps, action: LimitedAction, context: RequestContext): Promise<LimitSlot | null> {
  if (!deps.config.rateLimit.enabled) return null;
  return hit(deps, `${action}:ip:${context.ip ?? 'unknown'}`, LIMIT_OF[action](deps.config.rateLimit), context, { action, scope: 'address' }, null);
}

/** Counts this request against one account (password changes: each costs two bcrypt hashes). */
export async function enforceUserRateLimit(deps: AuthDeps, action: 'password', userId: number, context: RequestContext): Promise<void> {
  if (!deps.config.rateLimit.enabled) return;
  await hit(deps, `${action}:user:${userId}`, deps.config.rateLimit.passwordChangesPerUserPerWindow, context, { action, scope: 'user' }, userId);
}

/** Counts a request that sends mail against its recipient's address, whether or not it has an account. */
export async function enforceRecipientRateLimit(deps: AuthDeps, recipient: string, context: RequestContext, userId: number | null = null): Promise<void> {
  if (!deps.config.rateLimit.enabled) return;
  await hit(deps, `mail:recipient:${recipient}`, deps.config.rateLimit.mailPerRecipientPerWindow, context, { action: 'mail', scope: 'recipient' }, userId);
}

/** Gives back a failure-counting limit's hit: the request it was taken for succeeded. */
export async function releaseRateLimit(deps: AuthDeps, slot: LimitSlot | null): Promise<void> {
  if (slot) await deps.store.releaseRateLimit(slot.key, slot.windowStart);
}
