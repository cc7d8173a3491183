// SQL for email tokens and the outbox on SQLite. Tokens are stored only as SHA-256 hashes; each
// function runs inside the caller's transaction (an IMMEDIATE one holds the write lock, so a claim's
// SELECT and UPDATE cannot interleave with another process's claim).
import type { EmailTokenPurpose, MailMessage, NewEmailToken, OutboxStatus } from '../mail-store';
import { NEW_OUTBOX_COLUMNS, newOutboxValues, OUTBOX_COLUMNS, toOutbox, type EmailTokenRow, type OutboxRow } from '../mail-rows';
import type { SqliteDatabase } from './open-database';

const USER_OF_TOKEN = `u.id, u.username, u.email, r.name AS role, u.created_at, u.updated_at, u.disabled_at, u.email_verified_at,
  t.purpose AS token_purpose, t.email AS token_email, t.expires_at AS token_expires_at`;
const DUE = "(status = 'pending' AND next_attempt_at <= @now) OR (status = 'sending' AND lease_until <= @now)";

export function createMailQueries(db: SqliteDatabase) {
  const statements = {
    spendOfUser: db.prepare('UPDATE email_tokens SET spent_at = ? WHERE user_id = ? AND purpose = ? AND spent_at IS NULL'),
    insertToken: db.prepare(`INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
      VALUES (?, ?, ?, ?, ?, ?)`),
    // A disabled account's token is as good as none.
    liveToken: db.prepare(`SELECT ${USER_OF_TOKEN} FROM email_tokens t JOIN users u ON u.id = t.user_id JOIN roles r ON r.id = u.role_id
      WHERE t.token_hash = ? AND t.purpose = ? AND t.spent_at IS NULL AND t.expires_at > ? AND u.disabled_at IS NULL`),
    spend: db.prepare('UPDATE email_tokens SET spent_at = ? WHERE token_hash = ? AND spent_at IS NULL'),
    setVerified: db.prepare('UPDATE users SET email_verified_at = ?, updated_at = ? WHERE id = ? AND email = ?'),
    setEmail: db.prepare('UPDATE users SET email = ?, email_verified_at = ?, updated_at = ? WHERE id = ?'),
    insertMessage: db.prepare(`INSERT INTO outbox (${NEW_OUTBOX_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    due: db.prepare(`SELECT id FROM outbox WHERE ${DUE} ORDER BY id LIMIT @limit`).pluck(),
    claim: db.prepare(`UPDATE outbox SET status = 'sending', attempts = attempts + 1, claim = @claim, lease_until = @leaseUntil
      WHERE id = @id RETURNING ${OUTBOX_COLUMNS}, claim`),
    settle: db.prepare(`UPDATE outbox SET status = @status, next_attempt_at = COALESCE(@nextAttemptAt, next_attempt_at),
      last_error = @lastError, sent_at = @sentAt, claim = NULL, lease_until = NULL,
      text_body = CASE WHEN @status = 'sent' THEN '' ELSE text_body END, html_body = CASE WHEN @status = 'sent' THEN '' ELSE html_body END
      WHERE id = @id AND claim = @claim`),
    list: db.prepare(`SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE (@status IS NULL OR status = @status) ORDER BY id DESC LIMIT @limit OFFSET @offset`),
    count: db.prepare('SELECT COUNT(*) FROM outbox WHERE (@status IS NULL OR status = @status)').pluck(),
    pruneTokens: db.prepare('DELETE FROM email_tokens WHERE expires_at <= ?'),
    pruneOutbox: db.prepare("DELETE FROM outbox WHERE status IN ('sent', 'failed') AND created_at <= ?"),
  };

  return {
    /** Spends the user's live tokens of this purpose, then stores the new one. */
    issueToken(userId: number, token: NewEmailToken, now: number): void {
      statements.spendOfUser.run(now, userId, token.purpose);
      statements.insertToken.run(token.tokenHash, userId, token.purpose, token.email, now, token.expiresAt);
    },
    spendOfUser: (userId: number, purpose: EmailTokenPurpose, now: number) => void statements.spendOfUser.run(now, userId, purpose),
    liveToken: (hash: Buffer, purpose: EmailTokenPurpose, now: number) => statements.liveToken.get(hash, purpose, now) as EmailTokenRow | undefined,
    spend: (hash: Buffer, now: number) => statements.spend.run(now, hash).changes === 1,
    setVerified: (userId: number, email: string, now: number) => void statements.setVerified.run(now, now, userId, email),
    setEmail: (userId: number, email: string, now: number) => void statements.setEmail.run(email, now, now, userId),
    prune: (now: number, outboxBefore: number) => ({
      emailTokens: statements.pruneTokens.run(now).changes,
      outbox: statements.pruneOutbox.run(outboxBefore).changes,
    }),
    enqueue: (message: MailMessage, now: number) => void statements.insertMessage.run(...newOutboxValues(message, now)),
    claim(now: number, leaseUntil: number, limit: number, claim: string): OutboxRow[] {
      const ids = statements.due.all({ now, limit }) as number[];
      return ids.map((id) => statements.claim.get({ id, claim, leaseUntil }) as OutboxRow);
    },
    settle: (id: number, claim: string, values: { status: OutboxStatus; nextAttemptAt: number | null; lastError: string | null; sentAt: number | null }) =>
      statements.settle.run({ id, claim, ...values }).changes === 1,
    list(query: { offset: number; limit: number; status?: OutboxStatus }) {
      const filter = { status: query.status ?? null };
      return {
        items: (statements.list.all({ ...filter, limit: query.limit, offset: query.offset }) as OutboxRow[]).map(toOutbox),
        total: statements.count.get(filter) as number,
      };
    },
  };
}
