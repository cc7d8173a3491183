// Email tokens and outbox rows as both databases return them, turned into the store's records, and
// the decisions both stores make the same way about them: what an outcome writes to a claimed row,
// which audit row a token step writes. No I/O here.
import { randomBytes } from 'node:crypto';
import type { ClaimedMessage, DeliveryOutcome, EmailTokenPurpose, EmailTokenRecord, MailDraft, MailMessage, OutboxRecord, OutboxStatus } from './mail-store';
import { toUser, type UserRow } from './row-mappers';
import type { AuditInput } from './store';

/** A token's row joined to its account (the account's columns as UserRow, the token's prefixed). */
export interface EmailTokenRow extends UserRow {
  token_purpose: EmailTokenPurpose;
  token_email: string;
  token_expires_at: number;
}

export const toEmailToken = (row: EmailTokenRow): EmailTokenRecord => ({
  purpose: row.token_purpose,
  email: row.token_email,
  expiresAt: row.token_expires_at,
  user: toUser(row),
});

export interface OutboxRow {
  id: number;
  kind: MailMessage['kind'];
  recipient: string;
  subject: string;
  text_body: string;
  html_body: string;
  status: OutboxStatus;
  attempts: number;
  created_at: number;
  next_attempt_at: number;
  last_error: string | null;
  sent_at: number | null;
  claim?: string | null;
}

export const OUTBOX_COLUMNS = 'id, kind, recipient, subject, text_body, html_body, status, attempts, created_at, next_attempt_at, last_error, sent_at';

const messageOf = (row: OutboxRow): MailMessage => ({ kind: row.kind, recipient: row.recipient, subject: row.subject, text: row.text_body, html: row.html_body });

export const toOutbox = (row: OutboxRow): OutboxRecord => ({
  id: row.id,
  ...messageOf(row),
  status: row.status,
  attempts: row.attempts,
  createdAt: row.created_at,
  nextAttemptAt: row.next_attempt_at,
  lastError: row.last_error,
  sentAt: row.sent_at,
});

export const toClaimed = (row: OutboxRow): ClaimedMessage => ({ id: row.id, ...messageOf(row), attempts: row.attempts, claim: row.claim! });

/** A new outbox row's columns, in the order of NEW_OUTBOX_COLUMNS: pending, due now. */
export const newOutboxValues = (message: MailMessage, now: number) =>
  [message.kind, message.recipient, message.subject, message.text, message.html, 'pending', 0, now, now] as const;
export const NEW_OUTBOX_COLUMNS = 'kind, recipient, subject, text_body, html_body, status, attempts, created_at, next_attempt_at';

export const addressed = (draft: MailDraft, recipient: string): MailMessage => ({ ...draft, recipient });

/** A claim's proof of ownership: random, so a sender whose lease ran out cannot settle another's claim. */
export const newClaim = (): string => randomBytes(12).toString('base64url');

/** What settling writes: a sent message loses its body (it may carry a live token); errors are cut short. */
export function settlement(outcome: DeliveryOutcome, now: number): { status: OutboxStatus; nextAttemptAt: number | null; lastError: string | null; sentAt: number | null } {
  if (outcome.sent) return { status: 'sent', nextAttemptAt: null, lastError: null, sentAt: now };
  return { status: outcome.retryAt === null ? 'failed' : 'pending', nextAttemptAt: outcome.retryAt, lastError: outcome.error.slice(0, 500), sentAt: null };
}

/** Tokens whose purpose a verification link may spend. */
export const VERIFYING_PURPOSES: readonly EmailTokenPurpose[] = ['verify_email', 'email_change'];

/**
 * What a verification link does: nothing (unknown, spent, expired; or a verification of an address
 * the account no longer has), mark the address verified, or move the account to the new address
 * unless another account has taken it meanwhile.
 */
export function verificationStep(token: EmailTokenRecord | null, addressTaken: boolean): 'invalid' | 'email_taken' | 'verify' | 'change' {
  if (!token) return 'invalid';
  if (token.purpose === 'verify_email') return token.email === token.user.email ? 'verify' : 'invalid';
  return addressTaken ? 'email_taken' : 'change';
}

/** The audit row of an applied verification step. */
export const verificationAudit = (entry: AuditInput, step: 'verify' | 'change', token: EmailTokenRecord): AuditInput => ({
  ...entry,
  event: step === 'verify' ? 'email_verified' : 'email_changed',
  userId: token.user.id,
  details: step === 'verify' ? entry.details : { ...entry.details, previous_email: token.user.email, email: token.email },
});
