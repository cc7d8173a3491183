// Access-token signatures over HTTP: the JWKS, ES256 tokens (the default) and HS256 tokens, what a
// tampered or algorithm-confused token gets (401), switching ACCESS_TOKEN_ALG without logging anyone
// out, and a logout that bites at once although the token's signature is cached.
import { createHmac, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { startServer } from '../../src/server';
import { freshDatabase, registerUser, request, startTestServer, tempDir, testEnv, type TestServer } from '../helpers/test-server';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const headerOf = (token: string) => jwt.decode(token, { complete: true })!.header;
const claimsOf = (token: string) => jwt.decode(token) as Record<string, unknown>;
const me = (server: TestServer, token: string) => server.request('GET', '/users/me', { token });

describe('ES256 (the default)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('9.1.1 GET /.well-known/jwks.json publishes the public key, cacheable, and never a private part', async () => {
    const response = await server.request('GET', '/.well-known/jwks.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('content-type')).toMatch(/^application\/jwk-set\+json/);
    expect(response.body.keys).toEqual([{ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: expect.any(String), alg: 'ES256', use: 'sig' }]);
    expect(response.text).not.toMatch(/"d"/);
  });

  it('signs access tokens ES256 with the published kid; anyone can verify them with the JWKS alone', async () => {
    const user = await registerUser(server);
    expect(headerOf(user.token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
    const { keys } = (await server.request('GET', '/.well-known/jwks.json')).body;
    const jwk = keys.find((key: { kid: string }) => key.kid === headerOf(user.token).kid);
    const claims = jwt.verify(user.token, createPublicKey({ key: jwk, format: 'jwk' }), { algorithms: ['ES256'], audience: 'authbook', issuer: 'authbook' });
    expect(claims).toMatchObject({ sub: String(user.id) });
    expect((await me(server, user.token)).status).toBe(200);
  });

  it('9.1.1 a tampered payload, header or signature is refused (401)', async () => {
    const user = await registerUser(server);
    const [header, payload, signature] = user.token.split('.');
    const forged = [
      `${header}.${b64({ ...claimsOf(user.token), sub: '1' })}.${signature}`,
      `${b64({ ...headerOf(user.token), typ: 'JWT' })}.${payload}.${signature}`,
      `${header}.${payload}.${Buffer.from(signature, 'base64url').reverse().toString('base64url')}`,
    ];
    for (const token of forged) expect((await me(server, token)).status).toBe(401);
    expect((await me(server, user.token)).status).toBe(200);
  });

  it('9.1.2 alg confusion is refused: HS256 signed with the public key under our kid, alg none, a stranger\'s ES256 key under our kid', async () => {
    const user = await registerUser(server);
    const { kid } = headerOf(user.token);
    const jwk = (await server.request('GET', '/.well-known/jwks.json')).body.keys[0];
    const publicPem = createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'pem', type: 'spki' });
    const body = b64(claimsOf(user.token));
    const hsHeader = b64({ alg: 'HS256', typ: 'at+jwt', kid });
    const confused = `${hsHeader}.${body}.${createHmac('sha256', publicPem).update(`${hsHeader}.${body}`).digest('base64url')}`;
    const none = `${b64({ alg: 'none', typ: 'at+jwt', kid })}.${body}.`;
    const stranger = jwt.sign(claimsOf(user.token), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'at+jwt', kid } });
    const unknownKid = jwt.sign(claimsOf(user.token), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'at+jwt', kid: 'attacker', jku: 'http://127.0.0.1:1/jwks.json' } as jwt.JwtHeader });
    for (const token of [confused, none, stranger, unknownKid]) expect((await me(server, token)).status).toBe(401);
  });

  it('7.4.1 logout ends the token at once, although its signature was verified (and cached) before', async () => {
    const user = await registerUser(server);
    expect((await me(server, user.token)).status).toBe(200);
    expect((await me(server, user.token)).status).toBe(200);
    expect((await server.request('POST', '/logout', { token: user.token })).status).toBe(200);
    expect((await me(server, user.token)).status).toBe(401);
  });
});

describe('HS256', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ ACCESS_TOKEN_ALG: 'HS256' });
  });
  afterAll(() => server.close());

  it('signs HS256 with JWT_SECRET (a kid that names it), publishes no key, and refuses ES256 tokens it did not sign', async () => {
    const user = await registerUser(server);
    expect(headerOf(user.token)).toEqual({ alg: 'HS256', typ: 'at+jwt', kid: expect.stringMatching(/^hs256-/) });
    expect((await me(server, user.token)).status).toBe(200);
    expect((await server.request('GET', '/.well-known/jwks.json')).body).toEqual({ keys: [] });
    const es = jwt.sign(claimsOf(user.token), generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'at+jwt', kid: headerOf(user.token).kid } });
    expect((await me(server, es)).status).toBe(401);
  });
});

describe('switching ACCESS_TOKEN_ALG', () => {
  it('HS256 -> ES256 -> HS256 on one database: tokens of the old kind keep working until they expire', async () => {
    const dir = tempDir();
    const database = await freshDatabase();
    const env = testEnv(dir, { ...database.env, JWT_SECRET: randomBytes(48).toString('base64') });
    const start = (alg: string) => startServer({ config: loadConfig({ ...env, ACCESS_TOKEN_ALG: alg }) });
    try {
      let running = await start('HS256');
      const user = { username: 'switcher', email: 'switcher@example.com', password: 'a switching passphrase' };
      const hsToken = (await request(running.url, 'POST', '/register', { body: user })).body.token;
      await running.close();

      running = await start('ES256');
      expect((await request(running.url, 'GET', '/users/me', { token: hsToken })).status).toBe(200);
      const login = await request(running.url, 'POST', '/login', { body: { email: user.email, password: user.password } });
      expect(login.status, login.text).toBe(200);
      const esToken = login.body.token;
      expect(headerOf(esToken).alg).toBe('ES256');
      await running.close();

      running = await start('HS256');
      expect((await request(running.url, 'GET', '/users/me', { token: esToken })).status).toBe(200);
      expect((await request(running.url, 'GET', '/users/me', { token: hsToken })).status).toBe(200);
      await running.close();
    } finally {
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
