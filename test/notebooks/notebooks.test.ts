// Every notebook, headless on the real tslab kernel, the way learners run it: every code cell twice
// in a row in one kernel (as Shift-Enter twice), one notebook after another (each starts a kernel;
// two cores). A cell error or a ✗ line fails the test; so does a file the kernel leaves in its
// TMPDIR, or a figure that loses its drawing in the HTML export (made as `npm run tutorial:html`
// makes it). Then key outputs are checked. Notebooks 6 and 7 open their tunnel through the loopback
// localtunnel server, so the automated checks really travel through a tunnel.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, registerKernel } from '../../src/notebook/kernel-spec';
import { openDatabase } from '../../src/db/sqlite/open-database';
import { VERSION } from '../../src/version';
import { startLocaltunnelServer, type FakeLocaltunnelServer } from '../fixtures/localtunnel-server';
import { freePort } from './free-port';
import { executeNotebook, NOTEBOOKS_DIR, type ExecutedNotebook } from './run-notebook';

const NOTEBOOK_TIMEOUT_MS = 240_000;
/** Cost 13 adds a second or more per run and teaches nothing cost 12 does not. */
const QUICK_CHART = { AUTHBOOK_CHART_MAX_COST: '12' };
const DRAWING_ELEMENTS = ['rect', 'line', 'path', 'polygon', 'circle', 'text'];

const count = (text: string, element: string) => text.split(`<${element} `).length - 1;

/** What every notebook must show, whatever it teaches. */
function expectCleanRun(notebook: ExecutedNotebook): void {
  expect(notebook.checkLines().filter((line) => line.startsWith('✗'))).toEqual([]);
  expect(notebook.leftovers).toEqual([]);
  // Figures go out as text/html: HTML exports strip the drawing of image/svg+xml outputs.
  expect(notebook.cells.filter((cell) => 'image/svg+xml' in cell.rich)).toEqual([]);
  const svgs = notebook.richOf('text/html').match(/<svg[\s\S]*?<\/svg>/g) ?? [];
  const exported = (notebook.html!.match(/<svg[\s\S]*?<\/svg>/g) ?? []).join('\n');
  for (const element of DRAWING_ELEMENTS) expect(count(exported, element)).toBeGreaterThanOrEqual(count(svgs.join('\n'), element));
  // The export highlights the code as TypeScript, from the notebook's language_info.
  expect(notebook.html).toContain('highlight hl-typescript');
  expect(notebook.html).toContain('<span class="kd">const</span>');
}

describe.sequential('every notebook, each code cell run twice in one kernel', () => {
  let tunnelServer: FakeLocaltunnelServer;
  let tunnelEnv: Record<string, string>;
  let shareDir: string;
  let shareFile: string;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(PROJECT_ROOT, 'dist', 'index.js'))) throw new Error('dist/ is missing: run npm run build (npm test does)');
    registerKernel();
    tunnelServer = await startLocaltunnelServer();
    // Notebook 6 announces its server here, not in the project's .jupyter/ (other test files run at the same time).
    shareDir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbook-share-'));
    shareFile = path.join(shareDir, 'tutorial-server.json');
    tunnelEnv = { LT_HOST: tunnelServer.host, LT_ADDRESS: tunnelServer.address, AUTHBOOK_SHARED_SERVER_FILE: shareFile };
  });

  afterAll(async () => {
    await tunnelServer?.close();
    if (shareDir) fs.rmSync(shareDir, { recursive: true, force: true });
  });

  const run = (name: string, env: Record<string, string> = {}) => executeNotebook(name, { twice: true, html: true, env: { AUTHBOOK_SHARED_SERVER_FILE: shareFile, ...env } });

  it('covers every notebook in notebooks/', () => {
    expect(fs.readdirSync(NOTEBOOKS_DIR).filter((name) => name.endsWith('.ipynb')).sort()).toEqual([
      '01-install.ipynb',
      '02-configuration.ipynb',
      '03-database.ipynb',
      '04-authentication.ipynb',
      '05-app-and-routes.ipynb',
      '06-public-url.ipynb',
      '07-automated-tests.ipynb',
      '08-manual-testing.ipynb',
      '09-second-factor.ipynb',
      '10-email.ipynb',
      '11-signing-keys.ipynb',
    ]);
  });

  it('01 install: imports the built package and prints its version', async () => {
    const notebook = await run('01-install.ipynb');
    expectCleanRun(notebook);
    expect(notebook.again.text).toContain(`authbook ${VERSION}`);
    expect(notebook.again.text).toMatch(/kernel authbook-tslab: tslab [\d.]+, TypeScript 5\.0\.\d+/);
    expect(notebook.again.text).toContain('✓ the kernel runs in notebooks/');
  }, NOTEBOOK_TIMEOUT_MS);

  it('02 configuration: variables beside settings, the secret hidden, the real ConfigError', async () => {
    const notebook = await run('02-configuration.ipynb');
    expectCleanRun(notebook);
    const html = notebook.again.richOf('text/html');
    expect(html).toMatch(/<td[^>]*>JWT_SECRET<\/td><td[^>]*>jwtSecret<\/td><td[^>]*>•+ +\(48-byte key, hidden\)/);
    expect(html).toMatch(/<td[^>]*>LOCKOUT_BASE<\/td><td[^>]*>rateLimit\.lockoutBaseSeconds<\/td><td[^>]*>60</);
    expect(notebook.again.text).toContain('ConfigError: 3 problems');
    expect(notebook.again.text).toContain('BCRYPT_ROUNDS must be a whole number');
    expect(notebook.again.text).toContain('refused: JWT_SECRET is required when NODE_ENV=production');
  }, NOTEBOOK_TIMEOUT_MS);

  it('03 database: the migration SQL, a diagram of every table and key, a user created, duplicates refused', async () => {
    const notebook = await run('03-database.ipynb');
    expectCleanRun(notebook);
    expect(notebook.again.richOf('text/markdown')).toContain('CREATE TABLE role_permissions');
    const html = notebook.again.richOf('text/html');
    for (const table of ['roles', 'permissions', 'role_permissions', 'users', 'sessions', 'refresh_tokens', 'rate_limits', 'login_attempts', 'audit_log']) {
      expect(html).toContain(`font-weight="bold">${table}</text>`);
    }
    // One arrow per foreign key of the schema, as a fresh database reports them.
    const db = openDatabase(':memory:');
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
    const foreignKeys = tables.reduce((sum, table) => sum + db.prepare('SELECT * FROM pragma_foreign_key_list(?)').all(table).length, 0);
    db.close();
    expect(foreignKeys).toBeGreaterThanOrEqual(5); // role_permissions x2, users, sessions, refresh_tokens, and what later issues added
    expect(html.match(/<path d="M/g)).toHaveLength(foreignKeys);
    expect(html).toContain('<td style="text-align:left">Administrator with full permissions</td>');
    expect(notebook.again.text).toMatch(/✓ ADA_[0-9A-F]{6}@EXAMPLE\.COM: email_taken/);
    expect(notebook.again.text).toMatch(/✓ mallory_[0-9a-f]{6}@example\.com: unknown_role/);
  }, NOTEBOOK_TIMEOUT_MS);

  it('04 authentication: a bcrypt string taken apart, a cost chart, four forged tokens rejected, a refresh token replayed', async () => {
    const notebook = await run('04-authentication.ipynb', QUICK_CHART);
    expectCleanRun(notebook);
    expect(notebook.again.richOf('text/html')).toContain('<td style="text-align:left">2b</td><td style="text-align:left">10</td>');
    expect(notebook.again.richOf('text/html').match(/<rect /g)).toHaveLength(5); // costs 8-12
    expect(notebook.again.text).toContain('skipped cost 13: above AUTHBOOK_CHART_MAX_COST=12');
    expect(notebook.again.text).toContain('plain bcrypt, different passwords match: true');
    expect(notebook.again.text).toContain('authbook, different passwords match: false');
    expect(notebook.again.text).toMatch(/Test1234 +refused: Password is one of the most commonly used passwords/);
    for (const attack of ['tampered payload', 'alg: none', 'guessed secret', 'expired']) {
      expect(notebook.again.text.split('\n')).toContainEqual(expect.stringMatching(new RegExp(`^${attack} +rejected$`)));
    }
    expect(notebook.again.richOf('text/markdown')).toContain('async rotateRefreshToken(');
    expect(notebook.again.text).toContain('✓ the spent token again: refresh_token_reused');
  }, NOTEBOOK_TIMEOUT_MS);

  it('05 app and routes: middleware order, a 403 from the permission check, equal login timing, the browser cookies', async () => {
    const notebook = await run('05-app-and-routes.ipynb');
    expectCleanRun(notebook);
    expect(notebook.again.richOf('text/html')).toMatch(/requestEntry[\s\S]*apiSecurityHeaders → requestBodies[\s\S]*GET \/users\/me<[\s\S]*notFoundHandler/);
    expect(notebook.again.text).toMatch(/GET \/admin\nStatus: 403[\s\S]*Permission required: admin/);
    expect(notebook.again.richOf('text/html')).toContain('access token lives 15 min');
    expect(notebook.again.richOf('text/markdown')).toContain("router.post('/login'");
    expect(notebook.again.text).toMatch(/✓ the two take about the same time/);
    expect(notebook.again.text).toContain('✓ the cookie alone, as a forged cross-site request would send it: 403 csrf_failed');
    expect(notebook.again.text).toMatch(/still running at http:\/\/127\.0\.0\.1:\d+/); // the stop cell is opt-in
  }, NOTEBOOK_TIMEOUT_MS);

  it('06 public URL: opens a tunnel through the localtunnel server, answers through it, announces itself, and cleans up at exit', async () => {
    const notebook = await run('06-public-url.ipynb', tunnelEnv);
    expectCleanRun(notebook);
    const publicUrl = new RegExp(`http://[a-z0-9]+\\.localhost:${tunnelServer.port}`);
    expect(notebook.again.richOf('text/html')).toMatch(new RegExp(`Public URL[\\s\\S]*${publicUrl.source}`));
    expect(notebook.again.text).toMatch(new RegExp(`the server answers at ${publicUrl.source}`));
    expect(notebook.again.text).toContain('tunnel_notice: This server is reached through a public tunnel');
    expect(notebook.again.text).toContain('✓ notebooks 7 and 8 will find this server');
    expect(notebook.again.text).toMatch(new RegExp(`passkeys: RP ID [a-z0-9]+\\.localhost, origin ${publicUrl.source}; links in messages start with ${publicUrl.source}`));
    expect(notebook.again.text).toContain('✓ passkeys and mail links follow the tunnel URL');
    expect(notebook.text).not.toContain('No public URL');
    expect(notebook.again.richOf('text/html')).toMatch(new RegExp(`<a href="${publicUrl.source}/app"`));
    expect(notebook.html).toContain('src="images/web-page.png"');
    expect(fs.existsSync(shareFile)).toBe(false); // removed when the kernel ended
  }, NOTEBOOK_TIMEOUT_MS);

  it('06 public URL: without a reachable tunnel server, explains and carries on locally', async () => {
    const notebook = await executeNotebook('06-public-url.ipynb', { env: { LT_HOST: `http://127.0.0.1:${await freePort()}`, LT_TIMEOUT_MS: '2000', AUTHBOOK_SHARED_SERVER_FILE: shareFile } });
    expect(notebook.richOf('text/markdown')).toContain('**No public URL this time.**');
    expect(notebook.richOf('text/html')).toContain('Local URL (this machine only)');
    expect(notebook.text).toMatch(/the server answers at http:\/\/127\.0\.0\.1:\d+/);
  }, NOTEBOOK_TIMEOUT_MS);

  it('07 automated tests: every check passes, through the tunnel, and the tally stays one set of checks', async () => {
    const notebook = await run('07-automated-tests.ipynb', tunnelEnv);
    expectCleanRun(notebook);
    expect(notebook.again.text).toMatch(new RegExp(`testing http://[a-z0-9]+\\.localhost:${tunnelServer.port} \\(public, through the tunnel; started here\\)`));
    expect(notebook.again.text).toContain('All 13 checks passed ✓');
    expect(notebook.text).not.toContain('FAILED');
    const tally = notebook.again.cells.find((cell) => cell.source.includes('checks.report()'))!;
    expect(tally.rich['text/html'].match(/<tr style="background:#e8f5e9">/g)).toHaveLength(13);
    expect(tally.rich['text/html']).toMatch(/<td[^>]*>10\. Brute force: the 6th guess is locked out<\/td><td[^>]*>429<\/td><td[^>]*>429<\/td><td[^>]*>\d+<\/td>/); // Retry-After
    expect(notebook.again.text).toContain('five wrong guesses answered: 401, 401, 401, 401, 401');
  }, NOTEBOOK_TIMEOUT_MS);

  it('09 second factor: TOTP set-up with the QR code, a login in two steps, a replay and a spent recovery code refused, the password alone gets no access', async () => {
    const notebook = await run('09-second-factor.ipynb');
    expectCleanRun(notebook);
    for (const line of [
      '✓ set-up answers a secret and a QR code: 200',
      '✓ the password answers mfa_required, no token',
      '✓ the code answers the tokens: 200',
      '✓ the same code again is refused: 401',
      '✓ a recovery code works once: 200',
      '✓ and is refused the second time: 401',
      '✓ /users/me refuses the mfa_token: 401',
    ]) expect(notebook.again.text).toContain(line);
    expect(notebook.again.text).not.toContain('✗');
    expect(notebook.again.text).toMatch(/relying party: RP ID localhost, origin http:\/\/localhost:[1-9]\d*\n/); // the port it listens on, not PORT=0
    expect(notebook.again.richOf('text/html')).toContain('<svg');
  }, NOTEBOOK_TIMEOUT_MS);

  it('10 email: verification, a reset end to end, the same forgot answer for everyone, an SMTP outage that loses nothing', async () => {
    const notebook = await run('10-email.ipynb');
    expectCleanRun(notebook);
    expect(notebook.again.text).toMatch(/SMTP on smtp:\/\/127\.0\.0\.1:\d+; authbook on http:\/\/127\.0\.0\.1:\d+/);
    expect(notebook.again.text).toContain('✓ email_verified: false before the link, true after');
    expect(notebook.again.text).toContain('✓ her old session 401, the old password 401, the new one 200');
    expect(notebook.again.text).toContain('✓ one answer, status and body, for both kinds of address');
    expect(notebook.again.text).toContain('✓ with SMTP down the request still answers 202');
    expect(notebook.again.text).toMatch(/✓ after the outage: 1 reset message for Alan/);
    expect(notebook.again.text).toContain('✓ first link 400, second link 200');
    expect(notebook.again.text).toContain('✓ the refused address has a failed message');
    expect(notebook.again.text).not.toContain('✗');
    const html = notebook.again.richOf('text/html');
    expect(html).toContain('<b>Subject:</b> Reset your password');
    expect(html).toMatch(/\/app\/reset#token=[A-Za-z0-9_-]{43}/);
  }, NOTEBOOK_TIMEOUT_MS);

  it('11 signing keys: the JWKS, a notes API trusting it, a rotation, a forgery refused, the revocation trade-off', async () => {
    const notebook = await run('11-signing-keys.ipynb');
    expectCleanRun(notebook);
    for (const line of [
      '✓ public keys only: no "d" anywhere',
      "✓ the notes API accepts Ada's token: 200",
      '✓ and still the one from the old key',
      '✓ the notes API refuses the forgery: 401',
      '✓ authbook refuses the token at once: 401',
      '✓ the notes API still accepts it, until it expires: 200',
      '✓ introspection says it is no longer active',
    ]) expect(notebook.again.text).toContain(line);
    expect(notebook.again.text).toMatch(/still running: authbook at http:\/\/127\.0\.0\.1:\d+, the notes API at http:\/\/127\.0\.0\.1:\d+/);
  }, NOTEBOOK_TIMEOUT_MS);

  it('08 manual testing: testEndpoint prints status, headers and JSON; the lists are tables', async () => {
    const notebook = await run('08-manual-testing.ipynb');
    expectCleanRun(notebook);
    expect(notebook.again.text).toContain('(started here)');
    expect(notebook.again.text).toMatch(/POST \/register\nStatus: 201\nHeaders:\n {2}content-type: application\/json/);
    expect(notebook.again.text).toMatch(/"token": "eyJ[\w-]{13}… \(\d+ chars\)"/);
    expect(notebook.again.text).toContain('"error": "validation_error"');
    const html = notebook.again.richOf('text/html');
    expect(html).toMatch(/<b>200<\/b> · users: \d+ rows · page 1 · per_page 10 · total \d+/);
    expect(html).toMatch(/<b>200<\/b> · entries: 5 rows/);
    expect(html).toContain('<th style="text-align:left">username</th>');
  }, NOTEBOOK_TIMEOUT_MS);
});
