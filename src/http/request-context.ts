// Small readers of the request shared by routes and guards: where it came from, its Bearer token,
// its body checked against a schema, and the authenticated user a guard left on res.locals.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { RequestContext } from '../auth/deps';
import { AuthError } from '../auth/errors';
import type { RequestUser } from '../db/store';
import { HttpError } from './error-handler';

/** req.ip honours X-Forwarded-For only as far as TRUST_PROXY says (Express "trust proxy"). */
export const contextOf = (req: Request): RequestContext => ({
  ip: req.ip ?? null,
  userAgent: req.get('user-agent')?.slice(0, 256) ?? null,
});

/** The token of an `Authorization: Bearer <token>` header; null when there is no header at all. */
export function bearerTokenOf(req: Request): string | null {
  const header = req.get('authorization');
  if (header === undefined) return null;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match) throw new HttpError(401, 'unauthorized', 'Authorization must use the Bearer scheme: "Authorization: Bearer <token>"');
  return match[1];
}

/** Validates `input` against `schema`; a mismatch is a 400 naming each bad field. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, what = 'request body'): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : ''),
    message: issue.message,
  }));
  throw new AuthError('validation_error', `Invalid ${what}: ${details.map((d) => (d.path ? `${d.path} ${d.message}` : d.message)).join('; ')}`, { details });
}

export function currentUser(res: Response): RequestUser {
  const user = res.locals.user as RequestUser | undefined;
  if (!user) throw new Error('route is missing requireAuth'); // a wiring mistake, answered as 500
  return user;
}
