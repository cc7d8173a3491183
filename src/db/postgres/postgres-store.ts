// AuthStore on PostgreSQL, for several processes on one database. Each operation is one transaction
// at READ COMMITTED (PostgreSQL's default), made safe by locks rather than by the isolation level:
// rows are locked before they are read for a decision (SELECT ... FOR UPDATE / FOR SHARE), the
// last-admin rule queues on one advisory lock, counters are single upserts. The decisions themselves
// are store-rules.ts's and attempt-budget.ts's, the same as SQLite's.
import type pg from 'pg';
import { reserveAttempt, settleFailure, settleSuccess } from '../attempt-budget';
import { createRoleCache } from '../role-cache';
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
import { auditQueries as audit } from './audit-queries';
import { keysQueries as keys } from './keys-queries';
import { limitsQueries as limits } from './limits-queries';
import { mailQueries as mail } from './mail-queries';
import { createPostgresMfaStore } from './mfa-store';
import { migratePostgres } from './migrations';
import { createPostgresMailStore } from './postgres-mail-store';
import { advisoryLock, createPool, inTransaction, tryAdvisoryLock, type PoolOptions } from './pool';
import { sessionsQueries as sessions } from './sessions-queries';
import { createUsersQueries, readRoles } from './users-queries';

const ROW_COUNTS = `SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM sessions) AS sessions,
  (SELECT COUNT(*) FROM refresh_tokens) AS refresh_tokens, (SELECT COUNT(*) FROM rate_limits) AS rate_limits,
  (SELECT COUNT(*) FROM login_attempts) AS login_attempts, (SELECT COUNT(*) FROM audit_log) AS audit_log,
  (SELECT COUNT(*) FROM signing_keys) AS signing_keys, (SELECT COUNT(*) FROM email_tokens) AS email_tokens, (SELECT COUNT(*) FROM outbox) AS outbox`;

/**
 * Connects, migrates (once, whoever else is starting), reads the roles, and returns the store.
 *
 * @example
 * const store = await openPostgresStore({ connectionString: 'postgres://authbook@127.0.0.1/authbook', max: 10 });
 * await store.listRoles(); // [{ name: 'user', permissions: ['read', 'write'] }, ...]
 */
export async function openPostgresStore(options: PoolOptions): Promise<AuthStore> {
  const pool = createPool(options);
  try {
    await migratePostgres(pool);
    return createPostgresStore(pool, createRoleCache(await readRoles(pool)));
  } catch (error) {
    await pool.end();
    throw error;
  }
}

function createPostgresStore(pool: pg.Pool, roles: ReturnType<typeof createRoleCache>): AuthStore {
  const users = createUsersQueries(roles);
  const write = <T>(work: (db: pg.PoolClient) => Promise<T>) => inTransaction(pool, work);
  let closing: Promise<void> | null = null;
  const allowed = async (db: pg.PoolClient, actor: ActorCheck, now: number) =>
    actorAllowed(await users.actorForWrite(db, actor.userId, actor.sessionId, now), actor);

  return {
    ...createPostgresMailStore({ pool, write, users }),
    ...createPostgresMfaStore(pool, { write, allowed, audit, userExists: async (db, id) => (await users.byId(db, id)) !== null }),

    async listRoles() {
      return roles.list();
    },

    async createUser(input, auditEntry, authorizedBy = null) {
      return write(async (db) => {
        if (authorizedBy && !(await allowed(db, authorizedBy, input.now))) return { ok: false, reason: 'forbidden' } as const;
        const roleId = roles.roleId(input.role);
        if (roleId === undefined) return { ok: false, reason: 'unknown_role' } as const;
        const id = await users.insert(db, input.username, input.email, input.passwordHash, roleId, input.now, input.emailVerifiedAt);
        if (id === null) {
          // The insert waited for any competing one to commit, so this read sees what it clashed with.
          const taken = await users.taken(db, input.email, input.username);
          return { ok: false, reason: taken.email ? 'email_taken' : 'username_taken' } as const;
        }
        if (input.verification) {
          await mail.issueToken(db, id, input.verification.token, input.now);
          await mail.enqueue(db, addressed(input.verification.message, input.email), input.now);
        }
        await audit.insert(db, { ...auditEntry, userId: id }, input.now);
        return { ok: true, user: withoutHash((await users.byId(db, id))!) } as const;
      });
    },

    findUserByEmail: (email) => users.byEmail(pool, email),
    findUserById: (id) => users.byId(pool, id),
    findUserForRequest: (userId, sessionId, now) => users.forRequest(pool, userId, sessionId, now),
    findMeForRequest: (userId, sessionId, now) => users.forMe(pool, userId, sessionId, now),
    listUsers: (query) => users.list(pool, query),

    async updateUser(id, change, now, actor, context): Promise<UpdateUserResult> {
      return write(async (db) => {
        // Every change that could take the admin permission away queues here first, so the actor
        // and the count of other admins read below are current, and two admins disabling each
        // other through two processes leave one.
        await advisoryLock(db, 'lastAdmin');
        if (!(await allowed(db, actor, now))) return { ok: false, reason: 'forbidden' };
        const current = await users.byId(db, id);
        if (!current) return { ok: false, reason: 'not_found' };
        const plan = planUserChange(roles, current, change);
        if (!plan.ok) return plan;
        if (plan.takesAdminAway && (await users.otherEnabledAdmins(db, id)) === 0) return { ok: false, reason: 'last_admin' };
        if (plan.roleChanged) await users.setRole(db, id, plan.roleIdAfter, now);
        let sessionsEnded = 0;
        if (plan.disabledChanged) {
          await users.setDisabled(db, id, plan.disabledAfter ? now : null, now);
          if (plan.disabledAfter) sessionsEnded = await sessions.deleteOfUser(db, id, null);
        }
        for (const entry of userChangeAudits(context, current, change, plan, sessionsEnded)) await audit.insert(db, entry, now);
        return { ok: true, user: withoutHash((await users.byId(db, id))!), sessionsEnded };
      });
    },

    async deleteUser(id, now, actor, auditEntry) {
      return write(async (db) => {
        await advisoryLock(db, 'lastAdmin');
        if (!(await allowed(db, actor, now))) return 'forbidden';
        const current = await users.byId(db, id);
        if (!current) return 'not_found';
        if (takesAdminAway(roles, current, roles.knownRoleId(current.role), true) && (await users.otherEnabledAdmins(db, id)) === 0) return 'last_admin';
        await users.delete(db, id); // sessions and refresh tokens go with it (ON DELETE CASCADE)
        await audit.insert(db, auditEntry, now);
        return 'deleted';
      });
    },

    async changePassword(userId, passwordHash, keepSessionId, now, auditEntry, notice = null) {
      return write(async (db) => {
        await users.setPasswordHash(db, userId, passwordHash, now);
        await mail.spendOfUser(db, userId, 'password_reset', now);
        const ended = await sessions.deleteOfUser(db, userId, keepSessionId);
        const user = await users.byId(db, userId);
        if (notice && user) await mail.enqueue(db, addressed(notice, user.email), now);
        await audit.insert(db, withSessionsEnded(auditEntry, ended), now);
        return ended;
      });
    },

    async createSession(session, now, maxPerUser, auditEntry) {
      await write(async (db) => {
        await users.lock(db, session.userId);
        await sessions.insert(db, session, now);
        await sessions.trimOfUser(db, session.userId, maxPerUser);
        if (auditEntry) await audit.insert(db, auditEntry, now);
      });
    },

    async rotateRefreshToken(presentedHash, nextHash, now, idleTtlMs, context) {
      return write(async (db) => {
        const found = await sessions.lockToken(db, presentedHash);
        const step = rotationStep(found, now);
        if (step === 'invalid') return { status: 'invalid' } as const;
        const ids = { userId: found!.user_id, sessionId: found!.session_id };
        if (step !== 'rotate') {
          // Replayed (someone holds a copy) or over: the session ends, for everyone holding its tokens.
          await sessions.deleteById(db, ids.sessionId);
          if (step === 'ended') return { status: 'invalid' } as const;
          await audit.insert(db, rotationAudit(context, 'refresh_reuse_detected', found!), now);
          return { status: 'reused', ...ids } as const;
        }
        await sessions.spendToken(db, presentedHash, now);
        await sessions.addToken(db, nextHash, ids.sessionId, now);
        await sessions.touch(db, ids.sessionId, now, now + idleTtlMs);
        await audit.insert(db, rotationAudit(context, 'refresh', found!), now);
        return { status: 'rotated', ...ids } as const;
      });
    },

    listSessions: (userId, now) => sessions.listLive(pool, userId, now),

    async deleteSession(userId, sessionId, now, auditEntry) {
      return write(async (db) => {
        const deleted = await sessions.deleteOne(db, userId, sessionId, now);
        if (deleted) await audit.insert(db, auditEntry, now);
        return deleted;
      });
    },

    async deleteSessionsOfUser(userId, now, auditEntry, actor = null) {
      return write(async (db) => {
        if (actor && !(await allowed(db, actor, now))) return 'forbidden';
        if (!(await users.byId(db, userId))) return null;
        const ended = await sessions.deleteOfUser(db, userId, null);
        await audit.insert(db, withSessionsEnded(auditEntry, ended), now);
        return ended;
      });
    },

    async hitRateLimit(key, now, windowMs, limit, auditEntry) {
      return write(async (db) => {
        const outcome = rateLimitOutcome(await limits.hit(db, key, now, windowMs), windowMs, limit, auditEntry);
        if (outcome.audit) await audit.insert(db, outcome.audit, now);
        return outcome.hit;
      });
    },

    async releaseRateLimit(key, windowStart) {
      await limits.release(pool, key, windowStart);
    },

    async reserveLoginAttempt(key, now, policy) {
      return write(async (db) => {
        const reservation = reserveAttempt(await limits.lockAttempt(db, key), now, policy);
        await limits.saveAttempt(db, key, reservation.row);
        return toAttemptReservation(reservation);
      });
    },

    async recordLoginFailure(attempt, now, auditEntry) {
      return write(async (db) => {
        const settled = attempt && settleFailure(await limits.lockAttempt(db, attempt.key), now, attempt.policy);
        if (attempt && settled) await limits.saveAttempt(db, attempt.key, settled.row);
        const { lockedUntil, entries } = failureAudits(auditEntry, settled);
        for (const entry of entries) await audit.insert(db, entry, now);
        return { lockedUntil };
      });
    },

    async settleLoginSuccess(key, now) {
      return write(async (db) => {
        const settled = settleSuccess(await limits.lockAttempt(db, key), now);
        await limits.saveAttempt(db, key, settled.row);
        return { lockedUntil: settled.lockedUntil };
      });
    },

    listAudit: (query) => audit.list(pool, query),

    listSigningKeys: () => keys.list(pool),

    async addSigningKey(key, rotation, auditEntry) {
      return write(async (db) => {
        // Processes that find a rotation due queue here; the first adds, the rest see its key.
        await advisoryLock(db, 'signingKeys');
        await keys.dropSuperseded(db, rotation.dropSupersededBefore);
        if (!rotationAllowed(await keys.newestCreatedAt(db), rotation)) return false;
        await keys.insert(db, key);
        await audit.insert(db, auditEntry, key.createdAt);
        return true;
      });
    },

    async prune(now, retention) {
      return write(async (db) => {
        // One process prunes at a time; the others find the lock taken and leave it to that one.
        if (!(await tryAdvisoryLock(db, 'prune'))) return { sessions: 0, rateLimits: 0, loginAttempts: 0, auditLog: 0, emailTokens: 0, outbox: 0 };
        return {
          sessions: await sessions.deleteExpired(db, now),
          ...(await limits.prune(db, now, retention.rateLimitMs, retention.loginAttemptMs)),
          auditLog: await audit.prune(db, now - retention.auditMs),
          ...(await mail.prune(db, now, now - retention.outboxMs)),
        };
      });
    },

    async rowCounts() {
      return (await pool.query<Record<string, number>>(ROW_COUNTS)).rows[0];
    },

    async ping() {
      try {
        return (await pool.query<{ one: number }>('SELECT 1 AS one')).rows[0].one === 1;
      } catch {
        return false;
      }
    },

    close() {
      closing ??= pool.end();
      return closing;
    },
  };
}
