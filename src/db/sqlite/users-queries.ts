// SQL for users, roles and permissions: every statement prepared once, one row mapper per shape.
// Emails arrive here already normalised (trimmed, lowercased); usernames compare with NOCASE.
// Roles and their permissions are read once and kept: they change only with a schema migration (no
// API edits them), so the per-request query reads the user's current role id and looks the rest up.
// Whoever adds a way to edit roles or role_permissions must refresh rolesById in the same change.
import type { SqliteDatabase } from './open-database';
import { ADMIN_PERMISSION, type RequestUser, type RoleRecord, type UserRecord, type UserWithPasswordHash } from '../store';

interface UserRow {
  id: number;
  username: string;
  email: string;
  role: string;
  created_at: number;
  updated_at: number;
  disabled_at: number | null;
  password_hash?: string;
}

/** The hot path's row: the role comes from the cache, and the user is known to be enabled. */
interface RequestRow {
  id: number;
  username: string;
  email: string;
  role_id: number;
  created_at: number;
  updated_at: number;
}

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    role: row.role,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    disabledAt: row.disabled_at,
  };
}

const splitPermissions = (list: string | null | undefined): string[] => (list ? list.split(',') : []);

function withHash(row: UserRow | undefined): UserWithPasswordHash | null {
  return row ? { ...toUser(row), passwordHash: row.password_hash as string } : null;
}

const USER_COLUMNS = 'u.id, u.username, u.email, r.name AS role, u.created_at, u.updated_at, u.disabled_at';
const LIST_FILTER = '(@role IS NULL OR r.name = @role) AND (@disabled IS NULL OR (u.disabled_at IS NOT NULL) = @disabled)';
const PERMISSIONS_OF_ROLE = `(SELECT group_concat(p.name, ',' ORDER BY p.id) FROM role_permissions rp
  JOIN permissions p ON p.id = rp.permission_id WHERE rp.role_id = r.id)`;

export function createUsersQueries(db: SqliteDatabase) {
  const statements = {
    roles: db.prepare(`SELECT r.id, r.name, r.description, ${PERMISSIONS_OF_ROLE} AS permissions FROM roles r ORDER BY r.id`),
    emailTaken: db.prepare('SELECT 1 FROM users WHERE email = ?').pluck(),
    usernameTaken: db.prepare('SELECT 1 FROM users WHERE username = ?').pluck(),
    insert: db.prepare(`INSERT INTO users (username, email, password_hash, role_id, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?)`),
    byId: db.prepare(`SELECT ${USER_COLUMNS}, u.password_hash FROM users u JOIN roles r ON r.id = u.role_id WHERE u.id = ?`),
    byEmail: db.prepare(`SELECT ${USER_COLUMNS}, u.password_hash FROM users u JOIN roles r ON r.id = u.role_id WHERE u.email = ?`),
    // One statement for every authenticated request: live session, enabled user, current role id.
    forRequest: db.prepare(`SELECT u.id, u.username, u.email, u.role_id, u.created_at, u.updated_at
      FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = ? AND s.user_id = ? AND s.expires_at > ? AND u.disabled_at IS NULL`),
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

  const listRoles = (): RoleRecord[] =>
    (statements.roles.all() as Array<{ id: number; name: string; description: string | null; permissions: string | null }>).map(
      (row) => ({ id: row.id, name: row.name, description: row.description, permissions: splitPermissions(row.permissions) }),
    );
  // Frozen, so the hot path can hand out the same permission list to every request safely.
  const roles = listRoles().map((role) => ({ ...role, permissions: Object.freeze(role.permissions) }));
  const rolesById = new Map(roles.map((role) => [role.id, role]));
  const roleIdsByName = new Map(roles.map((role) => [role.name, role.id]));

  return {
    listRoles,
    roleId: (name: string) => roleIdsByName.get(name),
    roleHasPermission: (roleId: number, permission: string) => rolesById.get(roleId)?.permissions.includes(permission) ?? false,
    emailTaken: (email: string) => statements.emailTaken.get(email) === 1,
    usernameTaken: (username: string) => statements.usernameTaken.get(username) === 1,
    insert(username: string, email: string, passwordHash: string, roleId: number, now: number): number {
      return Number(statements.insert.run(username, email, passwordHash, roleId, now, now).lastInsertRowid);
    },
    byId: (id: number) => withHash(statements.byId.get(id) as UserRow | undefined),
    byEmail: (email: string) => withHash(statements.byEmail.get(email) as UserRow | undefined),
    forRequest(userId: number, sessionId: string, now: number): RequestUser | null {
      const row = statements.forRequest.get(sessionId, userId, now) as RequestRow | undefined;
      if (!row) return null;
      const role = rolesById.get(row.role_id)!; // role_id is a foreign key: the role exists
      return {
        id: row.id,
        username: row.username,
        email: row.email,
        role: role.name,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        disabledAt: null,
        permissions: role.permissions,
        sessionId,
      };
    },
    list(query: { offset: number; limit: number; role?: string; disabled?: boolean }) {
      const params = {
        role: query.role ?? null,
        disabled: query.disabled === undefined ? null : Number(query.disabled),
        limit: query.limit,
        offset: query.offset,
      };
      return {
        items: (statements.list.all(params) as UserRow[]).map(toUser),
        total: statements.count.get({ role: params.role, disabled: params.disabled }) as number,
      };
    },
    otherEnabledAdmins: (userId: number) => statements.otherEnabledAdmins.get(ADMIN_PERMISSION, userId) as number,
    setRole: (id: number, roleId: number, now: number) => statements.setRole.run(roleId, now, id),
    setDisabled: (id: number, disabledAt: number | null, now: number) => statements.setDisabled.run(disabledAt, now, id),
    setPasswordHash: (id: number, hash: string, now: number) => statements.setPasswordHash.run(hash, now, id),
    delete: (id: number) => statements.delete.run(id).changes > 0,
  };
}
