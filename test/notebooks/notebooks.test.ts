// Every notebook, top to bottom, headless on the real tslab kernel, one after another (each starts a
// kernel; two cores). A cell error fails the test with that cell's source and stderr; then key
// outputs are checked. Notebooks 6 and 7 open their tunnel through the loopback localtunnel server,
// so the automated checks really travel through a tunnel, as they would through localtunnel.me.
import fs from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, registerKernel } from '../../src/notebook/kernel-spec';
import { VERSION } from '../../src/version';
import { startLocaltunnelServer, type FakeLocaltunnelServer } from '../fixtures/localtunnel-server';
import { executeNotebook, NOTEBOOKS_DIR, type ExecutedNotebook } from './run-notebook';

const NOTEBOOK_TIMEOUT_MS = 240_000;
/** Cost 13 adds a second or more per run and teaches nothing cost 12 does not. */
const QUICK_CHART = { AUTHBOOK_CHART_MAX_COST: '12' };

/** A port nothing listens on: a localtunnel server that is not there. */
async function closedPort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const lines = (notebook: ExecutedNotebook) => notebook.text.split('\n');

describe.sequential('the notebooks run clean on the tslab kernel', () => {
  let tunnelServer: FakeLocaltunnelServer;
  let tunnelEnv: Record<string, string>;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(PROJECT_ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run npm run build (npm test does)');
    registerKernel();
    tunnelServer = await startLocaltunnelServer();
    tunnelEnv = { LT_HOST: tunnelServer.host, LT_ADDRESS: tunnelServer.address };
  });

  afterAll(async () => {
    await tunnelServer?.close();
  });

  const EXPECTED = [
    '01-install.ipynb',
    '02-configuration.ipynb',
    '03-database.ipynb',
    '04-authentication.ipynb',
    '05-app-and-routes.ipynb',
    '06-public-url.ipynb',
    '07-automated-tests.ipynb',
    '08-manual-testing.ipynb',
  ];

  it('covers every notebook in notebooks/', () => {
    expect(fs.readdirSync(NOTEBOOKS_DIR).filter((name) => name.endsWith('.ipynb')).sort()).toEqual(EXPECTED);
  });

  it('01 install: imports the built package and prints its version', async () => {
    const notebook = await executeNotebook('01-install.ipynb');
    expect(notebook.text).toContain(`authbook ${VERSION}`);
    expect(notebook.text).toMatch(/kernel authbook-tslab: tslab [\d.]+, TypeScript 5\.0\.\d+/);
  }, NOTEBOOK_TIMEOUT_MS);

  it('02 configuration: hides the secret and shows the real ConfigError', async () => {
    const notebook = await executeNotebook('02-configuration.ipynb');
    expect(notebook.richOf('text/html')).toMatch(/jwtSecret<\/td><td[^>]*>•+ +\(48-byte key, hidden\)/);
    expect(notebook.text).toContain('ConfigError: 3 problems');
    expect(notebook.text).toContain('BCRYPT_ROUNDS must be a whole number');
    expect(notebook.text).toContain('refused: JWT_SECRET is required when NODE_ENV=production');
  }, NOTEBOOK_TIMEOUT_MS);

  it('03 database: seeded roles as a table, a user created, duplicates refused', async () => {
    const notebook = await executeNotebook('03-database.ipynb');
    const html = notebook.richOf('text/html');
    expect(html).toContain('<td style="text-align:left">Administrator with full permissions</td>');
    expect(html).toContain('<td style="text-align:left">ada@example.com</td>');
    expect(notebook.text).toContain('ADA@example.com: email_taken');
    expect(notebook.text).toContain('mallory@example.com: unknown_role');
  }, NOTEBOOK_TIMEOUT_MS);

  it('04 authentication: a bcrypt string taken apart, a cost chart, four forged tokens rejected', async () => {
    const notebook = await executeNotebook('04-authentication.ipynb', QUICK_CHART);
    expect(notebook.richOf('text/html')).toContain('<td style="text-align:left">2b</td><td style="text-align:left">10</td>');
    expect(notebook.richOf('image/svg+xml').match(/<rect /g)).toHaveLength(5); // costs 8-12
    expect(notebook.text).toContain('plain bcrypt, different passwords match: true');
    expect(notebook.text).toContain('authbook, different passwords match: false');
    expect(notebook.text).toMatch(/Test1234 +refused: Password is one of the most commonly used passwords/);
    for (const attack of ['tampered payload', 'alg: none', 'guessed secret', 'expired']) {
      expect(lines(notebook)).toContainEqual(expect.stringMatching(new RegExp(`^${attack} +rejected$`)));
    }
  }, NOTEBOOK_TIMEOUT_MS);

  it('05 app and routes: middleware order, a 403 from the permission check, refresh reuse caught', async () => {
    const notebook = await executeNotebook('05-app-and-routes.ipynb');
    expect(notebook.richOf('text/html')).toMatch(/apiSecurityHeaders[\s\S]*jsonBody[\s\S]*notFoundHandler/);
    expect(notebook.text).toMatch(/GET \/admin\nStatus: 403[\s\S]*Permission required: admin/);
    expect(notebook.text).toContain('"error": "refresh_token_reused"');
    expect(notebook.richOf('image/svg+xml')).toContain('access token lives 15 min');
  }, NOTEBOOK_TIMEOUT_MS);

  it('06 public URL: opens a tunnel through the localtunnel server and answers through it', async () => {
    const notebook = await executeNotebook('06-public-url.ipynb', tunnelEnv);
    const publicUrl = new RegExp(`http://[a-z0-9]+\\.localhost:${tunnelServer.port}`);
    expect(notebook.richOf('text/html')).toMatch(new RegExp(`Public URL[\\s\\S]*${publicUrl.source}`));
    expect(notebook.text).toMatch(new RegExp(`the server answers at ${publicUrl.source}`));
    expect(notebook.text).not.toContain('No public URL');
    expect(notebook.richOf('text/html')).toMatch(new RegExp(`<a href="${publicUrl.source}/app"`));
  }, NOTEBOOK_TIMEOUT_MS);

  it('06 public URL: without a reachable tunnel server, explains and carries on locally', async () => {
    const notebook = await executeNotebook('06-public-url.ipynb', { LT_HOST: `http://127.0.0.1:${await closedPort()}`, LT_TIMEOUT_MS: '2000' });
    expect(notebook.richOf('text/markdown')).toContain('**No public URL this time.**');
    expect(notebook.richOf('text/html')).toContain('Local URL (this machine only)');
    expect(notebook.text).toMatch(/the server answers at http:\/\/127\.0\.0\.1:\d+/);
  }, NOTEBOOK_TIMEOUT_MS);

  it('07 automated tests: every check passes, through the tunnel', async () => {
    const notebook = await executeNotebook('07-automated-tests.ipynb', tunnelEnv);
    expect(notebook.text).toMatch(new RegExp(`testing http://[a-z0-9]+\\.localhost:${tunnelServer.port} \\(public, through the tunnel`));
    const checks = lines(notebook).filter((line) => /^[✓✗] /.test(line));
    expect(checks).toHaveLength(13);
    expect(checks.filter((line) => line.startsWith('✗'))).toEqual([]);
    expect(notebook.text).toContain('All 13 checks passed ✓');
    expect(notebook.text).toContain('five wrong guesses answered: 401, 401, 401, 401, 401');
  }, NOTEBOOK_TIMEOUT_MS);

  it('08 manual testing: testEndpoint prints status, headers and JSON', async () => {
    const notebook = await executeNotebook('08-manual-testing.ipynb');
    expect(notebook.text).toMatch(/POST \/register\nStatus: 201\nHeaders:\n {2}content-type: application\/json/);
    expect(notebook.text).toMatch(/"token": "eyJ[\w-]{13}… \(\d+ chars\)"/);
    expect(notebook.text).toContain('"error": "validation_error"');
    expect(notebook.text).toMatch(/GET \/admin\/users\nStatus: 200/);
  }, NOTEBOOK_TIMEOUT_MS);
});
