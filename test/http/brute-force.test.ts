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
  it('6.3.1 login: failures past the limit -> 429 with Retry-After, audited once', async () => {
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
    expect((await login(proxied, 'nobody@example.com', 'wrong password', ip)).status).toBe(429);
    expect((await login(proxied, 'nobody@example.com', 'wrong password', freshIp())).status).toBe(401); // another client is unaffected
    const admin = await loginAdmin(proxied);
    const audit = await proxied.request('GET', '/admin/audit?event=rate_limited&per_page=100', { token: admin.token });
    const mine = audit.body.entries.filter((entry: { ip: string }) => entry.ip === ip);
    expect(mine).toEqual([expect.objectContaining({ event: 'rate_limited', details: { action: 'login', scope: 'address', limit: 8 } })]);
  });

  it('login: successes cost nothing, so a room behind one address signs in again and again', async () => {
    const ip = freshIp();
    const people = await Promise.all(Array.from({ length: 4 }, () => registerUser(proxied)));
    const statuses: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const person of people) statuses.push((await login(proxied, person.email, person.password, ip)).status);
    }
    expect(statuses).toEqual(Array(20).fill(200)); // 20 logins from one address, more than the limit of 8
  });

  it('refresh: failures past the limit -> 429; successful refreshes cost nothing', async () => {
    const ip = freshIp();
    const user = await registerUser(proxied);
    let refreshToken = user.refreshToken;
    for (let i = 0; i < 6; i++) {
      const rotated = await proxied.request('POST', '/token/refresh', { body: { refresh_token: refreshToken }, headers: from(ip) });
      expect(rotated.status).toBe(200);
      refreshToken = rotated.body.refresh_token;
    }
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

describe('the default limits, for a room of 50 behind one address', () => {
  let room: TestServer;
  beforeAll(async () => {
    room = await startTestServer({ RATE_LIMIT: 'on' }); // the shipped defaults
  });
  afterAll(() => room.close());

  it('50 people register, then log in, all at once, from one address: every one gets in', async () => {
    const people = Array.from({ length: 50 }, () => newUser());
    const registered = await Promise.all(people.map((body) => room.request('POST', '/register', { body })));
    expect(registered.map((response) => response.status)).toEqual(Array(50).fill(201));
    const logins = await Promise.all(people.map((person) => room.request('POST', '/login', { body: { email: person.email, password: person.password } })));
    expect(logins.map((response) => response.status)).toEqual(Array(50).fill(200));
    // and everybody mistyping once on the way costs the room nothing either
    const typos = await Promise.all(people.map((person) => room.request('POST', '/login', { body: { email: person.email, password: 'typo' + person.password } })));
    expect(typos.map((response) => response.status)).toEqual(Array(50).fill(401));
    const again = await Promise.all(people.map((person) => room.request('POST', '/login', { body: { email: person.email, password: person.password } })));
    expect(again.map((response) => response.status)).toEqual(Array(50).fill(200));
  });
});

describe('account lock-out', () => {
  it('6.3.1 locks an account after repeated failures, even for the right password; other accounts still log in from the same address; the lock is audited', async () => {
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
    const admin = await loginAdmin(proxied);
    const audit = await proxied.request('GET', `/admin/audit?event=login_locked&user_id=${victim.id}`, { token: admin.token });
    expect(audit.body.entries).toEqual([expect.objectContaining({ user_id: victim.id, ip, details: expect.objectContaining({ email: victim.email, lockouts: 1 }) })]);
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

describe('password changes', () => {
  const change = (server: TestServer, token: string, current: string, next: string, ip: string) =>
    server.request('POST', '/users/me/password', { token, body: { current_password: current, new_password: next }, headers: from(ip) });

  it('are limited per user: each costs two bcrypt hashes', async () => {
    const server = await startTestServer({ ...LIMITS, TRUST_PROXY: '1', RATE_LIMIT_PASSWORD_USER: '3' });
    try {
      const user = await registerUser(server);
      let password = user.password;
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const next = `a brand new passphrase ${i}`;
        const response = await change(server, user.token, password, next, freshIp());
        statuses.push(response.status);
        if (response.status === 200) password = next;
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect((await login(server, user.email, password, freshIp())).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('are limited per address, whoever asks', async () => {
    const server = await startTestServer({ ...LIMITS, TRUST_PROXY: '1', RATE_LIMIT_PASSWORD: '2' });
    try {
      const ip = freshIp();
      const people = await Promise.all([registerUser(server), registerUser(server), registerUser(server)]);
      const statuses = [];
      for (const person of people) statuses.push((await change(server, person.token, person.password, 'another fine passphrase', ip)).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await server.close();
    }
  });
});
