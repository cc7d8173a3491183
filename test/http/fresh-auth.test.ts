// Fresh authentication (ASVS 7.5): password change, ending another session and removing TOTP need a
// sign-in or re-authentication within REAUTH_MAX_AGE (1 s here), else 403 reauthentication_required;
// POST /users/me/reauthenticate renews it, with the password, or with a code when TOTP is on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeAt, enrolTotp } from '../helpers/second-factor';
import { registerUser, startTestServer, type TestServer } from '../helpers/test-server';

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
