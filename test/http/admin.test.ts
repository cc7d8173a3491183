// Admin user management over HTTP: permissions checked on every request, changes applied at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAdmin, newUser, registerUser, startTestServer, type TestServer } from '../helpers/test-server';

let server: TestServer;
let admin: Awaited<ReturnType<typeof loginAdmin>>;
beforeAll(async () => {
  server = await startTestServer();
  admin = await loginAdmin(server);
});
afterAll(() => server.close());

const patch = (id: number, body: object, token = admin.token) => server.request('PATCH', `/admin/users/${id}`, { token, body });

async function makeAdmin() {
  const user = await registerUser(server);
  expect((await patch(user.id, { role: 'admin' })).status).toBe(200);
  return user;
}

describe('admin endpoints', () => {
  it('8.2.1 every admin endpoint refuses a regular user with 403', async () => {
    const user = await registerUser(server);
    const attempts = [
      server.request('GET', '/admin', { token: user.token }),
      server.request('GET', '/admin/users', { token: user.token }),
      patch(user.id, { role: 'admin' }, user.token),
      server.request('DELETE', `/admin/users/${admin.id}`, { token: user.token }),
      server.request('DELETE', `/admin/users/${admin.id}/sessions`, { token: user.token }),
      server.request('GET', '/admin/audit', { token: user.token }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(403);
      expect(response.body.error).toBe('forbidden');
    }
    expect((await server.request('GET', '/users/me', { token: user.token })).body.user.role).toBe('user');
  });

  it('GET /admin/users pages and filters, and never shows a password hash', async () => {
    await registerUser(server);
    await registerUser(server);
    const first = await server.request('GET', '/admin/users?page=1&per_page=2', { token: admin.token });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ page: 1, per_page: 2, total: expect.any(Number) });
    expect(first.body.users).toHaveLength(2);
    expect(Object.keys(first.body.users[0]).sort()).toEqual(['created_at', 'disabled', 'email', 'id', 'role', 'updated_at', 'username']);
    expect(first.text).not.toMatch(/\$2[aby]\$|password/);
    const admins = await server.request('GET', '/admin/users?role=admin', { token: admin.token });
    expect(admins.body.users.every((u: { role: string }) => u.role === 'admin')).toBe(true);
    expect((await server.request('GET', '/admin/users?per_page=1000', { token: admin.token })).status).toBe(400);
    expect((await server.request('GET', '/admin/users?disabled=maybe', { token: admin.token })).status).toBe(400);
  });

  it('8.3.2 a demoted admin loses admin access on the very next request with the token it holds', async () => {
    const second = await makeAdmin();
    expect((await server.request('GET', '/admin', { token: second.token })).status).toBe(200);
    const demoted = await patch(second.id, { role: 'user' });
    expect(demoted.body.user).toMatchObject({ id: second.id, role: 'user' });
    expect((await server.request('GET', '/admin', { token: second.token })).status).toBe(403);
    expect((await server.request('GET', '/users/me', { token: second.token })).body.user.permissions).toEqual(['read', 'write']);
  });

  it('8.3.2 a promotion applies at once too', async () => {
    const user = await registerUser(server);
    await patch(user.id, { role: 'admin' });
    expect((await server.request('GET', '/admin', { token: user.token })).status).toBe(200);
  });

  it("7.4.2 disabling a user ends its sessions, and it cannot log in", async () => {
    const user = await registerUser(server);
    const disabled = await patch(user.id, { disabled: true });
    expect(disabled.body).toMatchObject({ user: { disabled: true }, sessions_ended: 1 });
    expect((await server.request('GET', '/users/me', { token: user.token })).status).toBe(401);
    expect((await server.request('POST', '/token/refresh', { body: { refresh_token: user.refreshToken } })).status).toBe(401);
    const login = await server.request('POST', '/login', { body: { email: user.email, password: user.password } });
    expect(login.status).toBe(403);
    expect(login.body.error).toBe('account_disabled');
    await patch(user.id, { disabled: false });
    expect((await server.request('POST', '/login', { body: { email: user.email, password: user.password } })).status).toBe(200);
  });

  it('7.4.2 deleting a user removes it and its sessions', async () => {
    const user = await registerUser(server);
    expect((await server.request('DELETE', `/admin/users/${user.id}`, { token: admin.token })).status).toBe(200);
    expect((await server.request('GET', '/users/me', { token: user.token })).status).toBe(401);
    expect((await server.request('POST', '/login', { body: { email: user.email, password: user.password } })).status).toBe(401);
    expect((await server.request('DELETE', `/admin/users/${user.id}`, { token: admin.token })).status).toBe(404);
  });

  it('7.4.5 an admin can end all sessions of a user', async () => {
    const user = await registerUser(server);
    const ended = await server.request('DELETE', `/admin/users/${user.id}/sessions`, { token: admin.token });
    expect(ended.body).toMatchObject({ sessions_ended: 1 });
    expect((await server.request('GET', '/users/me', { token: user.token })).status).toBe(401);
    expect((await server.request('POST', '/login', { body: { email: user.email, password: user.password } })).status).toBe(200);
  });

  it('the last active admin cannot be demoted, disabled or deleted (409)', async () => {
    const fresh = await startTestServer();
    try {
      const only = await loginAdmin(fresh);
      for (const [method, body] of [['PATCH', { role: 'user' }], ['PATCH', { disabled: true }], ['DELETE', undefined]] as const) {
        const response = await fresh.request(method, `/admin/users/${only.id}`, { token: only.token, body });
        expect(response.status).toBe(409);
        expect(response.body.error).toBe('last_admin');
      }
      expect((await fresh.request('GET', '/admin', { token: only.token })).status).toBe(200);
    } finally {
      await fresh.close();
    }
  });

  it('PATCH validates its body and target', async () => {
    const user = await registerUser(server);
    expect((await patch(user.id, {})).status).toBe(400);
    expect((await patch(user.id, { role: 'root' })).body.error).toBe('unknown_role');
    expect((await patch(user.id, { disabled: 'yes' })).status).toBe(400);
    expect((await patch(user.id, { password_hash: 'x' })).status).toBe(400);
    expect((await patch(999_999, { disabled: true })).status).toBe(404);
    expect((await server.request('PATCH', '/admin/users/abc', { token: admin.token, body: { disabled: true } })).status).toBe(400);
  });
});

describe('audit log', () => {
  it('records who did what, when and from where, never a password or token', async () => {
    const user = await registerUser(server);
    await server.request('POST', '/login', { body: { email: user.email, password: 'wrong password here' } });
    await server.request('POST', '/login', { body: { email: user.email, password: user.password } });
    await server.request('POST', '/token/refresh', { body: { refresh_token: user.refreshToken } });
    await patch(user.id, { role: 'admin' });
    await server.request('POST', '/logout', { token: user.token });
    const log = await server.request('GET', `/admin/audit?user_id=${user.id}&per_page=50`, { token: admin.token });
    expect(log.status).toBe(200);
    const events = log.body.entries.map((e: { event: string }) => e.event);
    expect(events).toEqual(expect.arrayContaining(['register', 'login_failure', 'login_success', 'refresh', 'role_change']));
    const roleChange = log.body.entries.find((e: { event: string }) => e.event === 'role_change');
    expect(roleChange).toMatchObject({ user_id: user.id, actor_id: admin.id, ip: expect.any(String), details: { from: 'user', to: 'admin' } });
    expect(new Date(roleChange.at).getTime()).toBeGreaterThan(Date.now() - 60_000);
    for (const secret of [user.password, user.token, user.refreshToken, 'wrong password here']) expect(log.text).not.toContain(secret);
    const filtered = await server.request('GET', '/admin/audit?event=login_failure', { token: admin.token });
    expect(filtered.body.entries.every((e: { event: string }) => e.event === 'login_failure')).toBe(true);
  });
});

describe('authorization re-checked inside the privileged write', () => {
  it('8.2.1 an admin demoted while its request is in flight (bcrypt takes time) creates no admin', async () => {
    const slow = await startTestServer({ BCRYPT_ROUNDS: '12' }); // ~0.2 s of hashing per registration
    try {
      const root = await loginAdmin(slow);
      const promoted = await registerUser(slow);
      expect((await slow.request('PATCH', `/admin/users/${promoted.id}`, { token: root.token, body: { role: 'admin' } })).status).toBe(200);
      const creating = slow.request('POST', '/register', { token: promoted.token, body: newUser({ role: 'admin' }) });
      await new Promise((resolve) => setTimeout(resolve, 50)); // the registration is past its first check, hashing
      expect((await slow.request('PATCH', `/admin/users/${promoted.id}`, { token: root.token, body: { role: 'user' } })).status).toBe(200);
      const created = await creating;
      expect(created.status).toBe(403);
      expect(created.body.error).toBe('forbidden');
      const admins = await slow.request('GET', '/admin/users?role=admin', { token: root.token });
      expect(admins.body.total).toBe(1); // only root
    } finally {
      await slow.close();
    }
  });
});
