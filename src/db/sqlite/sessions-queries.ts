// SQL for sessions and their refresh tokens on SQLite. A refresh token is stored only as its SHA-256 hash;
// spent hashes are kept while their session lives, so a replayed one is recognised as theft.
// A session's expires_at is already capped by its absolute_expires_at.
import type { SqliteDatabase } from './open-database';
import { toSession, type RefreshTokenLookup, type SessionRow } from '../row-mappers';
import type { NewSession } from '../store';

export function createSessionsQueries(db: SqliteDatabase) {
  const statements = {
    insert: db.prepare(`INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, absolute_expires_at, user_agent, ip)
      VALUES (@id, @userId, @now, @now, @expiresAt, @absoluteExpiresAt, @userAgent, @ip)`),
    insertToken: db.prepare('INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (?, ?, ?)'),
    findToken: db.prepare(`SELECT rt.session_id, rt.spent_at, s.user_id, s.expires_at, u.disabled_at
      FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id JOIN users u ON u.id = s.user_id
      WHERE rt.token_hash = ?`),
    spendToken: db.prepare('UPDATE refresh_tokens SET spent_at = ? WHERE token_hash = ? AND spent_at IS NULL'),
    touch: db.prepare('UPDATE sessions SET last_used_at = ?, expires_at = MIN(?, absolute_expires_at) WHERE id = ?'),
    listLive: db.prepare('SELECT * FROM sessions WHERE user_id = ? AND expires_at > ? ORDER BY last_used_at DESC, created_at DESC'),
    deleteOne: db.prepare('DELETE FROM sessions WHERE id = ? AND user_id = ? AND expires_at > ?'),
    deleteById: db.prepare('DELETE FROM sessions WHERE id = ?'),
    deleteOfUser: db.prepare('DELETE FROM sessions WHERE user_id = ? AND id IS NOT ?'),
    deleteExpired: db.prepare('DELETE FROM sessions WHERE expires_at <= ?'),
    trimOfUser: db.prepare(`DELETE FROM sessions WHERE user_id = @userId AND id NOT IN (
      SELECT id FROM sessions WHERE user_id = @userId ORDER BY last_used_at DESC, created_at DESC LIMIT @keep)`),
  };

  return {
    insert(session: NewSession, now: number): void {
      statements.insert.run({ ...session, now });
      statements.insertToken.run(session.refreshTokenHash, session.id, now);
    },
    findToken: (hash: Buffer) => statements.findToken.get(hash) as RefreshTokenLookup | undefined,
    /** Marks the token spent; false if another request spent it first. */
    spendToken: (hash: Buffer, now: number) => statements.spendToken.run(now, hash).changes === 1,
    addToken: (hash: Buffer, sessionId: string, now: number) => statements.insertToken.run(hash, sessionId, now),
    touch: (sessionId: string, now: number, expiresAt: number) => statements.touch.run(now, expiresAt, sessionId),
    listLive: (userId: number, now: number) => (statements.listLive.all(userId, now) as SessionRow[]).map(toSession),
    /** Ends a live session of this user; false if it is someone else's or already over. */
    deleteOne: (userId: number, sessionId: string, now: number) => statements.deleteOne.run(sessionId, userId, now).changes > 0,
    deleteById: (sessionId: string) => statements.deleteById.run(sessionId).changes > 0,
    /** Ends every session of the user but `exceptSessionId` (null: all of them). */
    deleteOfUser: (userId: number, exceptSessionId: string | null) => statements.deleteOfUser.run(userId, exceptSessionId).changes,
    deleteExpired: (now: number) => statements.deleteExpired.run(now).changes,
    /** Keeps the user's `keep` most recently used sessions and ends the rest. */
    trimOfUser: (userId: number, keep: number) => statements.trimOfUser.run({ userId, keep }).changes,
  };
}
