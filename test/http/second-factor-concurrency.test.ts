// The second factor under concurrency: however many codes arrive at once, through however many
// processes, only LOCKOUT_THRESHOLD are checked (the account's code budget is reserved in the
// database first); a valid TOTP code and a recovery code are each accepted exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeAt, enrolTotp, mfaTokenFor } from '../helpers/second-factor';
import { sharedDatabaseProcesses } from '../helpers/shared-database-processes';
import { registerUser, request, startTestServer, TEST_STORE, type TestResponse, type TestServer } from '../helpers/test-server';

const THRESHOLD = 5;
const LIMITS = { RATE_LIMIT: 'on', LOCKOUT_THRESHOLD: String(THRESHOLD), LOCKOUT_BASE: '60s', RATE_LIMIT_LOGIN: '100000' };

const statusCounts = (responses: TestResponse[]) =>
  responses.reduce<Record<number, number>>((counts, response) => ({ ...counts, [response.status]: (counts[response.status] ?? 0) + 1 }), {});
/** Wrong codes that are surely not the secret's within the window. */
const wrongCodes = (secret: string, n: number) => {
  const valid = new Set([-1, 0, 1].map((steps) => codeAt(secret, steps)));
  return Array.from({ length: n * 2 }, (_, i) => String(100000 + i * 7919).padStart(6, '0')).filter((code) => !valid.has(code)).slice(0, n);
};

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer(LIMITS);
});
afterAll(() => server.close());

const loginMfa = (url: string, body: Record<string, string>) => request(url, 'POST', '/login/mfa', { body });

describe('second-factor codes under concurrency', () => {
  it('6.3.3 100 wrong codes at once: exactly LOCKOUT_THRESHOLD are checked, 95 refused with 429; the right code then waits for the lock', async () => {
    const user = await registerUser(server);
    const { secret } = await enrolTotp(server, user);
    const token = await mfaTokenFor(server.url, request, user);
    const responses = await Promise.all(wrongCodes(secret, 100).map((code) => loginMfa(server.url, { mfa_token: token, code })));
    expect(statusCounts(responses)).toEqual({ 401: THRESHOLD, 429: 100 - THRESHOLD });
    const right = await loginMfa(server.url, { mfa_token: token, code: codeAt(secret) });
    expect(right.status).toBe(429);
    expect(right.body.error).toBe('account_locked');
  });

  it('6.3.3 a right password does not refill the code budget', async () => {
    const user = await registerUser(server);
    const { secret } = await enrolTotp(server, user);
    const token = await mfaTokenFor(server.url, request, user);
    for (const code of wrongCodes(secret, THRESHOLD - 1)) expect((await loginMfa(server.url, { mfa_token: token, code })).status).toBe(401);
    const fresh = await mfaTokenFor(server.url, request, user); // the password again
    expect((await loginMfa(server.url, { mfa_token: fresh, code: wrongCodes(secret, 1)[0] })).status).toBe(401);
    expect((await loginMfa(server.url, { mfa_token: fresh, code: codeAt(secret) })).status).toBe(429);
  });

  it('6.3.3 one valid code sent 30 times at once signs in exactly once', async () => {
    const user = await registerUser(server);
    const { secret } = await enrolTotp(server, user);
    const token = await mfaTokenFor(server.url, request, user);
    const code = codeAt(secret);
    const responses = await Promise.all(Array.from({ length: 30 }, () => loginMfa(server.url, { mfa_token: token, code })));
    expect(statusCounts(responses)[200]).toBe(1);
  });

  it('6.3.3 one recovery code sent 30 times at once signs in exactly once', async () => {
    const user = await registerUser(server);
    const { recoveryCodes } = await enrolTotp(server, user);
    const token = await mfaTokenFor(server.url, request, user);
    const responses = await Promise.all(Array.from({ length: 30 }, () => loginMfa(server.url, { mfa_token: token, recovery_code: recoveryCodes[0] })));
    expect(statusCounts(responses)[200]).toBe(1);
    const me = await server.request('GET', '/users/me', { token: responses.find((r) => r.status === 200)!.body.token });
    expect(me.body.user.mfa.recovery_codes_left).toBe(9);
  });
});

describe(`second-factor codes across two processes on one ${TEST_STORE} database`, () => {
  const processes = sharedDatabaseProcesses('authbook-mfa-two-');

  it('6.3.3 100 wrong codes split over both processes: exactly LOCKOUT_THRESHOLD are checked; a valid code twice, once per process, is accepted once', async () => {
    const env = await processes.env(LIMITS);
    const a = (await processes.spawn(env)).url;
    const b = (await processes.spawn(env)).url; // after the first, which created the schema and the admin
    const target = { url: a, request: (method: string, urlPath: string, options?: object) => request(a, method, urlPath, options) } as unknown as TestServer;
    const victim = await registerUser(target);
    const { secret } = await enrolTotp(target, victim);
    const token = await mfaTokenFor(a, request, victim);
    const responses = await Promise.all(wrongCodes(secret, 100).map((code, i) => loginMfa(i % 2 ? a : b, { mfa_token: token, code })));
    expect(statusCounts(responses)).toEqual({ 401: THRESHOLD, 429: 100 - THRESHOLD });

    const other = await registerUser(target);
    const enrolled = await enrolTotp(target, other);
    const otherToken = await mfaTokenFor(b, request, other);
    const code = codeAt(enrolled.secret);
    const twice = await Promise.all([a, b, a, b].map((url) => loginMfa(url, { mfa_token: otherToken, code })));
    expect(statusCounts(twice)[200]).toBe(1);
  });
});
