// Moving an account to another address: POST /users/me/email needs a fresh authentication (ASVS
// 7.5.1, as a password change does) and the password (checked within the account's lock-out budget)
// and sends a link to the new address. The account moves only when that link is opened
// (email-verification.ts), and the old address is then told. Until then nothing changes: a stolen
// session cannot move an account without a recent sign-in, the password and a mailbox at the new address.
import type { RequestUser } from '../db/store';
import { emailChangeMessage, linkWithToken } from '../mail/messages';
import { auditEntry, type AuthDeps, type RequestContext } from './deps';
import { AuthError } from './errors';
import { assertFreshAuthentication, confirmOwnPassword } from './fresh-auth';
import { emailSchema, normalizeEmail } from './identity';
import { newEmailToken, requireMail } from './mail';
import { enforceRateLimit, enforceRecipientRateLimit } from './rate-limits';

export async function requestEmailChange(deps: AuthDeps, user: RequestUser, change: { newEmail: string; password: string; deviceToken?: string | null }, context: RequestContext): Promise<void> {
  requireMail(deps);
  await assertFreshAuthentication(deps, user);
  await enforceRateLimit(deps, 'mail', context);
  const parsed = emailSchema.safeParse(change.newEmail);
  if (!parsed.success) throw new AuthError('validation_error', 'new_email must be a valid email address', { details: [{ path: 'new_email', message: 'must be a valid email address' }] });
  const newEmail = normalizeEmail(parsed.data);
  if (newEmail === user.email) throw new AuthError('validation_error', 'This is the address the account uses already', { details: [{ path: 'new_email', message: 'unchanged' }] });
  await confirmOwnPassword(deps, user, change.password, change.deviceToken ?? null, context, 'email_change');
  if (await deps.store.findUserByEmail(newEmail)) {
    throw new AuthError('email_taken', 'An account with this email already exists', { details: [{ path: 'new_email', message: 'already registered' }] });
  }
  await enforceRecipientRateLimit(deps, newEmail, context, user.id);
  const ttl = deps.config.mail.verifyTokenTtlSeconds;
  const { token, record } = newEmailToken(deps, 'email_change', newEmail, ttl);
  const audit = auditEntry('email_change_requested', context, { userId: user.id, actorId: user.id }, { email: newEmail });
  await deps.store.issueEmailToken(user.id, record, emailChangeMessage(linkWithToken(deps.publicUrl(), 'verify', token), ttl), deps.now(), audit);
  deps.mailQueued();
}
