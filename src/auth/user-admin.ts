// What administrators do to other accounts: list, change role, disable, delete, read the audit log.
// Changes apply to live tokens at once, because every request reads the current role from the
// database. The store refuses to leave no enabled administrator (409), and checks the acting admin
// again inside the same transaction as the write (a demoted admin's request in flight changes nothing).
import type { Page, RequestUser, UserRecord } from '../db/store';
import { ADMIN_PERMISSION } from '../db/store';
import { actorCheck, auditEntry, type AuthDeps, type RequestContext } from './deps';
import { AuthError } from './errors';

const LAST_ADMIN_MESSAGE = 'This would leave no active administrator';
/** The actor lost a needed permission (or its session) while the request was in flight. */
const FORBIDDEN = (...permissions: string[]) => new AuthError('forbidden', `Permission required: ${permissions.join(', ')}`);

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
  const result = await deps.store.updateUser(userId, change, deps.now(), actorCheck(actor, ADMIN_PERMISSION), {
    actorId: actor.id,
    ip: context.ip,
    userAgent: context.userAgent,
  });
  if (result.ok) return { user: result.user, sessionsEnded: result.sessionsEnded };
  switch (result.reason) {
    case 'forbidden':
      throw FORBIDDEN(ADMIN_PERMISSION);
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
  const audit = auditEntry('sessions_ended_by_admin', context, { userId, actorId: actor.id });
  const ended = await deps.store.deleteSessionsOfUser(userId, deps.now(), audit, actorCheck(actor, ADMIN_PERMISSION));
  if (ended === 'forbidden') throw FORBIDDEN(ADMIN_PERMISSION);
  if (ended === null) throw new AuthError('not_found', 'No such user');
  return ended;
}

export async function deleteUser(deps: AuthDeps, actor: RequestUser, userId: number, context: RequestContext): Promise<void> {
  const audit = auditEntry('user_deleted', context, { userId, actorId: actor.id });
  const result = await deps.store.deleteUser(userId, deps.now(), actorCheck(actor, ADMIN_PERMISSION, 'delete'), audit);
  if (result === 'forbidden') throw FORBIDDEN(ADMIN_PERMISSION, 'delete');
  if (result === 'not_found') throw new AuthError('not_found', 'No such user');
  if (result === 'last_admin') throw new AuthError('last_admin', LAST_ADMIN_MESSAGE);
}
