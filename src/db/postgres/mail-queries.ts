// SQL for email tokens and the outbox on PostgreSQL. Tokens are stored only as SHA-256 hashes. A
// token about to be spent is locked first (FOR UPDATE: the second of two concurrent spends waits,
// then finds it spent); a claim takes due rows with FOR UPDATE SKIP LOCKED, so concurrent senders
// in other processes take other rows instead of waiting for these.
import type { EmailTokenPurpose, MailMessage, NewEmailToken, OutboxStatus } from '../mail-store';
import { NEW_OUTBOX_COLUMNS, newOutboxValues, OUTBOX_COLUMNS, toOutbox, type EmailTokenRow, type OutboxRow } from '../mail-rows';
import type { Page } from '../store';
import type { OutboxRecord } from '../mail-store';
import { changes, firstRow, page, prepared, rows, type Queryable } from './pool';

const LIVE_TOKEN = `SELECT u.id, u.username, u.email, r.name AS role, u.created_at, u.updated_at, u.disabled_at, u.email_verified_at,
    t.purpose AS token_purpose, t.email AS token_email, t.expires_at AS token_expires_at
  FROM email_tokens t JOIN users u ON u.id = t.user_id JOIN roles r ON r.id = u.role_id
  WHERE t.token_hash = $1 AND t.purpose = $2 AND t.spent_at IS NULL AND t.expires_at > $3 AND u.disabled_at IS NULL`;
const STATUS_FILTER = '($1::text IS NULL OR status = $1)';

const statements = {
  spendOfUser: prepared('mail.spendOfUser', 'UPDATE email_tokens SET spent_at = $3 WHERE user_id = $1 AND purpose = $2 AND spent_at IS NULL'),
  insertToken: prepared('mail.insertToken', `INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5, $6)`),
  liveToken: prepared('mail.liveToken', LIVE_TOKEN),
  // The token and its user row locked: spends of one token queue, and so do changes of one account.
  lockLiveToken: prepared('mail.lockLiveToken', `${LIVE_TOKEN} FOR UPDATE OF t, u`),
  spend: prepared('mail.spend', 'UPDATE email_tokens SET spent_at = $2 WHERE token_hash = $1 AND spent_at IS NULL'),
  emailTaken: prepared('mail.emailTaken', 'SELECT EXISTS (SELECT 1 FROM users WHERE email = $1) AS taken'),
  setVerified: prepared('mail.setVerified', 'UPDATE users SET email_verified_at = $3, updated_at = $3 WHERE id = $1 AND email = $2'),
  setEmail: prepared('mail.setEmail', 'UPDATE users SET email = $2, email_verified_at = $3, updated_at = $3 WHERE id = $1'),
  insertMessage: prepared('mail.insertMessage', `INSERT INTO outbox (${NEW_OUTBOX_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`),
  claim: prepared('mail.claim', `UPDATE outbox SET status = 'sending', attempts = attempts + 1, claim = $3, lease_until = $2
    WHERE id IN (SELECT id FROM outbox
      WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND lease_until <= $1)
      ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
    RETURNING ${OUTBOX_COLUMNS}, claim`),
  settle: prepared('mail.settle', `UPDATE outbox SET status = $3, next_attempt_at = COALESCE($4::bigint, next_attempt_at),
    last_error = $5::text, sent_at = $6::bigint, claim = NULL, lease_until = NULL,
    text_body = CASE WHEN $3 = 'sent' THEN '' ELSE text_body END, html_body = CASE WHEN $3 = 'sent' THEN '' ELSE html_body END
    WHERE id = $1 AND claim = $2`),
  list: prepared('mail.list', `SELECT ${OUTBOX_COLUMNS} FROM outbox WHERE ${STATUS_FILTER} ORDER BY id DESC LIMIT $2 OFFSET $3`),
  count: prepared('mail.count', `SELECT COUNT(*) AS n FROM outbox WHERE ${STATUS_FILTER}`),
  pruneTokens: prepared('mail.pruneTokens', 'DELETE FROM email_tokens WHERE expires_at <= $1'),
  pruneOutbox: prepared('mail.pruneOutbox', "DELETE FROM outbox WHERE status IN ('sent', 'failed') AND created_at <= $1"),
};

export const mailQueries = {
  /** Spends the user's live tokens of this purpose, then stores the new one. */
  async issueToken(db: Queryable, userId: number, token: NewEmailToken, now: number): Promise<void> {
    await changes(db, statements.spendOfUser, [userId, token.purpose, now]);
    await changes(db, statements.insertToken, [token.tokenHash, userId, token.purpose, token.email, now, token.expiresAt]);
  },
  spendOfUser: (db: Queryable, userId: number, purpose: EmailTokenPurpose, now: number) => changes(db, statements.spendOfUser, [userId, purpose, now]),
  liveToken: (db: Queryable, hash: Buffer, purpose: EmailTokenPurpose, now: number) => firstRow<EmailTokenRow>(db, statements.liveToken, [hash, purpose, now]),
  lockLiveToken: (db: Queryable, hash: Buffer, purpose: EmailTokenPurpose, now: number) =>
    firstRow<EmailTokenRow>(db, statements.lockLiveToken, [hash, purpose, now]),
  spend: async (db: Queryable, hash: Buffer, now: number) => (await changes(db, statements.spend, [hash, now])) === 1,
  emailTaken: async (db: Queryable, email: string) => (await firstRow<{ taken: boolean }>(db, statements.emailTaken, [email]))!.taken,
  setVerified: (db: Queryable, userId: number, email: string, now: number) => changes(db, statements.setVerified, [userId, email, now]),
  setEmail: (db: Queryable, userId: number, email: string, now: number) => changes(db, statements.setEmail, [userId, email, now]),
  prune: async (db: Queryable, now: number, outboxBefore: number) => ({
    emailTokens: await changes(db, statements.pruneTokens, [now]),
    outbox: await changes(db, statements.pruneOutbox, [outboxBefore]),
  }),
  enqueue: (db: Queryable, message: MailMessage, now: number) => changes(db, statements.insertMessage, [...newOutboxValues(message, now)]),
  claim: (db: Queryable, now: number, leaseUntil: number, limit: number, claim: string) => rows<OutboxRow>(db, statements.claim, [now, leaseUntil, claim, limit]),
  settle: async (db: Queryable, id: number, claim: string, values: { status: OutboxStatus; nextAttemptAt: number | null; lastError: string | null; sentAt: number | null }) =>
    (await changes(db, statements.settle, [id, claim, values.status, values.nextAttemptAt, values.lastError, values.sentAt])) === 1,
  list: (db: Queryable, query: { offset: number; limit: number; status?: OutboxStatus }): Promise<Page<OutboxRecord>> =>
    page<OutboxRow, OutboxRecord>(db, statements, [query.status ?? null], query, toOutbox),
};
