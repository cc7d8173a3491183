// Rows as both databases return them (snake_case columns, millisecond timestamps as numbers) turned
// into the store's records, one mapper per table, and an audit entry turned into its columns. Both
// stores use these, so a column means the same thing on SQLite and on PostgreSQL.
import type { AttemptRow } from './attempt-budget';
import type { AuditInput, AuditRecord, RoleRecord, SessionRecord, SigningKeyRecord, UserRecord, UserWithPasswordHash } from './store';

export interface UserRow {
  id: number;
  username: string;
  email: string;
  role: string;
  created_at: number;
  updated_at: number;
  disabled_at: number | null;
  password_hash?: string;
}

export function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    role: row.role,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    disabledAt: row.disabled_at,
  };
}

export function toUserWithHash(row: UserRow | undefined): UserWithPasswordHash | null {
  return row ? { ...toUser(row), passwordHash: row.password_hash as string } : null;
}

/** A user record for answers: never the hash. */
export function withoutHash(user: UserWithPasswordHash): UserRecord {
  const { passwordHash: _hash, ...record } = user;
  return record;
}

/** The roles query's row: permissions as one comma-separated list, in permission id order. */
export interface RoleRow {
  id: number;
  name: string;
  description: string | null;
  permissions: string | null;
}

export const toRole = (row: RoleRow): RoleRecord => ({
  id: row.id,
  name: row.name,
  description: row.description,
  permissions: row.permissions ? row.permissions.split(',') : [],
});

export interface SessionRow {
  id: string;
  user_id: number;
  created_at: number;
  last_used_at: number;
  expires_at: number;
  absolute_expires_at: number;
  user_agent: string | null;
  ip: string | null;
}

export function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    expiresAt: row.expires_at,
    absoluteExpiresAt: row.absolute_expires_at,
    userAgent: row.user_agent,
    ip: row.ip,
  };
}

/** A refresh token found by its hash, with what rotation needs to know about its session and user. */
export interface RefreshTokenLookup {
  session_id: string;
  spent_at: number | null;
  user_id: number;
  expires_at: number;
  disabled_at: number | null;
}

export interface AttemptDbRow {
  failures: number;
  in_flight: number;
  lockouts: number;
  locked_until: number | null;
  last_failure_at: number | null;
  reserved_at: number;
}

export const toAttempt = (row: AttemptDbRow): AttemptRow => ({
  failures: row.failures,
  inFlight: row.in_flight,
  lockouts: row.lockouts,
  lockedUntil: row.locked_until,
  lastFailureAt: row.last_failure_at,
  reservedAt: row.reserved_at,
});

/** An attempt record as its columns, in the order of ATTEMPT_COLUMNS. */
export const attemptValues = (key: string, row: AttemptRow) =>
  [key, row.failures, row.inFlight, row.lockouts, row.lockedUntil, row.lastFailureAt, row.reservedAt] as const;
export const ATTEMPT_COLUMNS = 'key, failures, in_flight, lockouts, locked_until, last_failure_at, reserved_at';

export interface AuditRow {
  id: number;
  at: number;
  event: AuditInput['event'];
  user_id: number | null;
  actor_id: number | null;
  ip: string | null;
  user_agent: string | null;
  details: string | null;
}

export function toAudit(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    event: row.event,
    userId: row.user_id,
    actorId: row.actor_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
  };
}

/** An audit entry as its columns, in the order of AUDIT_COLUMNS; details as JSON text. */
export const auditValues = (entry: AuditInput, now: number) =>
  [now, entry.event, entry.userId, entry.actorId, entry.ip, entry.userAgent, entry.details ? JSON.stringify(entry.details) : null] as const;
export const AUDIT_COLUMNS = 'at, event, user_id, actor_id, ip, user_agent, details';

export interface SigningKeyRow {
  kid: string;
  alg: string;
  public_jwk: string;
  sealed_private_key: string;
  created_at: number;
  activates_at: number;
}

export const toSigningKey = (row: SigningKeyRow): SigningKeyRecord => ({
  kid: row.kid,
  alg: row.alg,
  publicJwk: row.public_jwk,
  sealedPrivateKey: row.sealed_private_key,
  createdAt: row.created_at,
  activatesAt: row.activates_at,
});

