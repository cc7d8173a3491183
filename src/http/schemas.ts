// The shape of every request body and query, as zod schemas, one named constant per endpoint.
// Bodies are strict: an unknown field (id, permissions, role_id...) is refused, never passed on.
// Passwords are only bounded here; the password policy (auth/password-policy.ts) judges them.
import { z } from 'zod';
import { emailSchema, usernameSchema } from '../auth/identity';

/** Generous upper bound before the policy's own maximum; the body limit caps it too. */
const PASSWORD_FIELD_MAX = 4096;

const passwordSchema = z.string().min(1, 'is required').max(PASSWORD_FIELD_MAX, `must be at most ${PASSWORD_FIELD_MAX} characters`);

const roleSchema = z.string().trim().min(1).max(64).regex(/^[a-z][a-z0-9_-]*$/, 'must be a role name such as user or admin');

export const registerBody = z.strictObject({
  username: usernameSchema,
  email: emailSchema,
  password: passwordSchema,
  role: roleSchema.optional(),
});

export const loginBody = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
});

export const refreshBody = z.strictObject({
  refresh_token: z.string().min(1, 'is required').max(512),
});

export const changePasswordBody = z.strictObject({
  current_password: passwordSchema,
  new_password: passwordSchema,
});

export const updateUserBody = z
  .strictObject({
    role: roleSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .refine((body) => body.role !== undefined || body.disabled !== undefined, 'give role, disabled, or both');

const pageQuery = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(20),
};

/** A parsed page query as the store's offset and limit. */
export const pageWindow = (query: { page: number; per_page: number }) => ({ offset: (query.page - 1) * query.per_page, limit: query.per_page });

export const listUsersQuery = z.strictObject({
  ...pageQuery,
  role: roleSchema.optional(),
  disabled: z.enum(['true', 'false']).transform((v) => v === 'true').optional(),
});

export const listAuditQuery = z.strictObject({
  ...pageQuery,
  user_id: z.coerce.number().int().min(1).optional(),
  event: z.string().regex(/^[a-z_]{1,40}$/).optional(),
});

export const userIdParam = z.strictObject({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) });

export const sessionIdParam = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

/** A token from an emailed link: its shape is checked by the rules (a wrong one is invalid_email_token). */
const emailTokenSchema = z.string().min(1, 'is required').max(128);

export const verifyEmailBody = z.strictObject({ token: emailTokenSchema });

export const forgotPasswordBody = z.strictObject({ email: emailSchema });

export const resetPasswordBody = z.strictObject({ token: emailTokenSchema, new_password: passwordSchema });

export const changeEmailBody = z.strictObject({ new_email: emailSchema, password: passwordSchema });

export const listOutboxQuery = z.strictObject({
  ...pageQuery,
  status: z.enum(['pending', 'sending', 'sent', 'failed']).optional(),
});

/** RFC 7662: the token, and optionally a hint of its type (access tokens are all we introspect). */
export const introspectBody = z.strictObject({
  token: z.string().min(1).max(8192),
  token_type_hint: z.string().max(64).optional(),
});
