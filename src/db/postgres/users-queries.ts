// SQL for users, roles and permissions on PostgreSQL; rows go through the shared mappers. Emails
// arrive already normalised; usernames compare through lower() (the unique index is on it). Each
// function runs on the client it is given: the pool for a lone read, or a transaction's client.
import type { RequestRow, RoleCache } from '../role-cache';
import { toRole, toUser, toUserWithHash, type RoleRow, type UserRow } from '../row-mappers';
import { mfaStatusColumns, toMeUser, type MfaStatusRow } from '../mfa-rows';
import { ADMIN_PERMISSION, type MeUser, type Page, type RequestUser, type UserRecord, type UserWithPasswordHash } from '../store';
import { changes, firstRow, page, prepared, rows, type Queryable } from './pool';

const USER_COLUMNS = 'u.id, u.username, u.email, r.name AS role, u.created_at, u.updated_at, u.disabled_at, u.email_verified_at';
const LIST_FILTER = '($1::text IS NULL OR r.name = $1) AND ($2::boolean IS NULL OR (u.disabled_at IS NOT NULL) = $2)';
// The session and user of an authenticated request; GET /users/me adds its second-factor counts.
const REQUEST_COLUMNS = 'u.id, u.username, u.email, u.role_id, u.created_at, u.updated_at, u.email_verified_at';
const LIVE_SESSION_OF_ENABLED_USER = `FROM sessions s JOIN users u ON u.id = s.user_id
  WHERE s.id = $1 AND s.user_id = $2 AND s.expires_at > $3 AND u.disabled_at IS NULL`;
const REQUEST_USER = `SELECT ${REQUEST_COLUMNS} ${LIVE_SESSION_OF_ENABLED_USER}`;

const statements = {
  roles: prepared('roles', `SELECT r.id, r.name, r.description,
    (SELECT string_agg(p.name, ',' ORDER BY p.id) FROM role_permissions rp JOIN permissions p ON p.id = rp.permission_id
      WHERE rp.role_id = r.id) AS permissions
    FROM roles r ORDER BY r.id`),
  // Nothing is inserted when the email or the username is taken; an insert of either still in
  // flight elsewhere is waited for, so two registrations of one email never both succeed.
  insert: prepared('users.insert', `INSERT INTO users (username, email, password_hash, role_id, created_at, updated_at, email_verified_at)
    VALUES ($1, $2, $3, $4, $5, $5, $6::bigint) ON CONFLICT DO NOTHING RETURNING id`),
  taken: prepared('users.taken', `SELECT EXISTS (SELECT 1 FROM users WHERE email = $1) AS email,
    EXISTS (SELECT 1 FROM users WHERE lower(username) = lower($2)) AS username`),
  byId: prepared('users.byId', `SELECT ${USER_COLUMNS}, u.password_hash FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = $1`),
  byEmail: prepared('users.byEmail', `SELECT ${USER_COLUMNS}, u.password_hash FROM users u JOIN roles r ON r.id = u.role_id WHERE u.email = $1`),
  // One statement for every authenticated request: live session, enabled user, current role id.
  forRequest: prepared('users.forRequest', REQUEST_USER),
  forMe: prepared('users.forMe', `SELECT ${REQUEST_COLUMNS}, ${mfaStatusColumns('u.id')} ${LIVE_SESSION_OF_ENABLED_USER}`),
  // The same for the actor of a privileged write, share-locking its session and user rows: a
  // demotion, disable or logout of the actor either waits for this write or is seen by it.
  actorForWrite: prepared('users.actorForWrite', `${REQUEST_USER} FOR SHARE OF s, u`),
  // Serialises one user's new sessions, so the per-user cap counts the others' too.
  lock: prepared('users.lock', 'SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE'),
  list: prepared('users.list', `SELECT ${USER_COLUMNS} FROM users u JOIN roles r ON r.id = u.role_id
    WHERE ${LIST_FILTER} ORDER BY u.id LIMIT $3 OFFSET $4`),
  count: prepared('users.count', `SELECT COUNT(*) AS n FROM users u JOIN roles r ON r.id = u.role_id WHERE ${LIST_FILTER}`),
  otherEnabledAdmins: prepared('users.otherEnabledAdmins', `SELECT COUNT(*) AS n FROM users u
    JOIN role_permissions rp ON rp.role_id = u.role_id JOIN permissions p ON p.id = rp.permission_id
    WHERE p.name = $1 AND u.disabled_at IS NULL AND u.id <> $2`),
  setRole: prepared('users.setRole', 'UPDATE users SET role_id = $2, updated_at = $3 WHERE id = $1'),
  setDisabled: prepared('users.setDisabled', 'UPDATE users SET disabled_at = $2::bigint, updated_at = $3 WHERE id = $1'),
  setPasswordHash: prepared('users.setPasswordHash', 'UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1'),
  delete: prepared('users.delete', 'DELETE FROM users WHERE id = $1'),
};

export async function readRoles(db: Queryable) {
  return (await rows<RoleRow>(db, statements.roles)).map(toRole);
}

export function createUsersQueries(roles: RoleCache) {
  const requestUser = (row: RequestRow | undefined, sessionId: string): RequestUser | null => (row ? roles.toRequestUser(row, sessionId) : null);

  return {
    /** The new user's id, or null when the email or username is taken. */
    async insert(db: Queryable, username: string, email: string, passwordHash: string, roleId: number, now: number, emailVerifiedAt: number | null = null): Promise<number | null> {
      return (await firstRow<{ id: number }>(db, statements.insert, [username, email, passwordHash, roleId, now, emailVerifiedAt]))?.id ?? null;
    },
    async taken(db: Queryable, email: string, username: string) {
      return (await firstRow<{ email: boolean; username: boolean }>(db, statements.taken, [email, username]))!;
    },
    byId: async (db: Queryable, id: number): Promise<UserWithPasswordHash | null> => toUserWithHash(await firstRow<UserRow>(db, statements.byId, [id])),
    byEmail: async (db: Queryable, email: string): Promise<UserWithPasswordHash | null> =>
      toUserWithHash(await firstRow<UserRow>(db, statements.byEmail, [email])),
    forRequest: async (db: Queryable, userId: number, sessionId: string, now: number) =>
      requestUser(await firstRow<RequestRow>(db, statements.forRequest, [sessionId, userId, now]), sessionId),
    async forMe(db: Queryable, userId: number, sessionId: string, now: number): Promise<MeUser | null> {
      const row = await firstRow<RequestRow & MfaStatusRow>(db, statements.forMe, [sessionId, userId, now]);
      return row ? toMeUser(roles, row, sessionId) : null;
    },
    actorForWrite: async (db: Queryable, userId: number, sessionId: string, now: number) =>
      requestUser(await firstRow<RequestRow>(db, statements.actorForWrite, [sessionId, userId, now]), sessionId),
    lock: async (db: Queryable, id: number) => void (await changes(db, statements.lock, [id])),
    list: (db: Queryable, query: { offset: number; limit: number; role?: string; disabled?: boolean }): Promise<Page<UserRecord>> =>
      page<UserRow, UserRecord>(db, statements, [query.role ?? null, query.disabled ?? null], query, toUser),
    otherEnabledAdmins: async (db: Queryable, userId: number) => (await firstRow<{ n: number }>(db, statements.otherEnabledAdmins, [ADMIN_PERMISSION, userId]))!.n,
    setRole: (db: Queryable, id: number, roleId: number, now: number) => changes(db, statements.setRole, [id, roleId, now]),
    setDisabled: (db: Queryable, id: number, disabledAt: number | null, now: number) => changes(db, statements.setDisabled, [id, disabledAt, now]),
    setPasswordHash: (db: Queryable, id: number, hash: string, now: number) => changes(db, statements.setPasswordHash, [id, hash, now]),
    delete: (db: Queryable, id: number) => changes(db, statements.delete, [id]),
  };
}
