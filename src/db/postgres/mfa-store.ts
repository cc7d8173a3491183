// The second factor's store operations on PostgreSQL (mfa-store.ts). A spend (time step, recovery
// code, challenge, counter) is one conditional UPDATE or DELETE: at READ COMMITTED a racer waits for
// the row lock of the first, then finds the WHERE false on the new row, so exactly one wins.
import type pg from 'pg';
import type { MfaStore } from '../mfa-store';
import { authenticatedAtSql, mfaStatusSql, PASSKEY_COLUMNS, passkeyValues, toChallenge, toMfaStatus, toPasskey, toTotp, type ChallengeRow, type PasskeyRow, type TotpRow } from '../mfa-rows';
import type { ActorCheck, AuditInput } from '../store';
import { changes, firstRow, prepared, rows, type Queryable, type Statement } from './pool';

const statements = {
  status: prepared('mfa.status', mfaStatusSql('$1')),
  totp: prepared('mfa.totp', 'SELECT secret_sealed, confirmed_at, last_step FROM totp_factors WHERE user_id = $1'),
  beginTotp: prepared('mfa.beginTotp', `INSERT INTO totp_factors AS t (user_id, secret_sealed, confirmed_at, last_step, created_at) VALUES ($1, $2, NULL, NULL, $3)
    ON CONFLICT (user_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, created_at = EXCLUDED.created_at
    WHERE t.confirmed_at IS NULL`),
  confirmTotp: prepared('mfa.confirmTotp', 'UPDATE totp_factors SET confirmed_at = $1, last_step = $2 WHERE user_id = $3 AND secret_sealed = $4 AND confirmed_at IS NULL'),
  acceptStep: prepared('mfa.acceptStep', 'UPDATE totp_factors SET last_step = $1 WHERE user_id = $2 AND confirmed_at IS NOT NULL AND (last_step IS NULL OR last_step < $1)'),
  deleteCodes: prepared('mfa.deleteCodes', 'DELETE FROM recovery_codes WHERE user_id = $1'),
  insertCodes: prepared('mfa.insertCodes', 'INSERT INTO recovery_codes (user_id, code_hash, used_at) SELECT $1, unnest($2::bytea[]), NULL'),
  spendCode: prepared('mfa.spendCode', 'UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL'),
  deleteTotp: prepared('mfa.deleteTotp', 'DELETE FROM totp_factors WHERE user_id = $1'),
  deletePasskeys: prepared('mfa.deletePasskeys', 'DELETE FROM passkeys WHERE user_id = $1'),
  markAuthenticated: prepared('mfa.markAuthenticated', `INSERT INTO session_authentications (session_id, authenticated_at)
    SELECT id, $3 FROM sessions WHERE id = $2 AND user_id = $1 AND expires_at > $3
    ON CONFLICT (session_id) DO UPDATE SET authenticated_at = EXCLUDED.authenticated_at`),
  authenticatedAt: prepared('mfa.authenticatedAt', authenticatedAtSql(['$1', '$2', '$3'])),
  deleteExpiredChallenges: prepared('mfa.deleteExpiredChallenges', 'DELETE FROM webauthn_challenges WHERE expires_at <= $1'),
  insertChallenge: prepared('mfa.insertChallenge', 'INSERT INTO webauthn_challenges (challenge, purpose, user_id, expires_at) VALUES ($1, $2, $3, $4)'),
  takeChallenge: prepared('mfa.takeChallenge', 'DELETE FROM webauthn_challenges WHERE challenge = $1 AND purpose = $2 AND expires_at > $3 RETURNING *'),
  insertPasskey: prepared('mfa.insertPasskey', `INSERT INTO passkeys (${PASSKEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`),
  passkey: prepared('mfa.passkey', 'SELECT * FROM passkeys WHERE id = $1'),
  passkeysOf: prepared('mfa.passkeysOf', 'SELECT * FROM passkeys WHERE user_id = $1 ORDER BY created_at, id'),
  usePasskey: prepared('mfa.usePasskey', 'UPDATE passkeys SET counter = $1, last_used_at = $2 WHERE id = $3 AND counter = $4'),
  deletePasskey: prepared('mfa.deletePasskey', 'DELETE FROM passkeys WHERE user_id = $1 AND id = $2'),
};

interface StoreParts {
  write: <T>(work: (db: pg.PoolClient) => Promise<T>) => Promise<T>;
  allowed: (db: pg.PoolClient, actor: ActorCheck, now: number) => Promise<boolean>;
  audit: { insert(db: Queryable, entry: AuditInput, now: number): Promise<number> };
  userExists: (db: pg.PoolClient, userId: number) => Promise<boolean>;
}

export function createPostgresMfaStore(pool: pg.Pool, { write, allowed, audit, userExists }: StoreParts): MfaStore {
  const one = async (statement: Statement, values: unknown[]) => (await changes(pool, statement, values)) === 1;

  return {
    async mfaStatus(userId) {
      return toMfaStatus((await firstRow<Parameters<typeof toMfaStatus>[0]>(pool, statements.status, [userId]))!);
    },
    async findTotp(userId) {
      return toTotp(await firstRow<TotpRow>(pool, statements.totp, [userId]));
    },
    beginTotpEnrolment: (userId, sealedSecret, now) => one(statements.beginTotp, [userId, sealedSecret, now]),
    async confirmTotpEnrolment(userId, sealedSecret, step, hashes, now, entry) {
      return write(async (db) => {
        if ((await changes(db, statements.confirmTotp, [now, step, userId, sealedSecret])) !== 1) return false;
        await changes(db, statements.deleteCodes, [userId]);
        await changes(db, statements.insertCodes, [userId, hashes]);
        await audit.insert(db, entry, now);
        return true;
      });
    },
    acceptTotpStep: (userId, step) => one(statements.acceptStep, [step, userId]),
    spendRecoveryCode: (userId, codeHash, now) => one(statements.spendCode, [now, userId, codeHash]),
    async removeTotp(userId, now, entry) {
      return write(async (db) => {
        if ((await changes(db, statements.deleteTotp, [userId])) === 0) return false;
        await changes(db, statements.deleteCodes, [userId]);
        await audit.insert(db, entry, now);
        return true;
      });
    },
    async resetMfa(userId, now, actor, entry) {
      return write(async (db) => {
        if (!(await allowed(db, actor, now))) return 'forbidden';
        if (!(await userExists(db, userId))) return 'not_found';
        const removed = {
          totp: await changes(db, statements.deleteTotp, [userId]),
          recovery_codes: await changes(db, statements.deleteCodes, [userId]),
          passkeys: await changes(db, statements.deletePasskeys, [userId]),
        };
        await audit.insert(db, { ...entry, details: { ...entry.details, ...removed } }, now);
        return 'reset';
      });
    },
    async markSessionAuthenticated(userId, sessionId, now, entry) {
      return write(async (db) => {
        const marked = (await changes(db, statements.markAuthenticated, [userId, sessionId, now])) === 1;
        if (marked && entry) await audit.insert(db, entry, now);
        return marked;
      });
    },
    async sessionAuthenticatedAt(userId, sessionId, now) {
      return (await firstRow<{ at: number }>(pool, statements.authenticatedAt, [sessionId, userId, now]))?.at ?? null;
    },
    async saveWebauthnChallenge(challenge, now) {
      await write(async (db) => {
        await changes(db, statements.deleteExpiredChallenges, [now]);
        await changes(db, statements.insertChallenge, [challenge.challenge, challenge.purpose, challenge.userId, challenge.expiresAt]);
      });
    },
    async takeWebauthnChallenge(challenge, purpose, now) {
      return toChallenge(await firstRow<ChallengeRow>(pool, statements.takeChallenge, [challenge, purpose, now]));
    },
    async addPasskey(passkey, entry) {
      return write(async (db) => {
        if ((await changes(db, statements.insertPasskey, [...passkeyValues(passkey)])) !== 1) return false;
        await audit.insert(db, entry, passkey.createdAt);
        return true;
      });
    },
    async findPasskey(id) {
      const row = await firstRow<PasskeyRow>(pool, statements.passkey, [id]);
      return row ? toPasskey(row) : null;
    },
    async listPasskeys(userId) {
      return (await rows<PasskeyRow>(pool, statements.passkeysOf, [userId])).map(toPasskey);
    },
    usePasskey: (id, expected, next, now) => one(statements.usePasskey, [next, now, id, expected]),
    async removePasskey(userId, id, now, entry) {
      return write(async (db) => {
        if ((await changes(db, statements.deletePasskey, [userId, id])) === 0) return false;
        await audit.insert(db, entry, now);
        return true;
      });
    },
  };
}
