// The rules of authbook behind one object: build it with a config and a store, and every
// operation the HTTP layer, the CLI or a notebook needs is a method. No Express, no SQL here.
import type { BootstrapAdmin, Config } from '../config';
import type { OutboxRecord, OutboxStatus } from '../db/mail-store';
import type { AuditRecord, AuthStore, MeUser, Page, PruneResult, RequestUser, SessionRecord, UserRecord } from '../db/store';
import * as accounts from './accounts';
import { defaultRandomBytes, type AuthDeps, type RequestContext, type TokenGrant, type UserGrant } from './deps';
import * as emailChange from './email-change';
import * as emailVerification from './email-verification';
import * as loginRules from './login';
import * as passwordReset from './password-reset';
import { createMfaTokens } from './mfa-token';
import { createSecondFactorService, type SecondFactorService } from './second-factor-service';
import { createSecretBox } from '../secret-box';
import type { PublicOrigin } from '../public-origin';
import { linkBaseFor, relyingPartyFor, type RelyingParty } from './site-address';
import { loginAttemptRetentionMs } from './password-attempts';
import { createPasswordHasher, type PasswordHasher } from './passwords';
import * as sessions from './sessions';
import { createAccessTokens } from './access-tokens';
import { authenticateClient, introspectionAnswer } from './introspection';
import { createKeyRing } from './key-ring';
import type { PublicJwk } from './signing-keys';
import { createTokenService } from './tokens';
import { createTrustedDevices } from './trusted-devices';
import * as userAdmin from './user-admin';

/** How long audit rows are kept. */
export const AUDIT_RETENTION_MS = 90 * 24 * 3600 * 1000;

export interface AuthService extends SecondFactorService {
  readonly config: Config;
  /** The RP ID and origin passkeys are registered and checked against now (site-address.ts). */
  relyingParty(): RelyingParty;
  /** The base of the links in messages sent now. */
  linkBase(): string;
  register(account: accounts.NewAccount, context: RequestContext, caller: RequestUser | null): Promise<accounts.Registration>;
  /** A grant, or for an account with a second factor a challenge for POST /login/mfa. */
  login(credentials: loginRules.Credentials, context: RequestContext): Promise<UserGrant | loginRules.MfaChallenge>;
  refresh(refreshToken: string, context: RequestContext): Promise<TokenGrant>;
  /** Bearer token -> the current user, role and permissions from the database; null if not valid now. */
  authenticate(token: string): Promise<RequestUser | null>;
  /** authenticate, with the second-factor summary, in one query: GET /users/me. */
  authenticateMe(token: string): Promise<MeUser | null>;
  logout(user: RequestUser, context: RequestContext): Promise<void>;
  logoutAll(user: RequestUser, context: RequestContext): Promise<number>;
  listSessions(user: RequestUser): Promise<Array<SessionRecord & { current: boolean }>>;
  revokeSession(user: RequestUser, sessionId: string, context: RequestContext): Promise<void>;
  changePassword(user: RequestUser, passwords: accounts.PasswordChange, context: RequestContext): Promise<{ sessionsEnded: number }>;
  /** Trusted creation (CLI, set-up scripts): no role gate, still the password policy. */
  createUser(account: accounts.NewAccount): Promise<UserRecord>;
  ensureBootstrapAdmin(admin: BootstrapAdmin): Promise<'created' | 'exists'>;
  listUsers(query: { offset: number; limit: number; role?: string; disabled?: boolean }): Promise<Page<UserRecord>>;
  updateUser(actor: RequestUser, userId: number, change: { role?: string; disabled?: boolean }, context: RequestContext): Promise<{ user: UserRecord; sessionsEnded: number }>;
  deleteUser(actor: RequestUser, userId: number, context: RequestContext): Promise<void>;
  endSessionsOfUser(actor: RequestUser, userId: number, context: RequestContext): Promise<number>;
  listAudit(query: { offset: number; limit: number; userId?: number; event?: string }): Promise<Page<AuditRecord>>;
  /** Deletes expired sessions and stale limit and audit rows. */
  prune(): Promise<PruneResult>;
  healthy(): Promise<boolean>;
  /** Loads the signing keys (creating the first ES256 key if there is none): before serving. */
  prepareSigningKeys(): Promise<void>;
  /** The public keys that verify access tokens now: GET /.well-known/jwks.json. */
  jwks(): Promise<{ keys: PublicJwk[] }>;
  /** Adds a signing key now; it signs after SIGNING_KEY_ACTIVATION_DELAY (CLI rotate-keys). */
  rotateSigningKey(): Promise<{ kid: string; activatesAt: number }>;
  // Email (issue 13)
  verifyEmail(token: string, context: RequestContext): Promise<UserRecord>;
  /** False: the address was verified already, nothing sent. */
  resendVerification(user: RequestUser, context: RequestContext): Promise<boolean>;
  forgotPassword(email: string, context: RequestContext): Promise<void>;
  resetPassword(input: { token: string; newPassword: string }, context: RequestContext): Promise<{ sessionsEnded: number }>;
  listOutbox(query: { offset: number; limit: number; status?: OutboxStatus }): Promise<Page<OutboxRecord>>;
  /** RFC 7662 for a client of INTROSPECTION_CLIENTS: the live token's answer, or {active: false}; null: not a client. */
  introspect(client: { id: string; secret: string }, token: string): Promise<{ active: false } | ReturnType<typeof introspectionAnswer> | null>;
  /** Sends a link to the new address; the account moves when it is opened. */
  requestEmailChange(user: RequestUser, change: { newEmail: string; password: string; deviceToken?: string | null }, context: RequestContext): Promise<void>;
}

export interface AuthServiceOptions {
  config: Config;
  store: AuthStore;
  now?: () => number;
  randomBytes?: (size: number) => Buffer;
  /** Defaults to bcrypt at config.bcryptRounds. */
  hasher?: PasswordHasher;
  /** The server's own URL, the last resort for links in messages (startServer: where it listens). */
  ownUrl?: () => string;
  /** The URL this server is reached at from outside, when a tunnel has reported one. */
  publicOrigin?: PublicOrigin;
  /** Called after a message is written to the outbox (startServer: kicks the sender). */
  onMailQueued?: () => void;
}

/**
 * @example
 * const config = loadConfig({ DATABASE_PATH: '/tmp/demo/auth.db' });
 * const auth = createAuthService({ config, store: createSqliteStore(openDatabase(config.databasePath)) });
 * const { user, token } = await auth.register({ username: 'ada', email: 'ada@example.com', password: 'a long passphrase' }, { ip: null, userAgent: null }, null);
 */
export function createAuthService(options: AuthServiceOptions): AuthService {
  const { config, store } = options;
  const now = options.now ?? Date.now;
  const randomBytes = options.randomBytes ?? defaultRandomBytes;
  const publicOrigin = () => options.publicOrigin?.current() ?? null;
  const ownUrl = () => options.ownUrl?.() ?? null;
  const keys = createKeyRing({ config, store, now });
  const tokens = createTokenService({
    keys,
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
    ttlSeconds: config.accessTokenTtlSeconds,
    clockSkewSeconds: config.clockSkewSeconds,
    now,
  });
  const deps: AuthDeps = {
    config,
    store,
    now,
    randomBytes,
    hasher: options.hasher ?? createPasswordHasher(config.bcryptRounds),
    keys,
    tokens: createAccessTokens({ tokens, ring: keys, now }),
    devices: createTrustedDevices({ secret: config.jwtSecret, ttlSeconds: config.deviceTokenTtlSeconds, now, randomBytes }),
    publicUrl: () => linkBaseFor(config, publicOrigin(), ownUrl()),
    relyingParty: () => relyingPartyFor(config, publicOrigin(), ownUrl()),
    mailQueued: options.onMailQueued ?? (() => {}),
    secrets: createSecretBox(config.secretsKey),
    mfaTokens: createMfaTokens({ secret: config.jwtSecret, issuer: config.jwtIssuer, now }),
  };
  const trusted: RequestContext = { ip: null, userAgent: null };

  return {
    config,
    relyingParty: deps.relyingParty,
    linkBase: deps.publicUrl,
    ...createSecondFactorService(deps),
    register: (account, context, caller) => accounts.register(deps, account, context, caller),
    login: (credentials, context) => loginRules.login(deps, credentials, context),
    refresh: (refreshToken, context) => sessions.refresh(deps, refreshToken, context),
    authenticate: (token) => sessions.authenticate(deps, token),
    authenticateMe: (token) => sessions.authenticateMe(deps, token),
    logout: (user, context) => sessions.logout(deps, user, context),
    logoutAll: (user, context) => sessions.logoutAll(deps, user, context),
    listSessions: (user) => sessions.listSessions(deps, user),
    revokeSession: (user, sessionId, context) => sessions.revokeSession(deps, user, sessionId, context),
    changePassword: (user, passwords, context) => accounts.changePassword(deps, user, passwords, context),
    createUser: (account) =>
      accounts.createAccount(deps, account, { event: 'register', userId: null, actorId: null, ...trusted, details: { via: 'createUser' } }),
    ensureBootstrapAdmin: (admin) => accounts.ensureBootstrapAdmin(deps, admin),
    listUsers: (query) => userAdmin.listUsers(deps, query),
    updateUser: (actor, userId, change, context) => userAdmin.updateUser(deps, actor, userId, change, context),
    deleteUser: (actor, userId, context) => userAdmin.deleteUser(deps, actor, userId, context),
    endSessionsOfUser: (actor, userId, context) => userAdmin.endSessionsOfUser(deps, actor, userId, context),
    listAudit: (query) => store.listAudit(query),
    healthy: () => store.ping(),
    prepareSigningKeys: () => keys.fresh(),
    jwks: async () => {
      await keys.fresh();
      return keys.jwks();
    },
    rotateSigningKey: () => keys.rotate(),
    async introspect(client, token) {
      if (authenticateClient(config.introspectionClients, client.id, client.secret) === null) return null;
      const live = await sessions.introspect(deps, token);
      return live ? introspectionAnswer(live.user, live.claims) : { active: false };
    },
    prune: () =>
      store.prune(now(), {
        rateLimitMs: config.rateLimit.windowSeconds * 1000,
        loginAttemptMs: loginAttemptRetentionMs(deps),
        auditMs: AUDIT_RETENTION_MS,
        outboxMs: AUDIT_RETENTION_MS, // a delivery's record lives as long as the audit entry of what caused it
      }),
    verifyEmail: (token, context) => emailVerification.verifyEmail(deps, token, context),
    resendVerification: (user, context) => emailVerification.resendVerification(deps, user, context),
    forgotPassword: (email, context) => passwordReset.forgotPassword(deps, email, context),
    resetPassword: (input, context) => passwordReset.resetPassword(deps, input, context),
    listOutbox: (query) => store.listOutbox(query),
    requestEmailChange: (user, change, context) => emailChange.requestEmailChange(deps, user, change, context),
  };
}
