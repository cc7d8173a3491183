// The rules without HTTP: the timing defence at login and the no-self-admin rule.
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuthService, type AuthService } from '../../src/auth/auth-service';
import { isMfaChallenge } from '../../src/auth/login';
import { createPasswordHasher, type PasswordHasher } from '../../src/auth/passwords';
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/sqlite/open-database';
import { createSqliteStore } from '../../src/db/sqlite/sqlite-store';
import type { AuthStore } from '../../src/db/store';
import { tempDir, testEnv } from '../helpers/test-server';

const ctx = { ip: '127.0.0.1', userAgent: 'unit' };
let dir: string;
let store: AuthStore;
let auth: AuthService;
let calls: string[];

beforeEach(() => {
  dir = tempDir('authbook-service-');
  const config = loadConfig(testEnv(dir));
  store = createSqliteStore(openDatabase(config.databasePath));
  const real = createPasswordHasher(4);
  calls = [];
  // The real hasher, with a record of which comparison ran.
  const hasher: PasswordHasher = {
    rounds: real.rounds,
    hash: real.hash,
    verify: (password, hash) => (calls.push('verify'), real.verify(password, hash)),
    verifyAgainstNothing: (password) => (calls.push('verifyAgainstNothing'), real.verifyAgainstNothing(password)),
  };
  auth = createAuthService({ config, store, hasher });
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('login', () => {
  it('6.3.8 spends one bcrypt comparison whether or not the email exists', async () => {
    await auth.register({ username: 'ada', email: 'ada@example.com', password: 'analytical engine' }, ctx, null);
    await expect(auth.login({ email: 'ada@example.com', password: 'wrong guess here' }, ctx)).rejects.toMatchObject({ code: 'invalid_credentials' });
    await expect(auth.login({ email: 'nobody@example.com', password: 'wrong guess here' }, ctx)).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(calls).toEqual(['verify', 'verifyAgainstNothing']);
  });

  it('returns the user without its hash, and a session-bound token', async () => {
    await auth.register({ username: 'ada', email: 'ada@example.com', password: 'analytical engine' }, ctx, null);
    const grant = await auth.login({ email: 'ADA@example.com', password: 'analytical engine' }, ctx);
    if (isMfaChallenge(grant)) throw new Error('no second factor was set up');
    expect(grant.user).not.toHaveProperty('passwordHash');
    const who = await auth.authenticate(grant.token);
    expect(who).toMatchObject({ username: 'ada', sessionId: grant.sessionId, permissions: ['read', 'write'] });
  });
});

describe('register', () => {
  it('refuses a privileged role without an admin caller, and creates nothing', async () => {
    await expect(auth.register({ username: 'eve', email: 'eve@example.com', password: 'i am the admin now', role: 'admin' }, ctx, null)).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await store.listUsers({ offset: 0, limit: 10 })).total).toBe(0);
  });

  it('6.3.2 creates no default account: a fresh database has no users until one is made on purpose', async () => {
    expect((await store.listUsers({ offset: 0, limit: 10 })).total).toBe(0);
    expect(await auth.ensureBootstrapAdmin({ email: 'Boss@Example.com', password: 'a strong bootstrap phrase', username: 'boss' })).toBe('created');
    expect(await auth.ensureBootstrapAdmin({ email: 'boss@example.com', password: 'a different phrase now', username: 'boss' })).toBe('exists');
    const { items } = await store.listUsers({ offset: 0, limit: 10 });
    expect(items.map((u) => [u.email, u.role])).toEqual([['boss@example.com', 'admin']]);
  });

  it('the bootstrap admin password must pass the policy too', async () => {
    await expect(auth.ensureBootstrapAdmin({ email: 'boss@example.com', password: 'admin123', username: 'boss' })).rejects.toMatchObject({ code: 'weak_password' });
  });
});

