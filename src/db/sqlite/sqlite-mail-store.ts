// The email operations of the SQLite store (mail-store.ts): each one IMMEDIATE transaction, so a
// token is spent once and a message claimed by one sender, even across processes on one file.
import { addressed, newClaim, settlement, toClaimed, toEmailToken, verificationAudit, verificationStep } from '../mail-rows';
import type { MailStore } from '../mail-store';
import { withSessionsEnded } from '../store-rules';
import type { createAuditQueries } from './audit-queries';
import type { createLimitsQueries } from './limits-queries';
import type { createMailQueries } from './mail-queries';
import type { createSessionsQueries } from './sessions-queries';
import type { createUsersQueries } from './users-queries';

export interface SqliteMailParts {
  write: <T>(work: () => T) => T;
  users: ReturnType<typeof createUsersQueries>;
  sessions: ReturnType<typeof createSessionsQueries>;
  limits: ReturnType<typeof createLimitsQueries>;
  audit: ReturnType<typeof createAuditQueries>;
  mail: ReturnType<typeof createMailQueries>;
}

export function createSqliteMailStore({ write, users, sessions, limits, audit, mail }: SqliteMailParts): MailStore {
  const liveToken = (hash: Buffer, purpose: Parameters<typeof mail.liveToken>[1], now: number) => {
    const row = mail.liveToken(hash, purpose, now);
    return row ? toEmailToken(row) : null;
  };

  return {
    async issueEmailToken(userId, token, message, now, auditEntry) {
      return write(() => {
        if (!users.byId(userId)) return false;
        mail.issueToken(userId, token, now);
        mail.enqueue(addressed(message, token.email), now);
        audit.insert(auditEntry, now);
        return true;
      });
    },

    async requestPasswordReset(email, token, message, now, auditEntry) {
      write(() => {
        const user = users.byEmail(email);
        const eligible = user !== null && user.disabledAt === null;
        if (eligible) {
          mail.issueToken(user.id, token, now);
          mail.enqueue(addressed(message, user.email), now);
        }
        audit.insert({ ...auditEntry, userId: eligible ? user.id : null }, now);
      });
    },

    async findEmailToken(tokenHash, purpose, now) {
      return liveToken(tokenHash, purpose, now);
    },

    async resetPassword(tokenHash, passwordHash, lockoutKey, now, notice, auditEntry) {
      return write(() => {
        const token = liveToken(tokenHash, 'password_reset', now);
        if (!token || !mail.spend(tokenHash, now)) return { ok: false } as const;
        const { user } = token;
        users.setPasswordHash(user.id, passwordHash, now);
        mail.spendOfUser(user.id, 'password_reset', now);
        const sessionsEnded = sessions.deleteOfUser(user.id, null);
        limits.saveAttempt(lockoutKey(user.email), null);
        if (notice) mail.enqueue(addressed(notice, user.email), now);
        audit.insert(withSessionsEnded({ ...auditEntry, userId: user.id }, sessionsEnded), now);
        return { ok: true, user, sessionsEnded } as const;
      });
    },

    async verifyEmail(tokenHash, now, notice, auditEntry) {
      return write(() => {
        const token = liveToken(tokenHash, 'verify_email', now) ?? liveToken(tokenHash, 'email_change', now);
        const step = verificationStep(token, token !== null && token.purpose === 'email_change' && users.emailTaken(token.email));
        if (step === 'invalid' || step === 'email_taken') return { status: step } as const;
        const { user } = token!;
        mail.spend(tokenHash, now);
        if (step === 'verify') mail.setVerified(user.id, token!.email, now);
        else {
          mail.setEmail(user.id, token!.email, now);
          mail.spendOfUser(user.id, 'verify_email', now);
          if (notice) mail.enqueue(addressed(notice, user.email), now);
        }
        audit.insert(verificationAudit(auditEntry, step, token!), now);
        const after = users.byId(user.id)!;
        return { status: 'verified', user: { ...user, email: after.email, emailVerifiedAt: after.emailVerifiedAt }, previousEmail: step === 'change' ? user.email : null } as const;
      });
    },

    async enqueueMail(message, now) {
      write(() => mail.enqueue(message, now));
    },

    async claimOutbox(now, leaseMs, limit) {
      return write(() => mail.claim(now, now + leaseMs, limit, newClaim()).map(toClaimed));
    },

    async settleOutbox(id, claim, outcome, now) {
      return write(() => mail.settle(id, claim, settlement(outcome, now)));
    },

    async listOutbox(query) {
      return mail.list(query);
    },
  };
}
