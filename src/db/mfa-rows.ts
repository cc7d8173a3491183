// The second factor's rows as both databases return them, turned into the store's records, and the
// decision both stores share when an admin resets a user's factors. One mapper per table.
import type { PasskeyRecord, TotpRecord, WebauthnChallenge } from './mfa-store';
import type { RequestRow, RoleCache } from './role-cache';
import type { MeUser } from './store';

export interface TotpRow {
  secret_sealed: string;
  confirmed_at: number | null;
  last_step: number | null;
}

export const toTotp = (row: TotpRow | undefined): TotpRecord | null =>
  row ? { sealedSecret: row.secret_sealed, confirmedAt: row.confirmed_at, lastStep: row.last_step } : null;

export interface PasskeyRow {
  id: string;
  user_id: number;
  public_key: Buffer;
  counter: number;
  transports: string | null;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

export const toPasskey = (row: PasskeyRow): PasskeyRecord => ({
  id: row.id,
  userId: row.user_id,
  publicKey: row.public_key,
  counter: row.counter,
  transports: row.transports ? row.transports.split(',') : [],
  name: row.name,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
});

/** A passkey as its columns, in the order of PASSKEY_COLUMNS. */
export const passkeyValues = (passkey: PasskeyRecord) =>
  [passkey.id, passkey.userId, passkey.publicKey, passkey.counter, passkey.transports.join(',') || null, passkey.name, passkey.createdAt, passkey.lastUsedAt] as const;
export const PASSKEY_COLUMNS = 'id, user_id, public_key, counter, transports, name, created_at, last_used_at';

export interface ChallengeRow {
  challenge: string;
  purpose: WebauthnChallenge['purpose'];
  user_id: number | null;
  expires_at: number;
}

export const toChallenge = (row: ChallengeRow | undefined): WebauthnChallenge | null =>
  row ? { challenge: row.challenge, purpose: row.purpose, userId: row.user_id, expiresAt: row.expires_at } : null;

/** The summary GET /users/me shows, from one row of three counts. */
export const toMfaStatus = (row: { totp: number; passkeys: number; recovery_codes_left: number }) => ({
  totp: row.totp > 0,
  passkeys: row.passkeys,
  recoveryCodesLeft: row.recovery_codes_left,
});

/** The three counts as columns, the same on both databases, for `userId`: a parameter ($1, @id) or a column (u.id). */
export const mfaStatusColumns = (userId: string) => `(SELECT COUNT(*) FROM totp_factors WHERE user_id = ${userId} AND confirmed_at IS NOT NULL) AS totp,
  (SELECT COUNT(*) FROM passkeys WHERE user_id = ${userId}) AS passkeys,
  (SELECT COUNT(*) FROM recovery_codes WHERE user_id = ${userId} AND used_at IS NULL) AS recovery_codes_left`;

/** SQL of that row alone. */
export const mfaStatusSql = (userId: string) => `SELECT ${mfaStatusColumns(userId)}`;

export type MfaStatusRow = Parameters<typeof toMfaStatus>[0];

/** GET /users/me's row (the request's user and its three counts, one statement) as its record. */
export const toMeUser = (roles: RoleCache, row: RequestRow & MfaStatusRow, sessionId: string): MeUser =>
  Object.assign(roles.toRequestUser(row, sessionId), { mfa: toMfaStatus(row) });

/** Session freshness: its last re-authentication, else its login. */
export const authenticatedAtSql = (p: [string, string, string]) => `SELECT COALESCE(sa.authenticated_at, s.created_at) AS at
  FROM sessions s LEFT JOIN session_authentications sa ON sa.session_id = s.id
  WHERE s.id = ${p[0]} AND s.user_id = ${p[1]} AND s.expires_at > ${p[2]}`;
