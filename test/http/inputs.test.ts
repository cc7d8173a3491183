// Bad input gets a clear 4xx JSON error and changes nothing; identities are unique as people expect.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAdmin, newUser, registerUser, startTestServer, type TestServer } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const userCount = async () => {
  const admin = await loginAdmin(server);
  return (await server.request('GET', '/admin/users', { token: admin.token })).body.total as number;
};

function expectJsonError(response: { status: number; body: any; text: string }, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.body).toMatchObject({ error: code, message: expect.any(String) });
  expect(response.text).not.toMatch(/at .*\.(ts|js):\d+|SQLITE|sqlite|stack/i);
}

describe('malformed requests', () => {
  it('malformed JSON -> 400 JSON error', async () => {
    const response = await server.request('POST', '/register', { raw: '{"username": "x",', headers: { 'content-type': 'application/json' } });
    expectJsonError(response, 400, 'malformed_json');
  });

  it('a body that is not JSON -> 415', async () => {
    const response = await server.request('POST', '/login', { raw: 'email=a@b.c&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectJsonError(response, 415, 'unsupported_media_type');
  });

  it('a body over the limit -> 413', async () => {
    const response = await server.request('POST', '/register', { body: { ...newUser(), password: 'p'.repeat(20_000) } });
    expectJsonError(response, 413, 'payload_too_large');
  });

  it('a JSON array or scalar instead of an object -> 400', async () => {
    expectJsonError(await server.request('POST', '/login', { raw: '"just a string"', headers: { 'content-type': 'application/json' } }), 400, 'malformed_json');
    expectJsonError(await server.request('POST', '/login', { body: [1, 2] }), 400, 'validation_error');
  });

  it('no body at all -> 400 naming the missing fields', async () => {
    const response = await server.request('POST', '/register');
    expectJsonError(response, 400, 'validation_error');
    expect(response.body.details.map((d: { path: string }) => d.path).sort()).toEqual(['email', 'password', 'username']);
  });

  it('unknown paths -> 404 JSON', async () => {
    expectJsonError(await server.request('GET', '/nope'), 404, 'not_found');
    expectJsonError(await server.request('DELETE', '/login'), 404, 'not_found');
  });
});

describe('malformed percent-encoding in a path parameter', () => {
  let logged: TestServer;
  const logLines: Array<{ level: number; msg: string; path?: string; status?: number }> = [];
  beforeAll(async () => {
    const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
    logged = await startTestServer({}, logger);
  });
  afterAll(() => logged.close());

  it.each([
    ['GET', '/users/me/sessions/%E0%A4%A'],
    ['DELETE', '/users/me/sessions/%E0%A4%A'],
    ['PATCH', '/admin/users/%E0%A4%A'],
    ['DELETE', '/admin/users/%E0%A4%A'],
    ['DELETE', '/admin/users/%ZZ/sessions'],
  ])('%s %s -> 400 malformed_request JSON, and nothing logged at error level', async (method, urlPath) => {
    const admin = await loginAdmin(logged);
    const response = await logged.request(method, urlPath, { token: admin.token, ...(method === 'PATCH' && { body: { disabled: true } }) });
    expectJsonError(response, 400, 'malformed_request');
    expect(response.body.message).not.toContain('%'); // the raw input is not echoed back
    expect(logLines.filter((line) => line.level >= 50)).toEqual([]);
    expect(logLines).toContainEqual(expect.objectContaining({ msg: 'request', path: urlPath, status: 400 })); // an ordinary request line
  });
});

describe('register validation', () => {
  it.each([
    ['wrong type', { password: 12345678 }, 'password'],
    ['invalid email', { email: 'not-an-email' }, 'email'],
    ['username with spaces', { username: 'has space' }, 'username'],
    ['extra field id', { id: 1 }, 'id'],
    ['extra field permissions', { permissions: ['admin'] }, 'permissions'],
  ])('8.2.3 %s -> 400 and nothing stored', async (_name, change, field) => {
    const before = await userCount();
    const response = await server.request('POST', '/register', { body: { ...newUser(), ...change } });
    expectJsonError(response, 400, 'validation_error');
    expect(response.body.details.some((d: { path: string }) => d.path.includes(field))).toBe(true);
    expect(await userCount()).toBe(before);
  });

  it('6.2.4 a common password -> 400 weak_password with the reason on the field', async () => {
    const response = await server.request('POST', '/register', { body: newUser({ password: 'Test1234' }) });
    expectJsonError(response, 400, 'weak_password');
    expect(response.body.details).toEqual([{ path: 'password', message: 'Password is one of the most commonly used passwords' }]);
  });

  it('an unknown role -> 400 when an admin asks, 403 for anyone else', async () => {
    const admin = await loginAdmin(server);
    expectJsonError(await server.request('POST', '/register', { body: newUser({ role: 'superuser' }), token: admin.token }), 400, 'unknown_role');
    expectJsonError(await server.request('POST', '/register', { body: newUser({ role: 'superuser' }) }), 403, 'forbidden');
  });

  it('8.2.1 self-registration as admin is refused, also with a non-admin token', async () => {
    const before = await userCount();
    expectJsonError(await server.request('POST', '/register', { body: newUser({ role: 'admin' }) }), 403, 'forbidden');
    const user = await registerUser(server);
    expectJsonError(await server.request('POST', '/register', { body: newUser({ role: 'admin' }), token: user.token }), 403, 'forbidden');
    expect(await userCount()).toBe(before + 1);
  });

  it('a bad token on /register is a 401, not an anonymous registration', async () => {
    expectJsonError(await server.request('POST', '/register', { body: newUser(), token: 'garbage.token.here' }), 401, 'invalid_token');
  });
});

describe('identity', () => {
  it('emails are trimmed and case-insensitive; duplicates -> 409', async () => {
    const user = await registerUser(server, { email: '  Mixed.Case@Example.COM ' });
    const me = await server.request('GET', '/users/me', { token: user.token });
    expect(me.body.user.email).toBe('mixed.case@example.com');
    expectJsonError(await server.request('POST', '/register', { body: newUser({ email: 'MIXED.case@example.com' }) }), 409, 'email_taken');
    const login = await server.request('POST', '/login', { body: { email: ' MIXED.CASE@example.com', password: user.password } });
    expect(login.status).toBe(200);
  });

  it('usernames are unique case-insensitively -> 409', async () => {
    await registerUser(server, { username: 'CaseName' });
    expectJsonError(await server.request('POST', '/register', { body: newUser({ username: 'casename' }) }), 409, 'username_taken');
  });

  it('concurrent registrations of one email yield exactly one account', async () => {
    const email = `race${Date.now()}@example.com`;
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, i) => server.request('POST', '/register', { body: newUser({ email, username: `racer${Date.now()}${i}` }) })),
    );
    const statuses = attempts.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(11);
  });
});

describe('authentication', () => {
  it('6.3.8 unknown email and wrong password answer identically', async () => {
    const user = await registerUser(server);
    const wrongPassword = await server.request('POST', '/login', { body: { email: user.email, password: 'not the password at all' } });
    const unknownEmail = await server.request('POST', '/login', { body: { email: 'nobody@example.com', password: 'not the password at all' } });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    expect(unknownEmail.body).toEqual(wrongPassword.body);
    expect(wrongPassword.body).toEqual({ error: 'invalid_credentials', message: 'Invalid email or password' });
  });

  it('only the Bearer scheme is accepted', async () => {
    const user = await registerUser(server);
    expect((await server.request('GET', '/users/me', { headers: { authorization: `bearer ${user.token}` } })).status).toBe(200);
    for (const header of [`Basic ${user.token}`, `Token ${user.token}`, user.token, `Bearer`, `Bearer ${user.token} extra`]) {
      const response = await server.request('GET', '/users/me', { headers: { authorization: header } });
      expect(response.status, header.slice(0, 12)).toBe(401);
    }
  });

  it('no token -> 401 with WWW-Authenticate: Bearer', async () => {
    const response = await server.request('GET', '/users/me');
    expectJsonError(response, 401, 'unauthorized');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('a token whose user no longer exists -> 401', async () => {
    const user = await registerUser(server);
    const admin = await loginAdmin(server);
    expect((await server.request('DELETE', `/admin/users/${user.id}`, { token: admin.token })).status).toBe(200);
    expectJsonError(await server.request('GET', '/users/me', { token: user.token }), 401, 'invalid_token');
  });
});

describe('headers', () => {
  it('sends the OWASP REST set of security headers on API answers, errors included, and no X-Powered-By', async () => {
    for (const response of [await server.request('GET', '/'), await server.request('GET', '/nope'), await server.request('GET', '/users/me')]) {
      expect(response.headers.get('x-powered-by')).toBeNull();
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(response.headers.get('strict-transport-security')).toContain('max-age=');
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it("gives the pages helmet's full set, without upgrade-insecure-requests (so LAN http works)", async () => {
    const page = await server.request('GET', '/app');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page.headers.get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  });

  it('GET / describes the API as the original did', async () => {
    const response = await server.request('GET', '/');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ message: 'User Authentication & Authorization System', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(Object.keys(response.body.endpoints)).toEqual(expect.arrayContaining(['POST /register', 'POST /login', 'GET /users/me', 'GET /admin']));
  });

  it('GET /healthz answers when the database does', async () => {
    expect(await server.request('GET', '/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } });
  });
});
