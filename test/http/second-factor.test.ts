// TOTP as a second factor over HTTP: enrolment (nothing active until the first code), the login
// challenge and its second step, a code accepted once, recovery codes single-use, removal, the
// admin's reset, and GET /users/me's summary. The concurrency and fresh-authentication rules are in
// second-factor-concurrency.test.ts and fresh-auth.test.ts.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeAt, enrolTotp, mfaTokenFor } from '../helpers/second-factor';
import { loginAdmin, registerUser, request, startTestServer, TEST_STORE, type TestServer } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const me = (token: string) => server.request('GET', '/users/me', { token });
const loginMfa = (body: Record<string, string>) => server.request('POST', '/login/mfa', { body });
const challenge = (user: { email: string; password: string }) => mfaTokenFor(server.url, request, user);

describe('TOTP enrolment', () => {
  it('6.3.3 set-up needs the password and activates nothing; the first right code turns it on and returns 10 recovery codes once', async () => {
    const user = await registerUser(server);
    const wrong = await server.request('POST', '/users/me/mfa/totp/setup', { token: user.token, body: { password: 'not my password at all' } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_current_password');

    const setup = await server.request('POST', '/users/me/mfa/totp/setup', { token: user.token, body: { password: user.password } });
    expect(setup.status).toBe(200);
    expect(setup.headers.get('cache-control')).toBe('no-store');
    expect(setup.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setup.body.otpauth_uri).toMatch(/^otpauth:\/\/totp\/authbook:.+\?.*secret=[A-Z2-7]{32}/);
    expect(setup.body.qr_code_svg).toMatch(/^<svg[^>]*>.*<\/svg>\s*$/s);
    expect((await me(user.token)).body.user.mfa).toEqual({ totp: false, passkeys: 0, recovery_codes_left: 0 });
    const stillPassword = await server.request('POST', '/login', { body: { email: user.email, password: user.password } });
    expect(stillPassword.body.token).toEqual(expect.any(String));

    const badCode = await server.request('POST', '/users/me/mfa/totp/confirm', { token: user.token, body: { code: codeAt(setup.body.secret, 5) } });
    expect(badCode.status).toBe(400);
    expect(badCode.body.error).toBe('invalid_code');
    const confirmed = await server.request('POST', '/users/me/mfa/totp/confirm', { token: user.token, body: { code: codeAt(setup.body.secret, -1) } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.recovery_codes).toHaveLength(10);
    expect(new Set(confirmed.body.recovery_codes).size).toBe(10);
    for (const code of confirmed.body.recovery_codes) expect(code).toMatch(/^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    expect((await me(user.token)).body.user.mfa).toEqual({ totp: true, passkeys: 0, recovery_codes_left: 10 });

    const again = await server.request('POST', '/users/me/mfa/totp/setup', { token: user.token, body: { password: user.password } });
    expect(again.status).toBe(409);
    expect(again.body.error).toBe('mfa_already_enabled');
    const confirmAgain = await server.request('POST', '/users/me/mfa/totp/confirm', { token: user.token, body: { code: codeAt(setup.body.secret) } });
    expect(confirmAgain.status).toBe(409);
  });

  it.runIf(TEST_STORE === 'sqlite')('6.3.3 the secret is stored sealed (AES-256-GCM) and the recovery codes only as hashes', async () => {
    const user = await registerUser(server);
    const { secret, recoveryCodes } = await enrolTotp(server, user);
    const db = new Database(path.join(server.dir, 'auth.db'), { readonly: true });
    try {
      const row = db.prepare('SELECT secret_sealed FROM totp_factors WHERE user_id = ?').get(user.id) as { secret_sealed: string };
      expect(row.secret_sealed).toMatch(/^v1\./);
      expect(row.secret_sealed).not.toContain(secret);
      const hashes = db.prepare('SELECT code_hash FROM recovery_codes WHERE user_id = ?').all(user.id) as Array<{ code_hash: Buffer }>;
      expect(hashes).toHaveLength(10);
      const stored = hashes.map((h) => h.code_hash.toString('latin1')).join('|');
      for (const code of recoveryCodes) expect(stored).not.toContain(code.replace(/-/g, ''));
    } finally {
      db.close();
    }
  });
});

describe('login with a second factor', () => {
  it('6.3.3 the password alone gets an mfa_token and no tokens; the mfa_token is not an access token', async () => {
    const user = await registerUser(server);
    await enrolTotp(server, user);
    const answer = await server.request('POST', '/login', { body: { email: user.email, password: user.password } });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ mfa_required: true, methods: ['totp', 'recovery_code'] });
    expect(answer.body).not.toHaveProperty('token');
    expect(answer.body).not.toHaveProperty('refresh_token');
    expect(answer.body).not.toHaveProperty('device_token');
    expect((await me(answer.body.mfa_token)).status).toBe(401);
    const wrongPassword = await server.request('POST', '/login', { body: { email: user.email, password: 'wrong password here' } });
    expect(wrongPassword.status).toBe(401);
  });

  it('6.3.3 /login/mfa with the code answers the normal login; the same code again is refused (accepted once)', async () => {
    const user = await registerUser(server);
    const { secret } = await enrolTotp(server, user);
    const code = codeAt(secret);
    const first = await loginMfa({ mfa_token: await challenge(user), code });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token: expect.any(String), refresh_token: expect.any(String), user: { id: user.id } });
    expect((await me(first.body.token)).status).toBe(200);
    const replay = await loginMfa({ mfa_token: await challenge(user), code });
    expect(replay.status).toBe(401);
    expect(replay.body.error).toBe('invalid_mfa_code');
    // the previous step's code, still inside the window, is older than the accepted one: refused too
    expect((await loginMfa({ mfa_token: await challenge(user), code: codeAt(secret, -1) })).status).toBe(401);
    expect((await loginMfa({ mfa_token: await challenge(user), code: codeAt(secret, 1) })).status).toBe(200);
  });

  it('6.3.3 a wrong code, a forged or foreign mfa_token, and an access token in its place are refused', async () => {
    const user = await registerUser(server);
    const { secret } = await enrolTotp(server, user);
    const token = await challenge(user);
    expect((await loginMfa({ mfa_token: token, code: codeAt(secret, 4) })).status).toBe(401);
    expect((await loginMfa({ mfa_token: `${token.slice(0, -3)}abc`, code: codeAt(secret) })).body.error).toBe('invalid_mfa_token');
    expect((await loginMfa({ mfa_token: user.token, code: codeAt(secret) })).body.error).toBe('invalid_mfa_token');
    const other = await registerUser(server);
    await enrolTotp(server, other);
    // bound to its account: the other user's token with this user's code fails
    expect((await loginMfa({ mfa_token: await challenge(other), code: codeAt(secret) })).status).toBe(401);
    expect((await loginMfa({ mfa_token: token, code: '12345' })).status).toBe(400);
    expect((await loginMfa({ mfa_token: token, code: codeAt(secret), recovery_code: 'x' })).status).toBe(400);
  });

  it('6.3.3 a recovery code signs in once; GET /users/me counts what is left', async () => {
    const user = await registerUser(server);
    const { recoveryCodes } = await enrolTotp(server, user);
    const used = await loginMfa({ mfa_token: await challenge(user), recovery_code: recoveryCodes[3].toUpperCase() });
    expect(used.status).toBe(200);
    expect((await me(used.body.token)).body.user.mfa.recovery_codes_left).toBe(9);
    const again = await loginMfa({ mfa_token: await challenge(user), recovery_code: recoveryCodes[3] });
    expect(again.status).toBe(401);
    expect((await loginMfa({ mfa_token: await challenge(user), recovery_code: 'aaaa-bbbb-cccc-dddd' })).status).toBe(401);
  });
});

describe('single use with no budget in the way (RATE_LIMIT off: every request is checked)', () => {
  it('6.3.3 one valid code 40 times at once: one 200, 39 refused; one recovery code 40 times at once: one 200', async () => {
    const user = await registerUser(server);
    const { secret, recoveryCodes } = await enrolTotp(server, user);
    const token = await challenge(user);
    const code = codeAt(secret);
    const codes = await Promise.all(Array.from({ length: 40 }, () => loginMfa({ mfa_token: token, code })));
    expect(codes.map((r) => r.status).sort()).toEqual([200, ...Array(39).fill(401)]);
    const spends = await Promise.all(Array.from({ length: 40 }, () => loginMfa({ mfa_token: token, recovery_code: recoveryCodes[1] })));
    expect(spends.map((r) => r.status).sort()).toEqual([200, ...Array(39).fill(401)]);
  });
});

describe('removing TOTP and the admin reset', () => {
  it('6.3.3 DELETE /users/me/mfa/totp needs a valid code; after it the password alone signs in', async () => {
    const user = await registerUser(server);
    const { secret, recoveryCodes } = await enrolTotp(server, user);
    expect((await server.request('DELETE', '/users/me/mfa/totp', { token: user.token, body: { code: codeAt(secret, 3) } })).status).toBe(400);
    expect((await server.request('DELETE', '/users/me/mfa/totp', { token: user.token, body: {} })).status).toBe(400);
    const removed = await server.request('DELETE', '/users/me/mfa/totp', { token: user.token, body: { recovery_code: recoveryCodes[0] } });
    expect(removed.status).toBe(200);
    expect((await me(user.token)).body.user.mfa).toEqual({ totp: false, passkeys: 0, recovery_codes_left: 0 });
    const login = await server.request('POST', '/login', { body: { email: user.email, password: user.password } });
    expect(login.body.token).toEqual(expect.any(String));
  });

  it('6.3.3 an admin resets a user\'s second factor (audited); a user cannot, and an unknown id is 404', async () => {
    const user = await registerUser(server);
    await enrolTotp(server, user);
    const admin = await loginAdmin(server);
    expect((await server.request('DELETE', `/admin/users/${user.id}/mfa`, { token: user.token })).status).toBe(403);
    expect((await server.request('DELETE', '/admin/users/999999/mfa', { token: admin.token })).status).toBe(404);
    const reset = await server.request('DELETE', `/admin/users/${user.id}/mfa`, { token: admin.token });
    expect(reset.status).toBe(200);
    const log = await server.request('GET', `/admin/audit?event=mfa_reset_by_admin&user_id=${user.id}`, { token: admin.token });
    expect(log.body.entries).toHaveLength(1);
    expect(log.body.entries[0]).toMatchObject({ user_id: user.id, actor_id: admin.id, details: { totp: 1, recovery_codes: 10, passkeys: 0 } });
    const login = await server.request('POST', '/login', { body: { email: user.email, password: user.password } });
    expect(login.body.token).toEqual(expect.any(String));
  });
});
