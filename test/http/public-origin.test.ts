// The relying party and the mail links of a running server follow the public URL a tunnel reports
// (a holder set from outside, as startPublicServer does), and a new one when the tunnel reopens;
// WEBAUTHN_ORIGIN and PUBLIC_URL, when set, win over it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicOrigin } from '../../src/public-origin';
import { registerUser, startTestServer, type TestServer } from '../helpers/test-server';

/** What a browser would be told to bind a new passkey to, and to sign in against. */
async function relyingPartyOf(server: TestServer) {
  const user = await registerUser(server);
  const registration = await server.request('POST', '/webauthn/register/options', { token: user.token });
  const login = await server.request('POST', '/webauthn/login/options', { body: {} });
  expect([registration.status, login.status]).toEqual([200, 200]);
  return { registration: registration.body.rp.id as string, login: login.body.rpId as string, email: user.email };
}

/** The text of the verification message registration queued for `email` (outbox delivery). */
async function verificationText(server: TestServer, email: string): Promise<string> {
  const { items } = await server.running.auth.listOutbox({ offset: 0, limit: 100 });
  const message = items.find((item) => item.recipient === email && item.kind === 'verify_email');
  if (!message) throw new Error(`no verification message to ${email}`);
  return message.text;
}

describe('without explicit WEBAUTHN_* or PUBLIC_URL', () => {
  const publicOrigin = createPublicOrigin();
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({}, undefined, { publicOrigin });
  });
  afterAll(() => server?.close());

  it('uses localhost and its own URL before any public URL is known', async () => {
    const seen = await relyingPartyOf(server);
    expect(seen).toMatchObject({ registration: 'localhost', login: 'localhost' });
    expect(await verificationText(server, seen.email)).toContain(`${server.url}/app/verify#token=`);
  });

  it("follows the tunnel's URL once set, and the new one after a reopen", async () => {
    publicOrigin.set('http://a1b2c3.localhost:43210');
    const first = await relyingPartyOf(server);
    expect(first).toMatchObject({ registration: 'a1b2c3.localhost', login: 'a1b2c3.localhost' });
    expect(await verificationText(server, first.email)).toContain('http://a1b2c3.localhost:43210/app/verify#token=');
    expect(server.running.auth.relyingParty()).toEqual({ rpId: 'a1b2c3.localhost', origin: 'http://a1b2c3.localhost:43210' });

    publicOrigin.set('https://ada-authbook.loca.lt');
    const reopened = await relyingPartyOf(server);
    expect(reopened).toMatchObject({ registration: 'ada-authbook.loca.lt', login: 'ada-authbook.loca.lt' });
    expect(await verificationText(server, reopened.email)).toContain('https://ada-authbook.loca.lt/app/verify#token=');
  });
});

describe('with WEBAUTHN_ORIGIN and PUBLIC_URL set', () => {
  const publicOrigin = createPublicOrigin();
  let server: TestServer;
  beforeAll(async () => {
    publicOrigin.set('http://a1b2c3.localhost:43210');
    server = await startTestServer({ WEBAUTHN_ORIGIN: 'https://auth.example.org', PUBLIC_URL: 'https://mail.example.org' }, undefined, { publicOrigin });
  });
  afterAll(() => server?.close());

  it('keeps what the operator configured, whatever the tunnel reports', async () => {
    const seen = await relyingPartyOf(server);
    expect(seen).toMatchObject({ registration: 'auth.example.org', login: 'auth.example.org' });
    expect(await verificationText(server, seen.email)).toContain('https://mail.example.org/app/verify#token=');
  });
});
