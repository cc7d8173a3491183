// The second factor's endpoints for the OpenAPI document (openapi-operations.ts spreads them in).
import { ADMIN_PERMISSION } from '../db/store';
import type { OperationSpec } from './openapi-operations';
import * as schemas from './schemas';
import * as mfa from './second-factor-schemas';

const LOGIN_ANSWER = '{message, user, token, refresh_token, token_type, expires_in, device_token}';
/** 403 reauthentication_required: the session has not proved who it is within REAUTH_MAX_AGE. */
export const FRESH = 403;

export const SECOND_FACTOR_OPERATIONS = {
  'POST /login/mfa': { access: 'public', body: mfa.loginMfaBody, ok: [200, `${LOGIN_ANSWER} (a code is accepted once)`], errors: [401, 403, 429], cookieMode: 'issues' },
  'POST /users/me/mfa/totp/setup': {
    access: 'bearer',
    body: mfa.totpSetupBody,
    ok: [200, '{secret, otpauth_uri, qr_code_svg}; nothing is active until confirmed'],
    errors: [409, 429],
    deviceToken: true,
  },
  'POST /users/me/mfa/totp/confirm': { access: 'bearer', body: mfa.totpConfirmBody, ok: [200, '{message, recovery_codes}: shown once'], errors: [409] },
  'DELETE /users/me/mfa/totp': { access: 'bearer', body: mfa.secondFactorProofBody, ok: [200, '{message}'], errors: [FRESH, 409, 429] },
  'POST /users/me/reauthenticate': {
    access: 'bearer',
    body: mfa.reauthenticateBody,
    ok: [200, '{message, fresh_for_seconds}; with a second factor on, a code (or a passkey) rather than the password'],
    errors: [429],
    deviceToken: true,
  },
  'DELETE /admin/users/:id/mfa': { access: { permissions: [ADMIN_PERMISSION] }, params: schemas.userIdParam, ok: [200, '{message}; audited as mfa_reset_by_admin'], errors: [404] },
  'POST /webauthn/register/options': { access: 'bearer', ok: [200, 'PublicKeyCredentialCreationOptionsJSON (resident key; the challenge is single-use, 5 minutes)'], errors: [FRESH] },
  'POST /webauthn/register/verify': { access: 'bearer', body: mfa.passkeyRegistrationBody, ok: [200, '{passkey: {id, name, created_at, last_used_at}}'], errors: [401] },
  'POST /webauthn/login/options': { access: 'public', body: mfa.passkeyLoginOptionsBody, ok: [200, 'PublicKeyCredentialRequestOptionsJSON (a single-use challenge, 5 minutes)'] },
  'POST /webauthn/login/verify': { access: 'public', body: mfa.passkeyAssertion, ok: [200, LOGIN_ANSWER], errors: [401, 403, 429], cookieMode: 'issues' },
  'GET /users/me/passkeys': { access: 'bearer', ok: [200, '{passkeys: [{id, name, created_at, last_used_at}]}'] },
  'DELETE /users/me/passkeys/:id': { access: 'bearer', params: mfa.passkeyIdParam, ok: [200, '{message}'], errors: [FRESH, 404] },
} as const satisfies Record<string, OperationSpec>;
