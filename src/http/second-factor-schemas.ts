// Request bodies of the second factor's endpoints, one named constant each (strict, like schemas.ts).
// A proof is a TOTP code or a recovery code, never both (one object with a refinement, rather than
// a union, so an unknown or missing field is reported by name).
import { z } from 'zod';
import type { SecondFactorProof } from '../auth/second-factor-check';

const passwordField = z.string().min(1, 'is required').max(4096);
const codeField = z.string().trim().regex(/^\d{6}$/, 'must be the 6 digits the app shows');
const recoveryCodeField = z.string().trim().min(1, 'is required').max(64);
const mfaTokenField = z.string().min(1, 'is required').max(2048);

/** One of `keys` exactly: a proof is a code or a recovery code (or, to re-authenticate, the password), never two. */
const exactlyOne = (keys: readonly string[]) => [
  (body: Record<string, unknown>) => keys.filter((key) => body[key] !== undefined).length === 1,
  `give exactly one of ${keys.join(', ')}`,
] as const;

/** The proof as the rules take it. */
export const proofOf = (body: { code?: string; recovery_code?: string }): SecondFactorProof =>
  body.code !== undefined ? { code: body.code } : { recoveryCode: body.recovery_code! };

const proofFields = { code: codeField.optional(), recovery_code: recoveryCodeField.optional() };

export const totpSetupBody = z.strictObject({ password: passwordField });

export const totpConfirmBody = z.strictObject({ code: codeField });

export const secondFactorProofBody = z.strictObject(proofFields).refine(...exactlyOne(['code', 'recovery_code']));

export const loginMfaBody = z.strictObject({ mfa_token: mfaTokenField, ...proofFields }).refine(...exactlyOne(['code', 'recovery_code']));

// WebAuthn's JSON (SimpleWebAuthn's RegistrationResponseJSON and AuthenticationResponseJSON): strict
// at the top; inside `response` the fields the server reads are checked and the rest (browsers add
// some) left to the library.
const base64url = z.string().min(1).max(8192).regex(/^[A-Za-z0-9_-]+$/, 'must be base64url');
const credentialFields = {
  id: base64url.max(1024),
  rawId: base64url.max(1024),
  type: z.literal('public-key'),
  clientExtensionResults: z.record(z.string(), z.unknown()),
  authenticatorAttachment: z.enum(['platform', 'cross-platform']).optional(),
};

export const passkeyAssertion = z.strictObject({
  ...credentialFields,
  response: z.looseObject({ clientDataJSON: base64url, authenticatorData: base64url, signature: base64url, userHandle: base64url.max(1024).optional() }),
});

export const passkeyRegistrationBody = z.strictObject({
  ...credentialFields,
  response: z.looseObject({ clientDataJSON: base64url, attestationObject: base64url, transports: z.array(z.string().max(32)).max(10).optional() }),
  /** Ours, not WebAuthn's: what the list calls this passkey. */
  name: z.string().trim().min(1).max(64).optional(),
});

export const passkeyLoginOptionsBody = z.strictObject({});

export const passkeyIdParam = z.strictObject({ id: base64url.max(1024) });

export const reauthenticateBody = z
  .strictObject({ password: passwordField.optional(), passkey: passkeyAssertion.optional(), ...proofFields })
  .refine(...exactlyOne(['password', 'passkey', 'code', 'recovery_code']));
