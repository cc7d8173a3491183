// The one way a password is checked for login and for a password change: inside a budget. The
// check is reserved in the store before bcrypt runs, so at most LOCKOUT_THRESHOLD passwords of an
// account are ever checked per lock period, however many requests arrive at once and whichever
// process serves them. A right password is let through only if no lock came into force meanwhile.
// Unknown clients spend the account's budget (keyed on the email as typed, so it behaves the same
// for accounts that do not exist); a trusted device spends its own (trusted-devices.ts).
import type { LockoutPolicy, UserWithPasswordHash } from '../db/store';
import { auditEntry, type AuthDeps, type RequestContext } from './deps';
import { AuthError } from './errors';
import { retryAfterSeconds } from './rate-limits';

/** Forgotten failures: a quiet day clears an account's record. */
const FAILURE_MEMORY_MS = 24 * 3600 * 1000;

export interface PasswordAttempt {
  /** The account as typed, normalised: its budget's key whether or not the account exists. */
  email: string;
  /** The account, when there is one. */
  user: UserWithPasswordHash | null;
  password: string;
  /** A trusted-device token the client sent back, if any. */
  deviceToken: string | null;
  /** Recorded with a failure, e.g. { via: 'password_change' }. */
  details?: Record<string, string>;
}

/** The lock-out budget of an account, keyed on its address (a password reset clears it). */
export const accountBudgetKey = (email: string): string => `account:${email}`;

/** Retention for the store's pruning of old attempt rows. */
export const loginAttemptRetentionMs = (deps: AuthDeps): number =>
  Math.max(FAILURE_MEMORY_MS, deps.config.rateLimit.lockoutMaxSeconds * 1000);

function policyOf(deps: AuthDeps, threshold: number): LockoutPolicy {
  const { lockoutBaseSeconds, lockoutMaxSeconds } = deps.config.rateLimit;
  return { threshold, baseMs: lockoutBaseSeconds * 1000, maxMs: lockoutMaxSeconds * 1000, resetAfterMs: FAILURE_MEMORY_MS };
}

const lockedError = (retryAt: number, now: number) =>
  new AuthError('account_locked', 'Too many failed attempts for this account, try again later', {
    retryAfterSeconds: retryAfterSeconds(retryAt, now),
  });

/** Reserves one check: from a trusted device's budget while it lasts, else from the account's. */
async function reserve(deps: AuthDeps, attempt: PasswordAttempt): Promise<{ key: string; policy: LockoutPolicy }> {
  const { lockoutThreshold, deviceLockoutThreshold } = deps.config.rateLimit;
  const deviceId = attempt.user && attempt.deviceToken ? deps.devices.verify(attempt.deviceToken, attempt.user.id) : null;
  const budgets = [
    ...(deviceId ? [{ key: `device:${deviceId}`, policy: policyOf(deps, deviceLockoutThreshold) }] : []),
    { key: accountBudgetKey(attempt.email), policy: policyOf(deps, lockoutThreshold) },
  ];
  let refusal = { retryAt: 0, now: 0 };
  for (const budget of budgets) {
    const now = deps.now();
    const reservation = await deps.store.reserveLoginAttempt(budget.key, now, budget.policy);
    if (reservation.granted) return budget;
    refusal = { retryAt: reservation.retryAt, now };
  }
  throw lockedError(refusal.retryAt, refusal.now);
}

/**
 * True when the password is the account's; false (counted and audited) when it is not, or there is
 * no account (an unknown email costs one bcrypt compare too, so timing tells nothing).
 * Throws account_locked (429) when the budget is spent or a lock came into force.
 */
export async function checkPasswordAttempt(deps: AuthDeps, attempt: PasswordAttempt, context: RequestContext): Promise<boolean> {
  const budget = deps.config.rateLimit.enabled ? await reserve(deps, attempt) : null;
  const matches = attempt.user
    ? await deps.hasher.verify(attempt.password, attempt.user.passwordHash)
    : await deps.hasher.verifyAgainstNothing(attempt.password);
  const now = deps.now();
  if (!matches) {
    const ids = { userId: attempt.user?.id ?? null, actorId: null };
    const details = { email: attempt.email, ...attempt.details, ...(budget?.key.startsWith('device:') && { trusted_device: true }) };
    await deps.store.recordLoginFailure(budget, now, auditEntry('login_failure', context, ids, details));
    return false;
  }
  if (budget) {
    const { lockedUntil } = await deps.store.settleLoginSuccess(budget.key, now);
    if (lockedUntil !== null) throw lockedError(lockedUntil, now);
  }
  return true;
}
