// Issue 12's promise, end to end: a person with a phone opens the tunnel URL, registers, adds a
// passkey and signs in with it, or sets up TOTP and signs in with a code. Headless Chromium (with a
// CDP virtual authenticator) visits http://<id>.localhost:PORT, served by the loopback localtunnel
// server through the real tunnel client that startPublicServer opens, as notebook 6 does: the
// relying party follows the tunnel's URL, with no WEBAUTHN_* set, and a new one when it reopens.
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPublicServer, type PublicServer } from '../../src/notebook/public-server';
import { startLocaltunnelServer, type FakeLocaltunnelServer } from '../fixtures/localtunnel-server';
import { codeAt } from '../helpers/second-factor';
import { newUser } from '../helpers/test-server';
import { publicRequest } from '../tunnel/public-request';
import { waitFor } from '../tunnel/wait-for';
import { launchChromium } from './browser';
import {
  addPasskey,
  authenticatorPages,
  confirmTotp,
  enterCode,
  logOut,
  passkeyAssertion,
  passwordStep,
  register,
  registerThenSignInWithPasskey,
  signedIn,
  signInWithPasskey,
  startTotpSetup,
  submitLogin,
} from './page-steps';

let tunnelServer: FakeLocaltunnelServer;
let pub: PublicServer;
let browser: Browser;
const pages = authenticatorPages();

beforeAll(async () => {
  tunnelServer = await startLocaltunnelServer();
  [pub, browser] = await Promise.all([
    startPublicServer({ tunnel: { host: tunnelServer.host, address: tunnelServer.address, timeoutMs: 5000 }, env: { BCRYPT_ROUNDS: '4', RATE_LIMIT: 'off' } }),
    launchChromium(),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await pub?.close();
  await tunnelServer?.close();
});
afterEach(async () => {
  expect(await pages.closeAll()).toEqual([]);
});

const openPage = (): Promise<Page> => pages.open(browser, `${pub.url}/app`);

describe('the page at the tunnel URL', () => {
  it("is served through the tunnel, and the server's relying party is the tunnel's name", () => {
    expect(pub.tunnelProblem).toBeNull();
    expect(pub.url).toMatch(/^http:\/\/[a-z0-9]+\.localhost:\d+$/);
    expect(pub.server.running.auth.relyingParty()).toEqual({ rpId: new URL(pub.url).hostname, origin: pub.url });
  });

  it('6.3.3 register, add a passkey, log out, sign in with the passkey alone', async () => {
    const user = newUser();
    const page = await openPage();
    expect(new URL(page.url()).host).toBe(new URL(pub.url).host);
    await registerThenSignInWithPasskey(page, user, 'tunnel-1-passkey-added');
  });

  it('6.3.3 register, set up TOTP, log out, sign in with the password and a code', async () => {
    const user = newUser();
    const page = await openPage();
    await register(page, user);
    const secret = await startTotpSetup(page, user);
    await confirmTotp(page, secret);
    await logOut(page);
    await passwordStep(page, user);
    await enterCode(page, codeAt(secret));
    await signedIn(page, user);
  });

  // Last: it takes the tunnel server down, and every URL with it.
  it('after the tunnel reopens under a new name, a passkey of the old name is refused; new ones are made and used for the new name', async () => {
    const user = newUser();
    const page = await openPage();
    await register(page, user);
    await addPasskey(page);
    const signInAt = async (url: string, assertion: unknown) => (await publicRequest(url, tunnelServer.address, 'POST', '/webauthn/login/verify', { body: assertion })).status;
    expect(await signInAt(pub.url, await passkeyAssertion(page))).toBe(200); // the request below, before the reopen
    const signedForOldName = await passkeyAssertion(page); // its challenge stays valid, its origin does not
    const firstUrl = pub.url;
    await tunnelServer.stop();
    await tunnelServer.start();
    await waitFor('the tunnel to reopen under a new name', () => pub.url !== firstUrl, 20_000);
    expect(pub.server.running.auth.relyingParty()).toEqual({ rpId: new URL(pub.url).hostname, origin: pub.url });
    expect(await signInAt(pub.url, signedForOldName)).toBe(401);
    // The same page keeps its authenticator, which holds the passkey made for the old name.
    await page.goto(`${pub.url}/app`);
    await page.locator('body[data-view="signed-out"]').waitFor();
    await submitLogin(page, user);
    await signedIn(page, user);
    await page.click('#passkey-add');
    await expect.poll(() => page.locator('#passkeys li').count()).toBe(2);
    await logOut(page);
    await signInWithPasskey(page, user);
  });
});
