// The storage interface the rules in auth/ talk to: coarse operations, each one whole transaction,
// returning plain records. SQLite implements it (sqlite/sqlite-store.ts) and PostgreSQL too
// (postgres/postgres-store.ts), for several processes on one database; auth/ and http/ cannot tell
// which. Expected outcomes (a taken email, a spent token) are return values.
import type { MailDraft, MailStore, NewEmailToken } from './mail-store';
import type { MfaStatus, MfaStore } from './mfa-store';

export interface UserRecord {
  id: number;
  username: string;
  email: string;
  role: string;
  createdAt: number;
  updatedAt: number;
  disabledAt: number | null;
  /** When the account's current address was shown to be its owner's (a link opened); null until then. */
  emailVerifiedAt: number | null;
}

export interface UserWithPasswordHash extends UserRecord {
  passwordHash: string;
}

/** Who is asking, as the database says now: current role, its permissions, and the session. */
export interface RequestUser extends UserRecord {
  permissions: readonly string[];
  sessionId: string;
}

/** The caller of GET /users/me: the request's user and the second-factor summary it shows. */
export interface MeUser extends RequestUser {
  mfa: MfaStatus;
}

export interface RoleRecord {
  id: number;
  name: string;
  description: string | null;
  permissions: string[];
}

export interface SessionRecord {
  id: string;
  userId: number;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  absoluteExpiresAt: number;
  userAgent: string | null;
  ip: string | null;
}

export type AuditEvent =
  | 'register'
  | 'login_success'
  | 'login_failure'
  | 'login_locked'
  | 'rate_limited'
  | 'refresh'
  | 'refresh_reuse_detected'
  | 'logout'
  | 'logout_all'
  | 'session_revoked'
  | 'sessions_ended_by_admin'
  | 'password_change'
  | 'role_change'
  | 'user_disabled'
  | 'user_enabled'
  | 'user_deleted'
  | 'bootstrap_admin'
  | 'signing_key_added'
  | 'email_verification_sent'
  | 'email_verified'
  | 'email_change_requested'
  | 'email_changed'
  | 'password_reset_requested'
  | 'password_reset'
  | SecondFactorAuditEvent;

/** What the second factor writes to the audit log (mfa-store.ts). */
export type SecondFactorAuditEvent = 'totp_enabled' | 'totp_removed' | 'mfa_reset_by_admin' | 'reauthenticated' | 'passkey_added' | 'passkey_removed';

/** One audit row to write. Never a password, hash or token: only who, what, when, from where. */
export interface AuditInput {
  event: AuditEvent;
  userId: number | null;
  actorId: number | null;
  ip: string | null;
  userAgent: string | null;
  details?: Record<string, string | number | boolean | null>;
}

/** Who did something, and from where: the store writes the audit rows itself from this. */
export type AuditContext = Pick<AuditInput, 'actorId' | 'ip' | 'userAgent'>;

/**
 * The caller of a privileged write, checked again inside the write's own transaction: a session
 * still live, an account still enabled, and a role that still grants every permission listed. An
 * admin demoted or disabled while its request was in flight (bcrypt takes time) changes nothing.
 */
export interface ActorCheck {
  userId: number;
  sessionId: string;
  permissions: readonly string[];
}

export interface AuditRecord extends Omit<AuditInput, 'details'> {
  id: number;
  at: number;
  details: Record<string, unknown> | null;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface NewSession {
  id: string;
  userId: number;
  refreshTokenHash: Buffer;
  expiresAt: number;
  absoluteExpiresAt: number;
  userAgent: string | null;
  ip: string | null;
}

export type CreateUserResult =
  | { ok: true; user: UserRecord }
  | { ok: false; reason: 'email_taken' | 'username_taken' | 'unknown_role' | 'forbidden' };

export type RotateResult =
  | { status: 'rotated'; userId: number; sessionId: string }
  | { status: 'reused'; userId: number; sessionId: string }
  | { status: 'invalid' };

export type UpdateUserResult =
  | { ok: true; user: UserRecord; sessionsEnded: number }
  | { ok: false; reason: 'not_found' | 'unknown_role' | 'last_admin' | 'forbidden' };

export interface LockoutPolicy {
  threshold: number;
  baseMs: number;
  maxMs: number;
  /** Failures older than this are forgotten. */
  resetAfterMs: number;
}

/** A password check to settle against a key's budget (null when the lock-out is off). */
export interface AttemptSettlement {
  key: string;
  policy: LockoutPolicy;
}

export type AttemptReservation = { granted: true } | { granted: false; retryAt: number };

export interface RateLimitHit {
  allowed: boolean;
  /** When the window ends. */
  resetAt: number;
  /** Which window was counted: a later release gives back only a hit of this one. */
  windowStart: number;
}

/** How long each kind of row is kept once it no longer counts for anything. */
export interface PruneRetention {
  rateLimitMs: number;
  loginAttemptMs: number;
  auditMs: number;
  outboxMs: number;
}

export interface PruneResult {
  sessions: number;
  rateLimits: number;
  loginAttempts: number;
  auditLog: number;
  /** Expired email tokens (spent ones included: a spent token is refused anyway). */
  emailTokens: number;
  /** Sent or failed outbox rows older than the retention (a sent row's body is already blanked). */
  outbox: number;
}

/** An access-token signing key as stored: the public half as JWK text, the private half sealed. */
export interface SigningKeyRecord {
  kid: string;
  alg: string;
  publicJwk: string;
  sealedPrivateKey: string;
  /** Published (in the JWKS) from here. */
  createdAt: number;
  /** Signs from here, until a later key activates. */
  activatesAt: number;
}

/** When addSigningKey adds, and what it clears away. */
export interface SigningKeyRotation {
  /** Add only if no key was created after this (another process rotated first); null: add anyway. */
  unlessCreatedAfter: number | null;
  /** Delete the keys a later key superseded at or before this (every token they signed has expired). */
  dropSupersededBefore: number;
}

/** The permission every admin-management operation requires; "last admin" means last holder. */
export const ADMIN_PERMISSION = 'admin';

export interface AuthStore extends MailStore, MfaStore {
  listRoles(): Promise<RoleRecord[]>;

  /**
   * `authorizedBy`: the admin creating it, checked in the same transaction (null: a trusted or self
   * registration). `verification`: a token and its message, written with the account.
   */
  createUser(
    input: { username: string; email: string; passwordHash: string; role: string; now: number; emailVerifiedAt?: number | null; verification?: { token: NewEmailToken; message: MailDraft } },
    audit: AuditInput,
    authorizedBy?: ActorCheck | null,
  ): Promise<CreateUserResult>;
  findUserByEmail(email: string): Promise<UserWithPasswordHash | null>;
  findUserById(id: number): Promise<UserWithPasswordHash | null>;
  /** The hot path: user + role + permissions, only if the session is live and the user enabled. */
  findUserForRequest(userId: number, sessionId: string, now: number): Promise<RequestUser | null>;
  /** The same, with the user's second-factor summary read in the same statement (GET /users/me). */
  findMeForRequest(userId: number, sessionId: string, now: number): Promise<MeUser | null>;
  listUsers(query: { offset: number; limit: number; role?: string; disabled?: boolean }): Promise<Page<UserRecord>>;
  /**
   * Role change and/or disable by `actor`; refuses to leave no enabled admin; disabling ends all
   * sessions. Audits what changed (a role change with its old and new role); no change, no row.
   */
  updateUser(id: number, change: { role?: string; disabled?: boolean }, now: number, actor: ActorCheck, context: AuditContext): Promise<UpdateUserResult>;
  deleteUser(id: number, now: number, actor: ActorCheck, audit: AuditInput): Promise<'deleted' | 'not_found' | 'last_admin' | 'forbidden'>;
  /**
   * Sets the hash, ends every session of the user except `keepSessionId`, spends the user's reset
   * tokens (any password change does) and queues `notice` to the account's address.
   */
  changePassword(userId: number, passwordHash: string, keepSessionId: string | null, now: number, audit: AuditInput, notice?: MailDraft | null): Promise<number>;

  /** Opens a session; beyond `maxPerUser` live sessions the user's least recently used end. */
  createSession(session: NewSession, now: number, maxPerUser: number, audit: AuditInput | null): Promise<void>;
  /** Spends `presentedHash` and stores `nextHash`; a spent token revokes the whole session. */
  rotateRefreshToken(presentedHash: Buffer, nextHash: Buffer, now: number, idleTtlMs: number, audit: Omit<AuditInput, 'event' | 'userId'>): Promise<RotateResult>;
  listSessions(userId: number, now: number): Promise<SessionRecord[]>;
  /** Ends one session of `userId`; false if it was not theirs or not live. */
  deleteSession(userId: number, sessionId: string, now: number, audit: AuditInput): Promise<boolean>;
  /** Ends every session of the user; null when there is no such user. `actor`: an admin, checked in the transaction. */
  deleteSessionsOfUser(userId: number, now: number, audit: AuditInput, actor?: ActorCheck | null): Promise<number | null | 'forbidden'>;

  /**
   * Counts one hit in the fixed window holding `now`; past `limit` it is not allowed, and the first
   * hit refused in a window is audited (`audit`, event rate_limited).
   */
  hitRateLimit(key: string, now: number, windowMs: number, limit: number, audit: AuditInput): Promise<RateLimitHit>;
  /** Gives back a hit that turned out to be a success (limits that count failures only). */
  releaseRateLimit(key: string, windowStart: number): Promise<void>;
  /** Reserves one password check of `key`'s budget before bcrypt runs (attempt-budget.ts). */
  reserveLoginAttempt(key: string, now: number, policy: LockoutPolicy): Promise<AttemptReservation>;
  /**
   * Settles a reserved check as a wrong password and audits it (login_failure; login_locked too when
   * it starts a lock). `attempt` null: the lock-out is off, only the audit row is written.
   */
  recordLoginFailure(attempt: AttemptSettlement | null, now: number, audit: AuditInput): Promise<{ lockedUntil: number | null }>;
  /** Settles a reserved check as the right password: a lock in force stays (and is returned), else the key is forgiven. */
  settleLoginSuccess(key: string, now: number): Promise<{ lockedUntil: number | null }>;

  listAudit(query: { offset: number; limit: number; userId?: number; event?: string }): Promise<Page<AuditRecord>>;

  /** Every signing key held, in order of activation. */
  listSigningKeys(): Promise<SigningKeyRecord[]>;
  /** One transaction: checks `rotation`, adds the key (audited) or not (false), drops superseded keys. */
  addSigningKey(key: SigningKeyRecord, rotation: SigningKeyRotation, audit: AuditInput): Promise<boolean>;

  /** Deletes expired sessions, old limit rows and audit rows past retention. */
  prune(now: number, retention: PruneRetention): Promise<PruneResult>;
  rowCounts(): Promise<Record<string, number>>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  /** Closes the database (all of its connections). */
  close(): Promise<void>;
}
