// Email verification: registration sends a link; opening it (POST /email/verify) marks the address
// verified, or, for an address change, moves the account to the new address and tells the old one.
// REQUIRE_VERIFIED_EMAIL (off by default, so the original's requests work as they did) keeps
// unverified accounts from logging in; the refusal itself sends a new link (only to someone who
// knew the password, and within the recipient's limit).
import type { MailDraft, NewEmailToken } from '../db/mail-store';
import type { RequestUser, UserRecord, UserWithPasswordHash } from '../db/store';
import { linkWithToken, verificationMessage } from '../mail/messages';
import { auditEntry, type AuthDeps, type RequestContext } from './deps';
import { AuthError, isAuthError } from './errors';
import { mailOn, newEmailToken, presentedTokenHash, requireMail, securityNotice, invalidLink } from './mail';
import { enforceRateLimit, enforceRecipientRateLimit } from './rate-limits';

/** A verification token and its message for `email`; null when mail is off. */
export function verificationFor(deps: AuthDeps, email: string): { token: NewEmailToken; message: MailDraft } | null {
  if (!mailOn(deps)) return null;
  const ttl = deps.config.mail.verifyTokenTtlSeconds;
  const { token, record } = newEmailToken(deps, 'verify_email', email, ttl);
  return { token: record, message: verificationMessage(linkWithToken(deps.publicUrl(), 'verify', token), ttl) };
}

/** POST /email/verify: spends the link's token; the account as it is now. */
export async function verifyEmail(deps: AuthDeps, token: string, context: RequestContext): Promise<UserRecord> {
  const tokenHash = presentedTokenHash(token);
  const audit = auditEntry('email_verified', context, { userId: null, actorId: null });
  const result = await deps.store.verifyEmail(tokenHash, deps.now(), securityNotice(deps, 'email_changed'), audit);
  if (result.status === 'invalid') throw invalidLink();
  if (result.status === 'email_taken') {
    throw new AuthError('email_taken', 'Another account uses this address now', { details: [{ path: 'token', message: 'address taken' }] });
  }
  if (result.previousEmail !== null) deps.mailQueued();
  return result.user;
}

/** Queues a new verification link for an unverified account (the older links stop working). */
async function sendVerification(deps: AuthDeps, user: Pick<UserRecord, 'id' | 'email'>, context: RequestContext): Promise<void> {
  await enforceRecipientRateLimit(deps, user.email, context, user.id);
  const { token, message } = verificationFor(deps, user.email)!;
  await deps.store.issueEmailToken(user.id, token, message, deps.now(), auditEntry('email_verification_sent', context, { userId: user.id, actorId: user.id }));
  deps.mailQueued();
}

/** POST /email/verify/resend: false when the address is verified already (nothing sent). */
export async function resendVerification(deps: AuthDeps, user: RequestUser, context: RequestContext): Promise<boolean> {
  if (user.emailVerifiedAt !== null) return false;
  requireMail(deps);
  await enforceRateLimit(deps, 'mail', context);
  await sendVerification(deps, user, context);
  return true;
}

/**
 * Called by login once the password is right: with REQUIRE_VERIFIED_EMAIL, an unverified account
 * is refused (403 email_not_verified) and sent a new link, unless its recipient limit is spent.
 */
export async function refuseUnverified(deps: AuthDeps, user: UserWithPasswordHash, context: RequestContext): Promise<void> {
  if (!deps.config.mail.requireVerifiedEmail || user.emailVerifiedAt !== null) return;
  try {
    await sendVerification(deps, user, context);
  } catch (error) {
    if (!isAuthError(error) || error.code !== 'rate_limited') throw error;
  }
  throw new AuthError('email_not_verified', 'This account\'s email address is not verified yet. A new link has been sent to it: open it, then log in again.');
}
