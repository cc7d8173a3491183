// The real CLI as an operator runs it (node dist/cli.js): start-up errors, graceful shutdown, create-user.
// Needs dist/ (npm test builds it first).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/sqlite/open-database';
import { childEnv, CLI, spawnServer } from '../helpers/server-process';
import { request, tempDir, testEnv } from '../helpers/test-server';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function env(overrides: Record<string, string> = {}): Record<string, string> {
  const dir = tempDir('authbook-cli-');
  dirs.push(dir);
  return childEnv(testEnv(dir, overrides));
}

function runCli(args: string[], environment: Record<string, string>, input?: string) {
  return spawnSync(process.execPath, [CLI, ...args], { env: environment, input, encoding: 'utf8', timeout: 20_000 });
}

/** Starts `serve` and resolves with its URL once it prints it. */
async function serve(environment: Record<string, string>) {
  const started = await spawnServer(environment);
  children.push(started.child);
  return started;
}

describe('authbook serve', () => {
  it.each([
    [{ PORT: '99999' }, 'PORT must be at most 65535'],
    [{ BCRYPT_ROUNDS: 'abc' }, 'BCRYPT_ROUNDS must be a whole number'],
    [{ NODE_ENV: 'production', JWT_SECRET: '', SECRETS_KEY: randomBytes(48).toString('base64') }, 'JWT_SECRET is required when NODE_ENV=production'],
    [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY must not be true'],
    [{ ADMIN_PASSWORD: 'password1' }, 'bootstrap admin (ADMIN_EMAIL, ADMIN_USERNAME, ADMIN_PASSWORD): Password is one of the most commonly used passwords'],
    [{ ADMIN_EMAIL: 'not an email' }, 'bootstrap admin (ADMIN_EMAIL, ADMIN_USERNAME, ADMIN_PASSWORD): email must be a valid email address'],
    [{ ADMIN_USERNAME: 'x y' }, 'bootstrap admin (ADMIN_EMAIL, ADMIN_USERNAME, ADMIN_PASSWORD): username may contain only letters, digits, dot, dash and underscore'],
  ])('stops at start with one clear line for %o', (overrides, message) => {
    const result = runCli(['serve'], env(overrides));
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(message)]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('an unreachable DATABASE_URL stops the start with one line that names the database but not its password, alone or as WORKERS=2', () => {
    const unreachable = { DATABASE_URL: 'postgres://authbook:hunter2-secret@127.0.0.1:1/authbook' };
    const expected = 'authbook: cannot open the PostgreSQL database postgres://authbook@127.0.0.1:1/authbook: connect ECONNREFUSED 127.0.0.1:1';
    for (const overrides of [unreachable, { ...unreachable, WORKERS: '2' }]) {
      const result = runCli(['serve'], env(overrides));
      expect(result.status).toBe(1);
      // the same one line from each process that got as far as saying it (the primary then stops
      // the other workers), and no stack, no password
      expect([...new Set(result.stderr.trim().split('\n'))]).toEqual([expected]);
      expect(result.stdout + result.stderr).not.toContain('hunter2');
    }
  });

  it('serves, and on SIGTERM finishes the in-flight request, closes the database and exits 0', async () => {
    const environment = env({ BCRYPT_ROUNDS: '12' });
    const { child, url, exit } = await serve(environment);
    expect((await request(url, 'GET', '/healthz')).status).toBe(200);
    // A login at cost 12 takes ~0.2 s of bcrypt: signal while it is in flight.
    const inFlight = request(url, 'POST', '/login', { body: { email: environment.ADMIN_EMAIL, password: environment.ADMIN_PASSWORD } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGTERM');
    expect((await inFlight).status).toBe(200);
    expect(await exit).toBe(0);
    await expect(request(url, 'GET', '/healthz')).rejects.toThrow();
    // WAL checkpointed and closed cleanly: no -wal file is left behind.
    expect(fs.existsSync(`${environment.DATABASE_PATH}-wal`)).toBe(false);
  });
});

describe('authbook create-user', () => {
  it('creates an admin from the command line, with the password on stdin', async () => {
    const environment = env({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    const created = runCli(['create-user', '--username', 'ops', '--email', 'Ops@Example.com', '--role', 'admin', '--password-stdin'], environment, 'operator passphrase 1\n');
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(/^created user 1 \(ops, ops@example.com, role admin\)/);
    const { url, child, exit } = await serve(environment);
    const login = await request(url, 'POST', '/login', { body: { email: 'ops@example.com', password: 'operator passphrase 1' } });
    expect(login.body.user.role).toBe('admin');
    child.kill('SIGTERM');
    await exit;
  });

  it('refuses a weak password and a bad email with one line each', () => {
    const environment = env();
    const weak = runCli(['create-user', '--username', 'ops', '--email', 'ops@example.com', '--password-stdin'], environment, 'qwerty123');
    expect(weak.status).toBe(1);
    expect(weak.stderr.trim()).toBe('authbook: Password is one of the most commonly used passwords');
    const badEmail = runCli(['create-user', '--username', 'ops', '--email', 'nope', '--password-stdin'], environment, 'fine passphrase');
    expect(badEmail.stderr.trim()).toBe('authbook: email must be a valid email address');
  });

  it.each([['--password', 'a fine passphrase'], ['--password=a fine passphrase']])(
    'refuses %s (ps would show it) with one line pointing at --password-stdin, and creates nobody',
    (...flag) => {
      const environment = env({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
      const refused = runCli(['create-user', '--username', 'ops', '--email', 'ops@example.com', ...flag], environment);
      expect(refused.status).toBe(1);
      expect(refused.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^authbook: --password would show the password .*: use --password-stdin$/)]);
      expect(userCount(environment)).toBe(0);
    },
  );

  it('--password-stdin on a terminal prompts, shows nothing typed, takes Backspace, and creates the user', async () => {
    const environment = env({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    const terminal = inTerminal(['create-user', '--username', 'ops', '--email', 'ops@example.com', '--password-stdin'], environment);
    await terminal.waitFor('Password: ');
    terminal.type('terminal passphrase 12');
    terminal.type('\u007f\r'); // Backspace drops the "2", Enter ends
    expect(await terminal.exit).toBe(0);
    expect(terminal.output()).toMatch(/created user 1 \(ops, ops@example.com, role user\)/);
    expect(terminal.output()).not.toContain('passphrase');
    expect(terminal.output()).not.toContain('*');
    const { url, child, exit } = await serve(environment);
    expect((await request(url, 'POST', '/login', { body: { email: 'ops@example.com', password: 'terminal passphrase 1' } })).status).toBe(200);
    child.kill('SIGTERM');
    await exit;
  });

  it('Ctrl-C at the password prompt cancels: exit 1, one line, nobody created', async () => {
    const environment = env({ ADMIN_EMAIL: '', ADMIN_PASSWORD: '' });
    const terminal = inTerminal(['create-user', '--username', 'ops', '--email', 'ops@example.com', '--password-stdin'], environment);
    await terminal.waitFor('Password: ');
    terminal.type('half a pass\u0003');
    expect(await terminal.exit).toBe(1);
    expect(terminal.output()).toContain('authbook: cancelled: no user created');
    expect(terminal.output()).not.toContain('half a pass');
    expect(userCount(environment)).toBe(0);
  });
});

function userCount(environment: Record<string, string>): number {
  const db = openDatabase(environment.DATABASE_PATH);
  try {
    return (db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), as an operator at a keyboard would.
 * `-E always` keeps the terminal's own echo on, so anything the CLI fails to hide shows in the output.
 */
function inTerminal(args: string[], environment: Record<string, string>) {
  const command = [process.execPath, CLI, ...args].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' ');
  const child = spawn('script', ['-q', '-E', 'always', '-e', '-c', command, '/dev/null'], { env: environment, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    exit,
    output: () => output,
    type: (keys: string) => child.stdin!.write(keys),
    waitFor: (text: string) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (output.includes(text)) return resolve();
          if (child.exitCode !== null) return reject(new Error(`exited before showing ${text}: ${output}`));
          setTimeout(check, 20);
        };
        check();
      }),
  };
}
