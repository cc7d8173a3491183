// SQL for users, roles and permissions on SQLite: every statement prepared once; rows go through the
// shared mappers. Emails arrive here already normalised (trimmed, lowercased); usernames compare with
// NOCASE. Roles are read once into the role cache (role-cache.ts says why).
import { createRoleCache, type RequestRow, type RoleCache } from '../role-cache';
import { toRole, toUser, toUserWithHash, type RoleRow, type UserRow } from '../row-mappers';
import { mfaStatusColumns, toMeUser, type MfaStatusRow } from '../mfa-rows';
import { ADMIN_PERMISSION, type MeUser, type RequestUser, type UserWithPasswordHash } from '../store';
import type { SqliteDatabase } from './open-database';

const USER_COLUMNS = 'u.id, u.username, u.email, r.name AS role, u.created_at, u.updated_at, u.disabled_at, u.email_verified_at';
const LIST_FILTER = '(@role IS NULL OR r.name = @role) AND (@disabled IS NULL OR (u.disabled_at IS NOT NULL) = @disabled)';
// The session and user of an authenticated request; GET /users/me adds its second-factor counts.
const REQUEST_COLUMNS = 'u.id, u.username, u.email, u.role_id, u.created_at, u.updated_at, u.email_verified_at';
const LIVE_SESSION_OF_ENABLED_USER = `FROM sessions s JOIN users u ON u.id = s.user_id
  WHERE s.id = ? AND s.user_id = ? AND s.expires_at > ? AND u.disabled_at IS NULL`;
const PERMISSIONS_OF_ROLE = `(SELECT group_concat(p.name, ',' ORDER BY p.id) FROM role_permissions rp
  JOIN permissions p ON p.id = rp.permission_id WHERE rp.role_id = r.id)`;

export function createUsersQueries(db: SqliteDatabase) {
  const statements = {
    roles: db.prepare(`SELECT r.id, r.name, r.description, ${PERMISSIONS_OF_ROLE} AS permissions FROM roles r ORDER BY r.id`),
    emailTaken: db.prepare('SELECT 1 FROM users WHERE email = ?').pluck(),
    usernameTaken: db.prepare('SELECT 1 FROM users WHERE username = ?').pluck(),
    insert: db.prepare(`INSERT INTO users (username, email, password_hash, role_id, created_at, updated_at, email_verified_at)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    byId: db.prepare(`SELECT ${USER_COLUMNS}, u.password_hash FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = ?`),
    byEmail: db.prepare(`SELECT ${USER_COLUMNS}, u.password_hash FROM users u JOIN roles r ON r.id = u.role_id WHERE u.email = ?`),
    // One statement for every authenticated request: live session, enabled user, current role id.
    forRequest: db.prepare(`SELECT ${REQUEST_COLUMNS} ${LIVE_SESSION_OF_ENABLED_USER}`),
    forMe: db.prepare(`SELECT ${REQUEST_COLUMNS}, ${mfaStatusColumns('u.id')} ${LIVE_SESSION_OF_ENABLED_USER}`),
    list: db.prepare(`SELECT ${USER_COLUMNS} FROM users u JOIN roles r ON r.id = u.role_id
      WHERE ${LIST_FILTER} ORDER BY u.id LIMIT @limit OFFSET @offset`),
    count: db.prepare(`SELECT COUNT(*) FROM users u JOIN roles r ON r.id = u.role_id WHERE ${LIST_FILTER}`).pluck(),
    otherEnabledAdmins: db.prepare(`SELECT COUNT(*) FROM users u JOIN role_permissions rp ON rp.role_id = u.role_id
      JOIN permissions p ON p.id = rp.permission_id WHERE p.name = ? AND u.disabled_at IS NULL AND u.id != ?`).pluck(),
    setRole: db.prepare('UPDATE users SET role_id = ?, updated_at = ? WHERE id = ?'),
    setDisabled: db.prepare('UPDATE users SET disabled_at = ?, updated_at = ? WHERE id = ?'),
    setPasswordHash: db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?'),
    delete: db.prepare('DELETE FROM users WHERE id = ?'),
  };

  const roles: RoleCache = createRoleCache((statements.roles.all() as RoleRow[]).map(toRole));

  return {
    roles,
    emailTaken: (email: string) => statements.emailTaken.get(email) === 1,
    usernameTaken: (username: string) => statements.usernameTaken.get(username) === 1,
    insert(username: string, email: string, passwordHash: string, roleId: number, now: number, emailVerifiedAt: number | null = null): number {
      return Number(statements.insert.run(username, email, passwordHash, roleId, now, now, emailVerifiedAt).lastInsertRowid);
    },
    byId: (id: number): UserWithPasswordHash | null => toUserWithHash(statements.byId.get(id) as UserRow | undefined),
    byEmail: (email: string): UserWithPasswordHash | null => toUserWithHash(statements.byEmail.get(email) as UserRow | undefined),
    forRequest(userId: number, sessionId: string, now: number): RequestUser | null {
      const row = statements.forRequest.get(sessionId, userId, now) as RequestRow | undefined;
      return row ? roles.toRequestUser(row, sessionId) : null;
    },
    forMe(userId: number, sessionId: string, now: number): MeUser | null {
      const row = statements.forMe.get(sessionId, userId, now) as (RequestRow & MfaStatusRow) | undefined;
      return row ? toMeUser(roles, row, sessionId) : null;
    },
    list(query: { offset: number; limit: number; role?: string; disabled?: boolean }) {
      const filter = { role: query.role ?? null, disabled: query.disabled === undefined ? null : Number(query.disabled) };
      return {
        items: (statements.list.all({ ...filter, limit: query.limit, offset: query.offset }) as UserRow[]).map(toUser),
        total: statements.count.get(filter) as number,
      };
    },
    otherEnabledAdmins: (userId: number) => statements.otherEnabledAdmins.get(ADMIN_PERMISSION, userId) as number,
    setRole: (id: number, roleId: number, now: number) => statements.setRole.run(roleId, now, id),
    setDisabled: (id: number, disabledAt: number | null, now: number) => statements.setDisabled.run(disabledAt, now, id),
    setPasswordHash: (id: number, hash: string, now: number) => statements.setPasswordHash.run(hash, now, id),
    delete: (id: number) => statements.delete.run(id).changes > 0,
  };
}
