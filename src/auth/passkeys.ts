// Passkeys (WebAuthn) through @simplewebauthn/server: registration for a signed-in user with a fresh
// authentication (a discoverable credential, so it can sign in without a username), passwordless
// sign-in, the list, and removal. A passkey sign-in is a phishing-resistant factor on its own (the
// browser binds the signature to the origin): no TOTP is asked after it. Challenges live in the
// database, single-use, so any process may answer any step.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { PasskeyRecord } from '../db/mfa-store';
import type { RequestUser } from '../db/store';
import { auditEntry, type AuthDeps, type RequestContext, type UserGrant } from './deps';
import { AuthError } from './errors';
import { assertFreshAuthentication } from './fresh-auth';
import { finishLogin } from './login';
import { CHALLENGE_TTL_MS, challengeOf, verifyPasskeyAssertion } from './passkey-assertion';
import { enforceRateLimit, releaseRateLimit } from './rate-limits';

const RP_NAME = 'authbook';
const invalidPasskey = () => new AuthError('invalid_passkey', 'The passkey could not be verified: ask for new options and try again');
const self = (user: RequestUser) => ({ userId: user.id, actorId: user.id });

/** POST /webauthn/register/options: needs a fresh authentication; the user's passkeys are excluded. */
export async function registrationOptions(deps: AuthDeps, user: RequestUser): Promise<PublicKeyCredentialCreationOptionsJSON> {
  await assertFreshAuthentication(deps, user);
  const existing = await deps.store.listPasskeys(user.id);
  const options = await generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: deps.relyingParty().rpId,
    userName: user.email,
    userDisplayName: user.username,
    userID: new Uint8Array(Buffer.from(String(user.id), 'utf8')),
    attestationType: 'none',
    excludeCredentials: existing.map((passkey) => ({ id: passkey.id, transports: passkey.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
    timeout: CHALLENGE_TTL_MS,
  });
  const now = deps.now();
  await deps.store.saveWebauthnChallenge({ challenge: options.challenge, purpose: 'register', userId: user.id, expiresAt: now + CHALLENGE_TTL_MS }, now);
  return options;
}

/** POST /webauthn/register/verify: the browser's answer to this user's registration challenge. */
export async function verifyRegistration(deps: AuthDeps, user: RequestUser, response: RegistrationResponseJSON, name: string | undefined, context: RequestContext): Promise<PasskeyRecord> {
  const challenge = challengeOf(response);
  const issued = challenge === null ? null : await deps.store.takeWebauthnChallenge(challenge, 'register', deps.now());
  if (!issued || issued.userId !== user.id) throw invalidPasskey();
  const { origin, rpId } = deps.relyingParty();
  let credential;
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: issued.challenge,
      expectedOrigin: origin,
      expectedRPID: rpId,
      requireUserVerification: false,
    });
    if (!result.verified) throw invalidPasskey();
    credential = result.registrationInfo.credential;
  } catch {
    throw invalidPasskey();
  }
  const now = deps.now();
  const count = (await deps.store.listPasskeys(user.id)).length;
  const passkey: PasskeyRecord = {
    id: credential.id,
    userId: user.id,
    publicKey: Buffer.from(credential.publicKey),
    counter: credential.counter,
    transports: credential.transports ?? [],
    name: name ?? `Passkey ${count + 1}`,
    createdAt: now,
    lastUsedAt: null,
  };
  if (!(await deps.store.addPasskey(passkey, auditEntry('passkey_added', context, self(user), { passkey_id: passkey.id })))) {
    throw new AuthError('validation_error', 'This passkey is registered already');
  }
  return passkey;
}

/** POST /webauthn/login/options: a challenge for any discoverable passkey of this site. */
export async function loginOptions(deps: AuthDeps): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await generateAuthenticationOptions({ rpID: deps.relyingParty().rpId, userVerification: 'preferred', timeout: CHALLENGE_TTL_MS });
  const now = deps.now();
  await deps.store.saveWebauthnChallenge({ challenge: options.challenge, purpose: 'login', userId: null, expiresAt: now + CHALLENGE_TTL_MS }, now);
  return options;
}

/** POST /webauthn/login/verify: a valid assertion signs its passkey's user in; failures count per address. */
export async function loginWithPasskey(deps: AuthDeps, response: AuthenticationResponseJSON, context: RequestContext): Promise<UserGrant> {
  const slot = await enforceRateLimit(deps, 'login', context);
  const passkey = await verifyPasskeyAssertion(deps, response);
  const user = passkey && (await deps.store.findUserById(passkey.userId));
  if (!user) throw invalidPasskey();
  await releaseRateLimit(deps, slot);
  if (user.disabledAt !== null) throw new AuthError('account_disabled', 'This account is disabled');
  return finishLogin(deps, user, context, { method: 'passkey', passkey_id: passkey.id });
}

export const listPasskeys = (deps: AuthDeps, user: RequestUser): Promise<PasskeyRecord[]> => deps.store.listPasskeys(user.id);

/** DELETE /users/me/passkeys/:id: needs a fresh authentication. */
export async function removePasskey(deps: AuthDeps, user: RequestUser, id: string, context: RequestContext): Promise<void> {
  await assertFreshAuthentication(deps, user);
  const removed = await deps.store.removePasskey(user.id, id, deps.now(), auditEntry('passkey_removed', context, self(user), { passkey_id: id }));
  if (!removed) throw new AuthError('not_found', 'No such passkey');
}
