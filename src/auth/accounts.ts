// Creating accounts and changing passwords. Registration can never grant itself a privileged role:
// any role but the default needs an administrator's token (the original let anyone be admin).
// The first administrator comes from ADMIN_EMAIL/ADMIN_PASSWORD at start-up or from the CLI.
import type { BootstrapAdmin } from '../config';
import type { ActorCheck, AuditInput, RequestUser, UserRecord } from '../db/store';
import { ADMIN_PERMISSION } from '../db/store';
import { actorCheck, auditEntry, type AuthDeps, type RequestContext, type UserGrant } from './deps';
import { normalizeEmail, parseIdentity } from './identity';
import { AuthError } from './errors';
import { assertFreshAuthentication } from './fresh-auth';
import { checkPasswordAttempt } from './password-attempts';
import { checkPassword } from './password-policy';
import { enforceRateLimit, enforceUserRateLimit } from './rate-limits';
import { verificationFor } from './email-verification';
import { mailOn, securityNotice } from './mail';
import { startSession } from './sessions';

export const DEFAULT_ROLE = 'user';

export interface NewAccount {
  username: string;
  email: string;
  password: string;
  role?: string;
}

export function assertPasswordAcceptable(deps: AuthDeps, password: string, field: string, context: { username?: string; email?: string }): void {
  const problems = checkPassword(password, deps.config.password, context);
  if (problems.length > 0) {
    throw new AuthError('weak_password', problems[0], { details: problems.map((message) => ({ path: field, message })) });
  }
}

const onlyAdminsGrant = (role: string) => new AuthError('forbidden', `Only an administrator can create a user with the '${role}' role`);

/**
 * Creates an account with no role gate: for trusted callers (CLI, bootstrap), and after the gate,
 * with `authorizedBy` the admin the store checks again in the same transaction.
 */
export async function createAccount(
  deps: AuthDeps,
  account: NewAccount,
  audit: AuditInput,
  authorizedBy: ActorCheck | null = null,
  address: 'send_verification' | 'trusted' = 'trusted',
): Promise<UserRecord> {
  const { username, email } = parseIdentity(account);
  assertPasswordAcceptable(deps, account.password, 'password', { username, email });
  const passwordHash = await deps.hasher.hash(account.password);
  // An operator's account (CLI, bootstrap) is vouched for; anyone else's address is proven by a link.
  const verification = address === 'send_verification' ? (verificationFor(deps, email) ?? undefined) : undefined;
  const now = deps.now();
  const input = { username, email, passwordHash, role: account.role ?? DEFAULT_ROLE, now, verification, emailVerifiedAt: address === 'trusted' ? now : null };
  const result = await deps.store.createUser(input, audit, authorizedBy);
  if (result.ok) {
    if (verification) deps.mailQueued();
    return result.user;
  }
  switch (result.reason) {
    case 'forbidden':
      throw onlyAdminsGrant(input.role);
    case 'email_taken':
      throw new AuthError('email_taken', 'An account with this email already exists', { details: [{ path: 'email', message: 'already registered' }] });
    case 'username_taken':
      throw new AuthError('username_taken', 'This username is taken', { details: [{ path: 'username', message: 'already taken' }] });
    case 'unknown_role':
      throw new AuthError('unknown_role', `Unknown role '${account.role}'`, { details: [{ path: 'role', message: 'no such role' }] });
  }
}

/** What registration answers: the account and its first session, or, with REQUIRE_VERIFIED_EMAIL, the account alone. */
export type Registration = UserGrant | { user: UserRecord; verificationRequired: true };

/**
 * POST /register: a new account, a verification link to its address, and its first session (none
 * with REQUIRE_VERIFIED_EMAIL: the address must be proven first). `caller` is set when a Bearer
 * token came along.
 */
export async function register(deps: AuthDeps, account: NewAccount, context: RequestContext, caller: RequestUser | null): Promise<Registration> {
  await enforceRateLimit(deps, 'register', context);
  const role = account.role ?? DEFAULT_ROLE;
  const privileged = role !== DEFAULT_ROLE;
  if (privileged && !caller?.permissions.includes(ADMIN_PERMISSION)) throw onlyAdminsGrant(role);
  const audit = auditEntry('register', context, { userId: null, actorId: caller?.id ?? null }, { role });
  // Checked before bcrypt for a quick answer, and again in the write: the admin may be demoted meanwhile.
  const user = await createAccount(deps, { ...account, role }, audit, privileged ? actorCheck(caller!, ADMIN_PERMISSION) : null, 'send_verification');
  if (deps.config.mail.requireVerifiedEmail) return { user, verificationRequired: true };
  const grant = await startSession(deps, user.id, context, null);
  return { user, ...grant, deviceToken: deps.devices.issue(user.id) };
}

/** Creates the first administrator once, if no account has that email yet (as Keycloak's bootstrap admin). */
export async function ensureBootstrapAdmin(deps: AuthDeps, admin: BootstrapAdmin): Promise<'created' | 'exists'> {
  if (await deps.store.findUserByEmail(normalizeEmail(admin.email))) return 'exists';
  await createAccount(deps, { ...admin, role: 'admin' }, auditEntry('bootstrap_admin', { ip: null, userAgent: null }, { userId: null, actorId: null }));
  return 'created';
}

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
  /** The client's trusted-device token, if it sent one: its budget applies while the account is locked. */
  deviceToken?: string | null;
}

/**
 * POST /users/me/password: needs the current password; ends every other session of the user.
 * Limited per address and per user (each change costs two bcrypt hashes), and a wrong current
 * password spends the account's lock-out budget, so a stolen access token cannot guess it.
 */
export async function changePassword(deps: AuthDeps, user: RequestUser, passwords: PasswordChange, context: RequestContext): Promise<{ sessionsEnded: number }> {
  await assertFreshAuthentication(deps, user);
  await enforceRateLimit(deps, 'password', context);
  await enforceUserRateLimit(deps, 'password', user.id, context);
  const stored = await deps.store.findUserById(user.id);
  const attempt = {
    email: user.email,
    user: stored,
    password: passwords.currentPassword,
    deviceToken: passwords.deviceToken ?? null,
    details: { via: 'password_change' },
  };
  if (!stored || !(await checkPasswordAttempt(deps, attempt, context))) {
    throw new AuthError('invalid_current_password', 'Current password is incorrect', {
      details: [{ path: 'current_password', message: 'incorrect' }],
    });
  }
  assertPasswordAcceptable(deps, passwords.newPassword, 'new_password', { username: user.username, email: user.email });
  const passwordHash = await deps.hasher.hash(passwords.newPassword);
  const sessionsEnded = await deps.store.changePassword(
    user.id,
    passwordHash,
    user.sessionId,
    deps.now(),
    auditEntry('password_change', context, { userId: user.id, actorId: user.id }),
    securityNotice(deps, 'password_changed'),
  );
  if (mailOn(deps)) deps.mailQueued();
  return { sessionsEnded };
}
