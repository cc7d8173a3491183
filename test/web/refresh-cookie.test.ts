// The browser client's refresh cookie over plain HTTP: which requests get it, its attributes, the
// CSRF proof a cookie refresh needs, logout clearing it, and API clients seeing nothing change.
// Also the HTML redirect of GET / and the pages' static files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, startTestServer, type TestResponse, type TestServer } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ TRUST_PROXY: '1' }); // so X-Forwarded-Proto: https counts, as behind the tunnel
});
afterAll(() => server.close());

const COOKIE_MODE = { 'x-refresh-cookie': '1' };

/** name -> {value, attributes (lower case)} of every Set-Cookie header. */
function setCookies(response: TestResponse): Record<string, { value: string; attributes: string[] }> {
  return Object.fromEntries(
    response.headers.getSetCookie().map((header) => {
      const [pair, ...attributes] = header.split(';').map((part) => part.trim());
      const separator = pair.indexOf('=');
      return [pair.slice(0, separator), { value: pair.slice(separator + 1), attributes: attributes.map((a) => a.toLowerCase()) }];
    }),
  );
}

/** A browser-style session: registered with X-Refresh-Cookie, holding both cookies. */
async function browserSession(extraHeaders: Record<string, string> = {}) {
  const response = await server.request('POST', '/register', { body: newUser(), headers: { ...COOKIE_MODE, ...extraHeaders } });
  expect(response.status).toBe(201);
  const cookies = setCookies(response);
  const refresh = (cookies.authbook_refresh ?? cookies['__Host-authbook_refresh']).value;
  const csrf = (cookies.authbook_csrf ?? cookies['__Host-authbook_csrf']).value;
  return { response, cookies, refresh, csrf, token: response.body.token as string };
}

const cookieRefresh = (refresh: string, headers: Record<string, string>) =>
  server.request('POST', '/token/refresh', { headers: { cookie: `authbook_refresh=${refresh}`, ...headers } });

describe('the refresh cookie', () => {
  it('API clients (no X-Refresh-Cookie) get refresh_token in JSON, as before, and no cookie', async () => {
    const user = newUser();
    const registered = await server.request('POST', '/register', { body: user });
    const login = await server.request('POST', '/login', { body: { email: user.email, password: user.password } });
    const refreshed = await server.request('POST', '/token/refresh', { body: { refresh_token: login.body.refresh_token } });
    for (const response of [registered, login, refreshed]) {
      expect(response.body).toMatchObject({ token: expect.any(String), refresh_token: expect.stringMatching(/^[\w-]{43}$/), token_type: 'Bearer' });
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it('X-Refresh-Cookie: 1 puts the refresh token in an httpOnly, SameSite=Strict cookie for /token/refresh only, never in the body', async () => {
    const { response, cookies } = await browserSession();
    expect(response.body).toEqual({
      message: 'User registered successfully',
      user: expect.any(Object),
      token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 900,
    });
    expect(cookies.authbook_refresh.value).toMatch(/^[\w-]{43}$/);
    expect(cookies.authbook_refresh.attributes).toEqual(expect.arrayContaining(['path=/token/refresh', 'httponly', 'samesite=strict', 'max-age=2592000']));
    expect(cookies.authbook_refresh.attributes).not.toContain('secure'); // plain http here
    // the CSRF token is for the page's script to read: not httpOnly, and only under /app
    expect(cookies.authbook_csrf.attributes).toEqual(expect.arrayContaining(['path=/app', 'samesite=strict']));
    expect(cookies.authbook_csrf.attributes).not.toContain('httponly');
  });

  it('behind an https proxy (TRUST_PROXY, X-Forwarded-Proto: https) every cookie is Secure, __Host- named, for the whole site', async () => {
    const https = { 'x-forwarded-proto': 'https' };
    const { cookies } = await browserSession(https);
    for (const name of ['__Host-authbook_refresh', '__Host-authbook_csrf', '__Host-authbook_device']) {
      expect(cookies[name].attributes).toEqual(expect.arrayContaining(['secure', 'path=/', 'samesite=strict']));
      expect(cookies[name].attributes.some((attribute) => attribute.startsWith('domain'))).toBe(false);
    }
    expect(cookies.authbook_refresh).toBeUndefined();
    const refresh = cookies['__Host-authbook_refresh'].value;
    const csrf = cookies['__Host-authbook_csrf'].value;
    const refreshed = await server.request('POST', '/token/refresh', { headers: { ...https, cookie: `__Host-authbook_refresh=${refresh}`, 'x-csrf-token': csrf } });
    expect(refreshed.status).toBe(200);
    // over https a plain-named cookie (what a sibling subdomain could plant) is not even looked at
    const planted = await server.request('POST', '/token/refresh', { headers: { ...https, cookie: `authbook_refresh=${refresh}`, 'x-csrf-token': csrf } });
    expect(planted.status).toBe(400);
  });

  it('when several refresh cookies arrive (one tossed in by a sibling subdomain), the one the CSRF header matches is used', async () => {
    const victim = await browserSession();
    const attacker = await browserSession();
    const cookie = `authbook_refresh=${attacker.refresh}; authbook_refresh=${victim.refresh}`;
    const refreshed = await server.request('POST', '/token/refresh', { headers: { cookie, 'x-csrf-token': victim.csrf } });
    expect(refreshed.status).toBe(200);
    const me = await server.request('GET', '/users/me', { token: refreshed.body.token });
    expect(me.body.user.id).toBe(victim.response.body.user.id);
    const neither = await server.request('POST', '/token/refresh', { headers: { cookie, 'x-csrf-token': 'B'.repeat(43) } });
    expect(neither.status).toBe(403);
  });

  it('an empty-bodied refresh with the cookie and its CSRF token rotates: new cookies, no refresh token in the body', async () => {
    const session = await browserSession();
    const refreshed = await cookieRefresh(session.refresh, { 'x-csrf-token': session.csrf });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({ token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    const cookies = setCookies(refreshed);
    expect(cookies.authbook_refresh.value).not.toBe(session.refresh);
    expect(cookies.authbook_csrf.value).not.toBe(session.csrf);
    expect((await server.request('GET', '/users/me', { token: refreshed.body.token })).status).toBe(200);
  });

  it('CSRF: the cookie without X-CSRF-Token, with a wrong one, or with another session\'s one is refused (403), and the session survives', async () => {
    const session = await browserSession();
    const other = await browserSession();
    const attempts: Array<Record<string, string>> = [{}, COOKIE_MODE, { 'x-csrf-token': 'A'.repeat(43) }, { 'x-csrf-token': other.csrf }];
    for (const headers of attempts) {
      const refused = await cookieRefresh(session.refresh, headers);
      expect(refused.status).toBe(403);
      expect(refused.body.error).toBe('csrf_failed');
      expect(refused.headers.getSetCookie()).toEqual([]); // a forged request cannot log the victim out either
    }
    // what a cross-site HTML form can send: a form-encoded body, no custom header
    const form = await server.request('POST', '/token/refresh', {
      raw: 'refresh_token=x',
      headers: { cookie: `authbook_refresh=${session.refresh}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    expect((await cookieRefresh(session.refresh, { 'x-csrf-token': session.csrf })).status).toBe(200);
  });

  it('a cookie refresh that fails (a spent token) clears both cookies', async () => {
    const session = await browserSession();
    expect((await cookieRefresh(session.refresh, { 'x-csrf-token': session.csrf })).status).toBe(200);
    const reused = await cookieRefresh(session.refresh, { 'x-csrf-token': session.csrf });
    expect(reused.body.error).toBe('refresh_token_reused');
    const cookies = setCookies(reused);
    expect(cookies.authbook_refresh).toMatchObject({ value: '' });
    expect(cookies.authbook_refresh.attributes).toEqual(expect.arrayContaining(['path=/token/refresh', expect.stringMatching(/^expires=thu, 01 jan 1970/)]));
    expect(cookies.authbook_csrf.attributes).toContain('path=/app');
  });

  it.each(['/logout', '/logout/all'])('POST %s clears both cookies', async (path) => {
    const session = await browserSession();
    const response = await server.request('POST', path, { token: session.token });
    expect(response.status).toBe(200);
    const cookies = setCookies(response);
    expect(cookies.authbook_refresh.value).toBe('');
    expect(cookies.authbook_refresh.attributes).toEqual(expect.arrayContaining(['path=/token/refresh', 'httponly', 'samesite=strict']));
    expect(cookies.authbook_csrf.value).toBe('');
    expect((await cookieRefresh(session.refresh, { 'x-csrf-token': session.csrf })).status).toBe(401);
  });
});

describe('pages', () => {
  it('GET / sends a browser (Accept: text/html) to /app; curl, fetch and JSON clients still get the JSON', async () => {
    const browser = await fetch(`${server.url}/`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, redirect: 'manual' });
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe('/app');
    for (const accept of ['*/*', 'application/json']) {
      const api = await server.request('GET', '/', { headers: { accept } });
      expect(api.status).toBe(200);
      expect(api.body.message).toBe('User Authentication & Authorization System');
    }
  });

  it('serves the page, its module and its styles with the right types, under helmet\'s CSP', async () => {
    for (const [path, type] of [
      ['/app', 'text/html'],
      ['/docs', 'text/html'],
      ['/app/app.js', 'text/javascript'],
      ['/app/app.css', 'text/css'],
    ]) {
      const response = await server.request('GET', path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toContain(type);
      expect(response.headers.get('content-security-policy'), path).toContain("script-src 'self'");
    }
    // The OpenAPI document is API JSON: it gets the API's headers, which allow nothing to run.
    const openApi = await server.request('GET', '/openapi.json');
    expect(openApi.headers.get('content-type')).toContain('application/json');
    expect(openApi.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    expect((await server.request('GET', '/app/tsconfig.json')).status).toBe(404); // only built files are served
    expect((await server.request('GET', '/app/app.ts')).status).toBe(404);
  });
});
