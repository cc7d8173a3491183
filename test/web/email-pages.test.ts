// The page's email parts in headless Chromium against the real server and a real SMTP server on
// loopback: "Forgot password?" -> the emailed link opens the reset form -> the new password works;
// the verification link lands on the page and verifies; signed in, the address's state and the
// change form. A link's token never leaves the browser in a request URL.
// page.evaluate callbacks run in the browser: they need the DOM types
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../fixtures/smtp-server';
import { SUBJECTS, tokenIn, waitForMail } from '../helpers/mail';
import { registerUser, startTestServer, type TestServer } from '../helpers/test-server';
import { launchChromium, screenshot } from './browser';
import { loadPage, signedIn, submitLogin, watchedPages } from './page-steps';

let smtp: TestSmtpServer;
let server: TestServer;
let browser: Browser;
const pages = watchedPages();
/** Every URL the browser asked for: a link's token must be in none of them. */
const requested: string[] = [];

beforeAll(async () => {
  smtp = await startSmtpServer();
  [server, browser] = await Promise.all([startTestServer({ SMTP_URL: smtp.url }), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  await smtp?.close();
});
afterEach(async () => {
  expect(await pages.closeAll()).toEqual([]);
});

async function open(url: string): Promise<Page> {
  const { page } = await pages.newPage(browser);
  page.on('request', (request) => requested.push(request.url()));
  await loadPage(page, url);
  return page;
}

/** The link of a message, as a person would click it. */
const linkIn = (text: string) => /(http:\/\/\S+#token=[A-Za-z0-9_-]{43})/.exec(text)![1];

describe('the page and email', () => {
  it('6.4.1 Forgot password? -> the link opens the reset form -> the policy speaks beside the field -> the new password logs in', async () => {
    const user = await registerUser(server);
    const page = await open(`${server.url}/app`);
    await page.click('#forgot-open');
    await page.fill('#forgot-email', user.email);
    await page.click('#forgot-form button[type=submit]');
    await page.locator('#forgot-status', { hasText: 'If an account uses this address' }).waitFor();
    const mail = await waitForMail(smtp, user.email, SUBJECTS.reset);

    const resetPage = await open(linkIn(mail.text));
    await resetPage.locator('#reset-form').waitFor();
    expect(new URL(resetPage.url()).pathname + new URL(resetPage.url()).hash).toBe('/app'); // the token is wiped from the address bar
    expect(await resetPage.locator('#login-form').isHidden()).toBe(true);
    await resetPage.fill('#reset-password', 'password1');
    await resetPage.click('#reset-form button[type=submit]');
    await resetPage.locator('#reset-form .field-error[data-error-for="new_password"]').waitFor();
    await screenshot(resetPage, 'reset-form-error');
    await resetPage.fill('#reset-password', 'a page-chosen passphrase');
    await resetPage.click('#reset-form button[type=submit]');
    await resetPage.locator('#notice', { hasText: 'Password reset' }).waitFor();
    await submitLogin(resetPage, { ...user, password: 'a page-chosen passphrase' });
    await signedIn(resetPage, user);
    expect(requested.filter((url) => url.includes(tokenIn(mail)))).toEqual([]);
  });

  it('the verification link lands on the page and verifies; signed in, the page says so and offers the address change', async () => {
    const user = await registerUser(server);
    const mail = await waitForMail(smtp, user.email, SUBJECTS.verify);
    const page = await open(linkIn(mail.text));
    await page.locator('#notice', { hasText: `Email address verified: ${user.email}` }).waitFor();
    await submitLogin(page, user);
    await page.locator('#email-status', { hasText: 'Your address is verified.' }).waitFor();
    expect(await page.locator('#verify-resend').isHidden()).toBe(true);
    await page.fill('#new-email', `page-moved-${user.id}@example.com`);
    await page.fill('#email-password', user.password);
    await page.click('#email-form button[type=submit]');
    await page.locator('#email-status', { hasText: 'A link is on its way to the new address' }).waitFor();
    await waitForMail(smtp, `page-moved-${user.id}@example.com`, SUBJECTS.change);
    await screenshot(page, 'email-change');
    expect(requested.filter((url) => url.includes(tokenIn(mail)))).toEqual([]);
  });

  it('an unverified account sees a button for a new link, and a spent link says so', async () => {
    const user = await registerUser(server);
    const first = await waitForMail(smtp, user.email, SUBJECTS.verify);
    const page = await open(`${server.url}/app`);
    await submitLogin(page, user);
    await page.locator('#email-status', { hasText: 'not verified yet' }).waitFor();
    await page.click('#verify-resend');
    await page.locator('#email-status', { hasText: 'A new verification link is on its way' }).waitFor();
    await waitForMail(smtp, user.email, SUBJECTS.verify, { nth: 2 });
    const spent = await open(linkIn(first.text));
    await spent.locator('#notice.error', { hasText: 'invalid, already used or expired' }).waitFor();
  });
});
