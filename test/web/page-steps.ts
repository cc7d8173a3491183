// What a person does on the web page, as steps the page tests share: open a page in a fresh context
// (with a CDP virtual authenticator where passkeys are used: the one test double, as the machine has
// no security key), register, log out, add a passkey and sign in with it, set up TOTP, and sign in
// with a password (and a code).
// page.evaluate callbacks run in the browser: they need the DOM types
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { expect } from 'vitest';
import { codeAt } from '../helpers/second-factor';
import { pageProblems, screenshot } from './browser';

export interface PageUser {
  username: string;
  email: string;
  password: string;
}

/**
 * Pages for one test file, each in a fresh context (with `options`, if any) and watched; after each
 * test, `closeAll` closes the contexts and hands back the problems their pages showed (uncaught
 * errors, CSP violations), which should be none.
 */
export function watchedPages() {
  const contexts: BrowserContext[] = [];
  const seen = pageProblems();
  return {
    /** A blank page: the caller goes to its URL (after adding any listener of its own). */
    async newPage(browser: Browser, options?: BrowserContextOptions): Promise<{ context: BrowserContext; page: Page }> {
      const context = await browser.newContext(options);
      contexts.push(context);
      return { context, page: seen.watch(await context.newPage()) };
    },
    async closeAll(): Promise<string[]> {
      await Promise.all(contexts.splice(0).map((context) => context.close()));
      return seen.problems.splice(0);
    },
  };
}

/** Goes to a page of the service and waits until its script has picked a view. */
export async function loadPage(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('body[data-view]').waitFor({ state: 'attached' });
}

/**
 * watchedPages with a virtual platform authenticator that holds resident keys in each context, each
 * page opened at `appUrl`; `closeAll` as there.
 */
export function authenticatorPages() {
  const watched = watchedPages();
  return {
    async open(browser: Browser, appUrl: string): Promise<Page> {
      const { context, page } = await watched.newPage(browser);
      const cdp = await context.newCDPSession(page);
      await cdp.send('WebAuthn.enable');
      await cdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      await loadPage(page, appUrl);
      return page;
    },
    closeAll: watched.closeAll,
  };
}

export const signedIn = (page: Page, user: PageUser) => page.locator('#whoami-facts dd').getByText(user.username, { exact: true }).waitFor();

export async function register(page: Page, user: PageUser): Promise<void> {
  await page.fill('#register-username', user.username);
  await page.fill('#register-email', user.email);
  await page.fill('#register-password', user.password);
  await page.click('#register-form button[type=submit]');
  await signedIn(page, user);
}

export async function logOut(page: Page): Promise<void> {
  await page.click('#logout');
  await page.locator('body[data-view="signed-out"]').waitFor();
}

export async function addPasskey(page: Page): Promise<void> {
  await page.click('#passkey-add');
  await page.locator('#passkeys li').first().waitFor();
}

/** The sign-in page's passkey button, with no password and no code. */
export async function signInWithPasskey(page: Page, user: PageUser): Promise<void> {
  await page.click('#passkey-login');
  await signedIn(page, user);
}

/**
 * A new account's first passkey, end to end: register, add the passkey (the list shows it as
 * "Passkey 1", screenshot `shot`), log out, and sign in again with the passkey alone.
 */
export async function registerThenSignInWithPasskey(page: Page, user: PageUser, shot: string): Promise<void> {
  await register(page, user);
  await addPasskey(page);
  expect(await page.locator('#passkeys li').textContent()).toContain('Passkey 1');
  await screenshot(page, shot);
  await logOut(page);
  await signInWithPasskey(page, user);
}

/** What the browser answers a fresh sign-in challenge with, made on the page but not sent. */
export const passkeyAssertion = (page: Page): Promise<unknown> =>
  page.evaluate(async () => {
    const options = await (await fetch('/webauthn/login/options', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json();
    const credential = (await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) })) as PublicKeyCredential;
    return credential.toJSON();
  });

/** Sends an assertion from the page, as the page's own sign-in would; the status. */
export const verifyAssertion = (page: Page, assertion: unknown): Promise<number> =>
  page.evaluate(
    async (body) => (await fetch('/webauthn/login/verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).status,
    assertion,
  );

/** Asks for TOTP with the password; the secret the page shows beside its QR code. */
export async function startTotpSetup(page: Page, user: PageUser): Promise<string> {
  await page.fill('#totp-setup-password', user.password);
  await page.click('#totp-setup-form button[type=submit]');
  await page.locator('#totp-enrol').waitFor();
  return (await page.locator('#totp-secret').textContent())!;
}

/** Confirms with the previous step's code (test/helpers/second-factor.ts says why), until the recovery codes show. */
export async function confirmTotp(page: Page, secret: string): Promise<void> {
  await page.fill('#totp-confirm-code', codeAt(secret, -1));
  await page.click('#totp-confirm-form button[type=submit]');
  await page.locator('#recovery-codes').waitFor();
}

/** Sends the login form; what follows depends on the account (signed in, or asked for a code). */
export async function submitLogin(page: Page, user: PageUser): Promise<void> {
  await page.fill('#login-email', user.email);
  await page.fill('#login-password', user.password);
  await page.click('#login-form button[type=submit]');
}

/** The password step of signing in, for an account with TOTP: the page then asks for a code. */
export async function passwordStep(page: Page, user: PageUser): Promise<void> {
  await submitLogin(page, user);
  await page.locator('#mfa-form').waitFor();
}

export async function enterCode(page: Page, code: string): Promise<void> {
  await page.fill('#mfa-code', code);
  await page.click('#mfa-form button[type=submit]');
}
