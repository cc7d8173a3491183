// Administration. Every route checks a permission (not a role name), read from the database on
// this very request: a demoted admin's token stops working here at once.
import { Router } from 'express';
import type { AuthService } from '../../auth/auth-service';
import { ADMIN_PERMISSION } from '../../db/store';
import { requireAuth, requirePermission } from '../guards';
import * as present from '../present';
import { contextOf, currentUser, parseWith } from '../request-context';
import { listAuditQuery, listOutboxQuery, listUsersQuery, pageWindow, updateUserBody, userIdParam } from '../schemas';
import { secondFactorAdminRoutes } from './second-factor-routes';

export function adminRoutes(auth: AuthService): Router {
  const router = Router();
  router.use('/admin', requireAuth(auth), requirePermission(ADMIN_PERMISSION));

  router.get('/admin', (_req, res) => {
    const user = currentUser(res);
    res.json({
      message: 'Welcome to the admin panel',
      admin: { id: user.id, username: user.username, email: user.email },
      access_level: 'full',
    });
  });

  router.get('/admin/users', async (req, res) => {
    const query = parseWith(listUsersQuery, req.query, 'query');
    const { items, total } = await auth.listUsers({ ...pageWindow(query), role: query.role, disabled: query.disabled });
    res.json({ users: items.map(present.userDetail), ...present.page(query.page, query.per_page, total) });
  });

  router.patch('/admin/users/:id', async (req, res) => {
    const { id } = parseWith(userIdParam, req.params, 'user id');
    const change = parseWith(updateUserBody, req.body);
    const { user, sessionsEnded } = await auth.updateUser(currentUser(res), id, change, contextOf(req));
    res.json({ user: present.userDetail(user), sessions_ended: sessionsEnded });
  });

  router.delete('/admin/users/:id', requirePermission('delete'), async (req, res) => {
    const { id } = parseWith(userIdParam, req.params, 'user id');
    await auth.deleteUser(currentUser(res), id, contextOf(req));
    res.json({ message: 'User deleted' });
  });

  router.delete('/admin/users/:id/sessions', async (req, res) => {
    const { id } = parseWith(userIdParam, req.params, 'user id');
    const sessionsEnded = await auth.endSessionsOfUser(currentUser(res), id, contextOf(req));
    res.json({ message: 'Sessions ended', sessions_ended: sessionsEnded });
  });

  router.get('/admin/audit', async (req, res) => {
    const query = parseWith(listAuditQuery, req.query, 'query');
    const { items, total } = await auth.listAudit({ ...pageWindow(query), userId: query.user_id, event: query.event });
    res.json({ entries: items.map(present.auditEntry), ...present.page(query.page, query.per_page, total) });
  });

  router.get('/admin/outbox', async (req, res) => {
    const query = parseWith(listOutboxQuery, req.query, 'query');
    const { items, total } = await auth.listOutbox({ ...pageWindow(query), status: query.status });
    res.json({ messages: items.map(present.outboxMessage), ...present.page(query.page, query.per_page, total) });
  });

  router.use(secondFactorAdminRoutes(auth));
  return router;
}
