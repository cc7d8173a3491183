// The lock-out under concurrency: however many guesses arrive at once, from however many addresses,
// through however many processes sharing the database, at most LOCKOUT_THRESHOLD passwords of one
// account are checked per lock period (each check is reserved in the database before bcrypt runs).
// bcrypt at cost 10 here, so that the guesses really are in flight together.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedDatabaseProcesses } from '../helpers/shared-database-processes';
import { loginAdmin, registerUser, request, startTestServer, TEST_STORE, type TestResponse, type TestServer } from '../helpers/test-server';

const THRESHOLD = 5;
const LIMITS = {
  RATE_LIMIT: 'on',
  LOCKOUT_THRESHOLD: String(THRESHOLD),
  LOCKOUT_BASE: '60s',
  RATE_LIMIT_LOGIN: '100000', // the per-address limit out of the way: the account's budget is under test
  RATE_LIMIT_PASSWORD: '100000',
  RATE_LIMIT_PASSWORD_USER: '100000',
  BCRYPT_ROUNDS: '10',
};

const statusCounts = (responses: TestResponse[]) =>
  responses.reduce<Record<number, number>>((counts, response) => ({ ...counts, [response.status]: (counts[response.status] ?? 0) + 1 }), {});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ ...LIMITS, TRUST_PROXY: '1' });
});
afterAll(() => server.close());

const login = (url: string, email: string, password: string, ip = '192.0.2.1') =>
  request(url, 'POST', '/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });

async function failuresAudited(email: string): Promise<number> {
  const admin = await loginAdmin(server);
  const log = await server.request('GET', '/admin/audit?event=login_failure&per_page=100', { token: admin.token });
  return log.body.entries.filter((entry: { details: { email?: string } }) => entry.details.email === email).length;
}

describe('the account lock-out under concurrency', () => {
  it('6.3.1 100 wrong guesses at once: exactly LOCKOUT_THRESHOLD are checked, the other 95 are refused with 429', async () => {
    const victim = await registerUser(server);
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => login(server.url, victim.email, `guess number ${i}`)));
    expect(statusCounts(responses)).toEqual({ 401: THRESHOLD, 429: 100 - THRESHOLD });
    expect(await failuresAudited(victim.email)).toBe(THRESHOLD);
    expect((await login(server.url, victim.email, victim.password)).status).toBe(429); // and the lock holds
  });

  it('6.3.1 19 wrong guesses and the right password at once: at most LOCKOUT_THRESHOLD checked; a success never clears a lock', async () => {
    const victim = await registerUser(server);
    const guesses = [...Array.from({ length: 19 }, (_, i) => `wrong guess ${i}`), victim.password];
    const responses = await Promise.all(guesses.map((guess) => login(server.url, victim.email, guess)));
    const counts = statusCounts(responses);
    expect((counts[200] ?? 0) + (counts[401] ?? 0)).toBeLessThanOrEqual(THRESHOLD);
    expect(counts[429]).toBeGreaterThanOrEqual(20 - THRESHOLD);
    if ((counts[401] ?? 0) === THRESHOLD) expect((await login(server.url, victim.email, victim.password)).status).toBe(429);
  });

  it('6.3.1 100 guesses from 100 different addresses (TRUST_PROXY=1) still check only LOCKOUT_THRESHOLD', async () => {
    const victim = await registerUser(server);
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => login(server.url, victim.email, `spread guess ${i}`, `203.0.113.${i + 1}`)));
    expect(statusCounts(responses)).toEqual({ 401: THRESHOLD, 429: 100 - THRESHOLD });
  });

  it('6.3.1 200 password changes at once with a stolen access token check only LOCKOUT_THRESHOLD current passwords', async () => {
    const victim = await registerUser(server);
    const guesses = [...Array.from({ length: 199 }, (_, i) => `stolen token guess ${i}`), victim.password];
    const responses = await Promise.all(
      guesses.map((guess) =>
        server.request('POST', '/users/me/password', { token: victim.token, body: { current_password: guess, new_password: 'the attacker owns this now' } }),
      ),
    );
    const counts = statusCounts(responses);
    expect((counts[200] ?? 0) + (counts[400] ?? 0)).toBeLessThanOrEqual(THRESHOLD);
    expect(counts[429]).toBeGreaterThanOrEqual(200 - THRESHOLD);
  });
});

describe(`the account lock-out across two processes on one ${TEST_STORE} database`, () => {
  const servers = sharedDatabaseProcesses('authbook-two-');

  it('6.3.1 100 wrong guesses at once, split over both processes: exactly LOCKOUT_THRESHOLD are checked', async () => {
    const env = await servers.env(LIMITS);
    const first = await servers.spawn(env);
    const second = await servers.spawn(env); // after the first, which created the schema and the admin
    const [a, b] = [first.url, second.url];
    const registered = await request(a, 'POST', '/register', { body: { username: 'victim', email: 'victim@example.com', password: 'a victim passphrase' } });
    expect(registered.status).toBe(201);
    const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => login(i % 2 ? a : b, 'victim@example.com', `guess ${i}`)));
    expect(statusCounts(responses)).toEqual({ 401: THRESHOLD, 429: 100 - THRESHOLD });
    expect((await login(b, 'victim@example.com', 'a victim passphrase')).status).toBe(429);
  });
});
