// Headless Chromium (Debian's /usr/bin/chromium) driven by playwright-core, for the web page tests:
// launch with a fresh profile, watch each page for uncaught errors and CSP violations, and write
// screenshots to test-output/screenshots/ for a person to look at.
// page.evaluate callbacks run in the browser: they need the DOM types
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.join(__dirname, '..', '..', 'test-output', 'screenshots');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Each launch gets a fresh temporary profile (playwright's default), so no cookie leaks between runs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/** Problems seen on watched pages: uncaught exceptions and Content-Security-Policy violations. */
export function pageProblems() {
  const problems: string[] = [];
  return {
    problems,
    watch(page: Page): Page {
      page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to (execute|apply|load|connect)/i.test(message.text())) problems.push(`csp: ${message.text()}`);
      });
      return page;
    },
  };
}

/** The whole page by default; `fullPage: false` for what the viewport shows (long phone pages). */
export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage });
}

/** True when the page is wider than its viewport, i.e. the user would have to scroll sideways. */
export const scrollsSideways = (page: Page): Promise<boolean> =>
  page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
