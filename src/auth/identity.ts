// What makes a valid identity, checked wherever an account is made (HTTP, CLI, bootstrap admin,
// notebooks): a username of plain characters, a real-looking email, stored trimmed and lowercased so
// that emails compare case-insensitively. The HTTP schemas reuse these, so the rules live once.
import { z } from 'zod';
import { AuthError } from './errors';

export const usernameSchema = z
  .string()
  .trim()
  .min(3, 'must be at least 3 characters')
  .max(32, 'must be at most 32 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'may contain only letters, digits, dot, dash and underscore');

export const emailSchema = z.string().trim().max(254, 'must be at most 254 characters').pipe(z.email('must be a valid email address'));

/** Emails compare case-insensitively: stored trimmed and lowercased. */
export const normalizeEmail = (email: string): string => email.trim().normalize('NFC').toLowerCase();

const identitySchema = z.object({ username: usernameSchema, email: emailSchema });

/** The trimmed username and normalised email, or a validation_error naming each bad field. */
export function parseIdentity(identity: { username: string; email: string }): { username: string; email: string } {
  const result = identitySchema.safeParse(identity);
  if (!result.success) {
    const details = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    throw new AuthError('validation_error', details.map((d) => `${d.path} ${d.message}`).join('; '), { details });
  }
  return { username: result.data.username, email: normalizeEmail(result.data.email) };
}
