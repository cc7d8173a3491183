// Sessions over HTTP: refresh rotation, reuse detection, logout, session listing, password change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, startTestServer, type TestServer } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const refresh = (refreshToken: string) => server.request('POST', '/token/refresh', { body: { refresh_token: refreshToken } });
const me = (token: string) => server.request('GET', '/users/me', { token });

describe('refresh tokens', () => {
  it('7.2.3 are 256 random bits, base64url; 7.2.4 every login makes a new session', async () => {
    const user = await registerUser(server);
    const login = await server.request('POST', '/login', { body: { email: user.email, password: user.password } });
    expect(login.body.refresh_token).toMatch(/^[\w-]{43}$/);
    expect(login.body.refresh_token).not.toBe(user.refreshToken);
  });

  it('rotate: the new pair works and the old refresh token is spent', async () => {
    const user = await registerUser(server);
    const rotated = await refresh(user.refreshToken);
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ token: expect.any(String), refresh_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    expect(rotated.body.refresh_token).not.toBe(user.refreshToken);
    expect((await me(rotated.body.token)).status).toBe(200);
  });

  it('7.4.1 reuse of a spent refresh token is theft: 401, and the newest tokens of thief and victim die', async () => {
    const user = await registerUser(server);
    const victim = await refresh(user.refreshToken); // the legitimate client rotates
    expect(victim.status).toBe(200);
    const thief = await refresh(user.refreshToken); // a stolen copy of the old token is replayed
    expect(thief.status).toBe(401);
    expect(thief.body.error).toBe('refresh_token_reused');
    expect((await refresh(victim.body.refresh_token)).status).toBe(401);
    expect((await me(victim.body.token)).status).toBe(401);
    expect((await me(user.token)).status).toBe(401);
  });

  it('an unknown or malformed refresh token -> 401', async () => {
    expect((await refresh('A'.repeat(43))).body.error).toBe('invalid_refresh_token');
    expect((await refresh('short')).status).toBe(401);
  });

  it('only one of two concurrent refreshes with the same token succeeds', async () => {
    const user = await registerUser(server);
    const [a, b] = await Promise.all([refresh(user.refreshToken), refresh(user.refreshToken)]);
    expect([a.status, b.status].sort()).toEqual([200, 401]);
  });
});

describe('logout', () => {
  it('7.4.1 POST /logout ends this session: its access token and refresh token stop working', async () => {
    const user = await registerUser(server);
    const other = await server.request('POST', '/login', { body: { email: user.email, password: user.password } });
    expect(await server.request('POST', '/logout', { token: user.token })).toMatchObject({ status: 200, body: { message: 'Logged out' } });
    expect((await me(user.token)).status).toBe(401);
    expect((await refresh(user.refreshToken)).status).toBe(401);
    expect((await me(other.body.token)).status).toBe(200); // the other device stays in
  });

  it('POST /logout/all ends every session of the user', async () => {
    const user = await registerUser(server);
    const second = await server.request('POST', '/login', { body: { email: user.email, password: user.password } });
    const all = await server.request('POST', '/logout/all', { token: user.token });
    expect(all.body).toMatchObject({ sessions_ended: 2 });
    expect((await me(user.token)).status).toBe(401);
    expect((await me(second.body.token)).status).toBe(401);
    expect((await refresh(second.body.refresh_token)).status).toBe(401);
  });
});

describe('session list', () => {
  it('7.5.2 lists the caller\'s sessions and ends one by id', async () => {
    const user = await registerUser(server);
    const phone = await server.request('POST', '/login', {
      body: { email: user.email, password: user.password },
      headers: { 'user-agent': 'PhoneBrowser/1.0' },
    });
    const list = await server.request('GET', '/users/me/sessions', { token: user.token });
    expect(list.status).toBe(200);
    expect(list.body.sessions).toHaveLength(2);
    const current = list.body.sessions.find((s: { current: boolean }) => s.current);
    const phoneSession = list.body.sessions.find((s: { user_agent: string }) => s.user_agent === 'PhoneBrowser/1.0');
    expect(current.id).not.toBe(phoneSession.id);
    expect(Object.keys(phoneSession).sort()).toEqual(['created_at', 'current', 'expires_at', 'id', 'ip', 'last_used_at', 'user_agent']);
    const ended = await server.request('DELETE', `/users/me/sessions/${phoneSession.id}`, { token: user.token });
    expect(ended.status).toBe(200);
    expect((await me(phone.body.token)).status).toBe(401);
    expect((await me(user.token)).status).toBe(200);
  });

  it("8.2.2 cannot end another user's session (404, and it stays alive)", async () => {
    const alice = await registerUser(server);
    const mallory = await registerUser(server);
    const [aliceSession] = (await server.request('GET', '/users/me/sessions', { token: alice.token })).body.sessions;
    const attempt = await server.request('DELETE', `/users/me/sessions/${aliceSession.id}`, { token: mallory.token });
    expect(attempt.status).toBe(404);
    expect((await me(alice.token)).status).toBe(200);
  });
});

describe('password change', () => {
  it('6.2.3 needs the current password; 7.4.3 ends every other session; the new password works', async () => {
    const user = await registerUser(server);
    const laptop = await server.request('POST', '/login', { body: { email: user.email, password: user.password } });
    const wrong = await server.request('POST', '/users/me/password', {
      token: user.token,
      body: { current_password: 'not my password at all', new_password: 'a brand new passphrase' },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_current_password');
    const changed = await server.request('POST', '/users/me/password', {
      token: user.token,
      body: { current_password: user.password, new_password: 'a brand new passphrase' },
    });
    expect(changed).toMatchObject({ status: 200, body: { sessions_ended: 1 } });
    expect((await me(user.token)).status).toBe(200);
    expect((await me(laptop.body.token)).status).toBe(401);
    expect((await refresh(laptop.body.refresh_token)).status).toBe(401);
    expect((await server.request('POST', '/login', { body: { email: user.email, password: user.password } })).status).toBe(401);
    expect((await server.request('POST', '/login', { body: { email: user.email, password: 'a brand new passphrase' } })).status).toBe(200);
  });

  it('6.2.4 the new password must pass the policy', async () => {
    const user = await registerUser(server);
    const weak = await server.request('POST', '/users/me/password', {
      token: user.token,
      body: { current_password: user.password, new_password: 'password123' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.details).toEqual([{ path: 'new_password', message: 'Password is one of the most commonly used passwords' }]);
  });
});
