// The store contract, once, against every backend: SQLite always, PostgreSQL when
// AUTHBOOK_TEST_DATABASE_URL names a server. Each test starts from an empty database (a new SQLite
// file; PostgreSQL's tables emptied). The concurrency block
// fires many operations at once, through two stores on one database (two processes' worth of
// connections on PostgreSQL), and checks what must hold whatever the interleaving.
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/db/postgres/postgres-store';
import { POSTGRES_SCHEMA_VERSION } from '../../src/db/postgres/migrations';
import { SCHEMA_VERSION } from '../../src/db/sqlite/migrations';
import { openDatabase, type SqliteDatabase } from '../../src/db/sqlite/open-database';
import { createSqliteStore } from '../../src/db/sqlite/sqlite-store';
import type { MailDraft, NewEmailToken } from '../../src/db/mail-store';
import type { ActorCheck, AuditInput, AuthStore, SigningKeyRecord, UserRecord } from '../../src/db/store';
import { announcePostgresSkip, createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from '../helpers/postgres';
import { tempDir } from '../helpers/test-server';

announcePostgresSkip();

/** One fresh database per test, and a way to open more stores on it (another process's view). */
interface Backend {
  name: string;
  available: boolean;
  create(): Promise<{ open(): Promise<AuthStore>; cleanup(): Promise<void> }>;
}

let shared: TestDatabase | null = null;
afterAll(() => shared?.drop());

const backends: Backend[] = [
  {
    name: 'sqlite',
    available: true,
    async create() {
      const dir = tempDir('authbook-store-');
      return {
        open: async () => createSqliteStore(openDatabase(path.join(dir, 'auth.db'))),
        cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
      };
    },
  },
  {
    name: 'postgres',
    available: TEST_DATABASE_URL !== null,
    // One database for the file, emptied before each test (a new database per test costs ~0.3 s).
    async create() {
      if (!shared) {
        shared = await createTestDatabase();
        await (await openPostgresStore({ connectionString: shared.url, max: 1 })).close(); // its schema
      }
      const database = shared;
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query('TRUNCATE users, sessions, refresh_tokens, rate_limits, login_attempts, audit_log, signing_keys, email_tokens, outbox RESTART IDENTITY CASCADE');
      await client.end();
      return { open: () => openPostgresStore({ connectionString: database.url, max: 10 }), cleanup: async () => {} };
    },
  },
];

const audit: AuditInput = { event: 'register', userId: null, actorId: null, ip: '127.0.0.1', userAgent: 'test' };
const T0 = 1_800_000_000_000;
const session = (id: string, userId: number, hash: string) => ({
  id,
  userId,
  refreshTokenHash: Buffer.from(hash),
  expiresAt: T0 + 60_000,
  absoluteExpiresAt: T0 + 120_000,
  userAgent: 'ua',
  ip: '10.0.0.1',
});

describe.each(backends.filter((backend) => backend.available))('store on $name', (backend) => {
  let database: Awaited<ReturnType<Backend['create']>>;
  let store: AuthStore;
  const opened: AuthStore[] = [];
  /** Another store on the same database, closed after the test. */
  async function another(): Promise<AuthStore> {
    const next = await database.open();
    opened.push(next);
    return next;
  }

  beforeEach(async () => {
    database = await backend.create();
    store = await another();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((each) => each.close()));
    await database.cleanup();
  });

  async function addUser(username: string, role = 'user', email = `${username.toLowerCase()}@example.com`) {
    const result = await store.createUser({ username, email, passwordHash: '$2b$04$hash', role, now: T0 }, audit);
    if (!result.ok) throw new Error(result.reason);
    return result.user;
  }

  const ctx = { actorId: null, ip: null, userAgent: null };

  /** An admin with a live session, as updateUser and deleteUser check their actor. */
  async function actor(): Promise<ActorCheck & { user: UserRecord }> {
    const user = await addUser(`admin${Math.random().toString(36).slice(2, 8)}`, 'admin');
    await store.createSession({ ...session(`actor-${user.id}`, user.id, `actor-token-${user.id}`), expiresAt: T0 + 10_000_000, absoluteExpiresAt: T0 + 10_000_000 }, T0, 10, null);
    return { user, userId: user.id, sessionId: `actor-${user.id}`, permissions: ['admin', 'delete'] };
  }

  it('seeds the original roles and permissions, once', async () => {
    const expected = [
      { id: 1, name: 'user', description: 'Regular user with basic permissions', permissions: ['read', 'write'] },
      { id: 2, name: 'admin', description: 'Administrator with full permissions', permissions: ['read', 'write', 'delete', 'admin'] },
    ];
    expect(await store.listRoles()).toEqual(expected);
    await store.close();
    expect(await (await another()).listRoles()).toEqual(expected);
  });

  describe('users', () => {
    it('keeps emails and usernames unique, usernames case-insensitively', async () => {
      await addUser('Ada');
      const sameEmail = await store.createUser({ username: 'other', email: 'ada@example.com', passwordHash: 'h', role: 'user', now: T0 }, audit);
      expect(sameEmail).toEqual({ ok: false, reason: 'email_taken' });
      const sameName = await store.createUser({ username: 'ADA', email: 'x@example.com', passwordHash: 'h', role: 'user', now: T0 }, audit);
      expect(sameName).toEqual({ ok: false, reason: 'username_taken' });
      const badRole = await store.createUser({ username: 'bob', email: 'b@example.com', passwordHash: 'h', role: 'root', now: T0 }, audit);
      expect(badRole).toEqual({ ok: false, reason: 'unknown_role' });
    });

    it('pages and filters users, never returning the hash', async () => {
      for (const name of ['u1', 'u2', 'u3']) await addUser(name);
      const boss = await actor();
      await store.updateUser((await addUser('gone')).id, { disabled: true }, T0, boss, ctx);
      const page = await store.listUsers({ offset: 1, limit: 2 });
      expect(page.total).toBe(5);
      expect(page.items.map((u) => u.username)).toEqual(['u2', 'u3']);
      expect(JSON.stringify(page)).not.toContain('$2b$');
      expect((await store.listUsers({ offset: 0, limit: 10, role: 'admin' })).items.map((u) => u.id)).toEqual([boss.userId]);
      expect((await store.listUsers({ offset: 0, limit: 10, disabled: true })).items.map((u) => u.username)).toEqual(['gone']);
      expect((await store.listUsers({ offset: 0, limit: 10, disabled: false })).total).toBe(4);
    });

    it('never leaves no enabled admin: demote, disable or delete the last one is refused', async () => {
      const first = await actor();
      expect(await store.updateUser(first.userId, { role: 'user' }, T0, first, ctx)).toEqual({ ok: false, reason: 'last_admin' });
      expect(await store.updateUser(first.userId, { disabled: true }, T0, first, ctx)).toEqual({ ok: false, reason: 'last_admin' });
      expect(await store.deleteUser(first.userId, T0, first, audit)).toBe('last_admin');
      const second = await actor();
      expect(await store.updateUser(first.userId, { role: 'user' }, T0, second, ctx)).toMatchObject({ ok: true, user: { role: 'user' } });
      expect(await store.updateUser(second.userId, { disabled: true }, T0, second, ctx)).toEqual({ ok: false, reason: 'last_admin' });
    });

    it('8.2.1 re-checks the acting admin inside the write: demoted, disabled or logged out, it changes nothing', async () => {
      const [boss, other] = [await actor(), await actor()];
      const target = await addUser('target');
      const newAdmin = { username: 'mallory', email: 'mallory@example.com', passwordHash: 'h', role: 'admin', now: T0 + 1 };
      expect(await store.createUser(newAdmin, audit, boss)).toMatchObject({ ok: true });
      await store.updateUser(boss.userId, { role: 'user' }, T0 + 2, other, ctx); // boss demoted while its request is in flight
      expect(await store.createUser({ ...newAdmin, username: 'eve', email: 'eve@example.com' }, audit, boss)).toEqual({ ok: false, reason: 'forbidden' });
      expect(await store.updateUser(target.id, { role: 'admin' }, T0 + 3, boss, ctx)).toEqual({ ok: false, reason: 'forbidden' });
      expect(await store.deleteUser(target.id, T0 + 3, boss, audit)).toBe('forbidden');
      expect(await store.deleteSessionsOfUser(target.id, T0 + 3, audit, boss)).toBe('forbidden');
      await store.deleteSession(other.userId, other.sessionId, T0 + 4, { ...audit, event: 'logout' }); // other's session ends
      expect(await store.updateUser(target.id, { disabled: true }, T0 + 5, other, ctx)).toEqual({ ok: false, reason: 'forbidden' });
      expect((await store.findUserById(target.id))?.role).toBe('user');
    });

    it('audits a role change with its old and new role, and a change that changes nothing not at all', async () => {
      const boss = await actor();
      const target = await addUser('target');
      const before = (await store.listAudit({ offset: 0, limit: 100 })).total;
      expect(await store.updateUser(target.id, { role: 'user', disabled: false }, T0 + 1, boss, ctx)).toMatchObject({ ok: true });
      expect((await store.listAudit({ offset: 0, limit: 100 })).total).toBe(before);
      expect((await store.findUserById(target.id))?.updatedAt).toBe(T0);
      await store.updateUser(target.id, { role: 'admin' }, T0 + 2, boss, ctx);
      const [entry] = (await store.listAudit({ offset: 0, limit: 1 })).items;
      expect(entry).toMatchObject({ event: 'role_change', userId: target.id, details: { from: 'user', to: 'admin' } });
    });

    it('finds the request user only through a live session of an enabled account', async () => {
      const user = await addUser('ada');
      await store.createSession(session('s1', user.id, 'token-1'), T0, 10, null);
      expect(await store.findUserForRequest(user.id, 's1', T0 + 1)).toMatchObject({ id: user.id, role: 'user', permissions: ['read', 'write'], sessionId: 's1' });
      expect(await store.findUserForRequest(user.id + 1, 's1', T0 + 1)).toBeNull(); // session of someone else
      expect(await store.findUserForRequest(user.id, 's1', T0 + 60_000)).toBeNull(); // expired
      await store.updateUser(user.id, { disabled: true }, T0, await actor(), ctx);
      expect(await store.findUserForRequest(user.id, 's1', T0 + 1)).toBeNull();
      expect(await store.listSessions(user.id, T0)).toEqual([]); // disabling ended the session
    });
  });

  describe('sessions', () => {
    it('7.1.2 keeps at most maxPerUser live sessions, ending the least recently used', async () => {
      const user = await addUser('ada');
      for (const [i, id] of ['a', 'b', 'c'].entries()) await store.createSession(session(id, user.id, `r-${id}`), T0 + i, 2, null);
      expect((await store.listSessions(user.id, T0)).map((s) => s.id)).toEqual(['c', 'b']);
    });

    it('a session that has expired cannot be ended again (404, no audit row)', async () => {
      const user = await addUser('ada');
      await store.createSession(session('s1', user.id, 'r1'), T0, 10, null);
      const entry = { ...audit, event: 'session_revoked' as const };
      expect(await store.deleteSession(user.id, 's1', T0 + 60_000, entry)).toBe(false);
      expect(await store.deleteSession(user.id, 's1', T0 + 1, entry)).toBe(true);
      expect(await store.deleteSessionsOfUser(user.id + 99, T0, entry)).toBeNull();
    });
  });

  describe('refresh tokens', () => {

    it('rotates once; a spent token presented again ends the whole session', async () => {
      const user = await addUser('ada');
      await store.createSession(session('s1', user.id, 'r1'), T0, 10, null);
      expect(await store.rotateRefreshToken(Buffer.from('r1'), Buffer.from('r2'), T0 + 10, 60_000, ctx)).toEqual({ status: 'rotated', userId: user.id, sessionId: 's1' });
      expect(await store.rotateRefreshToken(Buffer.from('r1'), Buffer.from('r3'), T0 + 20, 60_000, ctx)).toEqual({ status: 'reused', userId: user.id, sessionId: 's1' });
      expect(await store.rotateRefreshToken(Buffer.from('r2'), Buffer.from('r4'), T0 + 30, 60_000, ctx)).toEqual({ status: 'invalid' });
      expect(await store.findUserForRequest(user.id, 's1', T0 + 40)).toBeNull();
      const events = (await store.listAudit({ offset: 0, limit: 10 })).items.map((e) => e.event);
      expect(events).toContain('refresh_reuse_detected');
    });

    it('7.3.1 slides the inactivity expiry on use; 7.3.2 never past the absolute lifetime', async () => {
      const user = await addUser('ada');
      await store.createSession(session('s1', user.id, 'r1'), T0, 10, null);
      await store.rotateRefreshToken(Buffer.from('r1'), Buffer.from('r2'), T0 + 50_000, 60_000, ctx);
      const [live] = await store.listSessions(user.id, T0 + 50_000);
      expect(live.expiresAt).toBe(T0 + 110_000);
      expect(live.lastUsedAt).toBe(T0 + 50_000);
      await store.rotateRefreshToken(Buffer.from('r2'), Buffer.from('r3'), T0 + 100_000, 60_000, ctx);
      expect((await store.listSessions(user.id, T0 + 100_000))[0].expiresAt).toBe(T0 + 120_000);
      expect(await store.rotateRefreshToken(Buffer.from('r3'), Buffer.from('r4'), T0 + 120_000, 60_000, ctx)).toEqual({ status: 'invalid' });
    });
  });

  describe('limits', () => {
    const limited = { ...audit, event: 'rate_limited' as const };

    it('counts hits in fixed windows per key, gives back a success, and audits the first refusal of a window', async () => {
      const windowMs = 60_000;
      const start = T0 - (T0 % windowMs);
      const hit = (key: string, t: number) => store.hitRateLimit(key, t, windowMs, 2, limited);
      expect(await hit('login:ip:a', start + 1)).toEqual({ allowed: true, resetAt: start + windowMs, windowStart: start });
      expect((await hit('login:ip:a', start + 2)).allowed).toBe(true);
      expect((await hit('login:ip:b', start + 3)).allowed).toBe(true);
      expect((await hit('login:ip:a', start + 4)).allowed).toBe(false);
      expect((await hit('login:ip:a', start + 5)).allowed).toBe(false);
      const refusals = (await store.listAudit({ offset: 0, limit: 10, event: 'rate_limited' })).items;
      expect(refusals.map((entry) => entry.details)).toEqual([{ limit: 2 }]); // one row per window, not per refusal
      expect(await hit('login:ip:a', start + windowMs)).toEqual({ allowed: true, resetAt: start + 2 * windowMs, windowStart: start + windowMs });
      await store.releaseRateLimit('login:ip:a', start); // an old window's hit: the new window owes nothing
      expect((await hit('login:ip:a', start + windowMs + 1)).allowed).toBe(true);
      expect((await hit('login:ip:a', start + windowMs + 2)).allowed).toBe(false);
      await store.releaseRateLimit('login:ip:a', start + windowMs);
      await store.releaseRateLimit('login:ip:a', start + windowMs);
      expect((await hit('login:ip:a', start + windowMs + 3)).allowed).toBe(true);
    });

    const policy = { threshold: 3, baseMs: 1000, maxMs: 3000, resetAfterMs: 86_400_000 };
    const failure = { ...audit, event: 'login_failure' as const };
    /** One whole wrong-password attempt: reserve, then settle as a failure. */
    async function fail(key: string, t: number) {
      const reservation = await store.reserveLoginAttempt(key, t, policy);
      if (!reservation.granted) return reservation;
      return store.recordLoginFailure({ key, policy }, t, failure);
    }

    it('6.3.1 locks a key after the threshold, twice as long each round, capped, and audits each lock', async () => {
      expect(await fail('account:a', T0)).toEqual({ lockedUntil: null });
      expect(await fail('account:a', T0 + 1)).toEqual({ lockedUntil: null });
      expect(await fail('account:a', T0 + 2)).toEqual({ lockedUntil: T0 + 1002 });
      expect(await store.reserveLoginAttempt('account:a', T0 + 500, policy)).toEqual({ granted: false, retryAt: T0 + 1002 });
      expect(await store.reserveLoginAttempt('account:b', T0 + 500, policy)).toEqual({ granted: true });
      for (const t of [T0 + 2000, T0 + 2001]) await fail('account:a', t);
      expect(await fail('account:a', T0 + 2002)).toEqual({ lockedUntil: T0 + 4002 }); // doubled
      for (const t of [T0 + 5000, T0 + 5001]) await fail('account:a', t);
      expect(await fail('account:a', T0 + 5002)).toEqual({ lockedUntil: T0 + 8002 }); // 4000 capped at 3000
      const locks = (await store.listAudit({ offset: 0, limit: 10, event: 'login_locked' })).items;
      expect(locks.map((entry) => entry.details?.locked_until)).toEqual([T0 + 8002, T0 + 4002, T0 + 1002]);
    });

    it('6.3.1 reserves checks before they run: while the threshold is in flight, no more are granted', async () => {
      const grants = [];
      for (let i = 0; i < 10; i++) grants.push((await store.reserveLoginAttempt('account:c', T0 + i, policy)).granted);
      expect(grants).toEqual([true, true, true, false, false, false, false, false, false, false]);
      expect(await store.settleLoginSuccess('account:c', T0 + 20)).toEqual({ lockedUntil: null }); // the right one: forgiven
      expect((await store.reserveLoginAttempt('account:c', T0 + 21, policy)).granted).toBe(true);
    });

    it('6.3.1 a right password never clears a lock in force, and the login it came with is refused', async () => {
      for (let i = 0; i < 3; i++) await store.reserveLoginAttempt('account:d', T0, policy);
      await store.recordLoginFailure({ key: 'account:d', policy }, T0 + 1, failure);
      await store.recordLoginFailure({ key: 'account:d', policy }, T0 + 2, failure);
      const { lockedUntil } = await store.recordLoginFailure({ key: 'account:d', policy }, T0 + 3, failure);
      expect(lockedUntil).toBe(T0 + 1003);
      expect((await store.reserveLoginAttempt('account:d', T0 + 4, policy)).granted).toBe(false);
      expect(await store.settleLoginSuccess('account:d', T0 + 5)).toEqual({ lockedUntil: T0 + 1003 });
      expect(await store.reserveLoginAttempt('account:d', T0 + 6, policy)).toEqual({ granted: false, retryAt: T0 + 1003 });
    });

    it('a reservation whose process died counts as a failure after a minute, so the key is never stuck', async () => {
      for (let i = 0; i < 3; i++) await store.reserveLoginAttempt('account:e', T0, policy);
      expect((await store.reserveLoginAttempt('account:e', T0 + 59_000, policy)).granted).toBe(false);
      // the three never settled: taken as three failures, which lock the key
      expect(await store.reserveLoginAttempt('account:e', T0 + 60_000, policy)).toEqual({ granted: false, retryAt: T0 + 61_000 });
      expect((await store.reserveLoginAttempt('account:e', T0 + 61_000, policy)).granted).toBe(true);
    });

    it('prunes expired sessions, old windows, stale attempts and old audit rows', async () => {
      const user = await addUser('ada');
      await store.createSession(session('old', user.id, 'r-old'), T0, 10, null);
      await store.createSession({ ...session('new', user.id, 'r-new'), expiresAt: T0 + 10_000_000, absoluteExpiresAt: T0 + 10_000_000 }, T0, 10, null);
      await store.hitRateLimit('k', T0, 60_000, 10, limited);
      await fail('account:x@example.com', T0);
      const before = await store.rowCounts();
      expect(before).toMatchObject({ sessions: 2, refresh_tokens: 2, rate_limits: 1, login_attempts: 1, audit_log: 2 });
      const pruned = await store.prune(T0 + 200_000, { rateLimitMs: 60_000, loginAttemptMs: 100_000, auditMs: 100_000, outboxMs: 100_000 });
      expect(pruned).toEqual({ sessions: 1, rateLimits: 1, loginAttempts: 1, auditLog: 2, emailTokens: 0, outbox: 0 });
      expect(await store.rowCounts()).toMatchObject({ sessions: 1, refresh_tokens: 1, rate_limits: 0, login_attempts: 0, audit_log: 0 });
    });
  });

  describe('signing keys', () => {
    const keyAudit: AuditInput = { ...audit, event: 'signing_key_added' };
    const signingKey = (kid: string, createdAt: number, activatesAt = createdAt): SigningKeyRecord => ({
      kid,
      alg: 'ES256',
      publicJwk: JSON.stringify({ kty: 'EC', kid }),
      sealedPrivateKey: `v1.sealed-${kid}`,
      createdAt,
      activatesAt,
    });
    const kids = async () => (await store.listSigningKeys()).map((key) => key.kid);

    it('keeps keys as given, in order of activation, and audits each addition', async () => {
      const added = [signingKey('b', T0 + 10, T0 + 500), signingKey('a', T0, T0)];
      for (const key of added) expect(await store.addSigningKey(key, { unlessCreatedAfter: null, dropSupersededBefore: 0 }, keyAudit)).toBe(true);
      expect(await store.listSigningKeys()).toEqual([added[1], added[0]]);
      expect((await store.listAudit({ offset: 0, limit: 10, event: 'signing_key_added' })).total).toBe(2);
    });

    it('adds a due key only if no other was created since (another process rotated first)', async () => {
      await store.addSigningKey(signingKey('first', T0), { unlessCreatedAfter: null, dropSupersededBefore: 0 }, keyAudit);
      expect(await store.addSigningKey(signingKey('late', T0 + 5), { unlessCreatedAfter: T0 - 1, dropSupersededBefore: 0 }, keyAudit)).toBe(false);
      expect(await store.addSigningKey(signingKey('due', T0 + 5), { unlessCreatedAfter: T0, dropSupersededBefore: 0 }, keyAudit)).toBe(true);
      expect(await kids()).toEqual(['first', 'due']);
    });

    it('drops a key only once a later key has been active since the cut-off', async () => {
      for (const [kid, at] of [['k1', T0], ['k2', T0 + 100], ['k3', T0 + 200]] as const) {
        await store.addSigningKey(signingKey(kid, at), { unlessCreatedAfter: null, dropSupersededBefore: 0 }, keyAudit);
      }
      await store.addSigningKey(signingKey('k4', T0 + 300, T0 + 1000), { unlessCreatedAfter: null, dropSupersededBefore: T0 + 150 }, keyAudit);
      expect(await kids()).toEqual(['k2', 'k3', 'k4']); // k1: superseded by k2 at T0+100; k2 only at T0+200
    });
  });

  describe('second factor', () => {
    const hash = (text: string) => Buffer.from(text.padEnd(32, '.'));
    const passkey = (id: string, userId: number) => ({ id, userId, publicKey: Buffer.from([1, 2, 3]), counter: 0, transports: ['internal', 'hybrid'], name: 'laptop', createdAt: T0, lastUsedAt: null });

    it('6.3.3 a TOTP enrolment is pending until confirmed (with its codes), then a new set-up is refused; steps only move forward', async () => {
      const user = await addUser('ada');
      expect(await store.mfaStatus(user.id)).toEqual({ totp: false, passkeys: 0, recoveryCodesLeft: 0 });
      expect(await store.beginTotpEnrolment(user.id, 'sealed-1', T0)).toBe(true);
      expect(await store.beginTotpEnrolment(user.id, 'sealed-2', T0 + 1)).toBe(true); // a pending one is replaced
      expect(await store.acceptTotpStep(user.id, 10)).toBe(false); // nothing confirmed yet
      expect(await store.confirmTotpEnrolment(user.id, 'sealed-1', 5, [hash('a')], T0, audit)).toBe(false); // not the pending secret
      expect(await store.confirmTotpEnrolment(user.id, 'sealed-2', 5, [hash('a'), hash('b')], T0, audit)).toBe(true);
      expect(await store.findTotp(user.id)).toEqual({ sealedSecret: 'sealed-2', confirmedAt: T0, lastStep: 5 });
      expect(await store.beginTotpEnrolment(user.id, 'sealed-3', T0)).toBe(false);
      expect(await store.mfaStatus(user.id)).toEqual({ totp: true, passkeys: 0, recoveryCodesLeft: 2 });
      expect(await store.acceptTotpStep(user.id, 5)).toBe(false);
      expect(await store.acceptTotpStep(user.id, 4)).toBe(false);
      expect(await store.acceptTotpStep(user.id, 6)).toBe(true);
      expect(await store.spendRecoveryCode(user.id, hash('a'), T0)).toBe(true);
      expect(await store.spendRecoveryCode(user.id, hash('a'), T0)).toBe(false);
      expect(await store.spendRecoveryCode(user.id, hash('zzz'), T0)).toBe(false);
      expect((await store.mfaStatus(user.id)).recoveryCodesLeft).toBe(1);
      expect(await store.removeTotp(user.id, T0, { ...audit, event: 'totp_removed' })).toBe(true);
      expect(await store.removeTotp(user.id, T0, { ...audit, event: 'totp_removed' })).toBe(false);
      expect(await store.mfaStatus(user.id)).toEqual({ totp: false, passkeys: 0, recoveryCodesLeft: 0 });
    });

    it('finds the caller of GET /users/me with its own second-factor counts in one lookup, under the request-user rules', async () => {
      const ada = await addUser('ada');
      const bob = await addUser('bob');
      await store.createSession(session('s1', ada.id, 'token-1'), T0, 10, null);
      await store.createSession(session('s2', bob.id, 'token-2'), T0, 10, null);
      await store.beginTotpEnrolment(ada.id, 'sealed', T0);
      await store.confirmTotpEnrolment(ada.id, 'sealed', 5, [hash('a'), hash('b')], T0, audit);
      await store.addPasskey(passkey('cred-1', ada.id), { ...audit, event: 'passkey_added' });
      expect(await store.findMeForRequest(ada.id, 's1', T0 + 1)).toMatchObject({
        id: ada.id, permissions: ['read', 'write'], sessionId: 's1', mfa: { totp: true, passkeys: 1, recoveryCodesLeft: 2 },
      });
      expect((await store.findMeForRequest(bob.id, 's2', T0 + 1))?.mfa).toEqual({ totp: false, passkeys: 0, recoveryCodesLeft: 0 });
      expect(await store.findMeForRequest(bob.id, 's1', T0 + 1)).toBeNull(); // ada's session
      expect(await store.findMeForRequest(ada.id, 's1', T0 + 60_000)).toBeNull(); // expired
    });

    it('an admin reset removes TOTP, codes and passkeys, audited with the counts; a stale admin is refused', async () => {
      const admin = await actor();
      const user = await addUser('ada');
      await store.beginTotpEnrolment(user.id, 'sealed', T0);
      await store.confirmTotpEnrolment(user.id, 'sealed', 1, [hash('a')], T0, audit);
      expect(await store.addPasskey(passkey('cred-1', user.id), { ...audit, event: 'passkey_added' })).toBe(true);
      const entry = { ...audit, event: 'mfa_reset_by_admin' as const, userId: user.id };
      expect(await store.resetMfa(user.id, T0, { ...admin, sessionId: 'gone' }, entry)).toBe('forbidden');
      expect(await store.resetMfa(9999, T0, admin, entry)).toBe('not_found');
      expect(await store.resetMfa(user.id, T0, admin, entry)).toBe('reset');
      expect(await store.mfaStatus(user.id)).toEqual({ totp: false, passkeys: 0, recoveryCodesLeft: 0 });
      const logged = await store.listAudit({ offset: 0, limit: 5, event: 'mfa_reset_by_admin' });
      expect(logged.items[0].details).toEqual({ totp: 1, recovery_codes: 1, passkeys: 1 });
    });

    it('7.5.1 a session is fresh from its creation, and from each re-authentication; only a live session of its user', async () => {
      const user = await addUser('ada');
      await store.createSession(session('s1', user.id, 'r1'), T0, 10, null);
      expect(await store.sessionAuthenticatedAt(user.id, 's1', T0 + 1)).toBe(T0);
      expect(await store.markSessionAuthenticated(user.id, 's1', T0 + 500, null)).toBe(true);
      expect(await store.sessionAuthenticatedAt(user.id, 's1', T0 + 501)).toBe(T0 + 500);
      expect(await store.markSessionAuthenticated(user.id + 1, 's1', T0 + 600, null)).toBe(false);
      expect(await store.markSessionAuthenticated(user.id, 's1', T0 + 60_000, null)).toBe(false); // expired
      expect(await store.sessionAuthenticatedAt(user.id, 's1', T0 + 60_000)).toBeNull();
    });

    it('keeps passkeys per user, moves a counter only from the value it was read at, and takes a challenge once', async () => {
      const user = await addUser('ada');
      expect(await store.addPasskey(passkey('cred-1', user.id), { ...audit, event: 'passkey_added' })).toBe(true);
      expect(await store.addPasskey(passkey('cred-1', user.id), { ...audit, event: 'passkey_added' })).toBe(false);
      expect(await store.findPasskey('cred-1')).toMatchObject({ id: 'cred-1', userId: user.id, publicKey: Buffer.from([1, 2, 3]), transports: ['internal', 'hybrid'] });
      expect(await store.usePasskey('cred-1', 0, 3, T0)).toBe(true);
      expect(await store.usePasskey('cred-1', 0, 4, T0)).toBe(false);
      expect((await store.listPasskeys(user.id)).map((p) => [p.counter, p.lastUsedAt])).toEqual([[3, T0]]);
      expect(await store.removePasskey(user.id + 1, 'cred-1', T0, { ...audit, event: 'passkey_removed' })).toBe(false);
      expect(await store.removePasskey(user.id, 'cred-1', T0, { ...audit, event: 'passkey_removed' })).toBe(true);
      await store.saveWebauthnChallenge({ challenge: 'c1', purpose: 'login', userId: null, expiresAt: T0 + 1000 }, T0);
      await store.saveWebauthnChallenge({ challenge: 'c2', purpose: 'register', userId: user.id, expiresAt: T0 + 1000 }, T0);
      expect(await store.takeWebauthnChallenge('c1', 'register', T0)).toBeNull();
      expect(await store.takeWebauthnChallenge('c1', 'login', T0 + 1000)).toBeNull(); // expired
      expect(await store.takeWebauthnChallenge('c2', 'register', T0)).toEqual({ challenge: 'c2', purpose: 'register', userId: user.id, expiresAt: T0 + 1000 });
      expect(await store.takeWebauthnChallenge('c2', 'register', T0)).toBeNull();
    });
  });

  describe('concurrency: many operations at once, through two stores on one database', () => {
    const times = <T>(count: number, make: (i: number) => Promise<T>) => Promise.all(Array.from({ length: count }, (_, i) => make(i)));

    it('6.3.3 one TOTP step, one recovery code, one challenge, one counter value taken 20 times at once: each exactly once', async () => {
      const other = await another();
      const user = await addUser('ada');
      await store.beginTotpEnrolment(user.id, 'sealed', T0);
      await store.confirmTotpEnrolment(user.id, 'sealed', 1, [Buffer.from('code-a')], T0, audit);
      await store.addPasskey({ id: 'cred', userId: user.id, publicKey: Buffer.from([1]), counter: 0, transports: [], name: 'key', createdAt: T0, lastUsedAt: null }, { ...audit, event: 'passkey_added' });
      await store.saveWebauthnChallenge({ challenge: 'once', purpose: 'login', userId: null, expiresAt: T0 + 1000 }, T0);
      const pick = (i: number) => (i % 2 ? other : store);
      expect((await times(20, (i) => pick(i).acceptTotpStep(user.id, 2))).filter(Boolean)).toHaveLength(1);
      expect((await times(20, (i) => pick(i).spendRecoveryCode(user.id, Buffer.from('code-a'), T0))).filter(Boolean)).toHaveLength(1);
      expect((await times(20, (i) => pick(i).takeWebauthnChallenge('once', 'login', T0))).filter(Boolean)).toHaveLength(1);
      expect((await times(20, (i) => pick(i).usePasskey('cred', 0, 1, T0))).filter(Boolean)).toHaveLength(1);
    });

    it('registrations of one email at once: one account, every other answer email_taken', async () => {
      const other = await another();
      const results = await times(20, (i) =>
        (i % 2 ? other : store).createUser({ username: `ada${i}`, email: 'ada@example.com', passwordHash: 'h', role: 'user', now: T0 }, audit),
      );
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(Array(19).fill('email_taken'));
      const sameName = await times(10, (i) =>
        (i % 2 ? other : store).createUser({ username: i % 3 ? 'BOB' : 'bob', email: `bob${i}@example.com`, passwordHash: 'h', role: 'user', now: T0 }, audit),
      );
      expect(sameName.filter((r) => !r.ok).map((r) => !r.ok && r.reason)).toEqual(Array(9).fill('username_taken'));
    });

    it('6.3.1 wrong passwords at once are all counted, and no more checks are granted than the budget', async () => {
      const other = await another();
      const policy = { threshold: 40, baseMs: 60_000, maxMs: 60_000, resetAfterMs: 86_400_000 };
      const failure = { ...audit, event: 'login_failure' as const };
      const reservations = await times(60, (i) => (i % 2 ? other : store).reserveLoginAttempt('account:x', T0, policy));
      expect(reservations.filter((r) => r.granted)).toHaveLength(40);
      const settled = await times(40, (i) => (i % 2 ? other : store).recordLoginFailure({ key: 'account:x', policy }, T0 + 1, failure));
      expect(settled.filter((r) => r.lockedUntil !== null)).toEqual([{ lockedUntil: T0 + 60_001 }]); // the 40th failure, and only it, locks
      expect(await store.reserveLoginAttempt('account:x', T0 + 2, policy)).toEqual({ granted: false, retryAt: T0 + 60_001 });
      expect((await store.listAudit({ offset: 0, limit: 1, event: 'login_failure' })).total).toBe(40);
      expect((await store.listAudit({ offset: 0, limit: 1, event: 'login_locked' })).total).toBe(1);
    });

    it('rate-limit hits at once: exactly the limit allowed, one audit row', async () => {
      const other = await another();
      const limited = { ...audit, event: 'rate_limited' as const };
      const hits = await times(50, (i) => (i % 2 ? other : store).hitRateLimit('login:ip:z', T0, 60_000, 10, limited));
      expect(hits.filter((hit) => hit.allowed)).toHaveLength(10);
      expect((await store.listAudit({ offset: 0, limit: 10, event: 'rate_limited' })).total).toBe(1);
    });

    it('7.4.1 two rotations of one refresh token at once: one rotated, one reused, the session ended (20 trials)', async () => {
      const other = await another();
      const user = await addUser('ada');
      for (let trial = 0; trial < 20; trial++) {
        await store.createSession(session(`s${trial}`, user.id, `r${trial}`), T0, 100, null);
        const results = await times(2, (i) => (i % 2 ? other : store).rotateRefreshToken(Buffer.from(`r${trial}`), Buffer.from(`r${trial}-${i}`), T0 + 1, 60_000, ctx));
        expect(results.map((r) => r.status).sort()).toEqual(['reused', 'rotated']);
        expect(await store.findUserForRequest(user.id, `s${trial}`, T0 + 2)).toBeNull();
      }
    });

    it('due rotations at once, through two stores: exactly one key is added (10 trials)', async () => {
      const other = await another();
      for (let trial = 0; trial < 10; trial++) {
        const at = T0 + trial * 1000;
        const results = await times(10, (i) =>
          (i % 2 ? other : store).addSigningKey(
            { kid: `t${trial}-${i}`, alg: 'ES256', publicJwk: '{}', sealedPrivateKey: 'v1.x', createdAt: at + 1, activatesAt: at + 1 },
            { unlessCreatedAfter: at, dropSupersededBefore: 0 },
            { ...audit, event: 'signing_key_added' },
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
      }
      expect(await store.listSigningKeys()).toHaveLength(10);
    });

    it('8.2.1 the last two admins disabling each other at once leave one enabled admin (20 trials)', async () => {
      const other = await another();
      let keeper = await actor();
      for (let trial = 0; trial < 20; trial++) {
        const fresh = await actor(); // now exactly two enabled admins: keeper and fresh
        const [byKeeper, byFresh] = await Promise.all([
          store.updateUser(fresh.userId, { disabled: true }, T0 + 1, keeper, ctx),
          other.updateUser(keeper.userId, { disabled: true }, T0 + 1, fresh, ctx),
        ]);
        expect([byKeeper.ok, byFresh.ok].filter(Boolean)).toHaveLength(1);
        expect(byKeeper.ok ? byFresh : byKeeper).toEqual({ ok: false, reason: 'forbidden' }); // its actor was disabled first
        expect((await store.listUsers({ offset: 0, limit: 100, role: 'admin', disabled: false })).total).toBe(1);
        if (byFresh.ok) keeper = fresh;
      }
    });
  });

  describe('email tokens and the outbox', () => {
    const draft = (kind: MailDraft['kind'] = 'password_reset'): MailDraft => ({ kind, subject: `s ${kind}`, text: `text ${kind} token=secret`, html: '<p>h</p>' });
    const token = (name: string, purpose: NewEmailToken['purpose'], email: string, expiresAt = T0 + 60_000): NewEmailToken => ({
      tokenHash: Buffer.from(name),
      purpose,
      email,
      expiresAt,
    });
    const reset = (name: string, hash = '$2b$04$new', at = T0 + 1) =>
      store.resetPassword(Buffer.from(name), hash, (email) => `account:${email}`, at, draft('notice_password_reset'), { ...audit, event: 'password_reset' });
    const outbox = async () => (await store.listOutbox({ offset: 0, limit: 100 })).items;

    it('writes a verification token and its message with the account, in one transaction', async () => {
      const input = { username: 'ada', email: 'ada@example.com', passwordHash: 'h', role: 'user', now: T0, verification: { token: token('v1', 'verify_email', 'ada@example.com'), message: draft('verify_email') } };
      const created = await store.createUser(input, audit);
      expect(created).toMatchObject({ ok: true, user: { email: 'ada@example.com', emailVerifiedAt: null } });
      expect(await outbox()).toMatchObject([{ kind: 'verify_email', recipient: 'ada@example.com', status: 'pending', attempts: 0 }]);
      const clash = await store.createUser({ ...input, username: 'other', verification: { token: token('v2', 'verify_email', 'ada@example.com'), message: draft('verify_email') } }, audit);
      expect(clash).toEqual({ ok: false, reason: 'email_taken' });
      expect(await outbox()).toHaveLength(1); // the refused registration wrote no message
      expect(await store.findEmailToken(Buffer.from('v2'), 'verify_email', T0)).toBeNull();
    });

    it('6.4.2 a newer token spends the older; a token is found only while live, of its purpose, for an enabled account', async () => {
      const ada = await addUser('ada');
      expect(await store.issueEmailToken(ada.id, token('r1', 'password_reset', ada.email), draft(), T0, audit)).toBe(true);
      expect(await store.findEmailToken(Buffer.from('r1'), 'password_reset', T0)).toMatchObject({ purpose: 'password_reset', email: ada.email, user: { id: ada.id } });
      expect(await store.findEmailToken(Buffer.from('r1'), 'verify_email', T0)).toBeNull();
      expect(await store.findEmailToken(Buffer.from('r1'), 'password_reset', T0 + 60_000)).toBeNull(); // expired
      await store.issueEmailToken(ada.id, token('r2', 'password_reset', ada.email), draft(), T0, audit);
      expect(await store.findEmailToken(Buffer.from('r1'), 'password_reset', T0)).toBeNull();
      expect(await store.findEmailToken(Buffer.from('r2'), 'password_reset', T0)).not.toBeNull();
      expect(await store.issueEmailToken(9999, token('r3', 'password_reset', 'x@example.com'), draft(), T0, audit)).toBe(false);
      await store.updateUser(ada.id, { disabled: true }, T0, await actor(), ctx);
      expect(await store.findEmailToken(Buffer.from('r2'), 'password_reset', T0)).toBeNull();
    });

    it('6.4.1 a reset request for an unknown or disabled address writes no token and no message, but the same audit row', async () => {
      const ada = await addUser('ada');
      const requested = { ...audit, event: 'password_reset_requested' as const };
      await store.requestPasswordReset('nobody@example.com', token('n1', 'password_reset', 'nobody@example.com'), draft(), T0, requested);
      await store.requestPasswordReset(ada.email, token('a1', 'password_reset', ada.email), draft(), T0, requested);
      expect(await outbox()).toMatchObject([{ recipient: ada.email }]);
      const rows = (await store.listAudit({ offset: 0, limit: 10, event: 'password_reset_requested' })).items;
      expect(rows.map((row) => row.userId)).toEqual([ada.id, null]);
    });

    it('6.4.1 a reset spends its token once: password set, every session ended, lock-out cleared, other reset tokens spent, notice queued', async () => {
      const ada = await addUser('ada');
      await store.createSession(session('s1', ada.id, 't1'), T0, 10, null);
      await store.createSession(session('s2', ada.id, 't2'), T0, 10, null);
      const policy = { threshold: 1, baseMs: 60_000, maxMs: 60_000, resetAfterMs: 86_400_000 };
      await store.reserveLoginAttempt(`account:${ada.email}`, T0, policy);
      await store.recordLoginFailure({ key: `account:${ada.email}`, policy }, T0, { ...audit, event: 'login_failure' });
      await store.issueEmailToken(ada.id, token('r1', 'password_reset', ada.email), draft(), T0, audit);
      const result = await reset('r1');
      expect(result).toMatchObject({ ok: true, user: { id: ada.id }, sessionsEnded: 2 });
      expect((await store.findUserById(ada.id))!.passwordHash).toBe('$2b$04$new');
      expect(await store.reserveLoginAttempt(`account:${ada.email}`, T0 + 2, policy)).toEqual({ granted: true });
      expect(await reset('r1', '$2b$04$again')).toEqual({ ok: false });
      expect((await store.findUserById(ada.id))!.passwordHash).toBe('$2b$04$new');
      expect((await outbox()).map((m) => [m.kind, m.recipient])).toEqual([['notice_password_reset', ada.email], ['password_reset', ada.email]]);
      expect((await store.listAudit({ offset: 0, limit: 1, event: 'password_reset' })).items[0].details).toEqual({ sessions_ended: 2 });
    });

    it('6.4.1 a password change spends every reset token of the account and queues its notice', async () => {
      const ada = await addUser('ada');
      await store.issueEmailToken(ada.id, token('r1', 'password_reset', ada.email), draft(), T0, audit);
      await store.changePassword(ada.id, '$2b$04$changed', null, T0, { ...audit, event: 'password_change' }, draft('notice_password_changed'));
      expect(await reset('r1')).toEqual({ ok: false });
      expect((await outbox())[0]).toMatchObject({ kind: 'notice_password_changed', recipient: ada.email });
    });

    it('verifies an address; an address change moves the account, tells the old address, and refuses an address taken meanwhile', async () => {
      const ada = await addUser('ada');
      const notice = draft('notice_email_changed');
      await store.issueEmailToken(ada.id, token('v1', 'verify_email', ada.email), draft('verify_email'), T0, audit);
      expect(await store.verifyEmail(Buffer.from('v1'), T0 + 1, notice, audit)).toMatchObject({ status: 'verified', user: { emailVerifiedAt: T0 + 1 }, previousEmail: null });
      expect(await store.verifyEmail(Buffer.from('v1'), T0 + 2, notice, audit)).toEqual({ status: 'invalid' });
      await store.issueEmailToken(ada.id, token('c1', 'email_change', 'ada@new.example'), draft('email_change'), T0, audit);
      expect(await store.verifyEmail(Buffer.from('c1'), T0 + 3, notice, audit)).toMatchObject({ status: 'verified', user: { email: 'ada@new.example', emailVerifiedAt: T0 + 3 }, previousEmail: ada.email });
      expect((await outbox())[0]).toMatchObject({ kind: 'notice_email_changed', recipient: ada.email });
      expect((await store.listAudit({ offset: 0, limit: 1, event: 'email_changed' })).items[0].details).toEqual({ previous_email: ada.email, email: 'ada@new.example' });
      await store.issueEmailToken(ada.id, token('c2', 'email_change', 'bob@example.com'), draft('email_change'), T0, audit);
      await addUser('bob');
      expect(await store.verifyEmail(Buffer.from('c2'), T0 + 4, notice, audit)).toEqual({ status: 'email_taken' });
      expect((await store.findUserById(ada.id))!.email).toBe('ada@new.example');
    });

    it('claims a due message for one sender at a time, again once its lease runs out; settles only with the claim', async () => {
      await store.enqueueMail({ ...draft(), recipient: 'a@example.com' }, T0);
      const [first] = await store.claimOutbox(T0, 1000, 10);
      expect(first).toMatchObject({ recipient: 'a@example.com', attempts: 1, text: 'text password_reset token=secret' });
      expect(await store.claimOutbox(T0 + 999, 1000, 10)).toEqual([]);
      const [again] = await store.claimOutbox(T0 + 1000, 1000, 10); // the first sender died
      expect(again).toMatchObject({ id: first.id, attempts: 2 });
      expect(await store.settleOutbox(first.id, first.claim, { sent: true }, T0 + 1001)).toBe(false); // not its claim any more
      expect(await store.settleOutbox(again.id, again.claim, { sent: false, error: 'connection refused', retryAt: T0 + 5000 }, T0 + 1001)).toBe(true);
      expect(await store.claimOutbox(T0 + 4999, 1000, 10)).toEqual([]);
      const [third] = await store.claimOutbox(T0 + 5000, 1000, 10);
      expect(await store.settleOutbox(third.id, third.claim, { sent: true }, T0 + 5001)).toBe(true);
      expect(await outbox()).toMatchObject([{ status: 'sent', attempts: 3, sentAt: T0 + 5001, text: '', html: '', lastError: null }]);
      expect(await store.claimOutbox(T0 + 999_999, 1000, 10)).toEqual([]);
    });

    it('keeps a message that failed for good, with its error, visible and never claimed again', async () => {
      await store.enqueueMail({ ...draft(), recipient: 'gone@example.com' }, T0);
      const [claimed] = await store.claimOutbox(T0, 1000, 10);
      await store.settleOutbox(claimed.id, claimed.claim, { sent: false, error: '550 No such mailbox', retryAt: null }, T0 + 1);
      expect(await store.claimOutbox(T0 + 999_999, 1000, 10)).toEqual([]);
      const failed = await store.listOutbox({ offset: 0, limit: 10, status: 'failed' });
      expect(failed).toMatchObject({ total: 1, items: [{ recipient: 'gone@example.com', lastError: '550 No such mailbox', attempts: 1 }] });
      expect((await store.listOutbox({ offset: 0, limit: 10, status: 'pending' })).total).toBe(0);
    });

    it('prunes expired tokens and settled messages past the retention, never a live token or a message still to send', async () => {
      const ada = await addUser('ada');
      await store.issueEmailToken(ada.id, token('gone', 'password_reset', ada.email, T0 + 1000), draft(), T0, audit);
      await store.issueEmailToken(ada.id, token('live', 'verify_email', ada.email, T0 + 10_000_000), draft('verify_email'), T0, audit);
      for (const recipient of ['sent@example.com', 'failed@example.com', 'waiting@example.com']) await store.enqueueMail({ ...draft(), recipient }, T0);
      const claimed = await store.claimOutbox(T0, 1000, 10);
      const settle = (recipient: string, outcome: Parameters<typeof store.settleOutbox>[2]) =>
        Promise.all(claimed.filter((m) => m.recipient === recipient).map((m) => store.settleOutbox(m.id, m.claim, outcome, T0 + 1)));
      await settle('sent@example.com', { sent: true });
      await settle('failed@example.com', { sent: false, error: '550 No such mailbox', retryAt: null });
      await settle('waiting@example.com', { sent: false, error: 'connection refused', retryAt: T0 + 500_000 });
      await settle('ada@example.com', { sent: true }); // the two tokens' messages
      await store.enqueueMail({ ...draft(), recipient: 'recent@example.com' }, T0 + 150_000); // within the retention
      const retention = { rateLimitMs: 60_000, loginAttemptMs: 100_000, auditMs: 100_000, outboxMs: 100_000 };
      expect(await store.prune(T0 + 200_000, retention)).toMatchObject({ emailTokens: 1, outbox: 4 });
      expect(await store.findEmailToken(Buffer.from('live'), 'verify_email', T0 + 200_000)).not.toBeNull();
      expect((await outbox()).map((m) => m.recipient).sort()).toEqual(['recent@example.com', 'waiting@example.com']);
    });

    it('claims at once through two stores: every message claimed exactly once', async () => {
      const other = await another();
      for (let i = 0; i < 40; i++) await store.enqueueMail({ ...draft(), recipient: `r${i}@example.com` }, T0);
      const claims = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : store).claimOutbox(T0, 60_000, 3)));
      const ids = claims.flat().map((message) => message.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(40);
    });

    it('6.4.1 resets with one token at once through two stores: exactly one succeeds', async () => {
      const other = await another();
      const ada = await addUser('ada');
      await store.issueEmailToken(ada.id, token('r1', 'password_reset', ada.email), draft(), T0, audit);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          (i % 2 ? other : store).resetPassword(Buffer.from('r1'), `$2b$04$hash${i}`, (email) => `account:${email}`, T0 + 1, draft('notice_password_reset'), { ...audit, event: 'password_reset' }),
        ),
      );
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect((await outbox()).filter((m) => m.kind === 'notice_password_reset')).toHaveLength(1);
    });
  });
});

describe('SQLite: openDatabase', () => {
  let dir: string;
  let db: SqliteDatabase;
  beforeEach(() => {
    dir = tempDir('authbook-store-');
    db = openDatabase(path.join(dir, 'auth.db'));
  });
  afterEach(() => {
    if (db.open) db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('uses WAL, synchronous=FULL, foreign keys, and records the schema version', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });

  it('refuses a database from a newer release', () => {
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(path.join(dir, 'auth.db'))).toThrow(/newer than this release supports/);
  });
});

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL: connections', () => {
  it('connections the server ends are replaced: reported, no crash, and the next operations work', async () => {
    const database = await createTestDatabase();
    const dropped: Error[] = [];
    const store = await openPostgresStore({ connectionString: database.url, max: 4, onIdleError: (error) => dropped.push(error) });
    try {
      await Promise.all([store.ping(), store.listUsers({ offset: 0, limit: 1 })]); // two pooled connections, now idle
      const admin = new pg.Client({ connectionString: TEST_DATABASE_URL! });
      await admin.connect();
      await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND application_name = 'authbook'", [new URL(database.url).pathname.slice(1)]);
      await admin.end();
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(dropped.length).toBeGreaterThan(0);
      expect(await store.ping()).toBe(true);
      expect(await store.hitRateLimit('k', T0, 60_000, 5, { ...audit, event: 'rate_limited' })).toMatchObject({ allowed: true });
    } finally {
      await store.close();
      await database.drop();
    }
  });
});

describe.skipIf(!TEST_DATABASE_URL)('PostgreSQL: migrations', () => {
  it('several stores opening one new database at once migrate it exactly once', async () => {
    const database = await createTestDatabase();
    try {
      const stores = await Promise.all(Array.from({ length: 6 }, () => openPostgresStore({ connectionString: database.url, max: 2 })));
      expect((await Promise.all(stores.map((each) => each.listRoles()))).map((roles) => roles.length)).toEqual(Array(6).fill(2));
      await Promise.all(stores.map((each) => each.close()));
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      const { rows } = await client.query('SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((row) => row.version)).toEqual(Array.from({ length: POSTGRES_SCHEMA_VERSION }, (_, i) => i + 1));
      // The seeds chose their ids; new rows continue after them.
      expect((await client.query("INSERT INTO roles (name) VALUES ('probe') RETURNING id")).rows[0].id).toBe(3);
      await client.query(`INSERT INTO schema_migrations (version, applied_at) VALUES (${POSTGRES_SCHEMA_VERSION + 1}, 0)`);
      await client.end();
      await expect(openPostgresStore({ connectionString: database.url, max: 1 })).rejects.toThrow(/newer than this release supports/);
    } finally {
      await database.drop();
    }
  });
});
