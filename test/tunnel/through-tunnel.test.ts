// The real @n8n/localtunnel client against the loopback localtunnel server, in front of the real
// authbook server: what a visitor of the public URL gets, and what the app learns about the visitor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTunnel, type TunnelHandle } from '../../src';
import { startLocaltunnelServer, type FakeLocaltunnelServer } from '../fixtures/localtunnel-server';
import { loginAdmin, newUser, startTestServer, type TestServer } from '../helpers/test-server';
import { publicRequest } from './public-request';

describe('authbook through a tunnel', () => {
  let tunnelServer: FakeLocaltunnelServer;
  let app: TestServer;
  let tunnel: TunnelHandle;

  beforeAll(async () => {
    tunnelServer = await startLocaltunnelServer();
    app = await startTestServer({ TRUST_PROXY: '1' });
    tunnel = await openTunnel({ port: app.running.port, localHost: '127.0.0.1', host: tunnelServer.host, probeAddress: tunnelServer.address, timeoutMs: 5000 });
  });

  afterAll(async () => {
    await tunnel?.close();
    await app?.close();
    await tunnelServer?.close();
  });

  const visit = (method: string, path: string, options?: Parameters<typeof publicRequest>[4]) =>
    publicRequest(tunnel.url, tunnelServer.address, method, path, options);

  it('serves GET / at the public URL', async () => {
    expect(tunnel.url).toMatch(/^http:\/\/[a-z0-9]+\.localhost:\d+$/);
    const response = await visit('GET', '/');
    expect(response.status).toBe(200);
    expect(response.body.message).toBe('User Authentication & Authorization System');
  });

  it('registers a user and reads /users/me with its token', async () => {
    const user = newUser();
    const registered = await visit('POST', '/register', { body: user });
    expect(registered.status).toBe(201);
    const me = await visit('GET', '/users/me', { headers: { authorization: `Bearer ${registered.body.token}` } });
    expect(me.status).toBe(200);
    expect(me.body.user.email).toBe(user.email);
  });

  it("records the visitor's address, not one the visitor claims, with TRUST_PROXY=1", async () => {
    const user = newUser();
    expect((await app.request('POST', '/register', { body: user })).status).toBe(201);
    // The visitor connects from 127.0.0.2 (the tunnel client reaches the app from 127.0.0.1) and
    // sends its own X-Forwarded-For; the server in front appends the real address after it.
    const login = await visit('POST', '/login', {
      body: { email: user.email, password: user.password },
      headers: { 'x-forwarded-for': '203.0.113.9' },
      localAddress: '127.0.0.2',
    });
    expect(login.status).toBe(200);
    const admin = await loginAdmin(app);
    const audit = await app.request('GET', `/admin/audit?event=login_success&user_id=${login.body.user.id}`, { token: admin.token });
    expect(audit.body.entries.map((entry: { ip: string }) => entry.ip)).toEqual(['127.0.0.2']);
  });

  it('replaces a subdomain already in use, and each URL reaches its own app', async () => {
    const first = await openTunnel({ port: app.running.port, localHost: '127.0.0.1', host: tunnelServer.host, subdomain: 'authbook-demo' });
    const other = await startTestServer();
    const second = await openTunnel({ port: other.running.port, localHost: '127.0.0.1', host: tunnelServer.host, subdomain: 'authbook-demo' });
    try {
      expect(first.url).toMatch(/^http:\/\/authbook-demo\.localhost:/);
      expect(second.url).not.toBe(first.url);
      const user = newUser();
      expect((await publicRequest(second.url, tunnelServer.address, 'POST', '/register', { body: user })).status).toBe(201);
      const login = { email: user.email, password: user.password };
      expect((await publicRequest(first.url, tunnelServer.address, 'POST', '/login', { body: login })).status).toBe(401);
      expect((await publicRequest(second.url, tunnelServer.address, 'POST', '/login', { body: login })).status).toBe(200);
    } finally {
      await Promise.all([first.close(), second.close()]);
      await other.close();
    }
  });
});
