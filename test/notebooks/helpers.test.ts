// The notebook helpers in src/notebook on their own, fast and without a kernel: what they render,
// what they hide, what they send, and the kernel registration that `npm run notebook` relies on.
import { KeyObject, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { check, createChecklist } from '../../src/notebook/checklist';
import { cookieHeader, cookieRows, setCookiesOf } from '../../src/notebook/cookie-view';
import { demoAccount } from '../../src/notebook/demo-accounts';
import { responseTableHtml } from '../../src/notebook/response-table';
import { schemaDiagramSvg } from '../../src/notebook/schema-diagram';
import { checkPassword } from '../../src/auth/password-policy';
import { CONFIG_VARIABLES, configRows } from '../../src/notebook/config-view';
import { closeGlobalHandle, globalHandle, replaceGlobalHandle } from '../../src/notebook/global-handles';
import { escapeHtml, htmlTable } from '../../src/notebook/html';
import { decodeJwt, encodeJwtPart, jwtHtml } from '../../src/notebook/jwt-view';
import { jupyterEnv, KERNEL_NAME, registerKernel, writeJupyterConfig } from '../../src/notebook/kernel-spec';
import { startPublicServer, tunnelChoiceFromEnv, urlBannerHtml } from '../../src/notebook/public-server';
import { sourceCode, sourceDeclaration, sourceMarkdown, sourceRegion } from '../../src/notebook/source-view';
import { callEndpoint, testEndpoint, type EndpointResponse } from '../../src/notebook/test-endpoint';
import { createAuthService } from '../../src/auth/auth-service';
import { openDatabase } from '../../src/db/sqlite/open-database';
import { createSqliteStore } from '../../src/db/sqlite/sqlite-store';
import { createApp } from '../../src/http/app';
import { authFlowSvg } from '../../src/notebook/auth-flow-diagram';
import { bcryptCostChartSvg } from '../../src/notebook/bcrypt-cost-chart';
import { middlewareRows } from '../../src/notebook/middleware-view';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'authbook-helpers-'));

describe('display helpers', () => {
  it('htmlTable escapes what it shows and joins lists', () => {
    const html = htmlTable([{ name: '<script>alert(1)</script>', permissions: ['read', 'write'], note: null }]);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
    expect(html).toContain('>read, write<');
    expect(htmlTable([], ['name'])).toContain('no rows');
    expect(escapeHtml(`"'&`)).toBe('&quot;&#39;&amp;');
  });

  it('configRows hides the signing key and the bootstrap password, and names each variable', () => {
    const secret = randomBytes(40).toString('base64');
    const config = loadConfig({ DATABASE_PATH: ':memory:', JWT_SECRET: secret, ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'the admin passphrase' });
    const rows = configRows(config);
    const printed = JSON.stringify(rows);
    expect(printed).not.toContain(secret);
    expect(printed).not.toContain('the admin passphrase');
    expect(rows).toContainEqual({ variable: 'JWT_SECRET', setting: 'jwtSecret', value: expect.stringMatching(/^•+ +\(56-byte key, hidden\)$/) });
    expect(rows).toContainEqual({ variable: 'ADMIN_PASSWORD', setting: 'bootstrapAdmin.password', value: expect.stringMatching(/^•+ +\(set, hidden\)$/) });
    expect(rows).toContainEqual({ variable: 'LOCKOUT_BASE', setting: 'rateLimit.lockoutBaseSeconds', value: '60' });
    // Only what loadConfig works out itself has no variable.
    expect(rows.filter((row) => row.variable === '').map((row) => row.setting)).toEqual(['jwtSecretSource', 'secretsKeySource', 'warnings']);
    const onPostgres = JSON.stringify(configRows(loadConfig({ DATABASE_PATH: ':memory:', JWT_SECRET: secret, DATABASE_URL: 'postgres://authbook:db-pass-word@db/auth' })));
    expect(onPostgres).not.toContain('db-pass-word');
    expect(onPostgres).toContain('postgres://authbook@db/auth');
  });

  it('configRows names variables that loadConfig really reads', () => {
    const base = { DATABASE_PATH: ':memory:', JWT_SECRET: 'x'.repeat(48), ADMIN_EMAIL: 'root@example.com', ADMIN_PASSWORD: 'the admin passphrase' };
    // The raw value (secrets included), so a change shows even where configRows would hide it.
    const valueAt = (env: Record<string, string>, setting: string) => {
      const value = setting.split('.').reduce<unknown>((inner, key) => (inner as Record<string, unknown> | null)?.[key], loadConfig(env));
      return value instanceof KeyObject ? value.export().toString('hex') : JSON.stringify(value);
    };
    for (const [setting, variables] of Object.entries(CONFIG_VARIABLES)) {
      for (const variable of variables.split(', ')) {
        // bootstrapAdmin as a whole: set from nothing; every other setting: changed from the base.
        const from: Record<string, string> = setting === 'bootstrapAdmin' ? { DATABASE_PATH: ':memory:', JWT_SECRET: base.JWT_SECRET } : base;
        // A value no variable takes as it is: loadConfig either names the variable or holds the new value.
        const to = { ...from, [variable]: 'not-a-value!' };
        let changed: boolean;
        try {
          changed = valueAt(to, setting) !== valueAt(from, setting);
        } catch (error) {
          expect((error as Error).message, variable).toContain(variable);
          continue;
        }
        expect(changed, `${variable} -> ${setting}`).toBe(true);
      }
    }
  });

  it('decodeJwt reads what encodeJwtPart wrote, and jwtHtml shows the three parts escaped', () => {
    const token = [encodeJwtPart({ alg: 'HS256' }), encodeJwtPart({ sub: '<b>1</b>', exp: 0 }), 'c2ln'].join('.');
    expect(decodeJwt(token)).toEqual({ header: { alg: 'HS256' }, payload: { sub: '<b>1</b>', exp: 0 }, signature: 'c2ln' });
    const html = jwtHtml(token);
    expect(html).toContain('&lt;b&gt;1&lt;/b&gt;');
    expect(html).toContain('exp: 1970-01-01T00:00:00.000Z');
    expect(() => decodeJwt('only.two')).toThrow('three dot-separated parts');
  });

  it('sourceMarkdown shows a region of the real source file, linked from notebooks/', () => {
    const region = sourceRegion('auth/tokens.ts', 'verify');
    expect(region.startsWith('verify(token) {')).toBe(true);
    expect(fs.readFileSync(path.join(__dirname, '../../src/auth/tokens.ts'), 'utf8')).toContain(region.split('\n')[1]);
    expect(sourceMarkdown('auth/tokens.ts', 'verify')).toMatch(/^\[src\/auth\/tokens\.ts\]\(\.\.\/src\/auth\/tokens\.ts\): `verify`\n\n```ts\nverify\(token\) \{/);
    expect(() => sourceRegion('auth/tokens.ts', 'no-such-region')).toThrow("no region 'no-such-region'");
  });

  it('sourceDeclaration finds a declaration by name, a method by its dotted path, a route by method and path', () => {
    const file = (name: string) => fs.readFileSync(path.join(__dirname, '../../src', name), 'utf8');
    const guard = sourceDeclaration('http/guards.ts', 'requirePermission');
    expect(guard.split('\n')[0]).toBe("/** 403 unless the current user's role grants every named permission. Use after requireAuth. */");
    expect(file('http/guards.ts')).toContain(guard);
    const sign = sourceDeclaration('auth/tokens.ts', 'createTokenService.sign');
    expect(sign.startsWith('sign({ userId, sessionId }) {')).toBe(true);
    expect(sign.endsWith('\n}')).toBe(true); // dedented: the method's own indentation removed
    expect(sourceDeclaration('http/routes/auth-routes.ts', 'POST /login').startsWith("router.post('/login',")).toBe(true);
    expect(sourceCode('auth/tokens.ts', 'verify')).toBe(sourceRegion('auth/tokens.ts', 'verify'));
    expect(() => sourceDeclaration('auth/tokens.ts', 'noSuchThing')).toThrow("nothing named 'noSuchThing' in src/auth/tokens.ts");
    expect(() => sourceDeclaration('http/browser-cookies.ts', 'deliver')).toThrow(/declared 2 times .*outer\.deliver/);
  });

  it('bcryptCostChartSvg draws one labelled bar per cost', () => {
    const svg = bcryptCostChartSvg([{ cost: 8, ms: 12.5 }, { cost: 9, ms: 25 }, { cost: 10, ms: 300 }]);
    expect(svg.match(/<rect /g)).toHaveLength(3);
    expect(svg).toContain('>12.5 ms<');
    expect(svg).toContain('>300 ms<');
  });

  it('authFlowSvg states the configured token lifetimes', () => {
    const svg = authFlowSvg({ accessTokenTtlSeconds: 600, refreshTokenTtlSeconds: 7 * 86400 });
    expect(svg).toContain('access token lives 10 min; refresh token 7 d of disuse');
    expect(svg).toContain('401 refresh_token_reused');
  });

  it('middlewareRows lists the real app in the order a request meets it', () => {
    const config = loadConfig({ DATABASE_PATH: ':memory:' });
    const store = createSqliteStore(openDatabase(':memory:'));
    try {
      const rows = middlewareRows(createApp({ auth: createAuthService({ config, store }) }));
      const names = rows.map((row) => row.name);
      expect(rows[0]).toMatchObject({ name: 'requestEntry', answers: 'apiSecurityHeaders → requestBodies' }); // the silent logger logs no line
      expect(rows[1]).toMatchObject({ name: 'route', answers: 'GET /users/me' });
      expect(names.indexOf('notFoundHandler')).toBe(names.length - 2); // then the error mapper
      expect(rows.map((row) => row.position)).toEqual(rows.map((_, index) => index + 1));
      expect(rows.find((row) => row.answers.includes('GET /users/me/sessions'))?.answers).toMatch(/behind 1 guard/);
    } finally {
      store.close();
    }
  });

  it('urlBannerHtml says whether the URL is public and escapes it', () => {
    expect(urlBannerHtml('http://a.example/<x>', true)).toContain('Public URL');
    expect(urlBannerHtml('http://a.example/<x>', false)).toContain('Local URL (this machine only)');
    expect(urlBannerHtml('http://a.example/<x>', true)).toContain('http://a.example/&lt;x&gt;');
  });
});

describe('testEndpoint and callEndpoint', () => {
  let server: http.Server;
  let baseUrl: string;
  const seen: Array<{ method?: string; url?: string; headers: http.IncomingHttpHeaders; body: string }> = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '30', 'x-internal': 'noise' });
        res.end(JSON.stringify({ error: 'rate_limited', token: 'eyJhbGciOiJIUzI1NiJ9.long.token.value' }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the token, the JSON body and the tunnel reminder bypass', async () => {
    const response = await callEndpoint('post', '/login?x=1', { baseUrl, token: 'abc.def.ghi', body: { email: 'a@example.com' } });
    const request = seen.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', url: '/login?x=1', body: '{"email":"a@example.com"}' });
    expect(request.headers).toMatchObject({ authorization: 'Bearer abc.def.ghi', 'content-type': 'application/json', 'bypass-tunnel-reminder': 'true' });
    expect(response).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
    expect(response.headers['retry-after']).toBe('30');
  });

  it('connects to `address` while naming the URL host, as for tunnel names without DNS', async () => {
    const port = (server.address() as AddressInfo).port;
    const response = await callEndpoint('GET', '/', { baseUrl: `http://abcd1234.localhost:${port}`, address: '127.0.0.1' });
    expect(response.status).toBe(429);
    expect(seen.at(-1)!.headers.host).toBe(`abcd1234.localhost:${port}`);
  });

  it('prints status, the headers that matter and JSON with tokens shortened', async () => {
    const printed: string[] = [];
    const original = console.log;
    console.log = (line: string) => printed.push(line);
    let response: EndpointResponse;
    try {
      response = await testEndpoint('GET', '/users/me', { baseUrl });
    } finally {
      console.log = original;
    }
    const text = printed.join('\n');
    expect(text).toMatch(/^GET \/users\/me\nStatus: 429\nHeaders:\n {2}content-type: application\/json\n {2}retry-after: 30\nResponse:\n/);
    expect(text).not.toContain('x-internal');
    expect(text).toContain('"token": "eyJhbGciOiJIUzI1… (37 chars)"');
    expect(response!.body.token).toBe('eyJhbGciOiJIUzI1NiJ9.long.token.value'); // the full value stays usable
  });

  it('names the server it could not reach', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(callEndpoint('GET', '/', { baseUrl: `http://127.0.0.1:${port}` })).rejects.toThrow(`could not reach http://127.0.0.1:${port}: ECONNREFUSED`);
  });
});

describe('createChecklist and check', () => {
  const response = (status: number, body: unknown, headers: Record<string, string> = {}): EndpointResponse => ({ status, headers, body, text: JSON.stringify(body) });

  it('prints ✓ and ✗ lines and fails the report when a check failed', () => {
    const lines: string[] = [];
    const checks = createChecklist((line) => lines.push(line));
    checks.expect('Register', response(201, { token: 'x'.repeat(40) }), 201);
    checks.expect('Admin refused', response(200, { ok: true }), 403);
    checks.expect('Body holds', response(200, { role: 'user' }), 200, (body) => body.role === 'admin');
    expect(lines[0]).toBe(`✓ Register: 201 {"token":"${'x'.repeat(16)}… (40 chars)"}`);
    expect(lines[1]).toBe('✗ Admin refused: 200 (expected 403) {"ok":true}');
    expect(lines[2]).toMatch(/^✗ Body holds: 200 /);
    expect(() => checks.report()).toThrow('2 of 3 checks failed');
  });

  it('keeps the latest result per label, so running a cell again replaces its checks', () => {
    const lines: string[] = [];
    const checks = createChecklist((line) => lines.push(line));
    checks.expect('Login', response(429, {}), 200);
    checks.expect('Home', response(200, {}), 200);
    checks.expect('Login', response(200, {}), 200);
    checks.report();
    expect(lines.at(-1)).toBe('All 2 checks passed ✓');
    expect(checks.tableHtml().indexOf('Login')).toBeLessThan(checks.tableHtml().indexOf('Home')); // first-made order
  });

  it('turns a `holds` that throws on an unexpected body into ✗, naming the error, instead of stopping the cell', () => {
    const lines: string[] = [];
    const checks = createChecklist((line) => lines.push(line));
    expect(() => checks.expect('Role', response(201, { error: 'email_taken' }), 201, (body) => body.user.role === 'user')).not.toThrow();
    expect(lines[0]).toMatch(/^✗ Role: 201 \{"error":"email_taken"\}  \[TypeError: /);
  });

  it('tableHtml: a green or red row per check, with status, expected status, Retry-After and the body escaped', () => {
    const checks = createChecklist(() => {});
    checks.expect('Locked <out>', response(429, { error: 'account_locked' }, { 'retry-after': '57' }), 429);
    checks.expect('Wrong', response(200, {}), 401);
    const html = checks.tableHtml();
    expect(html).toContain('<tr style="background:#e8f5e9"><td style="text-align:left">✓</td><td style="text-align:left;min-width:16em">Locked &lt;out&gt;</td><td style="text-align:left">429</td><td style="text-align:left">429</td><td style="text-align:left">57</td>');
    expect(html).toContain('<tr style="background:#ffebee"><td style="text-align:left">✗</td><td style="text-align:left;min-width:16em">Wrong</td><td style="text-align:left">200</td><td style="text-align:left">401</td><td style="text-align:left"></td>');
  });

  it('check prints one ✓ or ✗ line and never throws', () => {
    const lines: string[] = [];
    check('holds', true, (line) => lines.push(line));
    check('does not', false, (line) => lines.push(line));
    expect(lines).toEqual(['✓ holds', '✗ does not']);
  });
});

describe('responseTableHtml, cookies, the schema diagram and demo accounts', () => {
  const response = (status: number, body: unknown, headers: Record<string, string> = {}): EndpointResponse => ({ status, headers, body, text: JSON.stringify(body) });

  it('responseTableHtml shows the first list of objects as a table, the other fields on one line', () => {
    const html = responseTableHtml(response(200, { users: [{ id: 1, username: '<ada>' }, { id: 2, username: 'grace' }], page: 1, total: 2 }));
    expect(html).toMatch(/^<p><b>200<\/b> · users: 2 rows · page 1 · total 2<\/p>\n<table>/);
    expect(html).toContain('<td style="text-align:left">&lt;ada&gt;</td>');
    expect(responseTableHtml(response(401, { error: 'invalid_token' }))).toBe('<p><b>401</b></p>\n<pre>{\n  &quot;error&quot;: &quot;invalid_token&quot;\n}</pre>');
  });

  it('callEndpoint keeps Set-Cookie lines apart; setCookiesOf takes them apart and cookieHeader sends them back', async () => {
    const server = http.createServer((req, res) => {
      res.setHeader('set-cookie', ['a=1%3D; Max-Age=60; Expires=Wed, 02 Dec 2026 07:00:00 GMT; Path=/x; HttpOnly', `b=${'v'.repeat(40)}; Path=/`]);
      res.end(req.headers.cookie ?? '');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const first = await callEndpoint('GET', '/', { baseUrl });
      const cookies = setCookiesOf(first);
      expect(cookies).toEqual([
        { name: 'a', value: '1=', attributes: 'Max-Age=60; Expires=Wed, 02 Dec 2026 07:00:00 GMT; Path=/x; HttpOnly' },
        { name: 'b', value: 'v'.repeat(40), attributes: 'Path=/' },
      ]);
      expect(cookieRows(cookies)[1].value).toBe('vvvvvvvv… (40 chars)');
      expect((await callEndpoint('GET', '/', { baseUrl, headers: { cookie: cookieHeader(cookies) } })).text).toBe(`a=1%3D; b=${'v'.repeat(40)}`);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('schemaDiagramSvg draws every table of the database with its columns, and a line per foreign key', () => {
    const db = openDatabase(':memory:');
    try {
      db.exec('CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT); CREATE TABLE players (id INTEGER PRIMARY KEY, team_id INTEGER REFERENCES teams (id), "nick<name>" TEXT)');
      const svg = schemaDiagramSvg(db);
      const tables = (db.pragma('table_list') as Array<{ name: string; schema: string }>).filter((t) => t.schema === 'main' && !t.name.startsWith('sqlite_'));
      for (const { name } of tables) expect(svg).toContain(`font-weight="bold">${name}</text>`);
      expect(svg).toContain('nick&lt;name&gt;');
      const foreignKeys = tables.flatMap(({ name }) => db.pragma(`foreign_key_list(${JSON.stringify(name)})`) as unknown[]);
      expect(svg.match(/<path d="M/g)).toHaveLength(foreignKeys.length);
    } finally {
      db.close();
    }
  });

  it('demoAccount makes a new, valid account each call', () => {
    const [a, b] = [demoAccount('ada'), demoAccount('ada')];
    expect(a.email).not.toBe(b.email);
    expect(a).toMatchObject({ username: expect.stringMatching(/^ada_[0-9a-f]{6}$/), email: `${a.username}@example.com` });
    const config = loadConfig({ DATABASE_PATH: ':memory:' });
    expect(checkPassword(a.password, config.password, a)).toEqual([]);
  });
});

describe('global handles', () => {
  it('closes the previous handle before keeping a new one', async () => {
    const events: string[] = [];
    const start = (name: string) => async () => ({ name, close: async () => void events.push(`closed ${name}`) });
    await replaceGlobalHandle('helpers-test', start('first'));
    const second = await replaceGlobalHandle('helpers-test', start('second'));
    expect(events).toEqual(['closed first']);
    expect(globalHandle('helpers-test')).toBe(second);
    expect(await closeGlobalHandle('helpers-test')).toBe(true);
    expect(await closeGlobalHandle('helpers-test')).toBe(false);
    expect(events).toEqual(['closed first', 'closed second']);
  });
});

describe('startPublicServer', () => {
  it('carries on locally, saying why, when the tunnel server is not there', async () => {
    const unused = http.createServer();
    await new Promise<void>((resolve) => unused.listen(0, '127.0.0.1', resolve));
    const port = (unused.address() as AddressInfo).port;
    await new Promise<void>((resolve) => unused.close(() => resolve()));
    const pub = await startPublicServer({ tunnel: { host: `http://127.0.0.1:${port}`, timeoutMs: 1500 }, env: { BCRYPT_ROUNDS: '4' } });
    try {
      expect(pub.tunnel).toBeNull();
      expect(pub.tunnelProblem).toMatch(/127\.0\.0\.1/);
      expect(pub.url).toBe(pub.server.url);
      expect((await callEndpoint('GET', '/healthz', { baseUrl: pub.url })).status).toBe(200);
    } finally {
      await pub.close();
    }
    expect(fs.existsSync(pub.server.dir)).toBe(false);
  });

  it('reads LT_* variables, with a short default timeout', () => {
    expect(tunnelChoiceFromEnv({ LT_HOST: 'https://tunnel.example.org', LT_SUBDOMAIN: 'ada-authbook' })).toEqual({
      host: 'https://tunnel.example.org',
      subdomain: 'ada-authbook',
      address: undefined,
      timeoutMs: 5000,
    });
    expect(tunnelChoiceFromEnv({ LT_TIMEOUT_MS: 'soon' }).timeoutMs).toBe(5000);
  });
});

describe('kernel registration', () => {
  it('writes a kernelspec named for this project that starts its own tslab with this Node', () => {
    const root = tempDir();
    try {
      fs.mkdirSync(path.join(root, 'node_modules', 'tslab', 'bin'), { recursive: true });
      fs.writeFileSync(path.join(root, 'node_modules', 'tslab', 'bin', 'tslab'), '');
      const file = registerKernel(root);
      expect(file).toBe(path.join(root, '.jupyter', 'share', 'jupyter', 'kernels', KERNEL_NAME, 'kernel.json'));
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual({
        argv: [process.execPath, path.join(root, 'node_modules', 'tslab', 'bin', 'tslab'), 'kernel', '--config-path', '{connection_file}'],
        display_name: 'TypeScript (authbook)',
        language: 'typescript',
      });
      const env = jupyterEnv(root, { JUPYTER_PATH: '/opt/jupyter' });
      expect(env.JUPYTER_PATH).toBe([path.join(root, '.jupyter', 'share', 'jupyter'), '/opt/jupyter'].join(path.delimiter));
      expect(env.JUPYTER_CONFIG_PATH).toBe(path.join(root, '.jupyter', 'config'));
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('writes the Jupyter config that serves .ts files as text, for the classic Notebook and Jupyter Server', () => {
    const root = tempDir();
    try {
      const dir = writeJupyterConfig(root);
      expect(dir).toBe(jupyterEnv(root, {}).JUPYTER_CONFIG_PATH);
      for (const name of ['jupyter_notebook_config.py', 'jupyter_server_config.py']) {
        expect(fs.readFileSync(path.join(dir, name), 'utf8')).toContain("mimetypes.add_type('text/plain', '.ts')");
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('says what to do when tslab is not installed', () => {
    const root = tempDir();
    try {
      expect(() => registerKernel(root)).toThrow('run npm install first');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
