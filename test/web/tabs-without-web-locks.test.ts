// Plain http on a LAN address is not a secure context, so the page has no Web Locks there. Two tabs
// refreshing at the same moment would then spend one refresh token twice, which the server must
// treat as theft (the session ends). The page's fallback lock keeps them taking turns.
// page.evaluate callbacks run in the browser: they need the DOM types
/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newUser, startTestServer, type TestServer } from '../helpers/test-server';
import { launchChromium, pageProblems } from './browser';
import { loadPage } from './page-steps';

let server: TestServer;
let browser: Browser;
const seen = pageProblems();
beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const ROUNDS = 15;

/** The page's own api module (the same instance its app.js uses), so tests call it as the page does. */
type PageWindow = { pageApi: typeof import('../../src/web/api') };

async function openTab(context: BrowserContext): Promise<Page> {
  const page = seen.watch(await context.newPage());
  await loadPage(page, `${server.url}/app`);
  // a string, so the test runner's transform leaves this import() alone
  await page.evaluate("import('/app/api.js').then((module) => { window.pageApi = module; })");
  return page;
}

/** Every tab calls refreshSession() at the same instant (the tabs share one clock). */
function refreshTogether(tabs: Page[]): Promise<boolean[]> {
  const at = Date.now() + 200;
  return Promise.all(
    tabs.map((tab) =>
      tab.evaluate(
        async (at) => {
          await new Promise((resolve) => setTimeout(resolve, at - Date.now()));
          return (window as unknown as PageWindow).pageApi.refreshSession();
        },
        at,
      ),
    ),
  );
}

describe('two tabs without Web Locks', () => {
  it('refreshing at the same moment, again and again, never spends a refresh token twice: the session survives', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => Object.defineProperty(navigator, 'locks', { value: undefined }));
    const refreshAnswers: Array<Promise<{ status: number; error?: string }>> = [];
    context.on('response', (response) => {
      if (!response.url().endsWith('/token/refresh')) return;
      refreshAnswers.push(response.json().then((body: { error?: string }) => ({ status: response.status(), error: body.error })));
    });

    const first = await openTab(context);
    expect(await first.evaluate(() => navigator.locks)).toBeUndefined();
    const user = newUser();
    await first.evaluate(async (body) => void (await (window as unknown as PageWindow).pageApi.startSession('/register', body)), user);
    const second = await openTab(context); // its start-up refresh continues the same session
    await second.locator('body[data-view="signed-in"]').waitFor();

    for (let round = 0; round < ROUNDS; round += 1) {
      expect(await refreshTogether([first, second]), `round ${round}`).toEqual([true, true]);
    }
    const refreshes = await Promise.all(refreshAnswers);
    expect(refreshes.filter((r) => r.status !== 200)).toEqual([]); // no refresh_token_reused, no csrf_failed
    expect(refreshes.length).toBe(1 + 2 * ROUNDS);
    // the session is alive in both tabs, and the page kept nothing in storage
    for (const tab of [first, second]) {
      const me = await tab.evaluate(() => (window as unknown as PageWindow).pageApi.call<{ user: { username: string } }>('GET', '/users/me'));
      expect(me.user.username).toBe(user.username);
      expect(await tab.evaluate(() => localStorage.length)).toBe(0);
    }
    await context.close();
    expect(seen.problems).toEqual([]);
  });
});
