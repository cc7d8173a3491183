// TOTP enrolment and removal, and an administrator's reset of a user's second factors. Enrolment is
// two steps: set-up (the password again) stores a pending secret, sealed, and shows it once as a
// key and a QR code; the first right code confirms it and returns the recovery codes, shown once
// and stored only as hashes. Nothing is active until then.
import { ADMIN_PERMISSION, type RequestUser } from '../db/store';
import { actorCheck, auditEntry, type AuthDeps, type RequestContext } from './deps';
import { AuthError } from './errors';
import { assertFreshAuthentication, confirmOwnPassword, markFresh } from './fresh-auth';
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes';
import { checkSecondFactor, totpSealContext, type SecondFactorProof } from './second-factor-check';
import { matchingTotpStep, newTotpSecret, qrCodeSvg, totpUri } from './totp';

export interface TotpSetup {
  /** Base32, for typing into an app; shown once. */
  secret: string;
  otpauthUri: string;
  qrCodeSvg: string;
}

const self = (user: RequestUser) => ({ userId: user.id, actorId: user.id });
const alreadyEnabled = () => new AuthError('mfa_already_enabled', 'TOTP is already on for this account: remove it first to set up a new one');

/** POST /users/me/mfa/totp/setup: the password again, then a new pending secret (a pending one is replaced). */
export async function setupTotp(deps: AuthDeps, user: RequestUser, password: string, deviceToken: string | null, context: RequestContext): Promise<TotpSetup> {
  await confirmOwnPassword(deps, user, password, deviceToken, context, 'totp_setup');
  await markFresh(deps, user, context, 'password');
  const secret = newTotpSecret(deps.randomBytes);
  const started = await deps.store.beginTotpEnrolment(user.id, deps.secrets.seal(secret, totpSealContext(user.id)), deps.now());
  if (!started) throw alreadyEnabled();
  const otpauthUri = totpUri(secret, user.email, deps.config.jwtIssuer);
  return { secret, otpauthUri, qrCodeSvg: await qrCodeSvg(otpauthUri) };
}

/** POST /users/me/mfa/totp/confirm: the app's first code turns TOTP on; the recovery codes come back once. */
export async function confirmTotp(deps: AuthDeps, user: RequestUser, code: string, context: RequestContext): Promise<{ recoveryCodes: string[] }> {
  const pending = await deps.store.findTotp(user.id);
  if (!pending) throw new AuthError('mfa_not_enabled', 'No TOTP set-up is waiting: POST /users/me/mfa/totp/setup first');
  if (pending.confirmedAt !== null) throw alreadyEnabled();
  const secret = deps.secrets.open(pending.sealedSecret, totpSealContext(user.id)).toString('utf8');
  const step = matchingTotpStep(secret, code, deps.now());
  if (step === null) throw new AuthError('invalid_code', 'That code does not match: check the app and the phone\'s clock', { details: [{ path: 'code', message: 'does not match' }] });
  const recoveryCodes = newRecoveryCodes(deps.randomBytes);
  const hashes = recoveryCodes.map((typed) => hashRecoveryCode(normalizeRecoveryCode(typed)!));
  const confirmed = await deps.store.confirmTotpEnrolment(user.id, pending.sealedSecret, step, hashes, deps.now(), auditEntry('totp_enabled', context, self(user)));
  if (!confirmed) throw new AuthError('mfa_not_enabled', 'This set-up was replaced or already confirmed: start again');
  return { recoveryCodes };
}

/** DELETE /users/me/mfa/totp: a fresh authentication and a valid code (or recovery code). */
export async function removeTotp(deps: AuthDeps, user: RequestUser, proof: SecondFactorProof, context: RequestContext): Promise<void> {
  await assertFreshAuthentication(deps, user);
  const method = await checkSecondFactor(deps, user.id, proof, context, { via: 'totp_remove' });
  if (!method) throw new AuthError('invalid_code', 'Invalid or already used code');
  const removed = await deps.store.removeTotp(user.id, deps.now(), auditEntry('totp_removed', context, self(user), { proof: method }));
  if (!removed) throw new AuthError('mfa_not_enabled', 'TOTP is not on for this account');
}

/** DELETE /admin/users/:id/mfa: a lost phone; removes TOTP, recovery codes and passkeys, audited. */
export async function resetSecondFactors(deps: AuthDeps, actor: RequestUser, userId: number, context: RequestContext): Promise<void> {
  const result = await deps.store.resetMfa(userId, deps.now(), actorCheck(actor, ADMIN_PERMISSION), auditEntry('mfa_reset_by_admin', context, { userId, actorId: actor.id }));
  if (result === 'forbidden') throw new AuthError('forbidden', `Permission required: ${ADMIN_PERMISSION}`);
  if (result === 'not_found') throw new AuthError('not_found', 'No such user');
}
