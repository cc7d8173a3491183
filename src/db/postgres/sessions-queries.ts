// SQL for sessions and their refresh tokens on PostgreSQL. A refresh token is stored only as its
// SHA-256 hash (bytea); spent hashes are kept while their session lives, so a replayed one is
// recognised as theft. Rotation locks the session, then the token: see lockToken.
import type { RefreshTokenLookup, SessionRow } from '../row-mappers';
import { toSession } from '../row-mappers';
import type { NewSession, SessionRecord } from '../store';
import { changes, firstRow, prepared, rows, type Queryable } from './pool';

const statements = {
  insert: prepared('sessions.insert', `INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, absolute_expires_at, user_agent, ip)
    VALUES ($1, $2, $3, $3, $4, $5, $6, $7)`),
  insertToken: prepared('sessions.insertToken', 'INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3)'),
  // The session first (every writer of a session's tokens, or deleter of the session, locks it
  // first too, so they queue in one order and never deadlock) ...
  lockSessionOfToken: prepared('sessions.lockSessionOfToken', `SELECT s.id AS session_id, s.user_id, s.expires_at, u.disabled_at
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.id = (SELECT session_id FROM refresh_tokens WHERE token_hash = $1)
    FOR NO KEY UPDATE OF s`),
  // ... then the token, read by a new statement after the wait: it sees what the rotation before
  // it committed (spent_at set), which is how the second of two concurrent rotations sees reuse.
  lockToken: prepared('sessions.lockToken', 'SELECT spent_at FROM refresh_tokens WHERE token_hash = $1 FOR UPDATE'),
  spendToken: prepared('sessions.spendToken', 'UPDATE refresh_tokens SET spent_at = $2 WHERE token_hash = $1 AND spent_at IS NULL'),
  touch: prepared('sessions.touch', 'UPDATE sessions SET last_used_at = $2, expires_at = LEAST($3, absolute_expires_at) WHERE id = $1'),
  listLive: prepared('sessions.listLive', 'SELECT * FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY last_used_at DESC, created_at DESC'),
  deleteOne: prepared('sessions.deleteOne', 'DELETE FROM sessions WHERE id = $1 AND user_id = $2 AND expires_at > $3'),
  deleteById: prepared('sessions.deleteById', 'DELETE FROM sessions WHERE id = $1'),
  deleteOfUser: prepared('sessions.deleteOfUser', 'DELETE FROM sessions WHERE user_id = $1 AND id IS DISTINCT FROM $2::text'),
  deleteExpired: prepared('sessions.deleteExpired', 'DELETE FROM sessions WHERE expires_at <= $1'),
  trimOfUser: prepared('sessions.trimOfUser', `DELETE FROM sessions WHERE user_id = $1 AND id NOT IN (
    SELECT id FROM sessions WHERE user_id = $1 ORDER BY last_used_at DESC, created_at DESC LIMIT $2)`),
};

export const sessionsQueries = {
  async insert(db: Queryable, session: NewSession, now: number): Promise<void> {
    await changes(db, statements.insert, [session.id, session.userId, now, session.expiresAt, session.absoluteExpiresAt, session.userAgent, session.ip]);
    await changes(db, statements.insertToken, [session.refreshTokenHash, session.id, now]);
  },
  /** The token and its session, both locked for this transaction; undefined if either is gone. */
  async lockToken(db: Queryable, hash: Buffer): Promise<RefreshTokenLookup | undefined> {
    const session = await firstRow<Omit<RefreshTokenLookup, 'spent_at'>>(db, statements.lockSessionOfToken, [hash]);
    if (!session) return undefined;
    const token = await firstRow<{ spent_at: number | null }>(db, statements.lockToken, [hash]);
    return token && { ...session, spent_at: token.spent_at };
  },
  spendToken: (db: Queryable, hash: Buffer, now: number) => changes(db, statements.spendToken, [hash, now]),
  addToken: (db: Queryable, hash: Buffer, sessionId: string, now: number) => changes(db, statements.insertToken, [hash, sessionId, now]),
  touch: (db: Queryable, sessionId: string, now: number, expiresAt: number) => changes(db, statements.touch, [sessionId, now, expiresAt]),
  listLive: async (db: Queryable, userId: number, now: number): Promise<SessionRecord[]> =>
    (await rows<SessionRow>(db, statements.listLive, [userId, now])).map(toSession),
  /** Ends a live session of this user; false if it is someone else's or already over. */
  deleteOne: async (db: Queryable, userId: number, sessionId: string, now: number) => (await changes(db, statements.deleteOne, [sessionId, userId, now])) > 0,
  deleteById: (db: Queryable, sessionId: string) => changes(db, statements.deleteById, [sessionId]),
  /** Ends every session of the user but `exceptSessionId` (null: all of them). */
  deleteOfUser: (db: Queryable, userId: number, exceptSessionId: string | null) => changes(db, statements.deleteOfUser, [userId, exceptSessionId]),
  deleteExpired: (db: Queryable, now: number) => changes(db, statements.deleteExpired, [now]),
  /** Keeps the user's `keep` most recently used sessions and ends the rest. */
  trimOfUser: (db: Queryable, userId: number, keep: number) => changes(db, statements.trimOfUser, [userId, keep]),
};
