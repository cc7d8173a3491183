// Route guards. requireAuth turns a Bearer token into the current user (role and permissions read
// from the database on every request, so a demotion or a disabled account bites at once);
// requireRole and requirePermission then decide, answering 403 without saying more than needed.
import type { Request, RequestHandler } from 'express';
import type { AuthService } from '../auth/auth-service';
import type { RequestUser } from '../db/store';
import { AuthError } from '../auth/errors';
import { HttpError } from './error-handler';
import { bearerTokenOf, currentUser } from './request-context';

// #region requireAuth
/**
 * The user a request's Bearer token names: a live session of an enabled user, through `lookup`
 * (which may read more with the user in the same query: GET /users/me uses auth.authenticateMe).
 * 401 otherwise.
 */
export async function authenticated<U extends RequestUser>(req: Request, lookup: (token: string) => Promise<U | null>): Promise<U> {
  const token = bearerTokenOf(req);
  if (token === null) throw new HttpError(401, 'unauthorized', 'No token provided');
  const user = await lookup(token);
  if (!user) throw new AuthError('invalid_token', 'Invalid or expired token');
  return user;
}

/** 401 unless the request carries a valid Bearer token; the routes after it read currentUser(res). */
export function requireAuth(auth: AuthService): RequestHandler {
  return async (req, res, next) => {
    res.locals.user = await authenticated(req, auth.authenticate);
    next();
  };
}
// #endregion requireAuth

/** Like requireAuth, but a request without an Authorization header passes as anonymous. */
export function optionalAuth(auth: AuthService): RequestHandler {
  const required = requireAuth(auth);
  return (req, res, next) => (req.get('authorization') === undefined ? next() : required(req, res, next));
}

/** 403 unless the current user has exactly this role. Use after requireAuth. */
export function requireRole(role: string): RequestHandler {
  return (_req, res, next) => {
    if (currentUser(res).role !== role) throw new AuthError('forbidden', `The '${role}' role is required`);
    next();
  };
}

/** 403 unless the current user's role grants every named permission. Use after requireAuth. */
export function requirePermission(...permissions: string[]): RequestHandler {
  return (_req, res, next) => {
    const granted = currentUser(res).permissions;
    const missing = permissions.filter((permission) => !granted.includes(permission));
    if (missing.length > 0) throw new AuthError('forbidden', `Permission required: ${missing.join(', ')}`);
    next();
  };
}
