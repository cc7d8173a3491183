// Login, and the brute-force defence around it. Per client address, a rate limit; per account, a
// lock-out that grows with each round of failures (as Keycloak's brute-force detection). Unknown
// email and wrong password answer alike, in about the same time (one bcrypt compare either way).
// The lock-out keys on the email as typed, so it behaves the same for accounts that do not exist.
import { auditEntry, type AuthDeps, type RequestContext, type UserGrant } from './deps';
import { normalizeEmail } from './identity';
import { AuthError } from './errors';
import { enforceRateLimit, retryAfterSeconds } from './rate-limits';
import { startSession } from './sessions';

/** Forgotten failures: a quiet day clears an account's record. */
const FAILURE_MEMORY_MS = 24 * 3600 * 1000;

export const INVALID_CREDENTIALS_MESSAGE = 'Invalid email or password';

export async function throwIfLocked(deps: AuthDeps, email: string): Promise<void> {
  if (!deps.config.rateLimit.enabled) return;
  const now = deps.now();
  const lockedUntil = await deps.store.getLockedUntil(email, now);
  if (lockedUntil !== null) {
    throw new AuthError('account_locked', 'Too many failed attempts for this account, try again later', {
      retryAfterSeconds: retryAfterSeconds(lockedUntil, now),
    });
  }
}

export async function recordFailedPassword(deps: AuthDeps, email: string, userId: number | null, context: RequestContext): Promise<void> {
  const now = deps.now();
  const { lockoutThreshold, lockoutBaseSeconds, lockoutMaxSeconds, enabled } = deps.config.rateLimit;
  const policy = enabled
    ? { threshold: lockoutThreshold, baseMs: lockoutBaseSeconds * 1000, maxMs: lockoutMaxSeconds * 1000, resetAfterMs: FAILURE_MEMORY_MS }
    : null;
  await deps.store.recordLoginFailure(email, now, policy, auditEntry('login_failure', context, { userId, actorId: null }, { email }));
}

/** Retention for the store's pruning of old failure rows. */
export const loginFailureRetentionMs = (deps: AuthDeps): number =>
  Math.max(FAILURE_MEMORY_MS, deps.config.rateLimit.lockoutMaxSeconds * 1000);

export async function login(deps: AuthDeps, credentials: { email: string; password: string }, context: RequestContext): Promise<UserGrant> {
  await enforceRateLimit(deps, 'login', context);
  const email = normalizeEmail(credentials.email);
  await throwIfLocked(deps, email);
  const user = await deps.store.findUserByEmail(email);
  const passwordMatches = user
    ? await deps.hasher.verify(credentials.password, user.passwordHash)
    : await deps.hasher.verifyAgainstNothing(credentials.password);
  if (!user || !passwordMatches) {
    await recordFailedPassword(deps, email, user?.id ?? null, context);
    throw new AuthError('invalid_credentials', INVALID_CREDENTIALS_MESSAGE);
  }
  if (user.disabledAt !== null) {
    // Only someone who knows the password learns the account is disabled.
    throw new AuthError('account_disabled', 'This account is disabled');
  }
  if (deps.config.rateLimit.enabled) await deps.store.clearLoginFailures(email);
  const grant = await startSession(deps, user.id, context, auditEntry('login_success', context, { userId: user.id, actorId: user.id }));
  const { passwordHash: _hash, ...publicUser } = user;
  return { user: publicUser, ...grant };
}
