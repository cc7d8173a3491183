// The browser page's cookies. Its refresh token is an httpOnly cookie, so a page reload keeps the
// session while no script (an injected one included) can read the token. A cookie is sent by the
// browser on its own, so using it needs a CSRF proof: the X-CSRF-Token header, equal to an HMAC of
// the cookie. Its trusted-device token is a long-lived httpOnly cookie too. API clients never see
// any of this: without X-Refresh-Cookie, tokens travel in JSON (and X-Device-Token) as before.
//
// Over https the names carry the __Host- prefix (Secure, Path=/, no Domain), which a sibling
// subdomain cannot set: tunnel subdomains are siblings. Over plain http a sibling can toss in a
// cookie of its own, e.g. a refresh cookie of the attacker's session with its matching CSRF cookie,
// signing the victim in as the attacker; when several refresh cookies arrive, the one the CSRF
// header matches is used, and https is the real fix.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import type { TokenGrant } from '../auth/deps';
import type { Config } from '../config';
import { HttpError } from './error-handler';
import * as present from './present';

export const REFRESH_COOKIE = 'authbook_refresh';
export const CSRF_COOKIE = 'authbook_csrf';
export const DEVICE_COOKIE = 'authbook_device';
/** Over https every cookie name gets this prefix. */
export const SECURE_PREFIX = '__Host-';
/** A browser client sends `X-Refresh-Cookie: 1` to get its refresh token as a cookie. */
export const COOKIE_MODE_HEADER = 'x-refresh-cookie';
export const CSRF_HEADER = 'x-csrf-token';
/** An API client sends its trusted-device token back in this header. */
export const DEVICE_HEADER = 'x-device-token';
/** Over plain http, only the refresh endpoint gets the refresh token, and only the page reads the CSRF token. */
const PLAIN_PATHS: Record<string, string> = { [REFRESH_COOKIE]: '/token/refresh', [CSRF_COOKIE]: '/app', [DEVICE_COOKIE]: '/' };

export interface BrowserCookies {
  /**
   * The tokens for the response body. In cookie mode (the request sent X-Refresh-Cookie: 1, or it
   * refreshed with the cookie) the refresh and device tokens go into cookies and stay out of the body.
   */
  deliver(req: Request, res: Response, grant: TokenGrant & { deviceToken?: string }, refreshedWithCookie?: boolean): Record<string, unknown>;
  /**
   * The refresh token from the cookie when the body carries none; null for an API client's request.
   * Throws 403 `csrf_failed` when no refresh cookie comes with a matching X-CSRF-Token.
   */
  tokenFromCookie(req: Request): string | null;
  /** The trusted-device token: the X-Device-Token header, else the cookie; null when neither came. */
  deviceTokenOf(req: Request): string | null;
  /** Expires the refresh and CSRF cookies (logout, or a cookie that no longer refreshes anything). */
  clear(req: Request, res: Response): void;
}

/** Every value of the cookies named `name` in the request's Cookie header. */
function cookiesOf(req: Request, name: string): string[] {
  const values: string[] = [];
  for (const pair of (req.get('cookie') ?? '').split(';')) {
    const separator = pair.indexOf('=');
    const value = pair.slice(separator + 1).trim();
    if (separator > 0 && pair.slice(0, separator).trim() === name && value) values.push(value);
  }
  return values;
}

const bodyIsEmpty = (body: unknown): boolean =>
  body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);

/** The cookie's name and attributes on this request's scheme. */
function cookie(req: Request, base: string, httpOnly: boolean) {
  const secure = req.secure; // https behind a proxy or tunnel: X-Forwarded-Proto counts when TRUST_PROXY says so
  return {
    name: secure ? SECURE_PREFIX + base : base,
    options: { path: secure ? '/' : PLAIN_PATHS[base], httpOnly, sameSite: 'strict' as const, secure },
  };
}

/**
 * @example
 * const cookies = createBrowserCookies(config);
 * res.json(cookies.deliver(req, res, grant)); // sets the cookies when the request sent X-Refresh-Cookie: 1
 */
export function createBrowserCookies(config: Config): BrowserCookies {
  // A key of its own, derived from the JWT secret, so a CSRF token can never pass for anything else.
  const csrfKey = Buffer.from(hkdfSync('sha256', config.jwtSecret, Buffer.alloc(0), 'authbook csrf token v1', 32));
  // Signed double-submit: the CSRF token is bound to the refresh token it goes with.
  const csrfTokenFor = (refreshToken: string): Buffer => Buffer.from(createHmac('sha256', csrfKey).update(refreshToken).digest('base64url'));
  const set = (req: Request, res: Response, base: string, httpOnly: boolean, value: string, maxAgeSeconds: number) => {
    const { name, options } = cookie(req, base, httpOnly);
    res.cookie(name, value, { ...options, maxAge: maxAgeSeconds * 1000 });
  };

  return {
    deliver(req, res, grant, refreshedWithCookie = false) {
      const { refresh_token: refreshToken, ...rest } = present.tokens(grant);
      const device = grant.deviceToken === undefined ? {} : { device_token: grant.deviceToken };
      if (!refreshedWithCookie && req.get(COOKIE_MODE_HEADER) !== '1') return { refresh_token: refreshToken, ...rest, ...device };
      set(req, res, REFRESH_COOKIE, true, refreshToken, config.refreshTokenTtlSeconds);
      set(req, res, CSRF_COOKIE, false, csrfTokenFor(refreshToken).toString(), config.refreshTokenTtlSeconds);
      if (grant.deviceToken !== undefined) set(req, res, DEVICE_COOKIE, true, grant.deviceToken, config.deviceTokenTtlSeconds);
      return rest;
    },

    tokenFromCookie(req) {
      const candidates = cookiesOf(req, cookie(req, REFRESH_COOKIE, true).name);
      if (candidates.length === 0 || !bodyIsEmpty(req.body)) return null;
      const given = Buffer.from(req.get(CSRF_HEADER) ?? '');
      // constant-time comparison, so timing reveals nothing about the expected token
      const matching = candidates.find((candidate) => {
        const expected = csrfTokenFor(candidate);
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      if (matching === undefined) {
        throw new HttpError(403, 'csrf_failed', `Refreshing with the cookie needs the ${CSRF_HEADER} header from the ${CSRF_COOKIE} cookie`);
      }
      return matching;
    },

    deviceTokenOf(req) {
      return req.get(DEVICE_HEADER) ?? cookiesOf(req, cookie(req, DEVICE_COOKIE, true).name)[0] ?? null;
    },

    clear(req, res) {
      for (const [base, httpOnly] of [[REFRESH_COOKIE, true], [CSRF_COOKIE, false]] as const) {
        const { name, options } = cookie(req, base, httpOnly);
        res.clearCookie(name, options);
      }
    },
  };
}
