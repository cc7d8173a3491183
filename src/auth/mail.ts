// What every rule that sends mail shares: whether mail is on, one-use tokens for links (256 random
// bits, stored only as SHA-256), and security notices. `securityNotice` is the one way to tell an
// account's owner that something happened to it: a rule with a transaction of its own passes the
// draft to its store operation (the notice is written with the change); `sendSecurityNotice`
// queues it on its own, for features whose change is already written.
import type { EmailTokenPurpose, MailDraft, NewEmailToken } from '../db/mail-store';
import { noticeMessage, type NoticeEvent } from '../mail/messages';
import { hashRefreshToken, type AuthDeps } from './deps';
import { AuthError } from './errors';

const EMAIL_TOKEN_BYTES = 32;
const EMAIL_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Email tokens are hashed as refresh tokens are: a stolen database holds no usable link. */
export const hashEmailToken = hashRefreshToken;

/** Off only in production without SMTP_URL; in the outbox-only mode messages are written and kept. */
export const mailOn = (deps: AuthDeps): boolean => deps.config.mail.delivery !== 'off';

/** Throws mail_unavailable (503) when mail is off: a feature that needs it says so rather than pretending. */
export function requireMail(deps: AuthDeps): void {
  if (!mailOn(deps)) throw new AuthError('mail_unavailable', 'This server sends no mail (SMTP_URL is not set), so this feature is off');
}

/** A new token for a link, and what the store keeps of it. */
export function newEmailToken(deps: AuthDeps, purpose: EmailTokenPurpose, email: string, ttlSeconds: number): { token: string; record: NewEmailToken } {
  const token = deps.randomBytes(EMAIL_TOKEN_BYTES).toString('base64url');
  return { token, record: { tokenHash: hashEmailToken(token), purpose, email, expiresAt: deps.now() + ttlSeconds * 1000 } };
}

export const invalidLink = () => new AuthError('invalid_email_token', 'This link is invalid, already used or expired');

/** The hash of a token as presented; invalid_email_token (400) when it cannot be one of ours. */
export function presentedTokenHash(token: string): Buffer {
  if (!EMAIL_TOKEN_PATTERN.test(token)) throw invalidLink();
  return hashEmailToken(token);
}

/**
 * The notice of a security event, to be written with the change it reports; null when mail is off.
 *
 * @example
 * await deps.store.changePassword(id, hash, keep, now, audit, securityNotice(deps, 'password_changed'));
 */
export function securityNotice(deps: AuthDeps, event: NoticeEvent, detail?: string): MailDraft | null {
  return mailOn(deps) ? noticeMessage(event, deps.now(), detail) : null;
}

/** Queues a notice to `recipient` on its own (when the change it reports is already written). */
export async function sendSecurityNotice(deps: AuthDeps, recipient: string, event: NoticeEvent, detail?: string): Promise<void> {
  const notice = securityNotice(deps, event, detail);
  if (!notice) return;
  await deps.store.enqueueMail({ ...notice, recipient }, deps.now());
  deps.mailQueued();
}
