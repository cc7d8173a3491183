// Starts the real server on port 0 with a fresh database: a SQLite file in a temp folder, or, in the
// vitest project "postgres" (AUTHBOOK_TEST_STORE=postgres), a new database on the test PostgreSQL
// server. Gives tests a small fetch wrapper. bcrypt runs at cost 4 so suites stay fast; everything
// else is production code.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import { loadConfig } from '../../src/config';
import { startServer, type RunningServer, type StartOptions } from '../../src/server';
import { createTestDatabase } from './postgres';

/** The backend the HTTP suites run on in this vitest project. */
export const TEST_STORE: 'sqlite' | 'postgres' = process.env.AUTHBOOK_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
  text: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Raw body text, sent as is (for malformed-input tests). */
  raw?: string;
}

export interface TestServer {
  url: string;
  dir: string;
  running: RunningServer;
  request(method: string, urlPath: string, options?: RequestOptions): Promise<TestResponse>;
  close(): Promise<void>;
}

export const TEST_ADMIN = { email: 'root@example.com', password: 'bootstrap admin passphrase', username: 'root' };

export function tempDir(prefix = 'authbook-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Test defaults; `env` overrides them (e.g. RATE_LIMIT: 'on' with small limits). */
export function testEnv(dir: string, env: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_PATH: path.join(dir, 'auth.db'),
    JWT_SECRET: randomBytes(48).toString('base64'),
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'silent',
    RATE_LIMIT: 'off',
    ADMIN_EMAIL: TEST_ADMIN.email,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    ADMIN_USERNAME: TEST_ADMIN.username,
    ...env,
  };
}

export async function request(baseUrl: string, method: string, urlPath: string, options: RequestOptions = {}): Promise<TestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(baseUrl + urlPath, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/**
 * The variables that point a server at a fresh database of this project's backend: none for SQLite
 * (testEnv's DATABASE_PATH is a new file), DATABASE_URL of a new PostgreSQL database otherwise.
 */
export async function freshDatabase(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  if (TEST_STORE === 'sqlite') return { env: {}, drop: async () => {} };
  const database = await createTestDatabase();
  return { env: { DATABASE_URL: database.url }, drop: () => database.drop() };
}

/**
 * `logger` (silent by default) lets a test read what the server logs; `publicOrigin` stands in for
 * a tunnel that reports the server's public URL.
 */
export async function startTestServer(env: Record<string, string> = {}, logger?: Logger, { publicOrigin }: Pick<StartOptions, 'publicOrigin'> = {}): Promise<TestServer> {
  const dir = tempDir();
  const database = await freshDatabase();
  const running = await startServer({ config: loadConfig(testEnv(dir, { ...database.env, ...env })), logger, publicOrigin });
  return {
    url: running.url,
    dir,
    running,
    request: (method, urlPath, options) => request(running.url, method, urlPath, options),
    async close() {
      await running.close();
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

let counter = 0;
/** A fresh, valid registration body. */
export function newUser(overrides: Record<string, unknown> = {}) {
  counter += 1;
  const id = `${process.pid}${counter}${randomBytes(2).toString('hex')}`;
  return { username: `user${id}`, email: `user${id}@example.com`, password: `correct horse ${id}`, ...overrides };
}

/** Registers a user and returns its tokens and id. */
export async function registerUser(server: TestServer, overrides: Record<string, unknown> = {}) {
  const body = newUser(overrides);
  const response = await server.request('POST', '/register', { body });
  if (response.status !== 201) throw new Error(`register failed: ${response.status} ${response.text}`);
  return { ...body, id: response.body.user.id as number, token: response.body.token as string, refreshToken: response.body.refresh_token as string };
}

export async function loginAdmin(server: TestServer) {
  const response = await server.request('POST', '/login', { body: { email: TEST_ADMIN.email, password: TEST_ADMIN.password } });
  if (response.status !== 200) throw new Error(`admin login failed: ${response.status} ${response.text}`);
  return { id: response.body.user.id as number, token: response.body.token as string, refreshToken: response.body.refresh_token as string };
}
