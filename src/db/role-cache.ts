// Roles and their permissions, read once when a store opens and kept: they change only with a
// schema migration (no API edits them), so the per-request query reads a user's role id and the
// rest comes from here. Whoever adds a way to edit roles or role_permissions must rebuild this cache
// in the same change, in every process (today each process reads it at open).
import { ADMIN_PERMISSION, type RequestUser, type RoleRecord } from './store';

/** The hot path's row: the user, known to be enabled, with its role id. */
export interface RequestRow {
  id: number;
  username: string;
  email: string;
  role_id: number;
  created_at: number;
  updated_at: number;
  email_verified_at: number | null;
}

export interface RoleCache {
  /** A fresh copy each call, as stored. */
  list(): RoleRecord[];
  roleId(name: string): number | undefined;
  /** The role id of a role name known to exist (a user's current role). */
  knownRoleId(name: string): number;
  hasPermission(roleId: number, permission: string): boolean;
  /** Does this role grant the admin permission (the last-admin rule's question)? */
  isAdminRole(roleId: number): boolean;
  toRequestUser(row: RequestRow, sessionId: string): RequestUser;
}

export function createRoleCache(roles: readonly RoleRecord[]): RoleCache {
  // Frozen, so the hot path can hand out the same permission list to every request safely.
  const frozen = roles.map((role) => ({ ...role, permissions: Object.freeze([...role.permissions]) }));
  const byId = new Map(frozen.map((role) => [role.id, role]));
  const idByName = new Map(frozen.map((role) => [role.name, role.id]));
  const hasPermission = (roleId: number, permission: string) => byId.get(roleId)?.permissions.includes(permission) ?? false;

  return {
    list: () => frozen.map((role) => ({ ...role, permissions: [...role.permissions] })),
    roleId: (name) => idByName.get(name),
    knownRoleId: (name) => idByName.get(name)!,
    hasPermission,
    isAdminRole: (roleId) => hasPermission(roleId, ADMIN_PERMISSION),
    toRequestUser(row, sessionId) {
      const role = byId.get(row.role_id)!; // role_id is a foreign key: the role exists
      return {
        id: row.id,
        username: row.username,
        email: row.email,
        role: role.name,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        disabledAt: null,
        emailVerifiedAt: row.email_verified_at,
        permissions: role.permissions,
        sessionId,
      };
    },
  };
}
