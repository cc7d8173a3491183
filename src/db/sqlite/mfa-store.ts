// The second factor's store operations on SQLite (mfa-store.ts), each one IMMEDIATE transaction or a
// single conditional statement: a spend (time step, recovery code, challenge, counter) is an UPDATE
// or DELETE whose WHERE holds only for the first of racing requests.
import type { MfaStore } from '../mfa-store';
import { authenticatedAtSql, mfaStatusSql, PASSKEY_COLUMNS, passkeyValues, toChallenge, toMfaStatus, toPasskey, toTotp, type ChallengeRow, type PasskeyRow, type TotpRow } from '../mfa-rows';
import type { ActorCheck, AuditInput } from '../store';
import type { SqliteDatabase } from './open-database';

interface StoreParts {
  write: <T>(work: () => T) => T;
  allowed: (actor: ActorCheck, now: number) => boolean;
  audit: { insert(entry: AuditInput, now: number): void };
  userExists: (userId: number) => boolean;
}

export function createSqliteMfaStore(db: SqliteDatabase, { write, allowed, audit, userExists }: StoreParts): MfaStore {
  const statements = {
    status: db.prepare(mfaStatusSql('@id')),
    totp: db.prepare('SELECT secret_sealed, confirmed_at, last_step FROM totp_factors WHERE user_id = ?'),
    beginTotp: db.prepare(`INSERT INTO totp_factors (user_id, secret_sealed, confirmed_at, last_step, created_at) VALUES (?, ?, NULL, NULL, ?)
      ON CONFLICT (user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed, created_at = excluded.created_at
      WHERE totp_factors.confirmed_at IS NULL`),
    confirmTotp: db.prepare('UPDATE totp_factors SET confirmed_at = ?, last_step = ? WHERE user_id = ? AND secret_sealed = ? AND confirmed_at IS NULL'),
    acceptStep: db.prepare('UPDATE totp_factors SET last_step = ? WHERE user_id = ? AND confirmed_at IS NOT NULL AND (last_step IS NULL OR last_step < ?)'),
    deleteCodes: db.prepare('DELETE FROM recovery_codes WHERE user_id = ?'),
    insertCode: db.prepare('INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES (?, ?, NULL)'),
    spendCode: db.prepare('UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL'),
    deleteTotp: db.prepare('DELETE FROM totp_factors WHERE user_id = ?'),
    deletePasskeys: db.prepare('DELETE FROM passkeys WHERE user_id = ?'),
    markAuthenticated: db.prepare(`INSERT INTO session_authentications (session_id, authenticated_at)
      SELECT id, @now FROM sessions WHERE id = @sessionId AND user_id = @userId AND expires_at > @now
      ON CONFLICT (session_id) DO UPDATE SET authenticated_at = excluded.authenticated_at`),
    authenticatedAt: db.prepare(authenticatedAtSql(['?', '?', '?'])).pluck(),
    deleteExpiredChallenges: db.prepare('DELETE FROM webauthn_challenges WHERE expires_at <= ?'),
    insertChallenge: db.prepare('INSERT INTO webauthn_challenges (challenge, purpose, user_id, expires_at) VALUES (?, ?, ?, ?)'),
    takeChallenge: db.prepare('DELETE FROM webauthn_challenges WHERE challenge = ? AND purpose = ? AND expires_at > ? RETURNING *'),
    insertPasskey: db.prepare(`INSERT INTO passkeys (${PASSKEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`),
    passkey: db.prepare('SELECT * FROM passkeys WHERE id = ?'),
    passkeysOf: db.prepare('SELECT * FROM passkeys WHERE user_id = ? ORDER BY created_at, id'),
    usePasskey: db.prepare('UPDATE passkeys SET counter = ?, last_used_at = ? WHERE id = ? AND counter = ?'),
    deletePasskey: db.prepare('DELETE FROM passkeys WHERE user_id = ? AND id = ?'),
  };

  return {
    async mfaStatus(userId) {
      return toMfaStatus(statements.status.get({ id: userId }) as Parameters<typeof toMfaStatus>[0]);
    },
    async findTotp(userId) {
      return toTotp(statements.totp.get(userId) as TotpRow | undefined);
    },
    async beginTotpEnrolment(userId, sealedSecret, now) {
      return statements.beginTotp.run(userId, sealedSecret, now).changes === 1;
    },
    async confirmTotpEnrolment(userId, sealedSecret, step, hashes, now, entry) {
      return write(() => {
        if (statements.confirmTotp.run(now, step, userId, sealedSecret).changes !== 1) return false;
        statements.deleteCodes.run(userId);
        for (const hash of hashes) statements.insertCode.run(userId, hash);
        audit.insert(entry, now);
        return true;
      });
    },
    async acceptTotpStep(userId, step) {
      return statements.acceptStep.run(step, userId, step).changes === 1;
    },
    async spendRecoveryCode(userId, codeHash, now) {
      return statements.spendCode.run(now, userId, codeHash).changes === 1;
    },
    async removeTotp(userId, now, entry) {
      return write(() => {
        if (statements.deleteTotp.run(userId).changes === 0) return false;
        statements.deleteCodes.run(userId);
        audit.insert(entry, now);
        return true;
      });
    },
    async resetMfa(userId, now, actor, entry) {
      return write(() => {
        if (!allowed(actor, now)) return 'forbidden';
        if (!userExists(userId)) return 'not_found';
        const removed = {
          totp: statements.deleteTotp.run(userId).changes,
          recovery_codes: statements.deleteCodes.run(userId).changes,
          passkeys: statements.deletePasskeys.run(userId).changes,
        };
        audit.insert({ ...entry, details: { ...entry.details, ...removed } }, now);
        return 'reset';
      });
    },
    async markSessionAuthenticated(userId, sessionId, now, entry) {
      return write(() => {
        const marked = statements.markAuthenticated.run({ userId, sessionId, now }).changes === 1;
        if (marked && entry) audit.insert(entry, now);
        return marked;
      });
    },
    async sessionAuthenticatedAt(userId, sessionId, now) {
      return (statements.authenticatedAt.get(sessionId, userId, now) as number | undefined) ?? null;
    },
    async saveWebauthnChallenge(challenge, now) {
      write(() => {
        statements.deleteExpiredChallenges.run(now);
        statements.insertChallenge.run(challenge.challenge, challenge.purpose, challenge.userId, challenge.expiresAt);
      });
    },
    async takeWebauthnChallenge(challenge, purpose, now) {
      return toChallenge(statements.takeChallenge.get(challenge, purpose, now) as ChallengeRow | undefined);
    },
    async addPasskey(passkey, entry) {
      return write(() => {
        if (statements.insertPasskey.run(...passkeyValues(passkey)).changes !== 1) return false;
        audit.insert(entry, passkey.createdAt);
        return true;
      });
    },
    async findPasskey(id) {
      const row = statements.passkey.get(id) as PasskeyRow | undefined;
      return row ? toPasskey(row) : null;
    },
    async listPasskeys(userId) {
      return (statements.passkeysOf.all(userId) as PasskeyRow[]).map(toPasskey);
    },
    async usePasskey(id, expected, next, now) {
      return statements.usePasskey.run(next, now, id, expected).changes === 1;
    },
    async removePasskey(userId, id, now, entry) {
      return write(() => {
        if (statements.deletePasskey.run(userId, id).changes === 0) return false;
        audit.insert(entry, now);
        return true;
      });
    },
  };
}
