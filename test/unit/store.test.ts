import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/db/migrations';
import { openDatabase, type SqliteDatabase } from '../../src/db/open-database';
import { createSqliteStore } from '../../src/db/sqlite-store';
import type { AuditInput, AuthStore } from '../../src/db/store';
import { tempDir } from '../helpers/test-server';

let dir: string;
let db: SqliteDatabase;
let store: AuthStore;
const audit: AuditInput = { event: 'register', userId: null, actorId: null, ip: '127.0.0.1', userAgent: 'test' };
const T0 = 1_800_000_000_000;

beforeEach(() => {
  dir = tempDir('authbook-store-');
  db = openDatabase(path.join(dir, 'auth.db'));
  store = createSqliteStore(db);
});
afterEach(() => {
  if (db.open) db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function addUser(username: string, role = 'user', email = `${username.toLowerCase()}@example.com`) {
  const result = await store.createUser({ username, email, passwordHash: '$2b$04$hash', role, now: T0 }, audit);
  if (!result.ok) throw new Error(result.reason);
  return result.user;
}

const session = (id: string, userId: number, hash: string) => ({
  id,
  userId,
  refreshTokenHash: Buffer.from(hash),
  expiresAt: T0 + 60_000,
  absoluteExpiresAt: T0 + 120_000,
  userAgent: 'ua',
  ip: '10.0.0.1',
});

describe('openDatabase', () => {
  it('uses WAL, synchronous=FULL, foreign keys, and records the schema version', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
  });

  it('seeds the original roles and permissions, once', async () => {
    const expected = [
      { id: 1, name: 'user', description: 'Regular user with basic permissions', permissions: ['read', 'write'] },
      { id: 2, name: 'admin', description: 'Administrator with full permissions', permissions: ['read', 'write', 'delete', 'admin'] },
    ];
    expect(await store.listRoles()).toEqual(expected);
    db.close();
    const again = createSqliteStore(openDatabase(path.join(dir, 'auth.db')));
    expect(await again.listRoles()).toEqual(expected);
    again.close();
  });

  it('refuses a database from a newer release', () => {
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(() => openDatabase(path.join(dir, 'auth.db'))).toThrow(/newer than this release supports/);
  });
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
    const boss = await addUser('boss', 'admin');
    await store.updateUser((await addUser('gone')).id, { disabled: true }, T0, []);
    const page = await store.listUsers({ offset: 1, limit: 2 });
    expect(page.total).toBe(5);
    expect(page.items.map((u) => u.username)).toEqual(['u2', 'u3']);
    expect(JSON.stringify(page)).not.toContain('$2b$');
    expect((await store.listUsers({ offset: 0, limit: 10, role: 'admin' })).items.map((u) => u.id)).toEqual([boss.id]);
    expect((await store.listUsers({ offset: 0, limit: 10, disabled: true })).items.map((u) => u.username)).toEqual(['gone']);
    expect((await store.listUsers({ offset: 0, limit: 10, disabled: false })).total).toBe(4);
  });

  it('never leaves no enabled admin: demote, disable or delete the last one is refused', async () => {
    const first = await addUser('first', 'admin');
    expect(await store.updateUser(first.id, { role: 'user' }, T0, [])).toEqual({ ok: false, reason: 'last_admin' });
    expect(await store.updateUser(first.id, { disabled: true }, T0, [])).toEqual({ ok: false, reason: 'last_admin' });
    expect(await store.deleteUser(first.id, T0, audit)).toBe('last_admin');
    const second = await addUser('second', 'admin');
    expect(await store.updateUser(first.id, { role: 'user' }, T0, [])).toMatchObject({ ok: true, user: { role: 'user' } });
    expect(await store.updateUser(second.id, { disabled: true }, T0, [])).toEqual({ ok: false, reason: 'last_admin' });
  });

  it('finds the request user only through a live session of an enabled account', async () => {
    const user = await addUser('ada');
    await store.createSession(session('s1', user.id, 'token-1'), T0, 10, null);
    expect(await store.findUserForRequest(user.id, 's1', T0 + 1)).toMatchObject({ id: user.id, role: 'user', permissions: ['read', 'write'], sessionId: 's1' });
    expect(await store.findUserForRequest(user.id + 1, 's1', T0 + 1)).toBeNull(); // session of someone else
    expect(await store.findUserForRequest(user.id, 's1', T0 + 60_000)).toBeNull(); // expired
    await store.updateUser(user.id, { disabled: true }, T0, []);
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
    const ctx = { actorId: null, ip: null, userAgent: null };
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
    const ctx = { actorId: null, ip: null, userAgent: null };
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
  it('counts hits in fixed windows per key', async () => {
    const windowMs = 60_000;
    const start = T0 - (T0 % windowMs);
    expect(await store.hitRateLimit('login:ip:a', start + 1, windowMs)).toEqual({ count: 1, resetAt: start + windowMs });
    expect(await store.hitRateLimit('login:ip:a', start + 2, windowMs)).toEqual({ count: 2, resetAt: start + windowMs });
    expect((await store.hitRateLimit('login:ip:b', start + 3, windowMs)).count).toBe(1);
    expect(await store.hitRateLimit('login:ip:a', start + windowMs, windowMs)).toEqual({ count: 1, resetAt: start + 2 * windowMs });
  });

  it('locks an account after the threshold, twice as long each round, capped', async () => {
    const policy = { threshold: 3, baseMs: 1000, maxMs: 3000, resetAfterMs: 86_400_000 };
    const fail = (t: number) => store.recordLoginFailure('a@example.com', t, policy, { ...audit, event: 'login_failure' });
    expect(await fail(T0)).toEqual({ lockedUntil: null });
    expect(await fail(T0 + 1)).toEqual({ lockedUntil: null });
    expect(await fail(T0 + 2)).toEqual({ lockedUntil: T0 + 1002 });
    expect(await store.getLockedUntil('a@example.com', T0 + 500)).toBe(T0 + 1002);
    expect(await store.getLockedUntil('b@example.com', T0 + 500)).toBeNull();
    for (const t of [T0 + 2000, T0 + 2001]) await fail(t);
    expect(await fail(T0 + 2002)).toEqual({ lockedUntil: T0 + 4002 }); // doubled
    for (const t of [T0 + 5000, T0 + 5001]) await fail(t);
    expect(await fail(T0 + 5002)).toEqual({ lockedUntil: T0 + 8002 }); // 4000 capped at 3000
    await store.clearLoginFailures('a@example.com');
    expect(await store.getLockedUntil('a@example.com', T0 + 5003)).toBeNull();
  });

  it('prunes expired sessions, old windows, stale failures and old audit rows', async () => {
    const user = await addUser('ada');
    await store.createSession(session('old', user.id, 'r-old'), T0, 10, null);
    await store.createSession({ ...session('new', user.id, 'r-new'), expiresAt: T0 + 10_000_000, absoluteExpiresAt: T0 + 10_000_000 }, T0, 10, null);
    await store.hitRateLimit('k', T0, 60_000);
    await store.recordLoginFailure('x@example.com', T0, { threshold: 5, baseMs: 1, maxMs: 1, resetAfterMs: 1 }, { ...audit, event: 'login_failure' });
    const before = await store.rowCounts();
    expect(before).toMatchObject({ sessions: 2, refresh_tokens: 2, rate_limits: 1, login_failures: 1, audit_log: 2 });
    const pruned = await store.prune(T0 + 200_000, { rateLimitMs: 60_000, loginFailureMs: 100_000, auditMs: 100_000 });
    expect(pruned).toEqual({ sessions: 1, rateLimits: 1, loginFailures: 1, auditLog: 2 });
    expect(await store.rowCounts()).toMatchObject({ sessions: 1, refresh_tokens: 1, rate_limits: 0, login_failures: 0, audit_log: 0 });
  });
});
