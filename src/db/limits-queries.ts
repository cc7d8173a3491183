// SQL for rate limits (fixed windows per key) and per-account login failures. They live in the
// database, not in one process's memory, so every process serving the same file enforces the
// same counts. Each function here runs inside the caller's transaction.
import type { SqliteDatabase } from './open-database';
import type { LockoutPolicy } from './store';

interface FailureRow {
  failures: number;
  lockouts: number;
  locked_until: number | null;
  last_failure_at: number;
}

export function createLimitsQueries(db: SqliteDatabase) {
  const statements = {
    // SET expressions see the old row, so a window that has ended restarts at this hit.
    hit: db.prepare(`INSERT INTO rate_limits (key, window_start, count) VALUES (@key, @windowStart, 1)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN window_start < @windowStart THEN 1 ELSE count + 1 END,
        window_start = MAX(window_start, @windowStart)
      RETURNING count, window_start`),
    lockedUntil: db.prepare('SELECT locked_until FROM login_failures WHERE email = ? AND locked_until > ?').pluck(),
    failure: db.prepare('SELECT failures, lockouts, locked_until, last_failure_at FROM login_failures WHERE email = ?'),
    saveFailure: db.prepare(`INSERT INTO login_failures (email, failures, lockouts, locked_until, last_failure_at)
      VALUES (@email, @failures, @lockouts, @lockedUntil, @now)
      ON CONFLICT (email) DO UPDATE SET failures = @failures, lockouts = @lockouts,
        locked_until = @lockedUntil, last_failure_at = @now`),
    clear: db.prepare('DELETE FROM login_failures WHERE email = ?'),
    pruneRateLimits: db.prepare('DELETE FROM rate_limits WHERE window_start <= ?'),
    pruneFailures: db.prepare(`DELETE FROM login_failures WHERE last_failure_at <= ? AND (locked_until IS NULL OR locked_until <= ?)`),
  };

  return {
    hit(key: string, now: number, windowMs: number): { count: number; resetAt: number } {
      // Windows are aligned to multiples of windowMs, so every process agrees where one starts.
      const windowStart = now - (now % windowMs);
      const row = statements.hit.get({ key, windowStart }) as { count: number; window_start: number };
      return { count: row.count, resetAt: row.window_start + windowMs };
    },
    lockedUntil: (email: string, now: number) => (statements.lockedUntil.get(email, now) as number | undefined) ?? null,
    /** Counts one failure; every `threshold` failures lock the account, twice as long each time. */
    recordFailure(email: string, now: number, policy: LockoutPolicy): number | null {
      const previous = statements.failure.get(email) as FailureRow | undefined;
      const fresh = !previous || previous.last_failure_at <= now - policy.resetAfterMs;
      let failures = fresh ? 1 : previous.failures + 1;
      let lockouts = fresh ? 0 : previous.lockouts;
      let lockedUntil = fresh ? null : previous.locked_until;
      if (failures >= policy.threshold) {
        lockouts += 1;
        failures = 0;
        lockedUntil = now + Math.min(policy.baseMs * 2 ** (lockouts - 1), policy.maxMs);
      }
      statements.saveFailure.run({ email, failures, lockouts, lockedUntil, now });
      return lockedUntil !== null && lockedUntil > now ? lockedUntil : null;
    },
    clear: (email: string) => void statements.clear.run(email),
    prune(now: number, rateLimitMs: number, loginFailureMs: number) {
      return {
        rateLimits: statements.pruneRateLimits.run(now - rateLimitMs).changes,
        loginFailures: statements.pruneFailures.run(now - loginFailureMs, now).changes,
      };
    },
  };
}
