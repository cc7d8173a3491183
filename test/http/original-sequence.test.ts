// The original notebook's six requests, against the real server: same paths, same JSON shapes,
// with the admin registered by the bootstrap admin's token instead of by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAdmin, startTestServer, type TestServer } from '../helpers/test-server';

describe("the original notebook's test sequence", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('registers, logs in, reads /users/me and guards /admin', async () => {
    // 1. register a user (the original's "Test1234" is now refused as a common password)
    const user = { username: 'testuser', email: 'test@example.com', password: 'Test1234 is too common, this is not' };
    const registered = await server.request('POST', '/register', { body: user });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({
      message: 'User registered successfully',
      user: { username: 'testuser', email: 'test@example.com', role: 'user' },
      token_type: 'Bearer',
    });
    expect(Object.keys(registered.body.user).sort()).toEqual(['email', 'id', 'role', 'username']);
    expect(registered.body.token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(registered.body.refresh_token).toMatch(/^[\w-]{43}$/);
    const userToken: string = registered.body.token;

    // 2. register an admin, authorised by the bootstrap admin's token
    const bootstrap = await loginAdmin(server);
    const adminBody = { username: 'admin2', email: 'admin@example.com', password: 'Admin1234 made longer', role: 'admin' };
    const refused = await server.request('POST', '/register', { body: adminBody });
    expect(refused.status).toBe(403);
    const admin = await server.request('POST', '/register', { body: adminBody, token: bootstrap.token });
    expect(admin.status).toBe(201);
    expect(admin.body.user.role).toBe('admin');
    const adminToken: string = admin.body.token;

    // 3. login
    const login = await server.request('POST', '/login', { body: { email: user.email, password: user.password } });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({ message: 'Login successful', user: { id: registered.body.user.id, role: 'user' }, token_type: 'Bearer', expires_in: 900 });
    expect(typeof login.body.refresh_token).toBe('string');

    // 4. /users/me
    const me = await server.request('GET', '/users/me', { token: userToken });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: registered.body.user.id, username: 'testuser', email: 'test@example.com', role: 'user', permissions: ['read', 'write'] });
    expect(new Date(me.body.user.created_at).getTime()).toBeGreaterThan(Date.now() - 60_000);

    // 5. /admin as a user: 403
    const asUser = await server.request('GET', '/admin', { token: userToken });
    expect(asUser.status).toBe(403);
    expect(asUser.body.error).toBe('forbidden');

    // 6. /admin as the admin: 200
    const asAdmin = await server.request('GET', '/admin', { token: adminToken });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body).toEqual({
      message: 'Welcome to the admin panel',
      admin: { id: admin.body.user.id, username: 'admin2', email: 'admin@example.com' },
      access_level: 'full',
    });
  });
});
