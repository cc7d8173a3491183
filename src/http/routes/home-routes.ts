// GET / (what this is and what it offers, as the original) and GET /healthz (for load balancers).
// A browser asking for / (Accept: text/html) is sent to the web page instead of a JSON blob.
import { Router } from 'express';
import type { AuthService } from '../../auth/auth-service';
import { VERSION } from '../../version';

export const ENDPOINTS = {
  'GET /': 'This description (a browser asking for HTML is sent to /app)',
  'POST /register': 'Register a new user (role other than "user" needs an admin token)',
  'POST /login': 'Log in: access token + refresh token',
  'POST /token/refresh': 'Exchange a refresh token for new tokens (rotation)',
  'POST /token/introspect': 'RFC 7662: is this access token live now? (introspection clients, HTTP Basic)',
  'POST /logout': 'End this session (requires authentication)',
  'POST /logout/all': 'End every session of the caller (requires authentication)',
  'GET /users/me': 'Get current user info (requires authentication)',
  'GET /users/me/sessions': "List the caller's sessions",
  'DELETE /users/me/sessions/:id': 'End one of the caller\'s sessions',
  'POST /users/me/password': 'Change password (needs a recent sign-in; ends the other sessions)',
  'POST /users/me/email': 'Change email address (needs a recent sign-in and the password; applies when the new address is verified)',
  'GET /admin': 'Admin-only endpoint (requires the admin permission)',
  'GET /admin/users': 'List users (paginated; filter by role, disabled)',
  'PATCH /admin/users/:id': 'Change a user\'s role or disable them',
  'DELETE /admin/users/:id': 'Delete a user and their sessions',
  'DELETE /admin/users/:id/sessions': 'End every session of a user',
  'GET /admin/audit': 'Page through the audit log',
  'GET /.well-known/jwks.json': 'The public keys that verify access tokens (JWKS), cacheable',
  'GET /admin/outbox': 'Page through the outbox: queued, sent and failed mail (no bodies)',
  'POST /email/verify': 'Verify an email address (or apply an address change) with the token of an emailed link',
  'POST /email/verify/resend': 'Send a new verification link (requires authentication)',
  'POST /password/forgot': 'Ask for a password-reset link (the same answer whether or not the address has an account)',
  'POST /password/reset': 'Set a new password with the token of a reset link (ends every session)',
  'GET /healthz': 'Liveness and database check',
  'GET /openapi.json': 'This API as an OpenAPI 3.1 document',
  'GET /docs': 'The API documentation, as a web page',
  'GET /app': 'The web page: register, log in, sessions, administration',
  'GET /app/reset': 'The web page, opening the reset form of a reset link (#token=...)',
  'GET /app/verify': 'The web page, spending the verification link it was opened with (#token=...)',
  // the second factor (second-factor-routes.ts)
  'POST /login/mfa': 'Second step of a login: the mfa_token and a TOTP or recovery code',
  'POST /users/me/mfa/totp/setup': 'Start TOTP set-up (password again): secret, otpauth URI, QR code',
  'POST /users/me/mfa/totp/confirm': 'Turn TOTP on with its first code: the recovery codes, once',
  'DELETE /users/me/mfa/totp': 'Remove TOTP (fresh authentication and a code)',
  'POST /users/me/reauthenticate': 'Prove who you are again (password, or a code): sensitive actions for REAUTH_MAX_AGE',
  'DELETE /admin/users/:id/mfa': "Remove a user's second factors (a lost phone), audited",
  'POST /webauthn/register/options': 'Passkey registration options (fresh authentication)',
  'POST /webauthn/register/verify': "Register a passkey with the browser's answer",
  'POST /webauthn/login/options': 'Passkey sign-in options (a single-use challenge)',
  'POST /webauthn/login/verify': 'Sign in with a passkey: the normal login answer, no TOTP asked',
  'GET /users/me/passkeys': "List the caller's passkeys",
  'DELETE /users/me/passkeys/:id': 'Remove a passkey (fresh authentication)',
} as const satisfies Record<string, string>;

export type EndpointKey = keyof typeof ENDPOINTS;

/** Said by GET / (and so on the page) when PUBLIC_TUNNEL is on: localtunnel's last leg is plain TCP. */
export const TUNNEL_NOTICE =
  'This server is reached through a public tunnel. The tunnel ends https at the tunnel server and carries ' +
  'every request on to this machine as plain, unencrypted HTTP. Use demo accounts only: never a real password.';

export function homeRoutes(auth: AuthService): Router {
  const router = Router();

  router.get('/', (req, res) => {
    // curl and fetch send */*, which accepts JSON first: only a browser's text/html gets the page
    res.vary('Accept');
    if (req.accepts(['json', 'html']) === 'html') return res.redirect(303, '/app');
    res.json({
      message: 'User Authentication & Authorization System',
      version: VERSION,
      endpoints: ENDPOINTS,
      ...(auth.config.publicTunnel && { tunnel_notice: TUNNEL_NOTICE }),
    });
  });

  router.get('/healthz', async (_req, res) => {
    if (await auth.healthy()) res.json({ status: 'ok' });
    else res.status(503).json({ status: 'unavailable', message: 'database is not answering' });
  });

  return router;
}
