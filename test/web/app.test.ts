// The web page end to end, in headless Chromium against the real server: register, log in, see the
// permissions, an admin promotes and demotes the user (whose page loses admin access), disables an
// account, reads the audit log; reload, CSRF, password fields, phone size, CSP. Screenshots of the
// main screens go to test-output/screenshots/.
// page.evaluate callbacks run in the browser: they need the DOM types
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { newUser, startTestServer, TEST_ADMIN, type TestServer } from '../helpers/test-server';
import { launchChromium, screenshot, SCREENSHOT_DIR, scrollsSideways } from './browser';
import { loadPage, logOut, register as submitRegistration, submitLogin, watchedPages, type PageUser } from './page-steps';

let server: TestServer;
let browser: Browser;
const pages = watchedPages();

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
  console.log(`screenshots of the web page: ${SCREENSHOT_DIR}`);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
afterEach(async () => {
  // every page of the test ran without an uncaught error or a Content-Security-Policy violation
  expect(await pages.closeAll()).toEqual([]);
});

async function openPage(options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page }> {
  const { context, page } = await pages.newPage(browser, options);
  await loadPage(page, `${server.url}/app`);
  return { context, page };
}

async function signedInAs(page: Page, username: string): Promise<void> {
  await page.locator('#whoami-facts dd').getByText(username, { exact: true }).waitFor();
  await page.locator('#sessions li').first().waitFor();
}

/** The form and signed in (page-steps' register), then the sessions list drawn: all that signedInAs waits for. */
async function register(page: Page, user: PageUser): Promise<void> {
  await submitRegistration(page, user);
  await page.locator('#sessions li').first().waitFor();
}

async function logIn(page: Page, user: PageUser): Promise<void> {
  await submitLogin(page, user);
  await signedInAs(page, user.username);
}

const logInAdmin = (page: Page) => logIn(page, TEST_ADMIN);
const permissionsShown = (page: Page) => page.locator('#permissions li').allTextContents();
const userRow = (page: Page, username: string) => page.locator('#users tbody tr', { hasText: username });

async function setRole(adminPage: Page, username: string, role: string): Promise<void> {
  await userRow(adminPage, username).locator('select').selectOption(role);
  await userRow(adminPage, username).getByRole('button', { name: 'Set role' }).click();
  await adminPage.locator('#users-status', { hasText: `${username} now has the role ${role}` }).waitFor();
}

describe('the web page at /app', () => {
  it('register -> log in -> permissions; an admin promotes then demotes the user, whose page loses admin access; log out', async () => {
    const user = newUser();
    const { context, page } = await openPage();
    await page.goto(`${server.url}/`); // a browser asking for / is sent to the page
    expect(new URL(page.url()).pathname).toBe('/app');

    // a bad field gets the API's own message, next to that field
    await page.fill('#register-username', user.username);
    await page.fill('#register-email', 'not-an-email');
    await page.fill('#register-password', user.password);
    await page.click('#register-form button[type=submit]');
    const emailError = page.locator('#register-form .field-error[data-error-for="email"]');
    await emailError.waitFor();
    expect(await emailError.textContent()).toBe('must be a valid email address');
    expect(await page.getAttribute('#register-email', 'aria-invalid')).toBe('true');
    expect(await page.locator('#register-form .form-error').textContent()).toBe('Invalid request body: email must be a valid email address');
    await screenshot(page, '1-register-error');

    await page.fill('#register-email', user.email);
    await page.click('#register-form button[type=submit]');
    await signedInAs(page, user.username);
    await logOut(page);
    await logIn(page, user);
    expect(await permissionsShown(page)).toEqual(['read', 'write']);
    expect(await page.isVisible('#admin-users')).toBe(false);
    expect(await page.isVisible('#logout')).toBe(true);
    await screenshot(page, '2-user-account');

    const { page: adminPage } = await openPage();
    await logInAdmin(adminPage);
    await setRole(adminPage, user.username, 'admin');
    await screenshot(adminPage, '3-admin-users-and-audit');

    await page.click('#whoami-refresh'); // who am I, again: the promotion shows at once
    await page.locator('#admin-users').waitFor();
    expect(await permissionsShown(page)).toEqual(['read', 'write', 'delete', 'admin']);

    await setRole(adminPage, user.username, 'user');
    // the user's next admin action is refused by the server, and the page drops its admin view
    await userRow(page, user.username).getByRole('button', { name: 'Set role' }).click();
    await page.locator('#notice', { hasText: 'Permission required: admin' }).waitFor();
    await page.locator('#admin-users').waitFor({ state: 'hidden' });
    await page.locator('#whoami-facts dd').getByText('user', { exact: true }).waitFor();
    expect(await permissionsShown(page)).toEqual(['read', 'write']);
    expect(await page.isVisible('#admin-audit')).toBe(false);
    await screenshot(page, '4-user-after-demotion');

    await page.click('#logout');
    await page.locator('#notice', { hasText: 'Logged out' }).waitFor();
    expect(await page.isVisible('#login-form')).toBe(true);
    expect(await page.isVisible('#logout')).toBe(false);
    // the session's cookies are gone; the trusted-device cookie stays (it lets this browser past a lock-out)
    expect((await context.cookies()).map((cookie) => cookie.name)).toEqual(['authbook_device']);
  });

  it('an admin disables an account: its page is signed out on its next action, and the audit log shows it', async () => {
    const victim = newUser();
    const { page } = await openPage();
    await register(page, victim);
    const { page: adminPage } = await openPage();
    await logInAdmin(adminPage);
    await userRow(adminPage, victim.username).getByRole('button', { name: 'Disable' }).click();
    await adminPage.locator('#users-status', { hasText: `${victim.username} is disabled; 1 session(s) ended` }).waitFor();
    await userRow(adminPage, victim.username).locator('.badge', { hasText: 'disabled' }).waitFor();
    await adminPage.locator('#audit tbody tr', { hasText: 'user_disabled' }).first().waitFor();

    await page.click('#whoami-refresh');
    await page.locator('#notice', { hasText: 'Your session has ended' }).waitFor();
    expect(await page.isVisible('#login-form')).toBe(true);
    await submitLogin(page, victim);
    await page.locator('#login-form .form-error', { hasText: 'This account is disabled' }).waitFor();
  });

  it('sessions and password: end another session from the list; a password change (errors next to the fields) ends the others', async () => {
    const user = newUser();
    const { page } = await openPage();
    await register(page, user);
    const { page: phone } = await openPage();
    const sessionCount = async (count: number) => {
      await page.click('#whoami-refresh');
      await page.waitForFunction((n) => document.querySelectorAll('#sessions li').length === n, count);
    };
    const signedOutAgain = async () => {
      await phone.click('#whoami-refresh');
      await phone.locator('#notice', { hasText: 'Your session has ended' }).waitFor();
    };

    await logIn(phone, user);
    await sessionCount(2);
    await page.locator('#sessions li', { hasNotText: 'this page' }).getByRole('button', { name: 'End this session' }).click();
    await page.locator('#sessions-status', { hasText: 'Session ended' }).waitFor();
    expect(await page.locator('#sessions li').count()).toBe(1);
    await signedOutAgain();

    await logIn(phone, user);
    await sessionCount(2);
    await page.fill('#current-password', 'not my password');
    await page.fill('#new-password', 'password');
    await page.click('#password-form button[type=submit]');
    await page.locator('#password-form .field-error[data-error-for="current_password"]', { hasText: 'incorrect' }).waitFor();
    await page.fill('#current-password', user.password);
    await page.click('#password-form button[type=submit]');
    await page.locator('#password-form .field-error[data-error-for="new_password"]').waitFor();
    expect(await page.isVisible('#password-form .field-error[data-error-for="current_password"]')).toBe(false);
    await screenshot(page, '5-password-error');
    await page.fill('#new-password', 'a brand new passphrase');
    await page.click('#password-form button[type=submit]');
    await page.locator('#notice', { hasText: 'Password changed; other sessions have been ended' }).waitFor();
    await sessionCount(1);
    await signedOutAgain();
  });

  it('a reload keeps the session through the httpOnly refresh cookie, which no script can read', async () => {
    const user = newUser();
    const { context, page } = await openPage();
    await register(page, user);
    const cookieBefore = (await context.cookies()).find((cookie) => cookie.name === 'authbook_refresh');
    expect(cookieBefore).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/token/refresh', secure: false });

    await page.reload();
    await signedInAs(page, user.username);
    const cookieAfter = (await context.cookies()).find((cookie) => cookie.name === 'authbook_refresh');
    expect(cookieAfter?.value).toMatch(/^[\w-]{43}$/);
    expect(cookieAfter?.value).not.toBe(cookieBefore?.value); // the reload refreshed: rotation

    const readable = await page.evaluate(() => document.cookie);
    expect(readable).toMatch(/^authbook_csrf=[\w-]+$/); // only the CSRF token, which is useless alone
    expect(readable).not.toContain(cookieAfter!.value);
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0); // the access token stays in memory
  });

  it('CSRF: a refresh with the cookie but without the page\'s CSRF token is refused, and the session lives on', async () => {
    const user = newUser();
    const { page } = await openPage();
    await register(page, user);
    const refreshStatus = (csrf: string | null) =>
      page.evaluate(async (token) => {
        const headers: Record<string, string> = { 'x-refresh-cookie': '1' };
        if (token !== null) headers['x-csrf-token'] = token;
        const response = await fetch('/token/refresh', { method: 'POST', headers });
        return [response.status, ((await response.json()) as { error: string }).error] as const;
      }, csrf);
    expect(await refreshStatus(null)).toEqual([403, 'csrf_failed']);
    expect(await refreshStatus('A'.repeat(43))).toEqual([403, 'csrf_failed']);
    await page.reload(); // the page's own refresh, with the token from the readable cookie
    await signedInAs(page, user.username);
  });

  it('7.2.4 a new login from the page ends the session it held first', async () => {
    const user = newUser();
    const { page } = await openPage();
    await register(page, user);
    await page.click('#switch-account');
    await page.locator('#switch-note').waitFor();
    expect(await page.isVisible('#logout')).toBe(true); // still signed in until the new login
    await logIn(page, user);
    expect(await page.locator('#sessions li').count()).toBe(1); // the registration's session is gone
    expect(await page.locator('#sessions li .badge').textContent()).toBe('this page');
  });

  it('6.2.6 password fields are masked (type=password); 6.2.7 paste is allowed, and autocomplete helps password managers', async () => {
    const { context, page } = await openPage();
    const fields = await page.evaluate(() =>
      [...document.querySelectorAll('input')].filter((input) => /password/.test(input.name)).map((input) => [input.name, input.type, input.autocomplete]),
    );
    expect(fields).toEqual([
      ['password', 'password', 'current-password'],
      ['new_password', 'password', 'new-password'], // the reset form
      ['password', 'password', 'new-password'],
      ['current_password', 'password', 'current-password'],
      ['new_password', 'password', 'new-password'],
      ['password', 'password', 'current-password'], // the address change
      ['password', 'password', 'current-password'], // the authenticator-app set-up asks for it again
    ]);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.evaluate(() => navigator.clipboard.writeText('a pasted passphrase'));
    await page.focus('#login-password');
    await page.keyboard.press('Control+V');
    expect(await page.inputValue('#login-password')).toBe('a pasted passphrase');
  });

  it('7.4.4 Log out is in the top bar of every signed-in screen, on a phone too, where nothing scrolls sideways', async () => {
    const { page } = await openPage({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    expect(await scrollsSideways(page)).toBe(false);
    await screenshot(page, '6-phone-signed-out');
    await logInAdmin(page);
    await page.locator('#audit tbody tr').first().waitFor();
    expect(await page.isVisible('#logout')).toBe(true);
    expect(await scrollsSideways(page)).toBe(false);
    await screenshot(page, '7-phone-account', { fullPage: false });
    await page.locator('#admin-users').scrollIntoViewIfNeeded();
    await screenshot(page, '8-phone-users', { fullPage: false });
    await page.click('#switch-account');
    expect(await page.isVisible('#logout')).toBe(true);
    await page.goto(`${server.url}/docs`);
    await page.locator('.operation').first().waitFor();
    expect(await scrollsSideways(page)).toBe(false);
  });

  it('CSP: the pages carry helmet\'s policy and hold no inline script or style; /docs lists every operation', async () => {
    const { page } = await openPage();
    for (const path of ['/app', '/docs']) {
      const response = await page.goto(`${server.url}${path}`);
      const policy = response?.headers()['content-security-policy'] ?? '';
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).toContain("script-src-attr 'none'");
      const inline = await page.evaluate(() => ({
        scripts: [...document.scripts].filter((script) => !script.src).length,
        styleElements: document.querySelectorAll('style').length,
        styleAttributes: document.querySelectorAll('[style]').length,
        handlers: [...document.querySelectorAll('*')].filter((element) => [...element.attributes].some((a) => a.name.startsWith('on'))).length,
      }));
      expect(inline).toEqual({ scripts: 0, styleElements: 0, styleAttributes: 0, handlers: 0 });
    }
    const operations = Object.values((await server.request('GET', '/openapi.json')).body.paths).flatMap((methods) => Object.keys(methods as object));
    await page.locator('.operation').first().waitFor();
    expect(await page.locator('.operation').count()).toBe(operations.length);
    await page.locator('.operation summary', { hasText: 'Log in: access' }).click();
    await screenshot(page, '9-docs');
  });
});

describe('reached through the workshop tunnel', () => {
  it('says on the page that the tunnel\'s last leg is plain HTTP: demo accounts only', async () => {
    const tunnelled = await startTestServer({ PUBLIC_TUNNEL: 'on' });
    try {
      expect((await tunnelled.request('GET', '/')).body.tunnel_notice).toMatch(/plain, unencrypted HTTP.*never a real password/);
      expect((await server.request('GET', '/')).body.tunnel_notice).toBeUndefined();
      const { page } = await pages.newPage(browser);
      await page.goto(`${tunnelled.url}/app`);
      await page.locator('#tunnel-notice').getByText('never a real password', { exact: false }).waitFor();
      const local = await openPage();
      await local.page.locator('body[data-view="signed-out"]').waitFor({ state: 'attached' });
      expect(await local.page.isVisible('#tunnel-notice')).toBe(false);
      await screenshot(page, '10-tunnel-notice', { fullPage: false });
    } finally {
      await tunnelled.close();
    }
  });
});
