// SQL for rate limits (fixed windows per key) and the lock-out's attempt budgets on PostgreSQL, shared
// by every process using the database. A hit is one upsert, atomic by itself; an attempt budget is
// locked (SELECT ... FOR UPDATE), computed by attempt-budget.ts, and saved in the caller's transaction.
import type { AttemptRow } from '../attempt-budget';
import { ATTEMPT_COLUMNS, attemptValues, toAttempt, type AttemptDbRow } from '../row-mappers';
import { windowStartOf } from '../store-rules';
import { changes, firstRow, prepared, type Queryable } from './pool';

const statements = {
  // SET expressions see the old row, so a window that has ended restarts at this hit. The conflicting
  // row is locked by the upsert, so concurrent hits of one key are counted one after another.
  hit: prepared('limits.hit', `INSERT INTO rate_limits AS rl (key, window_start, count) VALUES ($1, $2, 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN rl.window_start < EXCLUDED.window_start THEN 1 ELSE rl.count + 1 END,
      window_start = GREATEST(rl.window_start, EXCLUDED.window_start)
    RETURNING count, window_start`),
  // Only a hit of the same window is given back; a later window owes the success nothing.
  release: prepared('limits.release', 'UPDATE rate_limits SET count = count - 1 WHERE key = $1 AND window_start = $2 AND count > 0'),
  // A key seen for the first time gets an empty row, so there is always a row to lock.
  ensureAttempt: prepared('limits.ensureAttempt', `INSERT INTO login_attempts (${ATTEMPT_COLUMNS}) VALUES ($1, 0, 0, 0, NULL, NULL, 0)
    ON CONFLICT (key) DO NOTHING`),
  lockAttempt: prepared('limits.lockAttempt', `SELECT ${ATTEMPT_COLUMNS} FROM login_attempts WHERE key = $1 FOR UPDATE`),
  saveAttempt: prepared('limits.saveAttempt', `UPDATE login_attempts SET failures = $2, in_flight = $3, lockouts = $4,
    locked_until = $5::bigint, last_failure_at = $6::bigint, reserved_at = $7 WHERE key = $1`),
  deleteAttempt: prepared('limits.deleteAttempt', 'DELETE FROM login_attempts WHERE key = $1'),
  pruneRateLimits: prepared('limits.pruneRateLimits', 'DELETE FROM rate_limits WHERE window_start <= $1'),
  pruneAttempts: prepared('limits.pruneAttempts', `DELETE FROM login_attempts
    WHERE GREATEST(reserved_at, COALESCE(last_failure_at, 0)) <= $1 AND (locked_until IS NULL OR locked_until <= $2)`),
};

export const limitsQueries = {
  async hit(db: Queryable, key: string, now: number, windowMs: number): Promise<{ count: number; windowStart: number }> {
    const row = (await firstRow<{ count: number; window_start: number }>(db, statements.hit, [key, windowStartOf(now, windowMs)]))!;
    return { count: row.count, windowStart: row.window_start };
  },
  release: (db: Queryable, key: string, windowStart: number) => changes(db, statements.release, [key, windowStart]),
  /** The key's budget, locked until the transaction ends (created empty if the key is new). */
  async lockAttempt(db: Queryable, key: string): Promise<AttemptRow> {
    // A row deleted between the two statements (a success forgave it, or pruning) is made again.
    for (let tries = 0; tries < 5; tries++) {
      await changes(db, statements.ensureAttempt, [key]);
      const row = await firstRow<AttemptDbRow>(db, statements.lockAttempt, [key]);
      if (row) return toAttempt(row);
    }
    throw new Error('login_attempts: the row to lock kept disappearing');
  },
  /** Saves a locked budget; null deletes it (nothing left worth keeping). */
  async saveAttempt(db: Queryable, key: string, row: AttemptRow | null): Promise<void> {
    if (row === null) await changes(db, statements.deleteAttempt, [key]);
    else await changes(db, statements.saveAttempt, [...attemptValues(key, row)]);
  },
  async prune(db: Queryable, now: number, rateLimitMs: number, loginAttemptMs: number) {
    return {
      rateLimits: await changes(db, statements.pruneRateLimits, [now - rateLimitMs]),
      loginAttempts: await changes(db, statements.pruneAttempts, [now - loginAttemptMs, now]),
    };
  },
};
