// Brute-force and abuse defence over HTTP, with the limits on and small. Each test speaks from its
// own client address (X-Forwarded-For, honoured because TRUST_PROXY=1) so counters do not mix.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAdmin, newUser, registerUser, startTestServer, type TestServer } from '../helpers/test-server';

const LIMITS = {
  RATE_LIMIT: 'on',
  RATE_LIMIT_WINDOW: '60s',
  RATE_LIMIT_LOGIN: '8',
  RATE_LIMIT_REGISTER: '30',
  RATE_LIMIT_REFRESH: '3',
  LOCKOUT_THRESHOLD: '3',
  LOCKOUT_BASE: '1s',
  LOCKOUT_MAX: '60s',
};

let proxied: TestServer; // TRUST_PROXY=1: the client address comes from X-Forwarded-For
let direct: TestServer; // no TRUST_PROXY: X-Forwarded-For is ignored
beforeAll(async () => {
  [proxied, direct] = await Promise.all([startTestServer({ ...LIMITS, TRUST_PROXY: '1' }), startTestServer(LIMITS)]);
});
afterAll(() => Promise.all([proxied.close(), direct.close()]));

let ipCounter = 0;
const freshIp = () => `198.51.100.${++ipCounter}`;
const from = (ip: string) => ({ 'x-forwarded-for': ip });
const login = (server: TestServer, email: string, password: string, ip: string) =>
  server.request('POST', '/login', { body: { email, password }, headers: from(ip) });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('rate limits per client address', () => {
  it('6.3.1 login: past the limit -> 429 with Retry-After', async () => {
    const ip = freshIp();
    for (let i = 0; i < 8; i++) {
      expect((await login(proxied, `nobody${i}@example.com`, 'wrong password', ip)).status).toBe(401);
    }
    const limited = await login(proxied, 'nobody@example.com', 'wrong password', ip);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toBe('rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await login(proxied, 'nobody@example.com', 'wrong password', freshIp())).status).toBe(401); // another client is unaffected
  });

  it('refresh: past the limit -> 429', async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await proxied.request('POST', '/token/refresh', { body: { refresh_token: 'A'.repeat(43) }, headers: from(ip) })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('register: past the limit -> 429 and nothing created', async () => {
    const server = await startTestServer({ ...LIMITS, RATE_LIMIT_REGISTER: '2' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await server.request('POST', '/register', { body: newUser() })).status);
      expect(statuses).toEqual([201, 201, 429]);
      const admin = await loginAdmin(server);
      expect((await server.request('GET', '/admin/users', { token: admin.token })).body.total).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('X-Forwarded-For is honoured only when TRUST_PROXY is set', async () => {
    // With TRUST_PROXY, one workshop attendee exhausting their limit leaves the rest of the room alone...
    const attendee = freshIp();
    for (let i = 0; i < 9; i++) await login(proxied, `x${i}@example.com`, 'wrong password', attendee);
    expect((await login(proxied, 'x@example.com', 'wrong password', attendee)).status).toBe(429);
    expect((await login(proxied, 'x@example.com', 'wrong password', freshIp())).status).toBe(401);
    // ...and the audit log records the forwarded address.
    const admin = await proxied.request('POST', '/login', { body: { email: 'root@example.com', password: 'bootstrap admin passphrase' }, headers: from('203.0.113.9') });
    const log = await proxied.request('GET', '/admin/audit?event=login_success&per_page=1', { token: admin.body.token });
    expect(log.body.entries[0].ip).toBe('203.0.113.9');

    // Without TRUST_PROXY, a forged header does not buy an attacker fresh counters.
    for (let i = 0; i < 8; i++) await login(direct, `y${i}@example.com`, 'wrong password', freshIp());
    const forged = await login(direct, 'y@example.com', 'wrong password', freshIp());
    expect(forged.status).toBe(429);
  });
});

describe('account lock-out', () => {
  it('6.3.1 locks an account after repeated failures, even for the right password; other accounts still log in from the same address', async () => {
    const ip = freshIp();
    const victim = await registerUser(proxied);
    const neighbour = await registerUser(proxied);
    for (let i = 0; i < 3; i++) expect((await login(proxied, victim.email, 'guess number ' + i, ip)).status).toBe(401);
    const locked = await login(proxied, victim.email, victim.password, ip);
    expect(locked.status).toBe(429);
    expect(locked.body.error).toBe('account_locked');
    expect(Number(locked.headers.get('retry-after'))).toBe(1);
    expect((await login(proxied, victim.email, victim.password, freshIp())).status).toBe(429); // the lock is per account
    expect((await login(proxied, neighbour.email, neighbour.password, ip)).status).toBe(200);
  });

  it('6.3.1 the lock grows with each round of failures', async () => {
    const victim = await registerUser(proxied);
    for (let i = 0; i < 3; i++) await login(proxied, victim.email, 'guess ' + i, freshIp());
    expect((await login(proxied, victim.email, victim.password, freshIp())).headers.get('retry-after')).toBe('1');
    await sleep(1100);
    for (let i = 0; i < 3; i++) await login(proxied, victim.email, 'guess again ' + i, freshIp());
    expect((await login(proxied, victim.email, victim.password, freshIp())).headers.get('retry-after')).toBe('2');
  });

  it('6.3.1 a successful login resets the failure count', async () => {
    const user = await registerUser(proxied);
    for (let i = 0; i < 2; i++) await login(proxied, user.email, 'nearly ' + i, freshIp());
    expect((await login(proxied, user.email, user.password, freshIp())).status).toBe(200);
    for (let i = 0; i < 2; i++) await login(proxied, user.email, 'again ' + i, freshIp());
    expect((await login(proxied, user.email, user.password, freshIp())).status).toBe(200);
  });

  it('6.3.8 unknown emails lock out exactly like real ones, so the lock reveals nothing', async () => {
    for (let i = 0; i < 3; i++) await login(proxied, 'ghost@example.com', 'guess ' + i, freshIp());
    const locked = await login(proxied, 'ghost@example.com', 'guess', freshIp());
    expect(locked.status).toBe(429);
    expect(locked.body.error).toBe('account_locked');
  });

  it('failed current-password checks count toward the lock-out', async () => {
    const user = await registerUser(proxied);
    for (let i = 0; i < 3; i++) {
      const response = await proxied.request('POST', '/users/me/password', {
        token: user.token,
        body: { current_password: 'guess ' + i, new_password: 'some new passphrase' },
      });
      expect(response.status).toBe(400);
    }
    expect((await login(proxied, user.email, user.password, freshIp())).status).toBe(429);
  });
});
