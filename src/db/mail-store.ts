// The store operations of email (issue 13): one-use tokens sent by mail, and the outbox. A message
// is written in the same transaction as what caused it (a registration, a reset, a password
// change), and a sender claims it later; a claim is a lease, so with several processes each message
// is handed to one sender at a time, and one whose sender died is claimed again when it runs out.
import type { AuditInput, Page, UserRecord } from './store';

/** What an emailed token proves: an address belongs to the account, or the right to set a password. */
export type EmailTokenPurpose = 'verify_email' | 'password_reset' | 'email_change';

export interface NewEmailToken {
  /** SHA-256 of the token; the token itself exists only in the message. */
  tokenHash: Buffer;
  purpose: EmailTokenPurpose;
  /** The address it was sent to (for an address change: the new one). */
  email: string;
  expiresAt: number;
}

/** A live token found by its hash, with its account. */
export interface EmailTokenRecord {
  purpose: EmailTokenPurpose;
  email: string;
  expiresAt: number;
  user: UserRecord;
}

export type MailKind =
  | 'verify_email'
  | 'password_reset'
  | 'email_change'
  | 'notice_password_changed'
  | 'notice_password_reset'
  | 'notice_email_changed'
  | 'notice_second_factor_added'
  | 'notice_second_factor_removed';

/** A message without its recipient: the store fills in the account's address when only it knows it. */
export interface MailDraft {
  kind: MailKind;
  subject: string;
  text: string;
  html: string;
}

export interface MailMessage extends MailDraft {
  recipient: string;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface OutboxRecord extends MailMessage {
  id: number;
  status: OutboxStatus;
  /** Deliveries tried so far (a claim counts as one). */
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
  lastError: string | null;
  sentAt: number | null;
}

/** A message handed to one sender: `claim` proves it is still this sender's when it settles. */
export interface ClaimedMessage extends MailMessage {
  id: number;
  attempts: number;
  claim: string;
}

/** How a delivery ended: sent; or failed, to be tried again at `retryAt` (null: never, it is failed). */
export type DeliveryOutcome = { sent: true } | { sent: false; error: string; retryAt: number | null };

export type ResetPasswordResult = { ok: true; user: UserRecord; sessionsEnded: number } | { ok: false };

export type VerifyEmailResult =
  | { status: 'verified'; user: UserRecord; previousEmail: string | null }
  | { status: 'invalid' }
  | { status: 'email_taken' };

export interface MailStore {
  /**
   * A new token for the account, spending every earlier live one of the same purpose (a newer
   * request spends the older), with its message to `token.email`. False: no such account.
   */
  issueEmailToken(userId: number, token: NewEmailToken, message: MailDraft, now: number, audit: AuditInput): Promise<boolean>;
  /**
   * The forgot-password request in one transaction: if an enabled account has this email, a reset
   * token (spending the older ones) and its message; the audit row either way.
   */
  requestPasswordReset(email: string, token: NewEmailToken, message: MailDraft, now: number, audit: AuditInput): Promise<void>;
  /** A live (unspent, unexpired) token of this purpose, without spending it; null otherwise. */
  findEmailToken(tokenHash: Buffer, purpose: EmailTokenPurpose, now: number): Promise<EmailTokenRecord | null>;
  /**
   * Spends a live reset token and, in the same transaction, sets the password, ends every session,
   * spends the account's other reset tokens, clears the lock-out of `lockoutKey` and queues `notice`.
   */
  resetPassword(tokenHash: Buffer, passwordHash: string, lockoutKey: (email: string) => string, now: number, notice: MailDraft | null, audit: AuditInput): Promise<ResetPasswordResult>;
  /**
   * Spends a live verification or address-change token: marks the address verified, or moves the
   * account to the new address (refused if another account took it meanwhile) and queues `notice`
   * to the old one.
   */
  verifyEmail(tokenHash: Buffer, now: number, notice: MailDraft | null, audit: AuditInput): Promise<VerifyEmailResult>;
  /** Queues a message with no transaction of its own to join (a notice after the fact). */
  enqueueMail(message: MailMessage, now: number): Promise<void>;
  /** Hands up to `limit` due messages to the caller until `now + leaseMs`; nobody else gets them meanwhile. */
  claimOutbox(now: number, leaseMs: number, limit: number): Promise<ClaimedMessage[]>;
  /** Records a delivery; false if the claim ran out and the message is someone else's now. */
  settleOutbox(id: number, claim: string, outcome: DeliveryOutcome, now: number): Promise<boolean>;
  /** Newest first; bodies included (the CLI's view: they may carry a live token). */
  listOutbox(query: { offset: number; limit: number; status?: OutboxStatus }): Promise<Page<OutboxRecord>>;
}
