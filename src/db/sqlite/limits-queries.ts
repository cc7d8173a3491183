// SQL for rate limits (fixed windows per key) and the lock-out's attempt budgets on SQLite. They live
// in the database, not in one process's memory, so every process serving the same file enforces the
// same counts. Each function here runs inside the caller's transaction.
import type { AttemptRow } from '../attempt-budget';
import { ATTEMPT_COLUMNS, attemptValues, toAttempt, type AttemptDbRow } from '../row-mappers';
import { windowStartOf } from '../store-rules';
import type { SqliteDatabase } from './open-database';

export function createLimitsQueries(db: SqliteDatabase) {
  const statements = {
    // SET expressions see the old row, so a window that has ended restarts at this hit.
    hit: db.prepare(`INSERT INTO rate_limits (key, window_start, count) VALUES (@key, @windowStart, 1)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN window_start < @windowStart THEN 1 ELSE count + 1 END,
        window_start = MAX(window_start, @windowStart)
      RETURNING count, window_start`),
    // Only a hit of the same window is given back; a later window owes the success nothing.
    release: db.prepare('UPDATE rate_limits SET count = count - 1 WHERE key = ? AND window_start = ? AND count > 0'),
    attempt: db.prepare(`SELECT ${ATTEMPT_COLUMNS} FROM login_attempts WHERE key = ?`),
    saveAttempt: db.prepare(`INSERT INTO login_attempts (${ATTEMPT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, in_flight = excluded.in_flight, lockouts = excluded.lockouts,
        locked_until = excluded.locked_until, last_failure_at = excluded.last_failure_at, reserved_at = excluded.reserved_at`),
    deleteAttempt: db.prepare('DELETE FROM login_attempts WHERE key = ?'),
    pruneRateLimits: db.prepare('DELETE FROM rate_limits WHERE window_start <= ?'),
    pruneAttempts: db.prepare(`DELETE FROM login_attempts
      WHERE MAX(reserved_at, COALESCE(last_failure_at, 0)) <= ? AND (locked_until IS NULL OR locked_until <= ?)`),
  };

  return {
    hit(key: string, now: number, windowMs: number): { count: number; windowStart: number } {
      const row = statements.hit.get({ key, windowStart: windowStartOf(now, windowMs) }) as { count: number; window_start: number };
      return { count: row.count, windowStart: row.window_start };
    },
    release: (key: string, windowStart: number) => void statements.release.run(key, windowStart),
    attempt(key: string): AttemptRow | null {
      const row = statements.attempt.get(key) as AttemptDbRow | undefined;
      return row ? toAttempt(row) : null;
    },
    saveAttempt(key: string, row: AttemptRow | null): void {
      if (row === null) statements.deleteAttempt.run(key);
      else statements.saveAttempt.run(...attemptValues(key, row));
    },
    prune(now: number, rateLimitMs: number, loginAttemptMs: number) {
      return {
        rateLimits: statements.pruneRateLimits.run(now - rateLimitMs).changes,
        loginAttempts: statements.pruneAttempts.run(now - loginAttemptMs, now).changes,
      };
    },
  };
}
