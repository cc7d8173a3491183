// Several processes on one database (the project's backend: a SQLite file, or PostgreSQL): what one
// process does, the other enforces at once. Refresh tokens spent on one are spent on both, a demotion
// or a disable through one is seen by the next request to the other, the last-admin rule holds when
// the last two admins act through different processes, and processes started together on a fresh
// database all come up (bootstrap admin and generated secret created once). The lock-out across two
// processes is in lockout-concurrency.test.ts.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploy, type Deployment } from '../helpers/deployment';
import { request, TEST_ADMIN, TEST_STORE, type TestResponse } from '../helpers/test-server';

const login = (url: string, email: string, password: string) => request(url, 'POST', '/login', { body: { email, password } });
const refresh = (url: string, refreshToken: string) => request(url, 'POST', '/token/refresh', { body: { refresh_token: refreshToken } });
/** A GET on a connection of its own (no keep-alive), so the cluster deals each to the next worker. */
const getOnNewConnection = (url: string) =>
  new Promise<number>((resolve, reject) => http.get(url, { agent: false }, (res) => resolve(res.resume().statusCode!)).on('error', reject));
const statuses = (responses: TestResponse[]) => responses.map((response) => response.status).sort();

describe(`two processes on one ${TEST_STORE} database`, () => {
  let deployment: Deployment;
  let a: string;
  let b: string;
  let rootToken: string;
  beforeAll(async () => {
    deployment = await deploy(2);
    [a, b] = deployment.processes.map((each) => each.url);
    rootToken = (await login(a, TEST_ADMIN.email, TEST_ADMIN.password)).body.token;
  });
  afterAll(() => deployment.stop());

  let counter = 0;
  async function register(url: string, role?: string, token?: string) {
    counter += 1;
    const body = { username: `scale${counter}`, email: `scale${counter}@example.com`, password: `scale out passphrase ${counter}`, ...(role && { role }) };
    const response = await request(url, 'POST', '/register', { body, token });
    expect(response.status).toBe(201);
    return { ...body, id: response.body.user.id as number, token: response.body.token as string, refreshToken: response.body.refresh_token as string };
  }

  it('7.4.1 a refresh token spent on one process and replayed on the other ends the session on both', async () => {
    const user = await register(a);
    const rotated = await refresh(a, user.refreshToken);
    expect(rotated.status).toBe(200);
    const replayed = await refresh(b, user.refreshToken);
    expect(replayed.status).toBe(401);
    expect(replayed.body.error).toBe('refresh_token_reused');
    expect((await refresh(a, rotated.body.refresh_token)).status).toBe(401); // the newest token died with the session
    for (const url of [a, b]) expect((await request(url, 'GET', '/users/me', { token: rotated.body.token })).status).toBe(401);
  });

  it('7.4.1 one refresh token sent to both processes at once: one winner, and the session ends (10 trials)', async () => {
    for (let trial = 0; trial < 10; trial++) {
      const user = await register(trial % 2 ? a : b);
      const responses = await Promise.all([refresh(a, user.refreshToken), refresh(b, user.refreshToken)]);
      expect(statuses(responses)).toEqual([200, 401]);
      const winner = responses.find((response) => response.status === 200)!;
      expect((await refresh(a, winner.body.refresh_token)).status).toBe(401);
    }
  });

  it('8.3.2 a demotion or a disable through one process is seen by the next request to the other', async () => {
    const user = await register(a);
    expect((await request(a, 'PATCH', `/admin/users/${user.id}`, { token: rootToken, body: { role: 'admin' } })).status).toBe(200);
    expect((await request(b, 'GET', '/admin', { token: user.token })).status).toBe(200);
    expect((await request(a, 'PATCH', `/admin/users/${user.id}`, { token: rootToken, body: { role: 'user' } })).status).toBe(200);
    expect((await request(b, 'GET', '/admin', { token: user.token })).status).toBe(403);
    expect((await request(b, 'PATCH', `/admin/users/${user.id}`, { token: rootToken, body: { disabled: true } })).status).toBe(200);
    expect((await request(a, 'GET', '/users/me', { token: user.token })).status).toBe(401);
  });

  it('8.2.1 the last two admins disabling each other through different processes leave one (10 trials)', async () => {
    // rootToken's admin is one of the two; each trial adds a fresh admin, and the two act at once.
    let keeper = { token: rootToken };
    for (let trial = 0; trial < 10; trial++) {
      const enabledAdmins = async (token: string) =>
        (await request(b, 'GET', '/admin/users?role=admin&disabled=false', { token })).body.total as number;
      const fresh = await register(a, 'admin', keeper.token);
      expect(await enabledAdmins(keeper.token)).toBe(2);
      const keeperId = (await request(a, 'GET', '/users/me', { token: keeper.token })).body.user.id;
      const [byKeeper, byFresh] = await Promise.all([
        request(a, 'PATCH', `/admin/users/${fresh.id}`, { token: keeper.token, body: { disabled: true } }),
        request(b, 'PATCH', `/admin/users/${keeperId}`, { token: fresh.token, body: { disabled: true } }),
      ]);
      expect([byKeeper.status, byFresh.status].filter((status) => status === 200)).toHaveLength(1);
      if (byFresh.status === 200) keeper = fresh;
      expect(await enabledAdmins(keeper.token)).toBe(1);
    }
  });
});

// Each trial starts fresh node processes, and starting one is mostly loading its modules: about
// 0.8 s of CPU, 3 s of wall time on two busy cores. There a trial took up to 13 s (two `serve`
// processes up in 2-12 s, then its requests and the stop), and one test of three trials up to 27 s:
// the 30 s testTimeout is one trial's budget, not three's. A start that fails rejects, it never hangs.
const TRIALS = 3;
const TRIAL_BUDGET_MS = 30_000;

describe(`processes started together on a fresh ${TEST_STORE} database`, () => {
  it(`two \`serve\` processes, no JWT_SECRET, ADMIN_EMAIL set: both come up, one admin, one secret (${TRIALS} trials)`, async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const deployment = await deploy(2, { JWT_SECRET: '' });
      try {
        const [a, b] = deployment.processes.map((each) => each.url);
        const admin = await login(a, TEST_ADMIN.email, TEST_ADMIN.password);
        expect(admin.status).toBe(200);
        expect((await request(b, 'GET', '/admin', { token: admin.body.token })).status).toBe(200); // b signs with a's secret
        const created = await request(b, 'GET', '/admin/audit?event=bootstrap_admin', { token: admin.body.token });
        expect(created.body.total).toBe(1);
      } finally {
        await deployment.stop();
      }
    }
  }, TRIALS * TRIAL_BUDGET_MS);

  it(`WORKERS=2: both workers come up and serve, and SIGTERM stops them all with exit code 0 (${TRIALS} trials)`, async () => {
    for (let trial = 0; trial < TRIALS; trial++) {
      const deployment = await deploy(1, { JWT_SECRET: '', WORKERS: '2', LOG_LEVEL: 'info' });
      const [primary] = deployment.processes;
      let log = '';
      primary.child.stdout!.on('data', (chunk) => (log += chunk));
      try {
        const admin = await login(primary.url, TEST_ADMIN.email, TEST_ADMIN.password);
        expect(admin.status).toBe(200);
        // New connections are dealt round-robin to the workers: both answer.
        for (let i = 0; i < 6; i++) expect(await getOnNewConnection(`${primary.url}/healthz`)).toBe(200);
        // The log is buffered and flushed every second: wait for the lines of both workers.
        const pids = () => new Set(log.split('\n').filter((line) => line.includes('"path":"/healthz"')).map((line) => JSON.parse(line).pid));
        await expect.poll(() => pids().size, { timeout: 5000, interval: 100 }).toBe(2);
      } finally {
        primary.child.kill('SIGTERM');
        expect(await primary.exit).toBe(0);
        await deployment.stop();
      }
    }
  }, TRIALS * TRIAL_BUDGET_MS);
});
