// Fresh authentication ("sudo mode", ASVS 7.5): changing the password or the email address, removing
// a second factor, adding or removing a passkey and ending another session need the session to have
// proved who it is within REAUTH_MAX_AGE (its sign-in, or POST /users/me/reauthenticate since). A
// stolen access token alone then cannot lock the owner out or plant a factor of its own. An account with a second factor
// re-authenticates with it (a code, or a passkey): the password alone would bring back the very risk
// the factor removes.
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { RequestUser } from '../db/store';
import { auditEntry, type AuthDeps, type RequestContext } from './deps';
import { AuthError } from './errors';
import { verifyPasskeyAssertion } from './passkey-assertion';
import { checkPasswordAttempt } from './password-attempts';
import { checkSecondFactor, type SecondFactorProof } from './second-factor-check';

export type Reauthentication = { password: string; deviceToken?: string | null } | { passkey: AuthenticationResponseJSON } | SecondFactorProof;

export const REAUTHENTICATION_MESSAGE = 'This action needs a recent sign-in: re-authenticate (POST /users/me/reauthenticate) and try again';

/** Throws reauthentication_required (403) unless the session authenticated within REAUTH_MAX_AGE. */
export async function assertFreshAuthentication(deps: AuthDeps, user: RequestUser): Promise<void> {
  const now = deps.now();
  const at = await deps.store.sessionAuthenticatedAt(user.id, user.sessionId, now);
  if (at === null || now - at > deps.config.secondFactor.reauthMaxAgeSeconds * 1000) {
    throw new AuthError('reauthentication_required', REAUTHENTICATION_MESSAGE);
  }
}

/** The password is the caller's (counted against the account's budget like a login); else invalid_current_password. */
export async function confirmOwnPassword(deps: AuthDeps, user: RequestUser, password: string, deviceToken: string | null, context: RequestContext, via: string): Promise<void> {
  const stored = await deps.store.findUserById(user.id);
  const attempt = { email: user.email, user: stored, password, deviceToken, details: { via } };
  if (!stored || !(await checkPasswordAttempt(deps, attempt, context))) {
    throw new AuthError('invalid_current_password', 'Password is incorrect', { details: [{ path: 'password', message: 'incorrect' }] });
  }
}

/** Records that the session just proved who it is (password, code, or passkey: `method`). */
export async function markFresh(deps: AuthDeps, user: RequestUser, context: RequestContext, method: string): Promise<void> {
  const audit = auditEntry('reauthenticated', context, { userId: user.id, actorId: user.id }, { session_id: user.sessionId, method });
  await deps.store.markSessionAuthenticated(user.id, user.sessionId, deps.now(), audit);
}

/** POST /users/me/reauthenticate with a password, a passkey, or (with a second factor on) a TOTP or recovery code. */
export async function reauthenticate(deps: AuthDeps, user: RequestUser, proof: Reauthentication, context: RequestContext): Promise<void> {
  if ('passkey' in proof) {
    const passkey = await verifyPasskeyAssertion(deps, proof.passkey);
    if (passkey?.userId !== user.id) throw new AuthError('invalid_passkey', 'The passkey could not be verified as yours');
    return markFresh(deps, user, context, 'passkey');
  }
  if ('password' in proof) {
    if ((await deps.store.mfaStatus(user.id)).totp) {
      throw new AuthError('validation_error', 'This account has a second factor: re-authenticate with a code (or a passkey)', {
        details: [{ path: 'code', message: 'is required' }],
      });
    }
    await confirmOwnPassword(deps, user, proof.password, proof.deviceToken ?? null, context, 'reauthenticate');
    return markFresh(deps, user, context, 'password');
  }
  const method = await checkSecondFactor(deps, user.id, proof, context, { via: 'reauthenticate' });
  if (!method) throw new AuthError('invalid_code', 'Invalid or already used code');
  await markFresh(deps, user, context, method);
}
