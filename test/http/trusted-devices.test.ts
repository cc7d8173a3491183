// Trusted devices (OWASP device cookies): while an account is locked for unknown clients, a client
// that signed in to it before still gets in with the right password, within a small budget of its
// own. API clients get `device_token` in JSON and send it back in X-Device-Token; the page gets an
// httpOnly cookie.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestServer, type TestServer } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ RATE_LIMIT: 'on', LOCKOUT_THRESHOLD: '3', LOCKOUT_DEVICE_THRESHOLD: '2', LOCKOUT_BASE: '60s' });
});
afterAll(() => server.close());

const login = (email: string, password: string, headers: Record<string, string> = {}) =>
  server.request('POST', '/login', { body: { email, password }, headers });

/** A user whose account an attacker has just locked, and the device token from the user's earlier login. */
async function lockedOutUser() {
  const user = await registerUser(server);
  const earlier = await login(user.email, user.password);
  expect(earlier.status).toBe(200);
  for (let i = 0; i < 3; i++) expect((await login(user.email, `attacker guess ${i}`)).status).toBe(401);
  expect((await login(user.email, user.password)).status).toBe(429);
  return { ...user, deviceToken: earlier.body.device_token as string };
}

describe('trusted devices', () => {
  it('6.3.1 a locked account still lets its returning client in with the right password', async () => {
    const user = await lockedOutUser();
    expect(user.deviceToken).toMatch(/^[A-Za-z0-9_-]{22}\.\d+\.[A-Za-z0-9_-]{43}$/);
    const trusted = await login(user.email, user.password, { 'x-device-token': user.deviceToken });
    expect(trusted.status).toBe(200);
    expect(trusted.body.token).toEqual(expect.any(String));
    // the lock still holds for everyone else
    expect((await login(user.email, user.password)).status).toBe(429);
  });

  it('6.3.1 a trusted device has its own small budget; spent, it counts as an unknown client', async () => {
    const user = await lockedOutUser();
    const device = { 'x-device-token': user.deviceToken };
    expect((await login(user.email, 'typo one', device)).status).toBe(401);
    expect((await login(user.email, 'typo two', device)).status).toBe(401);
    expect((await login(user.email, user.password, device)).status).toBe(429); // device budget spent, account locked
  });

  it('a token of another account, a tampered one, or garbage buys nothing', async () => {
    const user = await lockedOutUser();
    const other = await registerUser(server);
    const otherToken = (await login(other.email, other.password)).body.device_token as string;
    const [id, expiry, signature] = user.deviceToken.split('.');
    const tampered = [id, String(Number(expiry) + 86_400), signature].join('.');
    for (const token of [otherToken, tampered, 'garbage', `${id}.${expiry}.${'A'.repeat(43)}`]) {
      expect((await login(user.email, user.password, { 'x-device-token': token })).status).toBe(429);
    }
  });

  it('the page gets it as an httpOnly cookie for the whole site and sends it back on its own', async () => {
    const user = await registerUser(server);
    const first = await login(user.email, user.password, { 'x-refresh-cookie': '1' });
    expect(first.body.device_token).toBeUndefined();
    const cookie = first.headers.getSetCookie().find((line) => line.startsWith('authbook_device='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/(;|$)/);
    expect(cookie).toMatch(/Max-Age=15552000/); // DEVICE_TOKEN_TTL, 180 days
    for (let i = 0; i < 3; i++) await login(user.email, `attacker guess ${i}`);
    const value = cookie.split(';')[0];
    expect((await login(user.email, user.password, { cookie: value })).status).toBe(200);
    expect((await login(user.email, user.password)).status).toBe(429);
  });

  it('a wrong current password from a trusted device spends the device budget, not the account one', async () => {
    const user = await registerUser(server);
    const deviceToken = (await login(user.email, user.password)).body.device_token as string;
    for (let i = 0; i < 2; i++) {
      const response = await server.request('POST', '/users/me/password', {
        token: user.token,
        body: { current_password: `oops ${i}`, new_password: 'a much newer passphrase' },
        headers: { 'x-device-token': deviceToken },
      });
      expect(response.status).toBe(400);
    }
    expect((await login(user.email, user.password)).status).toBe(200); // the account itself was never charged
  });
});
