// Signing keys across processes sharing one database (real `serve` processes): started together on
// an empty database they make one key between them, and during a rotation (rotate-keys, a third
// process) a token of the new key is accepted at once everywhere, while a token of the old key
// stays accepted and a forged one is refused.
import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/server-process';
import { sharedDatabaseProcesses } from '../helpers/shared-database-processes';
import { request, TEST_STORE } from '../helpers/test-server';

const kidOf = (token: string) => jwt.decode(token, { complete: true })!.header.kid as string;
const jwksKids = async (url: string) => ((await request(url, 'GET', '/.well-known/jwks.json')).body.keys as Array<{ kid: string }>).map((key) => key.kid);
const me = (url: string, token: string) => request(url, 'GET', '/users/me', { token });

describe(`signing keys across processes on one ${TEST_STORE} database`, () => {
  const servers = sharedDatabaseProcesses('authbook-keys-');
  const setUp = () => servers.env({ SIGNING_KEY_ACTIVATION_DELAY: '0' });

  it('two processes starting together on an empty database create exactly one key, and both publish it', async () => {
    const env = await setUp();
    const processes = await Promise.all([servers.spawn(env), servers.spawn(env)]);
    const [a, b] = await Promise.all(processes.map((p) => jwksKids(p.url)));
    expect(a).toHaveLength(1);
    expect(b).toEqual(a);
  });

  it('during a rotation: the new key verifies at once in every process, the old key\'s tokens still pass, a forgery fails', async () => {
    const env = await setUp();
    const a = (await servers.spawn(env)).url;
    const b = (await servers.spawn(env)).url;
    const user = { username: 'rotator', email: 'rotator@example.com', password: 'a rotating passphrase' };
    const oldToken = (await request(a, 'POST', '/register', { body: user })).body.token as string;
    const [oldKid] = await jwksKids(a);
    expect(kidOf(oldToken)).toBe(oldKid);

    const rotated = spawnSync(process.execPath, [CLI, 'rotate-keys'], { env, encoding: 'utf8', timeout: 20_000 });
    expect(rotated.status, rotated.stderr).toBe(0);
    const newKid = /added signing key (\S+):/.exec(rotated.stdout)![1];

    const c = (await servers.spawn(env)).url; // a process started now signs with the new key
    const login = await request(c, 'POST', '/login', { body: { email: user.email, password: user.password } });
    expect(kidOf(login.body.token)).toBe(newKid);
    for (const url of [a, b, c]) {
      expect((await me(url, login.body.token)).status).toBe(200); // a and b: reloaded on the unknown kid
      expect((await me(url, oldToken)).status).toBe(200);
      expect((await jwksKids(url)).sort()).toEqual([oldKid, newKid].sort());
    }
    const forged = jwt.sign(jwt.decode(login.body.token) as object, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, {
      algorithm: 'ES256',
      header: { alg: 'ES256', typ: 'at+jwt', kid: newKid },
    });
    for (const url of [a, b, c]) expect((await me(url, forged)).status).toBe(401);
  });
});
