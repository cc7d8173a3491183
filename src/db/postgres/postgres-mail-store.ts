// The email operations of the PostgreSQL store (mail-store.ts): each one transaction, made safe by
// row locks (a token is locked before it is spent; an outbox claim skips rows another sender has
// locked), with the same decisions as SQLite's (mail-rows.ts).
import type pg from 'pg';
import { addressed, newClaim, settlement, toClaimed, toEmailToken, verificationAudit, verificationStep } from '../mail-rows';
import type { EmailTokenPurpose, MailStore } from '../mail-store';
import { withSessionsEnded } from '../store-rules';
import { auditQueries as audit } from './audit-queries';
import { limitsQueries as limits } from './limits-queries';
import { mailQueries as mail } from './mail-queries';
import type { Queryable } from './pool';
import { sessionsQueries as sessions } from './sessions-queries';
import type { createUsersQueries } from './users-queries';

const UNIQUE_VIOLATION = '23505';

export interface PostgresMailParts {
  pool: pg.Pool;
  write: <T>(work: (db: pg.PoolClient) => Promise<T>) => Promise<T>;
  users: ReturnType<typeof createUsersQueries>;
}

export function createPostgresMailStore({ pool, write, users }: PostgresMailParts): MailStore {
  const lockedToken = async (db: Queryable, hash: Buffer, purpose: EmailTokenPurpose, now: number) => {
    const row = await mail.lockLiveToken(db, hash, purpose, now);
    return row ? toEmailToken(row) : null;
  };

  return {
    async issueEmailToken(userId, token, message, now, auditEntry) {
      return write(async (db) => {
        if (!(await users.byId(db, userId))) return false;
        await users.lock(db, userId); // one account's tokens are issued one after another
        await mail.issueToken(db, userId, token, now);
        await mail.enqueue(db, addressed(message, token.email), now);
        await audit.insert(db, auditEntry, now);
        return true;
      });
    },

    async requestPasswordReset(email, token, message, now, auditEntry) {
      await write(async (db) => {
        const user = await users.byEmail(db, email);
        const eligible = user !== null && user.disabledAt === null;
        if (eligible) {
          await users.lock(db, user.id);
          await mail.issueToken(db, user.id, token, now);
          await mail.enqueue(db, addressed(message, user.email), now);
        }
        await audit.insert(db, { ...auditEntry, userId: eligible ? user.id : null }, now);
      });
    },

    async findEmailToken(tokenHash, purpose, now) {
      const row = await mail.liveToken(pool, tokenHash, purpose, now);
      return row ? toEmailToken(row) : null;
    },

    async resetPassword(tokenHash, passwordHash, lockoutKey, now, notice, auditEntry) {
      return write(async (db) => {
        const token = await lockedToken(db, tokenHash, 'password_reset', now);
        if (!token || !(await mail.spend(db, tokenHash, now))) return { ok: false } as const;
        const { user } = token;
        await users.setPasswordHash(db, user.id, passwordHash, now);
        await mail.spendOfUser(db, user.id, 'password_reset', now);
        const sessionsEnded = await sessions.deleteOfUser(db, user.id, null);
        await limits.saveAttempt(db, lockoutKey(user.email), null);
        if (notice) await mail.enqueue(db, addressed(notice, user.email), now);
        await audit.insert(db, withSessionsEnded({ ...auditEntry, userId: user.id }, sessionsEnded), now);
        return { ok: true, user, sessionsEnded } as const;
      });
    },

    async verifyEmail(tokenHash, now, notice, auditEntry) {
      try {
        return await write(async (db) => {
          const token = (await lockedToken(db, tokenHash, 'verify_email', now)) ?? (await lockedToken(db, tokenHash, 'email_change', now));
          const step = verificationStep(token, token !== null && token.purpose === 'email_change' && (await mail.emailTaken(db, token.email)));
          if (step === 'invalid' || step === 'email_taken') return { status: step } as const;
          const { user } = token!;
          await mail.spend(db, tokenHash, now);
          if (step === 'verify') await mail.setVerified(db, user.id, token!.email, now);
          else {
            await mail.setEmail(db, user.id, token!.email, now); // a registration of that address in flight: 23505, below
            await mail.spendOfUser(db, user.id, 'verify_email', now);
            if (notice) await mail.enqueue(db, addressed(notice, user.email), now);
          }
          await audit.insert(db, verificationAudit(auditEntry, step, token!), now);
          const after = (await users.byId(db, user.id))!;
          return { status: 'verified', user: { ...user, email: after.email, emailVerifiedAt: after.emailVerifiedAt }, previousEmail: step === 'change' ? user.email : null } as const;
        });
      } catch (error) {
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) return { status: 'email_taken' } as const;
        throw error;
      }
    },

    async enqueueMail(message, now) {
      await mail.enqueue(pool, message, now);
    },

    async claimOutbox(now, leaseMs, limit) {
      // One statement: its own transaction, and SKIP LOCKED keeps concurrent claims apart.
      return (await mail.claim(pool, now, now + leaseMs, limit, newClaim())).map(toClaimed);
    },

    async settleOutbox(id, claim, outcome, now) {
      return mail.settle(pool, id, claim, settlement(outcome, now));
    },

    listOutbox: (query) => mail.list(pool, query),
  };
}
