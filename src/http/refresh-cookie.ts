// The browser page keeps its refresh token in an httpOnly cookie, so a page reload keeps the session
// while no script (an injected one included) can read the token. A cookie is sent by the browser on
// its own, so using it needs a CSRF proof: the X-CSRF-Token header, equal to an HMAC of the cookie.
// API clients never see any of this: without X-Refresh-Cookie, tokens travel in JSON as before.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { TokenGrant } from '../auth/deps';
import type { Config } from '../config';
import { HttpError } from './error-handler';
import * as present from './present';

export const REFRESH_COOKIE = 'authbook_refresh';
export const CSRF_COOKIE = 'authbook_csrf';
/** A browser client sends `X-Refresh-Cookie: 1` to get its refresh token as a cookie. */
export const COOKIE_MODE_HEADER = 'x-refresh-cookie';
export const CSRF_HEADER = 'x-csrf-token';
/** Only the refresh endpoint needs the refresh token; only the page needs to read the CSRF token. */
const REFRESH_COOKIE_PATH = '/token/refresh';
const CSRF_COOKIE_PATH = '/app';

export interface RefreshCookies {
  /**
   * The tokens for the response body. In cookie mode (the request sent X-Refresh-Cookie: 1, or it
   * refreshed with the cookie) the refresh token goes into the cookie and stays out of the body.
   */
  deliver(req: Request, res: Response, grant: TokenGrant, refreshedWithCookie?: boolean): Partial<ReturnType<typeof present.tokens>>;
  /**
   * The refresh token from the cookie when the body carries none; null for an API client's request.
   * Throws 403 `csrf_failed` when the cookie comes without a valid X-CSRF-Token.
   */
  tokenFromCookie(req: Request): string | null;
  /** Expires both cookies (logout, or a cookie that no longer refreshes anything). */
  clear(req: Request, res: Response): void;
}

/** The value of one cookie of the request's Cookie header, or null. */
function cookieOf(req: Request, name: string): string | null {
  for (const pair of (req.get('cookie') ?? '').split(';')) {
    const separator = pair.indexOf('=');
    if (separator > 0 && pair.slice(0, separator).trim() === name) return pair.slice(separator + 1).trim() || null;
  }
  return null;
}

const bodyIsEmpty = (body: unknown): boolean =>
  body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);

/**
 * @example
 * const cookies = createRefreshCookies(config);
 * res.json(cookies.deliver(req, res, grant)); // sets the cookies when the request sent X-Refresh-Cookie: 1
 */
export function createRefreshCookies(config: Config): RefreshCookies {
  // A key of its own, derived from the JWT secret, so a CSRF token can never pass for anything else.
  const csrfKey = Buffer.from(hkdfSync('sha256', config.jwtSecret, Buffer.alloc(0), 'authbook csrf token v1', 32));
  // Signed double-submit: bound to this refresh token, so a cookie planted by a sibling subdomain is useless.
  const csrfTokenFor = (refreshToken: string): string => createHmac('sha256', csrfKey).update(refreshToken).digest('base64url');

  const options = (req: Request, path: string, httpOnly: boolean) => ({
    path,
    httpOnly,
    sameSite: 'strict' as const,
    secure: req.secure, // https behind the tunnel: X-Forwarded-Proto counts when TRUST_PROXY says so
  });

  return {
    deliver(req, res, grant, refreshedWithCookie = false) {
      const { refresh_token: refreshToken, ...rest } = present.tokens(grant);
      if (!refreshedWithCookie && req.get(COOKIE_MODE_HEADER) !== '1') return { refresh_token: refreshToken, ...rest };
      const maxAge = config.refreshTokenTtlSeconds * 1000;
      res.cookie(REFRESH_COOKIE, refreshToken, { ...options(req, REFRESH_COOKIE_PATH, true), maxAge });
      res.cookie(CSRF_COOKIE, csrfTokenFor(refreshToken), { ...options(req, CSRF_COOKIE_PATH, false), maxAge });
      return rest;
    },

    tokenFromCookie(req) {
      const refreshToken = cookieOf(req, REFRESH_COOKIE);
      if (refreshToken === null || !bodyIsEmpty(req.body)) return null;
      const expected = Buffer.from(csrfTokenFor(refreshToken));
      const given = Buffer.from(req.get(CSRF_HEADER) ?? '');
      // constant-time comparison, so timing reveals nothing about the expected token
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new HttpError(403, 'csrf_failed', `Refreshing with the cookie needs the ${CSRF_HEADER} header from the ${CSRF_COOKIE} cookie`);
      }
      return refreshToken;
    },

    clear(req, res) {
      res.clearCookie(REFRESH_COOKIE, options(req, REFRESH_COOKIE_PATH, true));
      res.clearCookie(CSRF_COOKIE, options(req, CSRF_COOKIE_PATH, false));
    },
  };
}
