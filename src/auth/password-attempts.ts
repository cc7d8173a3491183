// The one way a password is checked for login and for a password change: inside a budget. The
// check is reserved in the store before bcrypt runs, so at most LOCKOUT_THRESHOLD passwords of an
// account are ever checked per lock period, however many requests arrive at once and whichever
// process serves them. A right password is let through only if no lock came into force meanwhile.
// Unknown clients spend the account's budget (keyed on the email as typed, so it behaves the same
// for accounts that do not exist); a trusted device spends its own (trusted-devices.ts).
import type { AuditInput, LockoutPolicy, UserWithPasswordHash } from '../db/store';
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

/** A budget a check is taken from: its key and its lock-out policy. */
export interface AttemptBudget {
  key: string;
  policy: LockoutPolicy;
}

/** The account's policy at `threshold` checks per round. */
export const accountPolicy = (deps: AuthDeps): LockoutPolicy => policyOf(deps, deps.config.rateLimit.lockoutThreshold);

/** Reserves one check from the first budget that grants one; throws account_locked when none does. */
export async function reserveFromBudgets(deps: AuthDeps, budgets: AttemptBudget[]): Promise<AttemptBudget> {
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
 * Settles a reserved check: a failure is counted and audited (`failure`); a success is let through
 * only if no lock came into force meanwhile (else account_locked). `budget` null: the lock-out is off.
 */
export async function settleCheck(deps: AuthDeps, budget: AttemptBudget | null, matches: boolean, failure: AuditInput): Promise<void> {
  const now = deps.now();
  if (!matches) {
    await deps.store.recordLoginFailure(budget, now, failure);
    return;
  }
  if (budget) {
    const { lockedUntil } = await deps.store.settleLoginSuccess(budget.key, now);
    if (lockedUntil !== null) throw lockedError(lockedUntil, now);
  }
}

/** Reserves one check: from a trusted device's budget while it lasts, else from the account's. */
function reserve(deps: AuthDeps, attempt: PasswordAttempt): Promise<AttemptBudget> {
  const deviceId = attempt.user && attempt.deviceToken ? deps.devices.verify(attempt.deviceToken, attempt.user.id) : null;
  return reserveFromBudgets(deps, [
    ...(deviceId ? [{ key: `device:${deviceId}`, policy: policyOf(deps, deps.config.rateLimit.deviceLockoutThreshold) }] : []),
    { key: accountBudgetKey(attempt.email), policy: accountPolicy(deps) },
  ]);
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
  const ids = { userId: attempt.user?.id ?? null, actorId: null };
  const details = { email: attempt.email, ...attempt.details, ...(budget?.key.startsWith('device:') && { trusted_device: true }) };
  await settleCheck(deps, budget, matches, auditEntry('login_failure', context, ids, details));
  return matches;
}
