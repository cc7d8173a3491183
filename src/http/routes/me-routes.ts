// The caller's own account: who am I, my sessions, my password, my address.
import { Router, type RequestHandler } from 'express';
import type { AuthService } from '../../auth/auth-service';
import { createBrowserCookies } from '../browser-cookies';
import { authenticated, requireAuth } from '../guards';
import * as present from '../present';
import { contextOf, currentUser, parseWith } from '../request-context';
import { changeEmailBody, changePasswordBody, sessionIdParam } from '../schemas';
import { secondFactorMeRoutes } from './second-factor-routes';

/**
 * GET /users/me, the hot path, for the app itself to mount (app.get) ahead of meRoutes: a nested
 * router costs Express a second dispatch, and meRoutes' prefix guard a strip and restore of req.url,
 * per request. It authenticates itself, reading the second-factor summary with the user: one query,
 * one handler.
 */
export function usersMe(auth: AuthService): RequestHandler {
  return async function usersMe(req, res) {
    const user = await authenticated(req, auth.authenticateMe);
    res.json({ user: present.me(user) });
  };
}

export function meRoutes(auth: AuthService): Router {
  const router = Router();
  const cookies = createBrowserCookies(auth.config);
  router.use('/users/me', requireAuth(auth));

  router.get('/users/me/sessions', async (_req, res) => {
    const sessions = await auth.listSessions(currentUser(res));
    res.json({ sessions: sessions.map(present.session) });
  });

  router.delete('/users/me/sessions/:id', async (req, res) => {
    const { id } = parseWith(sessionIdParam, req.params, 'session id');
    await auth.revokeSession(currentUser(res), id, contextOf(req));
    res.json({ message: 'Session ended' });
  });

  router.post('/users/me/password', async (req, res) => {
    const body = parseWith(changePasswordBody, req.body);
    const { sessionsEnded } = await auth.changePassword(
      currentUser(res),
      { currentPassword: body.current_password, newPassword: body.new_password, deviceToken: cookies.deviceTokenOf(req) },
      contextOf(req),
    );
    res.json({ message: 'Password changed; other sessions have been ended', sessions_ended: sessionsEnded });
  });

  router.post('/users/me/email', async (req, res) => {
    const body = parseWith(changeEmailBody, req.body);
    await auth.requestEmailChange(currentUser(res), { newEmail: body.new_email, password: body.password, deviceToken: cookies.deviceTokenOf(req) }, contextOf(req));
    res.status(202).json({ message: 'A link is on its way to the new address; the account moves when it is opened' });
  });

  router.use(secondFactorMeRoutes(auth));
  return router;
}
