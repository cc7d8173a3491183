// Register, login, refresh, logout: the endpoints that hand out and take back credentials.
// Each handler parses its body with its schema, calls the rules, and shapes the JSON. A browser
// client may ask for its refresh and device tokens as cookies instead (browser-cookies.ts).
import { Router } from 'express';
import type { AuthService } from '../../auth/auth-service';
import { optionalAuth, requireAuth } from '../guards';
import * as present from '../present';
import { createBrowserCookies } from '../browser-cookies';
import { contextOf, currentUser, parseWith } from '../request-context';
import { loginBody, refreshBody, registerBody } from '../schemas';
import { isMfaChallenge } from '../../auth/login';
import { secondFactorLoginRoutes } from './second-factor-routes';

const VERIFY_FIRST = 'User registered; open the link sent to your email address, then log in';

export function authRoutes(auth: AuthService): Router {
  const router = Router();
  const cookies = createBrowserCookies(auth.config);

  router.post('/register', optionalAuth(auth), async (req, res) => {
    const body = parseWith(registerBody, req.body);
    const caller = res.locals.user ?? null;
    const registration = await auth.register(body, contextOf(req), caller);
    if ('verificationRequired' in registration) {
      res.status(201).json({ message: VERIFY_FIRST, user: present.userSummary(registration.user), verification_required: true });
      return;
    }
    res.status(201).json({ message: 'User registered successfully', user: present.userSummary(registration.user), ...cookies.deliver(req, res, registration) });
  });

  router.post('/login', async (req, res) => {
    const body = parseWith(loginBody, req.body);
    const grant = await auth.login({ ...body, deviceToken: cookies.deviceTokenOf(req) }, contextOf(req));
    if (isMfaChallenge(grant)) return res.json(present.mfaChallenge(grant));
    res.json({ message: 'Login successful', user: present.userSummary(grant.user), ...cookies.deliver(req, res, grant) });
  });

  router.post('/token/refresh', async (req, res) => {
    const fromCookie = cookies.tokenFromCookie(req);
    const refreshToken = fromCookie ?? parseWith(refreshBody, req.body).refresh_token;
    try {
      const grant = await auth.refresh(refreshToken, contextOf(req));
      res.json(cookies.deliver(req, res, grant, fromCookie !== null));
    } catch (error) {
      if (fromCookie !== null) cookies.clear(req, res); // a dead cookie would only fail again
      throw error;
    }
  });

  router.post('/logout', requireAuth(auth), async (req, res) => {
    await auth.logout(currentUser(res), contextOf(req));
    cookies.clear(req, res);
    res.json({ message: 'Logged out' });
  });

  router.post('/logout/all', requireAuth(auth), async (req, res) => {
    const sessionsEnded = await auth.logoutAll(currentUser(res), contextOf(req));
    cookies.clear(req, res);
    res.json({ message: 'Logged out of every session', sessions_ended: sessionsEnded });
  });

  router.use(secondFactorLoginRoutes(auth));
  return router;
}
