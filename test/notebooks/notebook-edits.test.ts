// The notebooks after the edits their text invites (a longer token lifetime, another bcrypt cost,
// the opt-in stop cells switched on): no cell fails and the checks follow the new values. And
// notebooks 7 and 8 in kernels of their own, finding a server notebook 6 announced: here the test
// process plays notebook 6, with the same startPublicServer call and share file. And notebook 7 when
// a step fails: it says what could not run, instead of failing somewhere later.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerKernel } from '../../src/notebook/kernel-spec';
import { startPublicServer, type PublicServer } from '../../src/notebook/public-server';
import { callEndpoint } from '../../src/notebook/test-endpoint';
import { startLocaltunnelServer, type FakeLocaltunnelServer } from '../fixtures/localtunnel-server';
import { executeNotebook, type ExecutedNotebook, type NotebookEdit } from './run-notebook';

const NOTEBOOK_TIMEOUT_MS = 240_000;
const STOP_NOW: NotebookEdit = { find: 'const stopNow = false;', replace: 'const stopNow = true;' };

const failedChecks = (notebook: ExecutedNotebook) => notebook.checkLines().filter((line) => line.startsWith('✗'));

describe.sequential('the notebooks after a learner edits them', () => {
  let shareDir: string;
  let env: Record<string, string>;

  beforeAll(() => {
    registerKernel();
    shareDir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbook-share-'));
    env = { AUTHBOOK_SHARED_SERVER_FILE: path.join(shareDir, 'tutorial-server.json') };
  });
  afterAll(() => fs.rmSync(shareDir, { recursive: true, force: true }));

  it('02 with ACCESS_TOKEN_TTL=1h: the checks follow the new value', async () => {
    const notebook = await executeNotebook('02-configuration.ipynb', { env, edits: [{ find: "ACCESS_TOKEN_TTL: '15m',", replace: "ACCESS_TOKEN_TTL: '1h'," }] });
    expect(failedChecks(notebook)).toEqual([]);
    expect(notebook.text).toContain('✓ ACCESS_TOKEN_TTL=1h became accessTokenTtlSeconds 3600');
    expect(notebook.richOf('text/html')).toMatch(/ACCESS_TOKEN_TTL<\/td><td[^>]*>accessTokenTtlSeconds<\/td><td[^>]*>3600</);
  }, NOTEBOOK_TIMEOUT_MS);

  it('04 with bcrypt cost 11 and cost 14 added to the chart: nothing dropped silently', async () => {
    const notebook = await executeNotebook('04-authentication.ipynb', {
      env: { ...env, AUTHBOOK_CHART_MAX_COST: '12' },
      edits: [
        { find: 'const cost = 10;', replace: 'const cost = 11;' },
        { find: 'const costs = [8, 9, 10, 11, 12, 13];', replace: 'const costs = [8, 9, 10, 11, 12, 13, 14];' },
      ],
    });
    expect(failedChecks(notebook)).toEqual([]);
    expect(notebook.text).toContain('✓ the string records its cost, 11');
    expect(notebook.text).toContain('skipped cost 13, 14: above AUTHBOOK_CHART_MAX_COST=12');
  }, NOTEBOOK_TIMEOUT_MS);

  it('05 with its stop cell switched on: the server and database close', async () => {
    const notebook = await executeNotebook('05-app-and-routes.ipynb', { env, edits: [STOP_NOW] });
    expect(failedChecks(notebook)).toEqual([]);
    expect(notebook.cells.at(-1)!.text).toBe('server closed, database closed\n');
  }, NOTEBOOK_TIMEOUT_MS);

  describe('07 and 8 in their own kernels, with the server notebook 6 announced', () => {
    let tunnelServer: FakeLocaltunnelServer;
    let notebook6: PublicServer;

    beforeAll(async () => {
      tunnelServer = await startLocaltunnelServer();
      notebook6 = await startPublicServer({
        tunnel: { host: tunnelServer.host, address: tunnelServer.address, timeoutMs: 5000 },
        env: { BCRYPT_ROUNDS: '10' },
        shareFile: env.AUTHBOOK_SHARED_SERVER_FILE,
      });
    });
    afterAll(async () => {
      await notebook6?.close();
      await tunnelServer?.close();
    });

    it("07 tests notebook 6's server through its tunnel, and its stop cell leaves that server alone", async () => {
      const notebook = await executeNotebook('07-automated-tests.ipynb', { env, edits: [STOP_NOW] });
      expect(failedChecks(notebook)).toEqual([]);
      expect(notebook.text).toContain(`testing ${notebook6.url} (public, through the tunnel; notebook 6's server)`);
      expect(notebook.text).toContain('All 13 checks passed ✓');
      expect(notebook.cells.at(-1)!.text).toBe("this notebook started no server; notebook 6's keeps running\n");
      expect((await callEndpoint('GET', '/healthz', { baseUrl: notebook6.server.url })).status).toBe(200);
    }, NOTEBOOK_TIMEOUT_MS);

    it("08 talks to notebook 6's server, and its admin section works with the announced login", async () => {
      const notebook = await executeNotebook('08-manual-testing.ipynb', { env, edits: [STOP_NOW] });
      expect(failedChecks(notebook)).toEqual([]);
      expect(notebook.text).toContain(`testEndpoint now talks to ${notebook6.server.url} (notebook 6's server, public at ${notebook6.url})`);
      expect(notebook.text).toContain('✓ disabling John ended his sessions at once: his token gets 401');
      expect(notebook.cells.at(-1)!.text).toBe("this notebook started no server; notebook 6's keeps running\n");
    }, NOTEBOOK_TIMEOUT_MS);

    it('07 when registering fails: the tampering checks say they could not run, not a decode error', async () => {
      const notebook = await executeNotebook('07-automated-tests.ipynb', {
        env,
        allowErrors: true,
        edits: [STOP_NOW, { find: "const registered = await request('POST', '/register', { body: user });", replace: "const registered = await request('POST', '/register', { body: { ...user, password: 'short' } });" }],
      });
      expect(notebook.text).toMatch(/^✗ 1\. Register a user: 400/m);
      expect(notebook.text).toContain('✗ 8-9 not run: step 1 (Register a user) gave no token; see its line above');
      expect(notebook.text.match(/\w*Error: .*/g)).toEqual([expect.stringMatching(/^Error: \d+ of \d+ checks failed/)]);
    }, NOTEBOOK_TIMEOUT_MS);
  });

  // Notebooks 9 to 11 invite no edit of a value they print; their opt-in stop cells are the edit.
  it.each([
    { file: '09-second-factor.ipynb', what: 'the server closes after the second-factor checks', checks: ['✓ the same code again is refused: 401'], stopped: 'authbook closed\n' },
    { file: '10-email.ipynb', what: 'the SMTP server and the service stop', checks: ['✓ after the outage: 1 reset message for Alan'], stopped: 'stopped the SMTP server and the service\n' },
    // Run once, Ada is user 1: the Try it tampering must still change her sub.
    { file: '11-signing-keys.ipynb', what: 'the notes API and authbook close', checks: ['✓ the notes API accepts the new token', '✓ a changed sub: 401'], stopped: 'notes API and authbook closed\n' },
  ])('$file with its stop cell switched on: $what', async ({ file, checks, stopped }) => {
    const notebook = await executeNotebook(file, { env, edits: [STOP_NOW] });
    expect(failedChecks(notebook)).toEqual([]);
    for (const line of checks) expect(notebook.text).toContain(line);
    expect(notebook.cells.at(-1)!.text).toBe(stopped);
    expect(notebook.leftovers).toEqual([]);
  }, NOTEBOOK_TIMEOUT_MS);
});
