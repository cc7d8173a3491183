// The storage interface the rules in auth/ talk to: coarse operations, each one whole transaction,
// returning plain records. SQLite implements it (sqlite-store.ts); another database could, without
// touching auth/ or http/. Expected outcomes (a taken email, a spent token) are return values.

export interface UserRecord {
  id: number;
  username: string;
  email: string;
  role: string;
  createdAt: number;
  updatedAt: number;
  disabledAt: number | null;
}

export interface UserWithPasswordHash extends UserRecord {
  passwordHash: string;
}

/** Who is asking, as the database says now: current role, its permissions, and the session. */
export interface RequestUser extends UserRecord {
  permissions: readonly string[];
  sessionId: string;
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
  | 'bootstrap_admin';

/** One audit row to write. Never a password, hash or token: only who, what, when, from where. */
export interface AuditInput {
  event: AuditEvent;
  userId: number | null;
  actorId: number | null;
  ip: string | null;
  userAgent: string | null;
  details?: Record<string, string | number | boolean | null>;
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
  | { ok: false; reason: 'email_taken' | 'username_taken' | 'unknown_role' };

export type RotateResult =
  | { status: 'rotated'; userId: number; sessionId: string }
  | { status: 'reused'; userId: number; sessionId: string }
  | { status: 'invalid' };

export type UpdateUserResult =
  | { ok: true; user: UserRecord; sessionsEnded: number }
  | { ok: false; reason: 'not_found' | 'unknown_role' | 'last_admin' };

export interface LockoutPolicy {
  threshold: number;
  baseMs: number;
  maxMs: number;
  /** Failures older than this are forgotten. */
  resetAfterMs: number;
}

export interface PruneResult {
  sessions: number;
  rateLimits: number;
  loginFailures: number;
  auditLog: number;
}

/** The permission every admin-management operation requires; "last admin" means last holder. */
export const ADMIN_PERMISSION = 'admin';

export interface AuthStore {
  listRoles(): Promise<RoleRecord[]>;

  createUser(input: { username: string; email: string; passwordHash: string; role: string; now: number }, audit: AuditInput): Promise<CreateUserResult>;
  findUserByEmail(email: string): Promise<UserWithPasswordHash | null>;
  findUserById(id: number): Promise<UserWithPasswordHash | null>;
  /** The hot path: user + role + permissions, only if the session is live and the user enabled. */
  findUserForRequest(userId: number, sessionId: string, now: number): Promise<RequestUser | null>;
  listUsers(query: { offset: number; limit: number; role?: string; disabled?: boolean }): Promise<Page<UserRecord>>;
  /** Role change and/or disable; refuses to leave no enabled admin; disabling ends all sessions. */
  updateUser(id: number, change: { role?: string; disabled?: boolean }, now: number, audit: AuditInput[]): Promise<UpdateUserResult>;
  deleteUser(id: number, now: number, audit: AuditInput): Promise<'deleted' | 'not_found' | 'last_admin'>;
  /** Sets the hash and ends every session of the user except `keepSessionId`. */
  changePassword(userId: number, passwordHash: string, keepSessionId: string | null, now: number, audit: AuditInput): Promise<number>;

  /** Opens a session; beyond `maxPerUser` live sessions the user's least recently used end. */
  createSession(session: NewSession, now: number, maxPerUser: number, audit: AuditInput | null): Promise<void>;
  /** Spends `presentedHash` and stores `nextHash`; a spent token revokes the whole session. */
  rotateRefreshToken(presentedHash: Buffer, nextHash: Buffer, now: number, idleTtlMs: number, audit: Omit<AuditInput, 'event' | 'userId'>): Promise<RotateResult>;
  listSessions(userId: number, now: number): Promise<SessionRecord[]>;
  /** Ends one session of `userId`; false if it was not theirs or not live. */
  deleteSession(userId: number, sessionId: string, now: number, audit: AuditInput): Promise<boolean>;
  /** Ends every session of the user; null when there is no such user. */
  deleteSessionsOfUser(userId: number, now: number, audit: AuditInput): Promise<number | null>;

  /** Counts one hit in the fixed window holding `now`; returns the count and when the window ends. */
  hitRateLimit(key: string, now: number, windowMs: number): Promise<{ count: number; resetAt: number }>;
  getLockedUntil(email: string, now: number): Promise<number | null>;
  /** Audits a failed password and, under a lock-out policy, counts it (locked_until goes in the audit row). */
  recordLoginFailure(email: string, now: number, policy: LockoutPolicy | null, audit: AuditInput): Promise<{ lockedUntil: number | null }>;
  clearLoginFailures(email: string): Promise<void>;

  listAudit(query: { offset: number; limit: number; userId?: number; event?: string }): Promise<Page<AuditRecord>>;

  /** Deletes expired sessions, old limit rows and audit rows past retention. */
  prune(now: number, retention: { rateLimitMs: number; loginFailureMs: number; auditMs: number }): Promise<PruneResult>;
  rowCounts(): Promise<Record<string, number>>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): void;
}
