// Login, and the brute-force defence around it. Per client address, a limit on failures (a room
// behind one NAT signing in costs nothing); per account, a lock-out that grows with each round of
// failures (as Keycloak's brute-force detection), enforced by password-attempts.ts. Unknown email and
// wrong password answer alike, in about the same time (one bcrypt compare either way).
import type { UserWithPasswordHash } from '../db/store';
import { withoutHash } from '../db/row-mappers';
import { auditEntry, type AuthDeps, type RequestContext, type UserGrant } from './deps';
import { normalizeEmail } from './identity';
import { AuthError } from './errors';
import { refuseUnverified } from './email-verification';
import { checkPasswordAttempt } from './password-attempts';
import { checkSecondFactor, type SecondFactorProof } from './second-factor-check';
import { enforceRateLimit, releaseRateLimit } from './rate-limits';
import { startSession } from './sessions';

export const INVALID_CREDENTIALS_MESSAGE = 'Invalid email or password';

export interface Credentials {
  email: string;
  password: string;
  /** The trusted-device token this client was given at an earlier login, if it sent one back. */
  deviceToken?: string | null;
}

/** A right password for an account with a second factor: no session yet, a challenge instead. */
export interface MfaChallenge {
  mfaRequired: true;
  mfaToken: string;
  /** What the second step accepts: totp and recovery_code at /login/mfa; passkey at /webauthn/login. */
  methods: string[];
}

export const isMfaChallenge = (answer: UserGrant | MfaChallenge): answer is MfaChallenge => 'mfaRequired' in answer;

/**
 * Opens the session of a user who proved who they are; `details` say how (audited with login_success).
 * Every way in ends here, so REQUIRE_VERIFIED_EMAIL holds for passwords, codes and passkeys alike.
 */
export async function finishLogin(deps: AuthDeps, user: UserWithPasswordHash, context: RequestContext, details?: Record<string, string>): Promise<UserGrant> {
  await refuseUnverified(deps, user, context);
  const grant = await startSession(deps, user.id, context, auditEntry('login_success', context, { userId: user.id, actorId: user.id }, details));
  return { user: withoutHash(user), ...grant, deviceToken: deps.devices.issue(user.id) };
}

export async function login(deps: AuthDeps, credentials: Credentials, context: RequestContext): Promise<UserGrant | MfaChallenge> {
  const slot = await enforceRateLimit(deps, 'login', context);
  const email = normalizeEmail(credentials.email);
  const user = await deps.store.findUserByEmail(email);
  let matches: boolean;
  try {
    matches = await checkPasswordAttempt(deps, { email, user, password: credentials.password, deviceToken: credentials.deviceToken ?? null }, context);
  } catch (error) {
    await releaseRateLimit(deps, slot); // a refusal from the lock-out checked no password
    throw error;
  }
  if (!user || !matches) throw new AuthError('invalid_credentials', INVALID_CREDENTIALS_MESSAGE);
  await releaseRateLimit(deps, slot);
  if (user.disabledAt !== null) {
    // Only someone who knows the password learns the account is disabled.
    throw new AuthError('account_disabled', 'This account is disabled');
  }
  const factors = await deps.store.mfaStatus(user.id);
  if (factors.totp) {
    return { mfaRequired: true, mfaToken: deps.mfaTokens.issue(user.id), methods: ['totp', 'recovery_code', ...(factors.passkeys > 0 ? ['passkey'] : [])] };
  }
  return finishLogin(deps, user, context);
}

/**
 * POST /login/mfa: the mfa_token from /login and a TOTP or recovery code. Wrong codes count against
 * the client's failure limit and the account's code budget (second-factor-check.ts).
 */
export async function loginWithSecondFactor(deps: AuthDeps, mfaToken: string, proof: SecondFactorProof, context: RequestContext): Promise<UserGrant> {
  const slot = await enforceRateLimit(deps, 'login', context);
  const userId = deps.mfaTokens.verify(mfaToken);
  const user = userId === null ? null : await deps.store.findUserById(userId);
  if (!user) throw new AuthError('invalid_mfa_token', 'The mfa_token is invalid or has expired: sign in again');
  let method: string | null;
  try {
    method = await checkSecondFactor(deps, user.id, proof, context, { via: 'login' });
  } catch (error) {
    await releaseRateLimit(deps, slot);
    throw error;
  }
  if (!method) throw new AuthError('invalid_mfa_code', 'Invalid or already used code');
  await releaseRateLimit(deps, slot);
  if (user.disabledAt !== null) throw new AuthError('account_disabled', 'This account is disabled');
  return finishLogin(deps, user, context, { mfa: method });
}
