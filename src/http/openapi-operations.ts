// What each endpoint takes and answers, for the OpenAPI document: its request schemas (the very
// zod constants the routes parse with), who may call it, and its success status. Keyed by
// ENDPOINTS, so the compiler refuses an endpoint without an entry here.
import type { z } from 'zod';
import { ADMIN_PERMISSION } from '../db/store';
import type { EndpointKey } from './routes/home-routes';
import * as schemas from './schemas';
import { FRESH, SECOND_FACTOR_OPERATIONS } from './second-factor-operations';

/** public: anyone; optional: a Bearer token changes what is allowed; bearer: any signed-in user; else the permissions needed. */
export type Access = 'public' | 'optional' | 'bearer' | { permissions: readonly string[] };

export interface OperationSpec {
  access: Access;
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** Success status and what the answer carries. */
  ok: readonly [number, string];
  /** Error statuses beyond those the inputs (400) and access (401, 403) imply. */
  errors?: readonly number[];
  /** Takes X-Refresh-Cookie (and, for refresh, the cookie with its CSRF header): see browser-cookies.ts. */
  cookieMode?: 'issues' | 'refreshes';
  /** Takes the trusted-device token (X-Device-Token, or the page's cookie): see auth/trusted-devices.ts. */
  deviceToken?: boolean;
  /** Authenticated as an introspection client (HTTP Basic, INTROSPECTION_CLIENTS), and takes a form body too. */
  introspectionClient?: boolean;
  /** Answers a web page rather than JSON. */
  html?: boolean;
}

const admin = { permissions: [ADMIN_PERMISSION] } as const;

export const OPERATIONS: Record<EndpointKey, OperationSpec> = {
  'GET /': { access: 'public', ok: [200, '{message, version, endpoints} (+ tunnel_notice when served through a public tunnel)'] },
  'POST /register': {
    access: 'optional',
    body: schemas.registerBody,
    ok: [201, '{message, user, token, refresh_token, token_type, expires_in, device_token}; with REQUIRE_VERIFIED_EMAIL {message, user, verification_required} and no session'],
    errors: [409, 429],
    cookieMode: 'issues',
  },
  'POST /login': {
    access: 'public',
    body: schemas.loginBody,
    ok: [200, '{message, user, token, refresh_token, token_type, expires_in, device_token}'],
    errors: [401, 403, 429],
    cookieMode: 'issues',
    deviceToken: true,
  },
  'POST /token/refresh': {
    access: 'public',
    body: schemas.refreshBody,
    ok: [200, '{token, refresh_token, token_type, expires_in}; the old refresh token is spent'],
    errors: [401, 403, 429],
    cookieMode: 'refreshes',
  },
  'POST /token/introspect': {
    access: 'public',
    body: schemas.introspectBody,
    ok: [200, '{active: true, token_type, sub, username, role, permissions, sid, iss, aud, jti, iat, exp} or {active: false} (expired, forged, or its session ended)'],
    errors: [401],
    introspectionClient: true,
  },
  'POST /logout': { access: 'bearer', ok: [200, '{message}; clears the refresh cookie'] },
  'POST /logout/all': { access: 'bearer', ok: [200, '{message, sessions_ended}; clears the refresh cookie'] },
  'GET /users/me': { access: 'bearer', ok: [200, '{user: {id, username, email, role, email_verified, permissions, created_at}}'] },
  'GET /users/me/sessions': { access: 'bearer', ok: [200, '{sessions: [{id, current, created_at, last_used_at, expires_at, user_agent, ip}]}'] },
  'DELETE /users/me/sessions/:id': { access: 'bearer', params: schemas.sessionIdParam, ok: [200, '{message}'], errors: [404] },
  'POST /users/me/password': {
    access: 'bearer',
    body: schemas.changePasswordBody,
    ok: [200, '{message, sessions_ended}; every other session ends. Needs an authentication within REAUTH_MAX_AGE (else 403 reauthentication_required)'],
    errors: [FRESH, 429],
    deviceToken: true,
  },
  'POST /users/me/email': {
    access: 'bearer',
    body: schemas.changeEmailBody,
    ok: [202, '{message}; a link goes to the new address, the account moves when it is opened, and the old address is told. Needs an authentication within REAUTH_MAX_AGE (else 403 reauthentication_required) and the password'],
    errors: [FRESH, 409, 429, 503],
    deviceToken: true,
  },
  'GET /admin': { access: admin, ok: [200, '{message, admin, access_level}'] },
  'GET /admin/users': { access: admin, query: schemas.listUsersQuery, ok: [200, '{users, page, per_page, total}'] },
  'PATCH /admin/users/:id': {
    access: admin,
    params: schemas.userIdParam,
    body: schemas.updateUserBody,
    ok: [200, '{user, sessions_ended}'],
    errors: [404, 409],
  },
  'DELETE /admin/users/:id': { access: { permissions: [ADMIN_PERMISSION, 'delete'] }, params: schemas.userIdParam, ok: [200, '{message}'], errors: [404, 409] },
  'DELETE /admin/users/:id/sessions': { access: admin, params: schemas.userIdParam, ok: [200, '{message, sessions_ended}'], errors: [404] },
  'GET /admin/audit': { access: admin, query: schemas.listAuditQuery, ok: [200, '{entries, page, per_page, total}, newest first'] },
  'GET /.well-known/jwks.json': { access: 'public', ok: [200, '{keys: [{kty, crv, x, y, kid, alg, use}]}: published, current and retired keys; Cache-Control max-age'] },
  'GET /admin/outbox': { access: admin, query: schemas.listOutboxQuery, ok: [200, '{messages: [{id, kind, recipient, subject, status, attempts, created_at, next_attempt_at, last_error, sent_at}], page, per_page, total}, newest first'] },
  'POST /email/verify': { access: 'public', body: schemas.verifyEmailBody, ok: [200, '{message, user: {id, email, email_verified}}'], errors: [409] },
  'POST /email/verify/resend': { access: 'bearer', ok: [202, '{message}; 200 {message} when the address is verified already'], errors: [429, 503] },
  'POST /password/forgot': { access: 'public', body: schemas.forgotPasswordBody, ok: [202, '{message}, the same whether or not the address has an account'], errors: [429, 503] },
  'POST /password/reset': { access: 'public', body: schemas.resetPasswordBody, ok: [200, '{message, sessions_ended}; every session of the account ends'], errors: [429] },
  'GET /healthz': { access: 'public', ok: [200, '{status: "ok"}'], errors: [503] },
  'GET /openapi.json': { access: 'public', ok: [200, 'This document'] },
  'GET /docs': { access: 'public', ok: [200, 'The documentation page'], html: true },
  'GET /app': { access: 'public', ok: [200, 'The web page'], html: true },
  'GET /app/reset': { access: 'public', ok: [200, 'The web page with the reset form; the token stays in the URL fragment'], html: true },
  'GET /app/verify': { access: 'public', ok: [200, 'The web page, which verifies the address with the token in the URL fragment'], html: true },
  ...SECOND_FACTOR_OPERATIONS,
};
