// Fresh authentication (ASVS 7.5): password and address change, ending another session and removing
// TOTP need a sign-in or re-authentication within REAUTH_MAX_AGE (1 s here), else 403 reauthentication_required;
// POST /users/me/reauthenticate renews it, with the password, or with a code when TOTP is on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeAt, enrolTotp } from '../helpers/second-factor';
import { loginAdmin, registerUser, startTestServer, type TestServer } from '../helpers/test-server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ REAUTH_MAX_AGE: '1s' });
});
afterAll(() => server.close());

/** Lets the sign-in age past REAUTH_MAX_AGE. */
const stale = () => new Promise((resolve) => setTimeout(resolve, 1100));
const reauthenticate = (token: string, body: Record<string, string>) => server.request('POST', '/users/me/reauthenticate', { token, body });

describe('the fresh-authentication gate', () => {
  it('7.5.1 a fresh sign-in may change the password; an old one gets 403 reauthentication_required until it re-authenticates', async () => {
    const user = await registerUser(server);
    const change = (current: string, next: string) =>
      server.request('POST', '/users/me/password', { token: user.token, body: { current_password: current, new_password: next } });
    expect((await change(user.password, 'a fresh new passphrase')).status).toBe(200);
    await stale();
    const refused = await change('a fresh new passphrase', 'another new passphrase');
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('reauthentication_required');
    expect((await reauthenticate(user.token, { password: 'wrong password here' })).status).toBe(400);
    const renewed = await reauthenticate(user.token, { password: 'a fresh new passphrase' });
    expect(renewed.status).toBe(200);
    expect(renewed.body.fresh_for_seconds).toBe(1);
    expect((await change('a fresh new passphrase', 'another new passphrase')).status).toBe(200);
  });

  it('7.5.1 changing the email address needs a fresh authentication: an old sign-in gets 403 and nothing is sent until it re-authenticates', async () => {
    const user = await registerUser(server);
    const change = (newEmail: string, password = user.password) =>
      server.request('POST', '/users/me/email', { token: user.token, body: { new_email: newEmail, password } });
    const admin = await loginAdmin(server);
    const messagesTo = async (address: string) =>
      (await server.request('GET', '/admin/outbox?per_page=100', { token: admin.token })).body.messages.filter((m: { recipient: string }) => m.recipient === address);
    const fresh = `fresh-${user.id}@example.com`;
    const later = `later-${user.id}@example.com`;
    expect((await change(fresh)).status).toBe(202);
    expect(await messagesTo(fresh)).toHaveLength(1);
    await stale();
    const refused = await change(later);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('reauthentication_required');
    expect((await change(later, 'not my password')).body.error).toBe('reauthentication_required'); // refused before the password is looked at
    expect(await messagesTo(later)).toEqual([]);
    expect((await reauthenticate(user.token, { password: user.password })).status).toBe(200);
    expect((await change(later, 'not my password')).body.error).toBe('invalid_current_password'); // still needs the password
    expect((await change(later)).status).toBe(202);
    expect(await messagesTo(later)).toHaveLength(1);
  });

  it('7.5.1 with TOTP on, an old sign-in re-authenticates with a code before changing the email address', async () => {
    const user = await registerUser(server);
    const { secret } = await enrolTotp(server, user);
    await stale();
    const change = () => server.request('POST', '/users/me/email', { token: user.token, body: { new_email: `totp-${user.id}@example.com`, password: user.password } });
    expect((await change()).body.error).toBe('reauthentication_required');
    expect((await reauthenticate(user.token, { code: codeAt(secret) })).status).toBe(200);
    expect((await change()).status).toBe(202);
  });

  it('7.5.1 ending another session needs a fresh authentication; ending this one does not', async () => {
    const user = await registerUser(server);
    const other = await server.request('POST', '/login', { body: { email: user.email, password: user.password } });
    await stale();
    const sessions = await server.request('GET', '/users/me/sessions', { token: user.token });
    const otherId = sessions.body.sessions.find((s: { current: boolean }) => !s.current).id;
    const refused = await server.request('DELETE', `/users/me/sessions/${otherId}`, { token: user.token });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('reauthentication_required');
    await reauthenticate(user.token, { password: user.password });
    expect((await server.request('DELETE', `/users/me/sessions/${otherId}`, { token: user.token })).status).toBe(200);
    expect((await server.request('GET', '/users/me', { token: other.body.token })).status).toBe(401);
    await stale();
    const mine = (await server.request('GET', '/users/me/sessions', { token: user.token })).body.sessions[0].id;
    expect((await server.request('DELETE', `/users/me/sessions/${mine}`, { token: user.token })).status).toBe(200);
  });

  it('7.5.1 with TOTP on, re-authentication takes a code, not the password alone; removing TOTP needs both fresh and a code', async () => {
    const user = await registerUser(server);
    const { secret, recoveryCodes } = await enrolTotp(server, user);
    await stale();
    const remove = (body: Record<string, string>) => server.request('DELETE', '/users/me/mfa/totp', { token: user.token, body });
    const refused = await remove({ recovery_code: recoveryCodes[0] });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('reauthentication_required');
    expect((await server.request('GET', '/users/me', { token: user.token })).body.user.mfa.recovery_codes_left).toBe(10); // nothing spent
    const byPassword = await reauthenticate(user.token, { password: user.password });
    expect(byPassword.status).toBe(400);
    expect(byPassword.body.details[0].path).toBe('code');
    expect((await reauthenticate(user.token, { code: codeAt(secret, 3) })).status).toBe(400);
    expect((await reauthenticate(user.token, { code: codeAt(secret) })).status).toBe(200);
    expect((await remove({ code: codeAt(secret, 1) })).status).toBe(200);
  });

  it('7.5.1 an mfa_token cannot re-authenticate', async () => {
    const user = await registerUser(server);
    expect((await reauthenticate(user.token, { password: user.password })).status).toBe(200);
    const { secret } = await enrolTotp(server, user);
    const challenge = await server.request('POST', '/login', { body: { email: user.email, password: user.password } });
    expect((await reauthenticate(challenge.body.mfa_token, { code: codeAt(secret) })).status).toBe(401);
  });

  it('7.5.1 passkey registration options and passkey removal need a fresh authentication', async () => {
    const user = await registerUser(server);
    const options = await server.request('POST', '/webauthn/register/options', { token: user.token, body: {} });
    expect(options.status).toBe(200);
    expect(options.body).toMatchObject({ rp: { id: 'localhost' }, authenticatorSelection: { residentKey: 'required' }, challenge: expect.any(String) });
    await stale();
    expect((await server.request('POST', '/webauthn/register/options', { token: user.token, body: {} })).body.error).toBe('reauthentication_required');
    expect((await server.request('DELETE', '/users/me/passkeys/abc', { token: user.token })).body.error).toBe('reauthentication_required');
    expect((await server.request('GET', '/users/me/passkeys', { token: user.token })).body).toEqual({ passkeys: [] });
  });
});

describe('passkey sign-in without a browser', () => {
  it('6.3.3 options carry a single-use challenge for the RP ID; an assertion for no challenge of ours is refused', async () => {
    const options = await server.request('POST', '/webauthn/login/options', { body: {} });
    expect(options.status).toBe(200);
    expect(options.body).toMatchObject({ rpId: 'localhost', challenge: expect.stringMatching(/^[\w-]{20,}$/) });
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: 'not-a-challenge-we-issued', origin: 'http://localhost' })).toString('base64url');
    const forged = { id: 'abc', rawId: 'abc', type: 'public-key', clientExtensionResults: {}, response: { clientDataJSON, authenticatorData: 'AAAA', signature: 'AAAA' } };
    const refused = await server.request('POST', '/webauthn/login/verify', { body: forged });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('invalid_passkey');
  });
});
