// Login, and the brute-force defence around it. Per client address, a limit on failures (a room
// behind one NAT signing in costs nothing); per account, a lock-out that grows with each round of
// failures (as Keycloak's brute-force detection), enforced by password-attempts.ts. Unknown email and
// wrong password answer alike, in about the same time (one bcrypt compare either way).
import { auditEntry, type AuthDeps, type RequestContext, type UserGrant } from './deps';
import { normalizeEmail } from './identity';
import { AuthError } from './errors';
import { refuseUnverified } from './email-verification';
import { checkPasswordAttempt } from './password-attempts';
import { enforceRateLimit, releaseRateLimit } from './rate-limits';
import { startSession } from './sessions';

export const INVALID_CREDENTIALS_MESSAGE = 'Invalid email or password';

export interface Credentials {
  email: string;
  password: string;
  /** The trusted-device token this client was given at an earlier login, if it sent one back. */
  deviceToken?: string | null;
}

export async function login(deps: AuthDeps, credentials: Credentials, context: RequestContext): Promise<UserGrant> {
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
  await refuseUnverified(deps, user, context);
  const grant = await startSession(deps, user.id, context, auditEntry('login_success', context, { userId: user.id, actorId: user.id }));
  const { passwordHash: _hash, ...publicUser } = user;
  return { user: publicUser, ...grant, deviceToken: deps.devices.issue(user.id) };
}
