// The real CLI as an operator runs it (node dist/cli.js): start-up errors, graceful shutdown, create-user.
// Needs dist/ (npm test builds it first).
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
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
    [{ NODE_ENV: 'production', JWT_SECRET: '' }, 'JWT_SECRET is required when NODE_ENV=production'],
    [{ ADMIN_PASSWORD: 'password1' }, 'bootstrap admin (ADMIN_EMAIL, ADMIN_USERNAME, ADMIN_PASSWORD): Password is one of the most commonly used passwords'],
    [{ ADMIN_EMAIL: 'not an email' }, 'bootstrap admin (ADMIN_EMAIL, ADMIN_USERNAME, ADMIN_PASSWORD): email must be a valid email address'],
    [{ ADMIN_USERNAME: 'x y' }, 'bootstrap admin (ADMIN_EMAIL, ADMIN_USERNAME, ADMIN_PASSWORD): username may contain only letters, digits, dot, dash and underscore'],
  ])('stops at start with one clear line for %o', (overrides, message) => {
    const result = runCli(['serve'], env(overrides));
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringContaining(message)]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
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
    const weak = runCli(['create-user', '--username', 'ops', '--email', 'ops@example.com', '--password', 'qwerty123'], environment);
    expect(weak.status).toBe(1);
    expect(weak.stderr.trim()).toBe('authbook: Password is one of the most commonly used passwords');
    const badEmail = runCli(['create-user', '--username', 'ops', '--email', 'nope', '--password', 'fine passphrase'], environment);
    expect(badEmail.stderr.trim()).toBe('authbook: email must be a valid email address');
  });
});
