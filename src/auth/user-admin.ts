// What administrators do to other accounts: list, change role, disable, delete, read the audit log.
// Changes apply to live tokens at once, because every request reads the current role from the
// database. The store refuses to leave no enabled administrator (409).
import type { AuditInput, Page, RequestUser, UserRecord } from '../db/store';
import { auditEntry, type AuthDeps, type RequestContext } from './deps';
import { AuthError } from './errors';

const LAST_ADMIN_MESSAGE = 'This would leave no active administrator';

export async function listUsers(deps: AuthDeps, query: { offset: number; limit: number; role?: string; disabled?: boolean }): Promise<Page<UserRecord>> {
  return deps.store.listUsers(query);
}

export async function updateUser(
  deps: AuthDeps,
  actor: RequestUser,
  userId: number,
  change: { role?: string; disabled?: boolean },
  context: RequestContext,
): Promise<{ user: UserRecord; sessionsEnded: number }> {
  const ids = { userId, actorId: actor.id };
  const audit: AuditInput[] = [];
  if (change.role !== undefined) audit.push(auditEntry('role_change', context, ids, { role: change.role }));
  if (change.disabled !== undefined) audit.push(auditEntry(change.disabled ? 'user_disabled' : 'user_enabled', context, ids));
  const result = await deps.store.updateUser(userId, change, deps.now(), audit);
  if (result.ok) return { user: result.user, sessionsEnded: result.sessionsEnded };
  switch (result.reason) {
    case 'not_found':
      throw new AuthError('not_found', 'No such user');
    case 'unknown_role':
      throw new AuthError('unknown_role', `Unknown role '${change.role}'`, { details: [{ path: 'role', message: 'no such role' }] });
    case 'last_admin':
      throw new AuthError('last_admin', LAST_ADMIN_MESSAGE);
  }
}

/** Ends every session of a user (ASVS 7.4.5); the account itself stays usable. */
export async function endSessionsOfUser(deps: AuthDeps, actor: RequestUser, userId: number, context: RequestContext): Promise<number> {
  const ended = await deps.store.deleteSessionsOfUser(userId, deps.now(), auditEntry('sessions_ended_by_admin', context, { userId, actorId: actor.id }));
  if (ended === null) throw new AuthError('not_found', 'No such user');
  return ended;
}

export async function deleteUser(deps: AuthDeps, actor: RequestUser, userId: number, context: RequestContext): Promise<void> {
  const result = await deps.store.deleteUser(userId, deps.now(), auditEntry('user_deleted', context, { userId, actorId: actor.id }));
  if (result === 'not_found') throw new AuthError('not_found', 'No such user');
  if (result === 'last_admin') throw new AuthError('last_admin', LAST_ADMIN_MESSAGE);
}
