// Passkeys over HTTP, in SimpleWebAuthn's JSON formats: registration for a signed-in user
// (/webauthn/register/*), passwordless sign-in (/webauthn/login/*), and the caller's list
// (/users/me/passkeys, mounted by meRoutes behind its guard).
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { Router } from 'express';
import type { AuthService } from '../../auth/auth-service';
import { createBrowserCookies } from '../browser-cookies';
import { requireAuth } from '../guards';
import * as present from '../present';
import { contextOf, currentUser, parseWith } from '../request-context';
import { passkeyAssertion, passkeyIdParam, passkeyLoginOptionsBody, passkeyRegistrationBody } from '../second-factor-schemas';

export function passkeyRoutes(auth: AuthService): Router {
  const router = Router();
  const cookies = createBrowserCookies(auth.config);

  router.post('/webauthn/register/options', requireAuth(auth), async (_req, res) => {
    res.json(await auth.passkeyRegistrationOptions(currentUser(res)));
  });

  router.post('/webauthn/register/verify', requireAuth(auth), async (req, res) => {
    const { name, ...response } = parseWith(passkeyRegistrationBody, req.body);
    const passkey = await auth.verifyPasskeyRegistration(currentUser(res), response as unknown as RegistrationResponseJSON, name, contextOf(req));
    res.json({ passkey: present.passkey(passkey) });
  });

  router.post('/webauthn/login/options', async (req, res) => {
    parseWith(passkeyLoginOptionsBody, req.body);
    res.json(await auth.passkeyLoginOptions());
  });

  router.post('/webauthn/login/verify', async (req, res) => {
    const response = parseWith(passkeyAssertion, req.body) as unknown as AuthenticationResponseJSON;
    const grant = await auth.loginWithPasskey(response, contextOf(req));
    res.json({ message: 'Login successful', user: present.userSummary(grant.user), ...cookies.deliver(req, res, grant) });
  });

  return router;
}

/** GET /users/me/passkeys and DELETE /users/me/passkeys/:id; the caller is authenticated already. */
export function passkeyMeRoutes(auth: AuthService): Router {
  const router = Router();

  router.get('/users/me/passkeys', async (_req, res) => {
    res.json({ passkeys: (await auth.listPasskeys(currentUser(res))).map(present.passkey) });
  });

  router.delete('/users/me/passkeys/:id', async (req, res) => {
    const { id } = parseWith(passkeyIdParam, req.params, 'passkey id');
    await auth.removePasskey(currentUser(res), id, contextOf(req));
    res.json({ message: 'Passkey removed' });
  });

  return router;
}
