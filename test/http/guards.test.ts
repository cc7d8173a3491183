// The guards an embedding application uses on its own routes: requireAuth, then requireRole or
// requirePermission, with authbook's error mapper. Tokens come from the real authbook server.
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createErrorHandler } from '../../src/http/error-handler';
import { requireAuth, requirePermission, requireRole } from '../../src/http/guards';
import { loginAdmin, registerUser, request, startTestServer, type TestServer } from '../helpers/test-server';

let server: TestServer;
let embeddingUrl: string;
let closeEmbedding: () => Promise<void>;

beforeAll(async () => {
  server = await startTestServer();
  const auth = server.running.auth;
  const app = express();
  app.get('/reports', requireAuth(auth), requireRole('admin'), (_req, res) => res.json({ ok: 'role' }));
  app.get('/drafts', requireAuth(auth), requirePermission('read', 'write'), (_req, res) => res.json({ ok: 'permissions' }));
  app.use(createErrorHandler(pino({ level: 'silent' })));
  const listener = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => listener.once('listening', resolve));
  embeddingUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  closeEmbedding = () => new Promise((resolve) => listener.close(() => resolve()));
});
afterAll(async () => {
  await closeEmbedding();
  await server.close();
});

describe('guards for an embedding app', () => {
  it('requireRole admits only that role, read from the database on each request', async () => {
    const user = await registerUser(server);
    const admin = await loginAdmin(server);
    expect((await request(embeddingUrl, 'GET', '/reports', { token: admin.token })).body).toEqual({ ok: 'role' });
    const refused = await request(embeddingUrl, 'GET', '/reports', { token: user.token });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: 'forbidden', message: "The 'admin' role is required" });
    await server.request('PATCH', `/admin/users/${user.id}`, { token: admin.token, body: { role: 'admin' } });
    expect((await request(embeddingUrl, 'GET', '/reports', { token: user.token })).status).toBe(200);
  });

  it('requirePermission needs every named permission; no token is a 401', async () => {
    const user = await registerUser(server);
    expect((await request(embeddingUrl, 'GET', '/drafts', { token: user.token })).body).toEqual({ ok: 'permissions' });
    const anonymous = await request(embeddingUrl, 'GET', '/drafts');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
  });
});
