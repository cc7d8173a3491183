// Signing keys on their own: how a key is stored (sealed, bound to its kid), which key a token's kid
// selects, when a rotation happens and when a retired key stops verifying, the key ring across two
// "processes" (two rings on one database), and the verified-token cache. A hand-driven clock.
import { createSecretKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAccessTokens } from '../../src/auth/access-tokens';
import { createKeyRing, RELOAD_INTERVAL_MS, retirementGraceMs, UNKNOWN_KID_COOLDOWN_MS } from '../../src/auth/key-ring';
import { holdSigningKey, newSigningKey, scheduleAt } from '../../src/auth/signing-keys';
import { createTokenService, hmacKeyId, UNKNOWN_KEY } from '../../src/auth/tokens';
import { loadConfig, type Config } from '../../src/config';
import { openDatabase } from '../../src/db/sqlite/open-database';
import { createSqliteStore } from '../../src/db/sqlite/sqlite-store';
import type { AuthStore } from '../../src/db/store';
import { createSecretBox } from '../../src/secret-box';
import { tempDir, testEnv } from '../helpers/test-server';

const T0 = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const box = createSecretBox(createSecretKey(randomBytes(32)));

describe('a stored signing key', () => {
  const record = newSigningKey(box, T0, T0);

  it('9.1.1 holds the public key as a JWK (kid: its RFC 7638 thumbprint) and the private key only sealed', () => {
    const jwk = JSON.parse(record.publicJwk);
    expect(jwk).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String), kid: record.kid, alg: 'ES256', use: 'sig' });
    expect(record.kid).toMatch(/^[\w-]{43}$/);
    const held = holdSigningKey(box, record);
    const der = held.privateKey().export({ format: 'der', type: 'pkcs8' });
    expect(record.sealedPrivateKey).toMatch(/^v1\./);
    expect(record.sealedPrivateKey).not.toContain(der.toString('base64url').slice(40, 80));
    const token = jwt.sign({ a: 1 }, held.privateKey(), { algorithm: 'ES256' });
    expect(() => jwt.verify(token, held.publicKey, { algorithms: ['ES256'] })).not.toThrow();
  });

  it('a sealed private key moved to another kid, or opened with another secrets key, does not open', () => {
    const other = newSigningKey(box, T0, T0);
    expect(() => holdSigningKey(box, { ...other, sealedPrivateKey: record.sealedPrivateKey }).privateKey()).toThrow(/does not open/);
    const wrongKey = createSecretBox(createSecretKey(randomBytes(32)));
    expect(() => holdSigningKey(wrongKey, record).privateKey()).toThrow(/does not open/);
  });
});

describe('the schedule: which key signs, which are published', () => {
  const [a, b, c] = [T0, T0 + 100, T0 + 200].map((at) => holdSigningKey(box, newSigningKey(box, at - 50, at)));
  const grace = 30;
  const table: Array<[string, number, string | null, string[]]> = [
    ['before the first activates: nothing signs, it is published', T0 - 1, null, ['a']],
    ['the first signs', T0, 'a', ['a', 'b', 'c']],
    ['the second signs once it activates; the first still verifies', T0 + 100, 'b', ['a', 'b', 'c']],
    ['the first stops verifying once the grace has passed', T0 + 130, 'b', ['b', 'c']],
    ['the last signs; the one before it is in its grace', T0 + 229, 'c', ['b', 'c']],
    ['the last alone', T0 + 230, 'c', ['c']],
  ];
  it.each(table)('%s', (_name, now, current, live) => {
    const names = new Map([[a.kid, 'a'], [b.kid, 'b'], [c.kid, 'c']]);
    const keys = now < T0 ? [a] : [a, b, c];
    const schedule = scheduleAt(keys, now, grace);
    expect(schedule.current && names.get(schedule.current.kid)).toBe(current);
    expect(schedule.live.map((key) => names.get(key.kid))).toEqual(live);
  });
});

describe('the key ring', () => {
  let dir: string;
  let stores: AuthStore[];
  let now: number;
  let jwtSecret: string; // one JWT_SECRET for every "process" of a test, as a deployment has
  const clock = () => now;

  beforeEach(() => {
    dir = tempDir('authbook-keys-');
    jwtSecret = randomBytes(48).toString('base64');
    stores = [];
    now = T0;
  });
  afterEach(async () => {
    await Promise.all(stores.map((store) => store.close()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const configWith = (env: Record<string, string> = {}): Config =>
    loadConfig(testEnv(dir, { JWT_SECRET: jwtSecret, SIGNING_KEY_ROTATION: '30d', SIGNING_KEY_ACTIVATION_DELAY: '10m', ACCESS_TOKEN_TTL: '15m', ...env }));
  function process(config = configWith()) {
    const store = createSqliteStore(openDatabase(path.join(dir, 'auth.db')));
    stores.push(store);
    const ring = createKeyRing({ config, store, now: clock });
    const tokens = createTokenService({ keys: ring, issuer: config.jwtIssuer, audience: config.jwtAudience, ttlSeconds: config.accessTokenTtlSeconds, clockSkewSeconds: config.clockSkewSeconds, now: clock });
    return { store, ring, tokens, access: createAccessTokens({ tokens, ring, now: clock }) };
  }
  const kidOf = (token: string) => jwt.decode(token, { complete: true })!.header.kid;
  const subject = { userId: 1, sessionId: 's' };

  it('creates the first key once, active at once; a second process loads that one', async () => {
    const config = configWith();
    const [a, b] = [process(config), process(config)];
    await Promise.all([a.ring.fresh(), b.ring.fresh()]);
    expect(await a.store.listSigningKeys()).toHaveLength(1);
    expect(a.ring.signingKey().kid).toBe(b.ring.signingKey().kid);
    const { token } = await a.access.sign(subject);
    expect(jwt.decode(token, { complete: true })!.header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: a.ring.signingKey().kid });
    expect(b.tokens.verify(token)).toMatchObject(subject);
  });

  it('rotates when due: the new key is published at once and signs after the delay; the old one verifies through its grace', async () => {
    const config = configWith();
    const { ring, tokens, access } = process(config);
    await ring.fresh();
    const first = ring.signingKey().kid;
    const old = (await access.sign(subject)).token;
    now += 30 * DAY; // due
    await ring.fresh();
    const jwks = ring.jwks().keys.map((key) => key.kid);
    expect(jwks).toHaveLength(2);
    const second = jwks.find((kid) => kid !== first)!;
    expect(kidOf((await access.sign(subject)).token)).toBe(first); // not active yet
    now += 10 * 60_000; // activation
    expect(kidOf((await access.sign(subject)).token)).toBe(second);
    const lastByFirst = jwt.sign({ iss: 'authbook', aud: 'authbook', sub: '1', sid: 's', jti: 'j', iat: Math.floor(now / 1000) - 1, exp: Math.floor(now / 1000) + 899 }, ring.signingKey().key, {
      algorithm: 'ES256',
      header: { alg: 'ES256', typ: 'at+jwt', kid: second },
    });
    expect(tokens.verify(lastByFirst)).not.toBeNull();
    expect(ring.verificationKey(first)).not.toBeNull(); // in its grace
    expect(tokens.verify(old)).toBeNull(); // 30 days old: expired anyway
    now += retirementGraceMs(config);
    expect(ring.verificationKey(first)).toBeNull();
    expect(ring.jwks().keys.map((key) => key.kid)).toEqual([second]);
  });

  it('with several processes exactly one rotates, and each signs with the new key within a reload interval', async () => {
    const config = configWith({ SIGNING_KEY_ACTIVATION_DELAY: '0' });
    const [a, b, c] = [process(config), process(config), process(config)];
    await a.ring.fresh();
    await Promise.all([b.ring.fresh(), c.ring.fresh()]);
    const first = a.ring.signingKey().kid;
    now += 30 * DAY;
    await Promise.all([a.ring.fresh(), b.ring.fresh(), c.ring.fresh()]);
    expect(await a.store.listSigningKeys()).toHaveLength(2);
    const second = a.ring.signingKey().kid;
    expect(second).not.toBe(first);
    for (const each of [b, c]) expect(each.ring.signingKey().kid).toBe(second);
    // a rotation by the CLI: a process that has not reloaded signs with the old key for at most RELOAD_INTERVAL_MS
    now += 1;
    const { kid: third } = await process(config).ring.rotate();
    expect(kidOf((await b.access.sign(subject)).token)).toBe(second);
    now += RELOAD_INTERVAL_MS;
    expect(kidOf((await b.access.sign(subject)).token)).toBe(third);
  });

  it('a token naming a kid it does not hold reloads the keys, at most once per cooldown', async () => {
    const config = configWith({ SIGNING_KEY_ACTIVATION_DELAY: '0' });
    const [a, b] = [process(config), process(config)];
    await Promise.all([a.ring.fresh(), b.ring.fresh()]);
    now += 1;
    await a.ring.rotate();
    const fromA = (await a.access.sign(subject)).token;
    const list = vi.spyOn(b.store, 'listSigningKeys');
    expect(b.access.verifyCached(fromA)).toBe(UNKNOWN_KEY);
    expect(await b.access.verifyAfterReload(fromA)).toMatchObject(subject);
    expect(list).toHaveBeenCalledTimes(1);
    const madeUp = `${Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'at+jwt', kid: 'made-up' })).toString('base64url')}.e30.c2ln`;
    for (let i = 0; i < 20; i++) expect(await b.access.verifyAfterReload(madeUp)).toBeNull();
    expect(list).toHaveBeenCalledTimes(1); // within the cooldown
    now += UNKNOWN_KID_COOLDOWN_MS;
    await b.access.verifyAfterReload(madeUp);
    expect(list).toHaveBeenCalledTimes(2);
  });

  it('switching from HS256 to ES256 logs no one out, and JWT_SECRET stops minting after the switch', async () => {
    const hs = process(configWith({ ACCESS_TOKEN_ALG: 'HS256' }));
    await hs.ring.fresh();
    expect(await hs.store.listSigningKeys()).toEqual([]); // HS256 makes no ES256 keys
    const before = (await hs.access.sign(subject)).token;
    const secret = configWith().jwtSecret;
    const legacy = jwt.sign({ iss: 'authbook', aud: 'authbook', sub: '1', sid: 's', jti: 'j', iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 900 }, secret, {
      algorithm: 'HS256',
      header: { alg: 'HS256', typ: 'at+jwt' }, // from before tokens carried a kid
    });
    now += 60_000;
    const es = process(configWith({ ACCESS_TOKEN_ALG: 'ES256' }));
    await es.ring.fresh();
    expect(es.tokens.verify(before)).toMatchObject(subject);
    expect(es.tokens.verify(legacy)).toMatchObject(subject);
    expect(es.ring.verificationKey(hmacKeyId(secret))).toMatchObject({ alg: 'HS256', issuedNoLaterThan: Math.floor((now + RELOAD_INTERVAL_MS) / 1000) });
    now += RELOAD_INTERVAL_MS + 1000;
    const minted = jwt.sign({ iss: 'authbook', aud: 'authbook', sub: '1', sid: 's', jti: 'j', iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 900 }, secret, {
      algorithm: 'HS256',
      header: { alg: 'HS256', typ: 'at+jwt', kid: hmacKeyId(secret) },
    });
    expect(es.tokens.verify(minted)).toBeNull();
    // and back: ES256 tokens verify on an HS256 process until their key retires
    const esToken = (await es.access.sign(subject)).token;
    expect(process(configWith({ ACCESS_TOKEN_ALG: 'HS256' })).tokens.verify(esToken)).toBeNull(); // not loaded yet
    const back = process(configWith({ ACCESS_TOKEN_ALG: 'HS256' }));
    await back.ring.fresh();
    expect(back.tokens.verify(esToken)).toMatchObject(subject);
    expect(back.ring.signingKey().alg).toBe('HS256');
  });

  it('9.1.2 a key verifies only its own algorithm: an HS256 token under an ES256 kid (signed with the public key) is refused', async () => {
    const { ring, tokens } = process();
    await ring.fresh();
    const { kid } = ring.signingKey();
    const publicPem = ring.verificationKey(kid)!.key.export({ format: 'pem', type: 'spki' });
    const claims = { iss: 'authbook', aud: 'authbook', sub: '1', sid: 's', jti: 'j', iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 900 };
    const header = (alg: string) => Buffer.from(JSON.stringify({ alg, typ: 'at+jwt', kid })).toString('base64url');
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const { createHmac } = await import('node:crypto');
    const confused = `${header('HS256')}.${body}.${createHmac('sha256', publicPem).update(`${header('HS256')}.${body}`).digest('base64url')}`;
    expect(tokens.verify(confused)).toBeNull();
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    expect(tokens.verify(jwt.sign(claims, stranger, { algorithm: 'ES256', header: { alg: 'ES256', typ: 'at+jwt', kid } }))).toBeNull();
  });
});

describe('the verified-token cache', () => {
  const secret = createSecretKey(randomBytes(48));
  let now = T0;
  const tokens = createTokenService({ secret, issuer: 'authbook', audience: 'authbook', ttlSeconds: 900, clockSkewSeconds: 5, now: () => now });
  const ring = { loaded: () => true, fresh: async () => {}, reloadForUnknownKid: async () => {} } as never;

  it('checks a signature once per token, forgets it at exp, caches no failure, and stays bounded', async () => {
    const access = createAccessTokens({ tokens, ring, now: () => now, maxEntries: 3 });
    const check = vi.spyOn(tokens, 'verifyWithKeyLookup');
    const { token } = await access.sign({ userId: 4, sessionId: 's' });
    for (let i = 0; i < 5; i++) expect(access.verifyCached(token)).toMatchObject({ userId: 4 });
    expect(check).toHaveBeenCalledTimes(1);
    const tampered = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA');
    for (let i = 0; i < 3; i++) expect(access.verifyCached(tampered)).toBeNull();
    expect(check).toHaveBeenCalledTimes(4);
    now += 900_000 + 6000; // past exp and the skew
    expect(access.verifyCached(token)).toBeNull();
    now = T0;
    const others = await Promise.all([1, 2, 3].map((userId) => access.sign({ userId, sessionId: 's' })));
    for (const other of others) access.verifyCached(other.token); // the first token is pushed out
    check.mockClear();
    access.verifyCached(token);
    expect(check).toHaveBeenCalledTimes(1);
  });
});

describe('the signing configuration', () => {
  const dir = tempDir('authbook-keys-config-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const config = (env: Record<string, string>) => loadConfig(testEnv(dir, env));

  it('defaults to ES256, rotation every 30 days, activation 10 minutes after publication', () => {
    expect(config({}).signing).toEqual({ algorithm: 'ES256', rotationSeconds: 30 * 86400, activationDelaySeconds: 600 });
    expect(config({ ACCESS_TOKEN_ALG: 'HS256', SIGNING_KEY_ROTATION: 'off', SIGNING_KEY_ACTIVATION_DELAY: '0' }).signing).toEqual({
      algorithm: 'HS256',
      rotationSeconds: null,
      activationDelaySeconds: 0,
    });
  });

  it.each([
    [{ ACCESS_TOKEN_ALG: 'RS256' }, /ACCESS_TOKEN_ALG/],
    [{ ACCESS_TOKEN_ALG: 'none' }, /ACCESS_TOKEN_ALG/],
    [{ SIGNING_KEY_ROTATION: '10m' }, /SIGNING_KEY_ROTATION must be at least 3600s/],
    [{ SIGNING_KEY_ROTATION: '2h', SIGNING_KEY_ACTIVATION_DELAY: '2h' }, /SIGNING_KEY_ROTATION must be longer than SIGNING_KEY_ACTIVATION_DELAY/],
  ])('refuses %o', (env, problem) => {
    expect(() => config(env as Record<string, string>)).toThrow(problem);
  });
});
