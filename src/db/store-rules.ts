// The decisions every store makes the same way, whatever its database: whether a change takes the
// admin permission from its holder (the last-admin rule), what a user change writes and audits, what
// a presented refresh token means, which audit rows a failure or a refusal writes. No I/O here: each
// store loads rows under its own locks, asks these, and writes the answer in the same transaction.
import type { Reservation } from './attempt-budget';
import type { RefreshTokenLookup } from './row-mappers';
import type { RoleCache } from './role-cache';
import type { ActorCheck, AttemptReservation, AuditContext, AuditInput, RateLimitHit, RequestUser, SigningKeyRotation, UserRecord } from './store';

/** The actor's session is live, its account enabled (both in `live`), and its role grants what it needs. */
export const actorAllowed = (live: RequestUser | null, actor: ActorCheck): boolean =>
  live !== null && actor.permissions.every((permission) => live.permissions.includes(permission));

/**
 * Would the user end up without the admin permission it holds now? Then the store must find another
 * enabled holder first (under a lock every such change takes) or refuse with last_admin.
 */
export function takesAdminAway(roles: RoleCache, current: UserRecord, roleIdAfter: number, disabledAfter: boolean): boolean {
  const holdsNow = current.disabledAt === null && roles.isAdminRole(roles.knownRoleId(current.role));
  const holdsAfter = !disabledAfter && roles.isAdminRole(roleIdAfter);
  return holdsNow && !holdsAfter;
}

export type UserChangePlan =
  | { ok: false; reason: 'unknown_role' }
  | { ok: true; roleIdAfter: number; roleChanged: boolean; disabledAfter: boolean; disabledChanged: boolean; takesAdminAway: boolean };

/** What a PATCH of role and/or disabled changes; a field equal to its current value changes nothing. */
export function planUserChange(roles: RoleCache, current: UserRecord, change: { role?: string; disabled?: boolean }): UserChangePlan {
  const roleIdBefore = roles.knownRoleId(current.role);
  const roleIdAfter = change.role === undefined ? roleIdBefore : roles.roleId(change.role);
  if (roleIdAfter === undefined) return { ok: false, reason: 'unknown_role' };
  const disabledBefore = current.disabledAt !== null;
  const disabledAfter = change.disabled ?? disabledBefore;
  return {
    ok: true,
    roleIdAfter,
    roleChanged: roleIdAfter !== roleIdBefore,
    disabledAfter,
    disabledChanged: disabledAfter !== disabledBefore,
    takesAdminAway: takesAdminAway(roles, current, roleIdAfter, disabledAfter),
  };
}

/** The audit rows of an applied change: a role change with its old and new role; no change, no row. */
export function userChangeAudits(
  context: AuditContext,
  current: UserRecord,
  change: { role?: string },
  plan: Extract<UserChangePlan, { ok: true }>,
  sessionsEnded: number,
): AuditInput[] {
  const entry = (event: AuditInput['event'], details?: AuditInput['details']): AuditInput => ({ ...context, event, userId: current.id, details });
  return [
    ...(plan.roleChanged ? [entry('role_change', { from: current.role, to: change.role! })] : []),
    ...(plan.disabledChanged
      ? [plan.disabledAfter ? entry('user_disabled', { sessions_ended: sessionsEnded }) : entry('user_enabled')]
      : []),
  ];
}

/** An audit entry with the number of sessions its operation ended. */
export const withSessionsEnded = (entry: AuditInput, ended: number): AuditInput => ({ ...entry, details: { ...entry.details, sessions_ended: ended } });

/**
 * What a presented refresh token means: unknown (`invalid`); already spent, so someone holds a copy
 * (`replayed`: end the session, answer reused); its session over or its user disabled (`ended`: end
 * the session, answer invalid); else `rotate`.
 */
export function rotationStep(found: RefreshTokenLookup | undefined, now: number): 'invalid' | 'replayed' | 'ended' | 'rotate' {
  if (!found) return 'invalid';
  if (found.spent_at !== null) return 'replayed';
  if (found.expires_at <= now || found.disabled_at !== null) return 'ended';
  return 'rotate';
}

export const rotationAudit = (context: Omit<AuditInput, 'event' | 'userId'>, event: 'refresh' | 'refresh_reuse_detected', found: RefreshTokenLookup): AuditInput => ({
  ...context,
  event,
  userId: found.user_id,
  details: { session_id: found.session_id },
});

export const toAttemptReservation = (reservation: Reservation): AttemptReservation =>
  reservation.granted ? { granted: true } : { granted: false, retryAt: reservation.retryAt };

/** The audit rows of a wrong password: login_failure always, login_locked too when it started a lock. */
export function failureAudits(entry: AuditInput, settled: { row: { lockedUntil: number | null; lockouts: number }; locked: boolean } | null) {
  const lockedUntil = settled?.locked ? settled.row.lockedUntil : null;
  const entries: AuditInput[] = [{ ...entry, details: { ...entry.details, locked_until: lockedUntil } }];
  if (settled?.locked) {
    entries.push({ ...entry, event: 'login_locked', details: { ...entry.details, locked_until: lockedUntil, lockouts: settled.row.lockouts } });
  }
  return { lockedUntil, entries };
}

/** Windows are aligned to multiples of windowMs, so every process agrees where one starts. */
export const windowStartOf = (now: number, windowMs: number): number => now - (now % windowMs);

/** A counted hit's answer, and the audit row of the first refusal in its window (else null). */
export function rateLimitOutcome(counted: { count: number; windowStart: number }, windowMs: number, limit: number, entry: AuditInput) {
  const hit: RateLimitHit = { allowed: counted.count <= limit, resetAt: counted.windowStart + windowMs, windowStart: counted.windowStart };
  const audit = counted.count === limit + 1 ? { ...entry, details: { ...entry.details, limit } } : null;
  return { hit, audit };
}

/** A signing key is added unless another process rotated since `unlessCreatedAfter` (exactly one rotates). */
export const rotationAllowed = (newestCreatedAt: number | null, rotation: SigningKeyRotation): boolean =>
  rotation.unlessCreatedAfter === null || newestCreatedAt === null || newestCreatedAt <= rotation.unlessCreatedAfter;
