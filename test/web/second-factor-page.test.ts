// The second factor on the page, in headless Chromium with a CDP virtual authenticator (the one test
// double: the machine has no security key), at http://localhost:PORT (an RP ID cannot be an IP):
// TOTP set-up with the QR code, recovery codes shown once, the code at sign-in; adding a passkey
// and signing in with it, no password and no code; a replayed assertion and an older counter refused;
// the re-authentication a stale sign-in is asked for.
// page.evaluate callbacks run in the browser: they need the DOM types
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codeAt } from '../helpers/second-factor';
import { newUser, startTestServer, type TestServer } from '../helpers/test-server';
import { freePort } from '../notebooks/free-port';
import { launchChromium, screenshot } from './browser';
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
  startTotpSetup,
  verifyAssertion,
} from './page-steps';

const REAUTH_SECONDS = 3;
let server: TestServer;
let origin: string;
let browser: Browser;
const pages = authenticatorPages();

beforeAll(async () => {
  const port = await freePort();
  origin = `http://localhost:${port}`;
  [server, browser] = await Promise.all([startTestServer({ PORT: String(port), REAUTH_MAX_AGE: `${REAUTH_SECONDS}s` }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
afterEach(async () => {
  expect(await pages.closeAll()).toEqual([]);
});

const openPage = (): Promise<Page> => pages.open(browser, `${origin}/app`);

describe('TOTP on the page', () => {
  it('6.3.3 set up with the QR code, recovery codes shown once, a code asked after the password at sign-in', async () => {
    const user = newUser();
    const page = await openPage();
    await register(page, user);
    expect(await page.locator('#mfa-status').textContent()).toBe('Authenticator app: off');
    const secret = await startTotpSetup(page, user);
    expect(await page.getAttribute('#totp-qr', 'src')).toMatch(/^data:image\/svg\+xml/);
    expect(await page.locator('#totp-qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await screenshot(page, 'mfa-1-totp-qr');
    await confirmTotp(page, secret);
    expect(await page.locator('#recovery-code-list li').count()).toBe(10);
    await page.locator('#mfa-status', { hasText: 'Authenticator app: on · 10 recovery code(s) left' }).waitFor();
    await screenshot(page, 'mfa-2-recovery-codes');
    await page.reload();
    await signedIn(page, user);
    expect(await page.isVisible('#recovery-codes')).toBe(false); // shown once

    await logOut(page);
    await passwordStep(page, user);
    expect(await page.isVisible('#login-form')).toBe(false);
    await enterCode(page, '000000' === codeAt(secret) ? '111111' : '000000');
    await page.locator('#mfa-form .form-error', { hasText: 'Invalid or already used code' }).waitFor();
    await enterCode(page, codeAt(secret));
    await signedIn(page, user);
  });
});

describe('passkeys on the page', () => {
  it('6.3.3 add a passkey, then sign in with it alone: no password, no code', async () => {
    const user = newUser();
    const page = await openPage();
    await registerThenSignInWithPasskey(page, user, 'mfa-3-passkey-added');
    const me = await server.request('POST', '/login', { body: { email: user.email, password: user.password } });
    expect(me.body.token).toEqual(expect.any(String)); // a passkey is not a second step of the password
  });

  it('6.3.3 a replayed assertion is refused, and so is an older one after a newer counter was seen', async () => {
    const user = newUser();
    const page = await openPage();
    await register(page, user);
    await addPasskey(page);
    const once = await passkeyAssertion(page);
    const replay = [await verifyAssertion(page, once), await verifyAssertion(page, once)];
    const older = await passkeyAssertion(page);
    const newer = await passkeyAssertion(page);
    const statuses = { replay, counter: [await verifyAssertion(page, newer), await verifyAssertion(page, older)] };
    expect(statuses).toEqual({ replay: [200, 401], counter: [200, 401] });
  });

  it('7.5.1 a stale sign-in is asked to re-authenticate before adding a passkey; removing one needs it too', async () => {
    const user = newUser();
    const page = await openPage();
    await register(page, user);
    await addPasskey(page);
    await page.waitForTimeout(REAUTH_SECONDS * 1000 + 200); // let the sign-in age past REAUTH_MAX_AGE
    await page.click('#passkey-add');
    await page.locator('#reauth-form').waitFor();
    await screenshot(page, 'mfa-4-reauthenticate');
    await page.fill('#reauth-proof', user.password);
    await page.click('#reauth-form button[type=submit]');
    await page.locator('#mfa-status', { hasText: 'Re-authenticated: try again' }).waitFor();
    await page.locator('#passkeys li').first().getByRole('button', { name: 'Remove' }).click();
    await page.locator('#notice', { hasText: 'Passkey removed' }).waitFor();
    await expect.poll(() => page.locator('#passkeys li').count()).toBe(0); // the list is drawn again after the notice
  });
});
