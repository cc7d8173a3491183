// AuthStore on one SQLite file. Each operation is one IMMEDIATE transaction (the write lock is taken
// before the first read, so check-then-write steps cannot interleave, even across processes).
// better-sqlite3 is synchronous; the async signatures keep the interface open to other databases.
import { reserveAttempt, settleFailure, settleSuccess } from '../attempt-budget';
import { createAuditQueries } from './audit-queries';
import { createLimitsQueries } from './limits-queries';
import type { SqliteDatabase } from './open-database';
import { createSessionsQueries } from './sessions-queries';
import { ADMIN_PERMISSION, type ActorCheck, type AuditInput, type AuthStore, type UpdateUserResult, type UserRecord } from '../store';
import { createUsersQueries } from './users-queries';

const TABLES = ['users', 'sessions', 'refresh_tokens', 'rate_limits', 'login_attempts', 'audit_log'] as const;

/**
 * @example
 * const store = createSqliteStore(openDatabase('/tmp/demo/auth.db'));
 * await store.listRoles(); // [{ name: 'user', permissions: ['read', 'write'] }, ...]
 */
export function createSqliteStore(db: SqliteDatabase): AuthStore {
  const users = createUsersQueries(db);
  const sessions = createSessionsQueries(db);
  const limits = createLimitsQueries(db);
  const audit = createAuditQueries(db);
  const counters = TABLES.map((table) => [table, db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck()] as const);

  const ping = db.prepare('SELECT 1').pluck();
  const write = <T>(work: () => T): T => db.transaction(work).immediate();

  /** Would this change take the admin permission from the last enabled user holding it? */
  function removesLastAdmin(current: UserRecord, roleIdAfter: number, disabledAfter: boolean): boolean {
    const holdsAdminNow = current.disabledAt === null && users.roleHasPermission(users.roleId(current.role)!, ADMIN_PERMISSION);
    const holdsAdminAfter = !disabledAfter && users.roleHasPermission(roleIdAfter, ADMIN_PERMISSION);
    return holdsAdminNow && !holdsAdminAfter && users.otherEnabledAdmins(current.id) === 0;
  }

  /** The actor's session is live, its account enabled, and its role grants what it needs, now. */
  function actorAllowed(actor: ActorCheck, now: number): boolean {
    const live = users.forRequest(actor.userId, actor.sessionId, now);
    return live !== null && actor.permissions.every((permission) => live.permissions.includes(permission));
  }

  return {
    async listRoles() {
      return users.listRoles();
    },

    async createUser(input, auditEntry, authorizedBy = null) {
      return write(() => {
        if (authorizedBy && !actorAllowed(authorizedBy, input.now)) return { ok: false, reason: 'forbidden' } as const;
        const roleId = users.roleId(input.role);
        if (roleId === undefined) return { ok: false, reason: 'unknown_role' } as const;
        if (users.emailTaken(input.email)) return { ok: false, reason: 'email_taken' } as const;
        if (users.usernameTaken(input.username)) return { ok: false, reason: 'username_taken' } as const;
        const id = users.insert(input.username, input.email, input.passwordHash, roleId, input.now);
        audit.insert({ ...auditEntry, userId: id }, input.now);
        const { passwordHash: _hash, ...user } = users.byId(id)!;
        return { ok: true, user } as const;
      });
    },

    async findUserByEmail(email) {
      return users.byEmail(email);
    },

    async findUserById(id) {
      return users.byId(id);
    },

    async findUserForRequest(userId, sessionId, now) {
      return users.forRequest(userId, sessionId, now);
    },

    async listUsers(query) {
      return users.list(query);
    },

    async updateUser(id, change, now, actor, context): Promise<UpdateUserResult> {
      return write(() => {
        if (!actorAllowed(actor, now)) return { ok: false, reason: 'forbidden' };
        const current = users.byId(id);
        if (!current) return { ok: false, reason: 'not_found' };
        const roleIdAfter = change.role === undefined ? users.roleId(current.role)! : users.roleId(change.role);
        if (roleIdAfter === undefined) return { ok: false, reason: 'unknown_role' };
        const disabledBefore = current.disabledAt !== null;
        const disabledAfter = change.disabled ?? disabledBefore;
        if (removesLastAdmin(current, roleIdAfter, disabledAfter)) return { ok: false, reason: 'last_admin' };
        const entry = (event: AuditInput['event'], details?: AuditInput['details']): AuditInput => ({ ...context, event, userId: id, details });
        if (change.role !== undefined && change.role !== current.role) {
          users.setRole(id, roleIdAfter, now);
          audit.insert(entry('role_change', { from: current.role, to: change.role }), now);
        }
        let sessionsEnded = 0;
        if (disabledAfter !== disabledBefore) {
          users.setDisabled(id, disabledAfter ? now : null, now);
          if (disabledAfter) sessionsEnded = sessions.deleteOfUser(id, null);
          audit.insert(entry(disabledAfter ? 'user_disabled' : 'user_enabled', disabledAfter ? { sessions_ended: sessionsEnded } : undefined), now);
        }
        const { passwordHash: _hash, ...user } = users.byId(id)!;
        return { ok: true, user, sessionsEnded };
      });
    },

    async deleteUser(id, now, actor, auditEntry) {
      return write(() => {
        if (!actorAllowed(actor, now)) return 'forbidden';
        const current = users.byId(id);
        if (!current) return 'not_found';
        if (removesLastAdmin(current, users.roleId(current.role)!, true)) return 'last_admin';
        users.delete(id); // sessions and refresh tokens go with it (ON DELETE CASCADE)
        audit.insert(auditEntry, now);
        return 'deleted';
      });
    },

    async changePassword(userId, passwordHash, keepSessionId, now, auditEntry) {
      return write(() => {
        users.setPasswordHash(userId, passwordHash, now);
        const ended = sessions.deleteOfUser(userId, keepSessionId);
        audit.insert({ ...auditEntry, details: { ...auditEntry.details, sessions_ended: ended } }, now);
        return ended;
      });
    },

    async createSession(session, now, maxPerUser, auditEntry) {
      write(() => {
        sessions.insert(session, now);
        sessions.trimOfUser(session.userId, maxPerUser);
        if (auditEntry) audit.insert(auditEntry, now);
      });
    },

    async rotateRefreshToken(presentedHash, nextHash, now, idleTtlMs, context) {
      return write(() => {
        const found = sessions.findToken(presentedHash);
        if (!found) return { status: 'invalid' } as const;
        const ids = { userId: found.user_id, sessionId: found.session_id };
        if (found.spent_at !== null) {
          // A spent token presented again: someone holds a copy. End the session for everyone.
          sessions.deleteById(found.session_id);
          audit.insert({ ...context, event: 'refresh_reuse_detected', userId: found.user_id, details: { session_id: found.session_id } }, now);
          return { status: 'reused', ...ids } as const;
        }
        if (found.expires_at <= now || found.disabled_at !== null) {
          sessions.deleteById(found.session_id);
          return { status: 'invalid' } as const;
        }
        sessions.spendToken(presentedHash, now);
        sessions.addToken(nextHash, found.session_id, now);
        sessions.touch(found.session_id, now, now + idleTtlMs);
        audit.insert({ ...context, event: 'refresh', userId: found.user_id, details: { session_id: found.session_id } }, now);
        return { status: 'rotated', ...ids } as const;
      });
    },

    async listSessions(userId, now) {
      return sessions.listLive(userId, now);
    },

    async deleteSession(userId, sessionId, now, auditEntry) {
      return write(() => {
        const deleted = sessions.deleteOne(userId, sessionId, now);
        if (deleted) audit.insert(auditEntry, now);
        return deleted;
      });
    },

    async deleteSessionsOfUser(userId, now, auditEntry, actor = null) {
      return write(() => {
        if (actor && !actorAllowed(actor, now)) return 'forbidden';
        if (!users.byId(userId)) return null;
        const ended = sessions.deleteOfUser(userId, null);
        audit.insert({ ...auditEntry, details: { ...auditEntry.details, sessions_ended: ended } }, now);
        return ended;
      });
    },

    async hitRateLimit(key, now, windowMs, limit, auditEntry) {
      return write(() => {
        const { count, windowStart } = limits.hit(key, now, windowMs);
        if (count === limit + 1) audit.insert({ ...auditEntry, details: { ...auditEntry.details, limit } }, now);
        return { allowed: count <= limit, resetAt: windowStart + windowMs, windowStart };
      });
    },

    async releaseRateLimit(key, windowStart) {
      write(() => limits.release(key, windowStart));
    },

    async reserveLoginAttempt(key, now, policy) {
      return write(() => {
        const reservation = reserveAttempt(limits.attempt(key), now, policy);
        limits.saveAttempt(key, reservation.row);
        return reservation.granted ? { granted: true } : { granted: false, retryAt: reservation.retryAt };
      });
    },

    async recordLoginFailure(attempt, now, auditEntry) {
      return write(() => {
        const settled = attempt && settleFailure(limits.attempt(attempt.key), now, attempt.policy);
        if (attempt && settled) limits.saveAttempt(attempt.key, settled.row);
        const lockedUntil = settled?.locked ? settled.row.lockedUntil : null;
        audit.insert({ ...auditEntry, details: { ...auditEntry.details, locked_until: lockedUntil } }, now);
        if (settled?.locked) {
          const details = { ...auditEntry.details, locked_until: lockedUntil, lockouts: settled.row.lockouts };
          audit.insert({ ...auditEntry, event: 'login_locked', details }, now);
        }
        return { lockedUntil };
      });
    },

    async settleLoginSuccess(key, now) {
      return write(() => {
        const settled = settleSuccess(limits.attempt(key), now);
        limits.saveAttempt(key, settled.row);
        return { lockedUntil: settled.lockedUntil };
      });
    },

    async listAudit(query) {
      return audit.list(query);
    },

    async prune(now, retention) {
      return write(() => ({
        sessions: sessions.deleteExpired(now),
        ...limits.prune(now, retention.rateLimitMs, retention.loginAttemptMs),
        auditLog: audit.prune(now - retention.auditMs),
      }));
    },

    async rowCounts() {
      return Object.fromEntries(counters.map(([table, statement]) => [table, statement.get() as number]));
    },

    async ping() {
      try {
        return ping.get() === 1;
      } catch {
        return false;
      }
    },

    close() {
      db.close();
    },
  };
}
