// The arithmetic of the lock-out, shared by every store: a key (an account as typed, or a trusted
// device) has a budget of `threshold` password checks per round. A check is reserved *before* bcrypt
// runs and settled after, so however many requests arrive at once, at most `threshold` are checked
// before the round's verdict. Stores load the row, call these, and save the result in one
// transaction; nothing here does I/O.
import type { LockoutPolicy } from './store';

export interface AttemptRow {
  /** Wrong passwords settled in this round. */
  failures: number;
  /** Checks reserved and not yet settled (their bcrypt is running). */
  inFlight: number;
  /** Rounds that ended in a lock since the record was last forgiven: each doubles the next lock. */
  lockouts: number;
  lockedUntil: number | null;
  lastFailureAt: number | null;
  /** When the newest reservation was made: older unsettled ones are taken as crashed. */
  reservedAt: number;
}

/** A reserved check whose process died never settles; after this long it counts as a failure. */
export const STALE_RESERVATION_MS = 60_000;
/** How soon to try again when the round's checks are all still running (they end within a second). */
const IN_FLIGHT_RETRY_MS = 1000;

const EMPTY: AttemptRow = { failures: 0, inFlight: 0, lockouts: 0, lockedUntil: null, lastFailureAt: null, reservedAt: 0 };

const lockIsOn = (row: AttemptRow, now: number): boolean => row.lockedUntil !== null && row.lockedUntil > now;

/** Counts settled failures toward a lock; the lock doubles with each round, up to maxMs. */
function countFailures(row: AttemptRow, failures: number, now: number, policy: LockoutPolicy): AttemptRow {
  const total = row.failures + failures;
  if (total < policy.threshold) return { ...row, failures: total };
  const lockouts = row.lockouts + 1;
  return { ...row, failures: 0, lockouts, lockedUntil: now + Math.min(policy.baseMs * 2 ** (lockouts - 1), policy.maxMs) };
}

export type Reservation = { row: AttemptRow; granted: true } | { row: AttemptRow; granted: false; retryAt: number };

/** Takes one check from the budget, or says when one may be tried again. */
export function reserveAttempt(stored: AttemptRow | null, now: number, policy: LockoutPolicy): Reservation {
  let row = stored ?? EMPTY;
  if (row.inFlight > 0 && row.reservedAt <= now - STALE_RESERVATION_MS) {
    row = countFailures({ ...row, inFlight: 0 }, row.inFlight, now, policy);
  }
  if (!lockIsOn(row, now) && row.lastFailureAt !== null && row.lastFailureAt <= now - policy.resetAfterMs && row.inFlight === 0) {
    row = EMPTY; // a quiet day forgives the record
  }
  if (lockIsOn(row, now)) return { row, granted: false, retryAt: row.lockedUntil! };
  if (row.failures + row.inFlight >= policy.threshold) return { row, granted: false, retryAt: now + IN_FLIGHT_RETRY_MS };
  return { row: { ...row, inFlight: row.inFlight + 1, reservedAt: now }, granted: true };
}

/** A reserved check found the wrong password. `locked` is true when this failure started a lock. */
export function settleFailure(stored: AttemptRow | null, now: number, policy: LockoutPolicy): { row: AttemptRow; locked: boolean } {
  const row = stored ?? EMPTY;
  const next = countFailures({ ...row, inFlight: Math.max(0, row.inFlight - 1), lastFailureAt: now }, 1, now, policy);
  return { row: next, locked: next.lockedUntil !== row.lockedUntil };
}

/**
 * A reserved check found the right password. While a lock is in force it stays (the caller refuses
 * the login); otherwise the record is forgiven. `row` null: nothing left worth keeping.
 */
export function settleSuccess(stored: AttemptRow | null, now: number): { row: AttemptRow | null; lockedUntil: number | null } {
  const row = stored ?? EMPTY;
  const inFlight = Math.max(0, row.inFlight - 1);
  if (lockIsOn(row, now)) return { row: { ...row, inFlight }, lockedUntil: row.lockedUntil };
  return { row: inFlight > 0 ? { ...EMPTY, inFlight, reservedAt: row.reservedAt } : null, lockedUntil: null };
}
