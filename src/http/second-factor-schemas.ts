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

export const reauthenticateBody = z
  .strictObject({ password: passwordField.optional(), ...proofFields })
  .refine(...exactlyOne(['password', 'code', 'recovery_code']));
