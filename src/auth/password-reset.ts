// Forgotten passwords. POST /password/forgot answers the same (202, same body) whether or not the
// address has an account, and does the same work either way (two limit hits, a token, a message,
// one store transaction that decides inside whether to keep them), so neither the answer nor its
// time tells who has an account. The reset token is 256 random bits, stored as a hash, single
// use, short-lived (RESET_TOKEN_TTL), spent by a newer request and by any password change.
import { linkWithToken, resetMessage } from '../mail/messages';
import { assertPasswordAcceptable } from './accounts';
import { auditEntry, type AuthDeps, type RequestContext } from './deps';
import { normalizeEmail } from './identity';
import { invalidLink, newEmailToken, presentedTokenHash, requireMail, securityNotice } from './mail';
import { accountBudgetKey } from './password-attempts';
import { enforceRateLimit, enforceRecipientRateLimit } from './rate-limits';

export const FORGOT_PASSWORD_ANSWER = 'If an account uses this address, a link to reset its password is on its way';

export async function forgotPassword(deps: AuthDeps, emailAsTyped: string, context: RequestContext): Promise<void> {
  requireMail(deps);
  await enforceRateLimit(deps, 'mail', context);
  const email = normalizeEmail(emailAsTyped);
  await enforceRecipientRateLimit(deps, email, context);
  const ttl = deps.config.mail.resetTokenTtlSeconds;
  const { token, record } = newEmailToken(deps, 'password_reset', email, ttl);
  const message = resetMessage(linkWithToken(deps.publicUrl(), 'reset', token), ttl);
  const audit = auditEntry('password_reset_requested', context, { userId: null, actorId: null }, { email });
  await deps.store.requestPasswordReset(email, record, message, deps.now(), audit);
  deps.mailQueued();
}

/**
 * POST /password/reset: the policy applies to the new password; every session of the account
 * ends, its lock-out is cleared, and a notice goes to its address. The token is looked at first
 * (for the policy's context and so a dead link costs no bcrypt), then spent in the same
 * transaction as the change: of many resets with one token at once, exactly one succeeds.
 */
export async function resetPassword(deps: AuthDeps, input: { token: string; newPassword: string }, context: RequestContext): Promise<{ sessionsEnded: number }> {
  await enforceRateLimit(deps, 'password', context);
  const tokenHash = presentedTokenHash(input.token);
  const found = await deps.store.findEmailToken(tokenHash, 'password_reset', deps.now());
  if (!found) throw invalidLink();
  assertPasswordAcceptable(deps, input.newPassword, 'new_password', { username: found.user.username, email: found.user.email });
  const passwordHash = await deps.hasher.hash(input.newPassword);
  const audit = auditEntry('password_reset', context, { userId: found.user.id, actorId: found.user.id });
  const result = await deps.store.resetPassword(tokenHash, passwordHash, accountBudgetKey, deps.now(), securityNotice(deps, 'password_reset'), audit);
  if (!result.ok) throw invalidLink();
  deps.mailQueued();
  return { sessionsEnded: result.sessionsEnded };
}
