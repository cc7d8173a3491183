// The second factor's endpoints: TOTP set-up, confirmation and removal and re-authentication (under
// /users/me, mounted by meRoutes behind its guard), the second step of a login, and the admin's
// reset (mounted by adminRoutes behind its guard).
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { Router } from 'express';
import type { AuthService } from '../../auth/auth-service';
import { createBrowserCookies } from '../browser-cookies';
import * as present from '../present';
import { contextOf, currentUser, parseWith } from '../request-context';
import { userIdParam } from '../schemas';
import { passkeyMeRoutes, passkeyRoutes } from './passkey-routes';
import { loginMfaBody, proofOf, reauthenticateBody, secondFactorProofBody, totpConfirmBody, totpSetupBody } from '../second-factor-schemas';

/** /users/me/mfa/... and /users/me/reauthenticate; the caller is authenticated already. */
export function secondFactorMeRoutes(auth: AuthService): Router {
  const router = Router();
  const cookies = createBrowserCookies(auth.config);

  router.post('/users/me/mfa/totp/setup', async (req, res) => {
    const { password } = parseWith(totpSetupBody, req.body);
    const setup = await auth.setupTotp(currentUser(res), password, cookies.deviceTokenOf(req), contextOf(req));
    res.set('Cache-Control', 'no-store'); // the secret is in this answer
    res.json({ secret: setup.secret, otpauth_uri: setup.otpauthUri, qr_code_svg: setup.qrCodeSvg });
  });

  router.post('/users/me/mfa/totp/confirm', async (req, res) => {
    const { code } = parseWith(totpConfirmBody, req.body);
    const { recoveryCodes } = await auth.confirmTotp(currentUser(res), code, contextOf(req));
    res.set('Cache-Control', 'no-store');
    res.json({ message: 'TOTP is on: keep the recovery codes somewhere safe, they are shown once', recovery_codes: recoveryCodes });
  });

  router.delete('/users/me/mfa/totp', async (req, res) => {
    const body = parseWith(secondFactorProofBody, req.body);
    await auth.removeTotp(currentUser(res), proofOf(body), contextOf(req));
    res.json({ message: 'TOTP removed, and its recovery codes with it' });
  });

  router.post('/users/me/reauthenticate', async (req, res) => {
    const body = parseWith(reauthenticateBody, req.body);
    const proof =
      body.password !== undefined
        ? { password: body.password, deviceToken: cookies.deviceTokenOf(req) }
        : body.passkey !== undefined
          ? { passkey: body.passkey as unknown as AuthenticationResponseJSON }
          : proofOf(body);
    await auth.reauthenticate(currentUser(res), proof, contextOf(req));
    res.json({ message: 'Re-authenticated', fresh_for_seconds: auth.config.secondFactor.reauthMaxAgeSeconds });
  });

  router.use(passkeyMeRoutes(auth));
  return router;
}

/** POST /login/mfa (the second step of a password login) and the passkey endpoints under /webauthn. */
export function secondFactorLoginRoutes(auth: AuthService): Router {
  const router = Router();
  const cookies = createBrowserCookies(auth.config);

  router.post('/login/mfa', async (req, res) => {
    const body = parseWith(loginMfaBody, req.body);
    const grant = await auth.loginWithSecondFactor(body.mfa_token, proofOf(body), contextOf(req));
    res.json({ message: 'Login successful', user: present.userSummary(grant.user), ...cookies.deliver(req, res, grant) });
  });

  router.use(passkeyRoutes(auth));
  return router;
}

/** DELETE /admin/users/:id/mfa; the caller is an admin already. */
export function secondFactorAdminRoutes(auth: AuthService): Router {
  const router = Router();
  router.delete('/admin/users/:id/mfa', async (req, res) => {
    const { id } = parseWith(userIdParam, req.params, 'user id');
    await auth.resetSecondFactors(currentUser(res), id, contextOf(req));
    res.json({ message: 'Second factors removed: the user signs in with the password alone until they set up a new one' });
  });
  return router;
}
