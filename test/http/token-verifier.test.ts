// The package's verifier, as an app behind authbook uses it, against a live authbook: it verifies
// with the JWKS alone, follows a rotation, refetches for an unknown kid at most once per cooldown,
// and refuses tampered and algorithm-confused tokens. Its Express middleware guards a small app,
// which also shows the trade-off: after a logout that app still accepts the token (until it
// expires), while authbook itself and its introspection endpoint (RFC 7662) refuse it at once.
import { createHmac, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express from 'express';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, TokenVerificationError, type TokenVerifier } from '../../src/verifier/token-verifier';
import { requireAccessToken, tokenClaims } from '../../src/verifier/require-token';
import { registerUser, request, startTestServer, type TestServer } from '../helpers/test-server';

const CLIENT = { id: 'notes-api', secret: randomBytes(32).toString('base64url') };
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const headerOf = (token: string) => jwt.decode(token, { complete: true })!.header;

let server: TestServer;
let jwksUrl: string;
beforeAll(async () => {
  server = await startTestServer({ SIGNING_KEY_ACTIVATION_DELAY: '0', INTROSPECTION_CLIENTS: `${CLIENT.id}:${CLIENT.secret},other:${randomBytes(32).toString('hex')}` });
  jwksUrl = `${server.url}/.well-known/jwks.json`;
});
afterAll(() => server.close());

const verifierFor = (cooldownSeconds = 0) => createTokenVerifier({ jwksUrl, issuer: 'authbook', audience: 'authbook', refetchCooldownSeconds: cooldownSeconds });
async function refusal(verifier: TokenVerifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
    return 'accepted';
  } catch (error) {
    return (error as TokenVerificationError).code;
  }
}

describe('createTokenVerifier against a live server', () => {
  it('verifies authbook tokens with the JWKS alone, fetched once for many tokens', async () => {
    const verifier = verifierFor(30);
    const users = await Promise.all([1, 2, 3].map(() => registerUser(server)));
    for (const user of users) expect(await verifier.verify(user.token)).toMatchObject({ sub: String(user.id), iss: 'authbook', aud: 'authbook' });
    expect(verifier.fetches).toBe(1);
  });

  it('follows a rotation: a token of the new key is accepted (one refetch), one of the old key still is', async () => {
    const verifier = verifierFor(30);
    const before = await registerUser(server);
    await verifier.verify(before.token);
    const { kid } = await server.running.auth.rotateSigningKey();
    const after = await registerUser(server);
    expect(headerOf(after.token).kid).toBe(kid);
    expect(await verifier.verify(after.token)).toMatchObject({ sub: String(after.id) });
    expect(await verifier.verify(before.token)).toMatchObject({ sub: String(before.id) });
    expect(verifier.fetches).toBe(2);
  });

  it('an unknown kid refetches at most once per cooldown', async () => {
    const verifier = verifierFor(30);
    const user = await registerUser(server);
    await verifier.verify(user.token);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const made = (kid: string) => jwt.sign(jwt.decode(user.token) as object, stranger, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'at+jwt', kid } });
    const codes = await Promise.all(Array.from({ length: 20 }, (_, i) => refusal(verifier, made(`made-up-${i}`))));
    expect(new Set(codes)).toEqual(new Set(['unknown_key']));
    expect(verifier.fetches).toBe(2);
  });

  it('9.1.1 9.1.2 refuses tampering, a stranger\'s key under our kid, alg none, HS256 signed with our public key, and HS256 tokens', async () => {
    const verifier = verifierFor();
    const user = await registerUser(server);
    const [header, payload, signature] = user.token.split('.');
    const { kid } = headerOf(user.token);
    const claims = jwt.decode(user.token) as object;
    const jwk = (await request(server.url, 'GET', '/.well-known/jwks.json')).body.keys.find((key: { kid: string }) => key.kid === kid);
    const publicPem = createPublicKey({ key: jwk, format: 'jwk' }).export({ format: 'pem', type: 'spki' });
    const hsHeader = b64({ alg: 'HS256', typ: 'at+jwt', kid });
    const cases: Record<string, string> = {
      'tampered payload': `${header}.${b64({ ...claims, sub: '1' })}.${signature}`,
      'stranger key': jwt.sign(claims, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'at+jwt', kid } }),
      'alg none': `${b64({ alg: 'none', typ: 'at+jwt', kid })}.${payload}.`,
      'HS256 with the public key': `${hsHeader}.${payload}.${createHmac('sha256', publicPem).update(`${hsHeader}.${payload}`).digest('base64url')}`,
      'wrong type': jwt.sign(claims, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'JWT', kid } }),
    };
    for (const [name, token] of Object.entries(cases)) expect(`${name}: ${await refusal(verifier, token)}`).toBe(`${name}: invalid_token`);
    const hs = await startTestServer({ ACCESS_TOKEN_ALG: 'HS256' });
    try {
      expect(await refusal(verifier, (await registerUser(hs)).token)).toBe('unknown_key'); // its kid names JWT_SECRET, never published
    } finally {
      await hs.close();
    }
    expect(await refusal(verifier, user.token)).toBe('accepted');
  });

  it('answers jwks_unavailable when the JWKS cannot be fetched at all', async () => {
    const verifier = createTokenVerifier({ jwksUrl: 'http://127.0.0.1:9/.well-known/jwks.json', issuer: 'authbook', audience: 'authbook' });
    expect(await refusal(verifier, (await registerUser(server)).token)).toBe('jwks_unavailable');
  });
});

describe('requireAccessToken and the revocation trade-off', () => {
  let notesUrl: string;
  let close: () => void;
  beforeAll(async () => {
    const app = express();
    app.get('/notes', requireAccessToken(verifierFor(30)), (_req, res) => {
      res.json({ owner: tokenClaims(_req.res!).sub });
    });
    const listening = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => listening.once('listening', resolve));
    notesUrl = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    close = () => listening.close();
  });
  afterAll(() => close());

  const introspect = (token: string, auth = `${CLIENT.id}:${CLIENT.secret}`, form = true) =>
    request(server.url, 'POST', '/token/introspect', {
      headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}`, ...(form && { 'content-type': 'application/x-www-form-urlencoded' }) },
      ...(form ? { raw: new URLSearchParams({ token }).toString() } : { body: { token } }),
    });

  it('guards an app with no secret: 200 with the claims, 401 without or with a bad token', async () => {
    const user = await registerUser(server);
    const ok = await request(notesUrl, 'GET', '/notes', { token: user.token });
    expect(ok).toMatchObject({ status: 200, body: { owner: String(user.id) } });
    expect((await request(notesUrl, 'GET', '/notes')).status).toBe(401);
    const bad = await request(notesUrl, 'GET', '/notes', { token: `${user.token.slice(0, -4)}AAAA` });
    expect(bad).toMatchObject({ status: 401, body: { error: 'invalid_token' } });
    expect(bad.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('after a logout the app still accepts the token until it expires; authbook and introspection refuse it at once', async () => {
    const user = await registerUser(server);
    expect((await introspect(user.token)).body).toMatchObject({ active: true, sub: String(user.id), username: user.username, token_type: 'Bearer', exp: expect.any(Number) });
    expect((await introspect(user.token, undefined, false)).body.active).toBe(true); // JSON works too
    expect((await request(server.url, 'POST', '/logout', { token: user.token })).status).toBe(200);
    expect((await request(notesUrl, 'GET', '/notes', { token: user.token })).status).toBe(200); // the trade-off
    expect((await request(server.url, 'GET', '/users/me', { token: user.token })).status).toBe(401);
    expect((await introspect(user.token)).body).toEqual({ active: false });
    expect((await introspect('not a token')).body).toEqual({ active: false });
  });

  it('introspection is for its clients only: a wrong secret, an unknown client or no credentials get 401 invalid_client', async () => {
    const user = await registerUser(server);
    for (const auth of [`${CLIENT.id}:wrong`, `nobody:${CLIENT.secret}`, `other:${CLIENT.secret}`]) {
      const response = await introspect(user.token, auth);
      expect(response).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
      expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
    }
    expect((await request(server.url, 'POST', '/token/introspect', { body: { token: user.token } })).status).toBe(401);
    expect((await request(server.url, 'POST', '/token/introspect', { token: user.token, body: { token: user.token } })).status).toBe(401); // a Bearer token is no client
  });
});
