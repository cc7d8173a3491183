// The real Jupyter UI, as a learner meets it: Debian's classic Notebook, served from a project root
// as `npm run notebook` serves it, driven in headless Chromium. Open notebook 4, Kernel > Restart &
// Run All, wait, and look: no cell shows an error or a ✗, the bcrypt chart is drawn on the page, and
// a "Source:" link opens the TypeScript file as text. The notebooks and src/ are copies in a temp
// root (the UI saves outputs into the notebooks, and Jupyter serves no file a link leads out of the
// root to); dist/ and node_modules/ are links to the real ones.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jupyterEnv, PROJECT_ROOT, registerKernel, writeJupyterConfig } from '../../src/notebook/kernel-spec';
import { launchChromium } from '../web/browser';
import { freePort } from './free-port';

const RUN_ALL_TIMEOUT_MS = 120_000;

async function waitForJupyter(url: string, jupyter: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (jupyter.exitCode !== null) throw new Error(`jupyter notebook exited with ${jupyter.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`jupyter notebook did not answer at ${url}`);
}

describe('the classic Jupyter Notebook in Chromium', () => {
  let root: string;
  let jupyter: ChildProcess;
  let jupyterLog = '';
  let browser: Browser;
  let base: string;
  let token: string;

  beforeAll(async () => {
    registerKernel();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'authbook-ui-'));
    for (const copied of ['notebooks', 'src']) fs.cpSync(path.join(PROJECT_ROOT, copied), path.join(root, copied), { recursive: true });
    for (const linked of ['dist', 'node_modules']) fs.symlinkSync(path.join(PROJECT_ROOT, linked), path.join(root, linked));
    const home = path.join(root, '.home'); // Jupyter's own config, runtime and data, away from the real ones
    token = randomBytes(16).toString('hex');
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    jupyter = spawn(
      'jupyter',
      ['notebook', '--no-browser', '--ip=127.0.0.1', `--port=${port}`, `--NotebookApp.token=${token}`, ...(process.getuid?.() === 0 ? ['--allow-root'] : [])],
      {
        cwd: root,
        env: {
          ...jupyterEnv(),
          JUPYTER_CONFIG_PATH: writeJupyterConfig(),
          JUPYTER_CONFIG_DIR: path.join(home, 'config'),
          JUPYTER_DATA_DIR: path.join(home, 'data'),
          JUPYTER_RUNTIME_DIR: path.join(home, 'runtime'),
          AUTHBOOK_CHART_MAX_COST: '12',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    jupyter.stdout!.on('data', (chunk) => (jupyterLog += chunk));
    jupyter.stderr!.on('data', (chunk) => (jupyterLog += chunk));
    await waitForJupyter(`${base}/api/status?token=${token}`, jupyter);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (jupyter && jupyter.exitCode === null) {
      const exited = new Promise((resolve) => jupyter.once('exit', resolve));
      jupyter.kill('SIGTERM'); // the Notebook shuts its kernels down on its way out
      await exited;
    }
    if (root) fs.rmSync(root, { recursive: true, force: true });
  }, 30_000);

  it('04: Restart & Run All runs every cell without an error, and the chart is drawn', async () => {
    const page: Page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const uncaught: string[] = [];
    page.on('pageerror', (error) => uncaught.push(error.message));
    try {
      await page.goto(`${base}/notebooks/notebooks/04-authentication.ipynb?token=${token}`);
      await page.waitForSelector('#kernel_indicator_icon.kernel_idle_icon', { timeout: 30_000 });
      await page.click('#kernellink');
      await page.click('#restart_run_all > a');
      await page.click('.modal-footer button.btn-danger'); // "Restart and Run All Cells"
      // Done when every code cell shows a number in its prompt and the kernel is idle again.
      await page.waitForFunction(
        () => {
          const prompts = [...document.querySelectorAll('.code_cell .input_prompt')].map((prompt) => prompt.textContent ?? '');
          return prompts.length > 0 && prompts.every((text) => /\[\d+\]/.test(text)) && document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null;
        },
        undefined,
        { timeout: RUN_ALL_TIMEOUT_MS, polling: 500 },
      );
      expect(await page.locator('.output_error, .output_stderr').count()).toBe(0);
      const outputs = await page.locator('.output_area').allInnerTexts();
      expect(outputs.join('\n')).toContain('✓ every forged token is refused');
      expect(outputs.join('\n')).not.toMatch(/^✗ /m);
      const bars = page.locator('.output_html svg rect');
      expect(await bars.count()).toBe(5); // costs 8-12
      const bar = await bars.first().boundingBox();
      expect(bar!.width).toBeGreaterThan(10);
      expect(bar!.height).toBeGreaterThan(0);
      expect(uncaught).toEqual([]);
    } finally {
      await page.close();
    }
  }, RUN_ALL_TIMEOUT_MS + 60_000);

  it('04: a "Source:" link opens the TypeScript file as text, in a new tab', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/notebooks/notebooks/04-authentication.ipynb?token=${token}`);
      const link = page.locator('.text_cell_render a', { hasText: 'src/auth/tokens.ts' }).first();
      expect(await link.getAttribute('target')).toBe('_blank'); // the Notebook opens links beside the notebook
      const [opened] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
      await opened.waitForLoadState();
      expect(await opened.evaluate(() => document.contentType)).toBe('text/plain');
      expect(await opened.locator('body').innerText()).toContain('export function createTokenService(');
    } finally {
      await page.close();
    }
  }, 60_000);
});
