// AuthStore on one SQLite file. Each operation is one IMMEDIATE transaction (the write lock is taken
// before the first read, so check-then-write steps cannot interleave, even across processes).
// better-sqlite3 is synchronous; the async signatures keep the interface open to other databases.
// The decisions (last admin, rotation, audit rows) are store-rules.ts's, shared with PostgreSQL.
import { reserveAttempt, settleFailure, settleSuccess } from '../attempt-budget';
import { addressed } from '../mail-rows';
import { withoutHash } from '../row-mappers';
import type { ActorCheck, AuthStore, UpdateUserResult } from '../store';
import {
  actorAllowed,
  failureAudits,
  planUserChange,
  rateLimitOutcome,
  rotationAllowed,
  rotationAudit,
  rotationStep,
  takesAdminAway,
  toAttemptReservation,
  userChangeAudits,
  withSessionsEnded,
} from '../store-rules';
import { createAuditQueries } from './audit-queries';
import { createKeysQueries } from './keys-queries';
import { createLimitsQueries } from './limits-queries';
import { createMailQueries } from './mail-queries';
import { createSqliteMfaStore } from './mfa-store';
import type { SqliteDatabase } from './open-database';
import { createSessionsQueries } from './sessions-queries';
import { createSqliteMailStore } from './sqlite-mail-store';
import { createUsersQueries } from './users-queries';

export const STORE_TABLES = ['users', 'sessions', 'refresh_tokens', 'rate_limits', 'login_attempts', 'audit_log', 'signing_keys', 'email_tokens', 'outbox'] as const;

/**
 * @example
 * const store = createSqliteStore(openDatabase('/tmp/demo/auth.db'));
 * await store.listRoles(); // [{ name: 'user', permissions: ['read', 'write'] }, ...]
 */
export function createSqliteStore(db: SqliteDatabase): AuthStore {
  const users = createUsersQueries(db);
  const { roles } = users;
  const sessions = createSessionsQueries(db);
  const limits = createLimitsQueries(db);
  const audit = createAuditQueries(db);
  const keys = createKeysQueries(db);
  const mail = createMailQueries(db);
  const counters = STORE_TABLES.map((table) => [table, db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck()] as const);

  const ping = db.prepare('SELECT 1').pluck();
  const write = <T>(work: () => T): T => db.transaction(work).immediate();
  const allowed = (actor: ActorCheck, now: number) => actorAllowed(users.forRequest(actor.userId, actor.sessionId, now), actor);

  return {
    ...createSqliteMailStore({ write, users, sessions, limits, audit, mail }),
    ...createSqliteMfaStore(db, { write, allowed, audit, userExists: (id) => users.byId(id) !== null }),

    async listRoles() {
      return roles.list();
    },

    async createUser(input, auditEntry, authorizedBy = null) {
      return write(() => {
        if (authorizedBy && !allowed(authorizedBy, input.now)) return { ok: false, reason: 'forbidden' } as const;
        const roleId = roles.roleId(input.role);
        if (roleId === undefined) return { ok: false, reason: 'unknown_role' } as const;
        if (users.emailTaken(input.email)) return { ok: false, reason: 'email_taken' } as const;
        if (users.usernameTaken(input.username)) return { ok: false, reason: 'username_taken' } as const;
        const id = users.insert(input.username, input.email, input.passwordHash, roleId, input.now, input.emailVerifiedAt);
        if (input.verification) {
          mail.issueToken(id, input.verification.token, input.now);
          mail.enqueue(addressed(input.verification.message, input.email), input.now);
        }
        audit.insert({ ...auditEntry, userId: id }, input.now);
        return { ok: true, user: withoutHash(users.byId(id)!) } as const;
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

    async findMeForRequest(userId, sessionId, now) {
      return users.forMe(userId, sessionId, now);
    },

    async listUsers(query) {
      return users.list(query);
    },

    async updateUser(id, change, now, actor, context): Promise<UpdateUserResult> {
      return write(() => {
        if (!allowed(actor, now)) return { ok: false, reason: 'forbidden' };
        const current = users.byId(id);
        if (!current) return { ok: false, reason: 'not_found' };
        const plan = planUserChange(roles, current, change);
        if (!plan.ok) return plan;
        if (plan.takesAdminAway && users.otherEnabledAdmins(id) === 0) return { ok: false, reason: 'last_admin' };
        if (plan.roleChanged) users.setRole(id, plan.roleIdAfter, now);
        let sessionsEnded = 0;
        if (plan.disabledChanged) {
          users.setDisabled(id, plan.disabledAfter ? now : null, now);
          if (plan.disabledAfter) sessionsEnded = sessions.deleteOfUser(id, null);
        }
        for (const entry of userChangeAudits(context, current, change, plan, sessionsEnded)) audit.insert(entry, now);
        return { ok: true, user: withoutHash(users.byId(id)!), sessionsEnded };
      });
    },

    async deleteUser(id, now, actor, auditEntry) {
      return write(() => {
        if (!allowed(actor, now)) return 'forbidden';
        const current = users.byId(id);
        if (!current) return 'not_found';
        if (takesAdminAway(roles, current, roles.knownRoleId(current.role), true) && users.otherEnabledAdmins(id) === 0) return 'last_admin';
        users.delete(id); // sessions and refresh tokens go with it (ON DELETE CASCADE)
        audit.insert(auditEntry, now);
        return 'deleted';
      });
    },

    async changePassword(userId, passwordHash, keepSessionId, now, auditEntry, notice = null) {
      return write(() => {
        users.setPasswordHash(userId, passwordHash, now);
        mail.spendOfUser(userId, 'password_reset', now);
        const ended = sessions.deleteOfUser(userId, keepSessionId);
        const user = users.byId(userId);
        if (notice && user) mail.enqueue(addressed(notice, user.email), now);
        audit.insert(withSessionsEnded(auditEntry, ended), now);
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
        const step = rotationStep(found, now);
        if (step === 'invalid') return { status: 'invalid' } as const;
        const ids = { userId: found!.user_id, sessionId: found!.session_id };
        if (step !== 'rotate') {
          // Replayed (someone holds a copy) or over: the session ends, for everyone holding its tokens.
          sessions.deleteById(ids.sessionId);
          if (step === 'ended') return { status: 'invalid' } as const;
          audit.insert(rotationAudit(context, 'refresh_reuse_detected', found!), now);
          return { status: 'reused', ...ids } as const;
        }
        sessions.spendToken(presentedHash, now);
        sessions.addToken(nextHash, ids.sessionId, now);
        sessions.touch(ids.sessionId, now, now + idleTtlMs);
        audit.insert(rotationAudit(context, 'refresh', found!), now);
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
        if (actor && !allowed(actor, now)) return 'forbidden';
        if (!users.byId(userId)) return null;
        const ended = sessions.deleteOfUser(userId, null);
        audit.insert(withSessionsEnded(auditEntry, ended), now);
        return ended;
      });
    },

    async hitRateLimit(key, now, windowMs, limit, auditEntry) {
      return write(() => {
        const outcome = rateLimitOutcome(limits.hit(key, now, windowMs), windowMs, limit, auditEntry);
        if (outcome.audit) audit.insert(outcome.audit, now);
        return outcome.hit;
      });
    },

    async releaseRateLimit(key, windowStart) {
      write(() => limits.release(key, windowStart));
    },

    async reserveLoginAttempt(key, now, policy) {
      return write(() => {
        const reservation = reserveAttempt(limits.attempt(key), now, policy);
        limits.saveAttempt(key, reservation.row);
        return toAttemptReservation(reservation);
      });
    },

    async recordLoginFailure(attempt, now, auditEntry) {
      return write(() => {
        const settled = attempt && settleFailure(limits.attempt(attempt.key), now, attempt.policy);
        if (attempt && settled) limits.saveAttempt(attempt.key, settled.row);
        const { lockedUntil, entries } = failureAudits(auditEntry, settled);
        for (const entry of entries) audit.insert(entry, now);
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

    async listSigningKeys() {
      return keys.list();
    },

    async addSigningKey(key, rotation, auditEntry) {
      return write(() => {
        keys.dropSuperseded(rotation.dropSupersededBefore);
        if (!rotationAllowed(keys.newestCreatedAt(), rotation)) return false;
        keys.insert(key);
        audit.insert(auditEntry, key.createdAt);
        return true;
      });
    },

    async prune(now, retention) {
      return write(() => ({
        sessions: sessions.deleteExpired(now),
        ...limits.prune(now, retention.rateLimitMs, retention.loginAttemptMs),
        auditLog: audit.prune(now - retention.auditMs),
        ...mail.prune(now, now - retention.outboxMs),
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

    async close() {
      db.close();
    },
  };
}
