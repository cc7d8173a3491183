// npm run bench: measures authbook as `npm start` runs it (its node flags, the request log on and
// written to a file) against the machine's bcrypt limit and a minimal ideal Express + jsonwebtoken +
// SQLite server, interleaved in the same rounds so a noisy machine slows them all alike; the same
// server with LOG_LEVEL=silent is measured beside it. Prints a table and one JSON line per
// measurement, and writes a picture of the run (bench-report/bench.svg, inside index.html).
// Not part of npm test: numbers are for people, not assertions.
// --store postgres (or sqlite,postgres) runs authbook on PostgreSQL too, in a scratch database made
// on the server --database-url names (default $AUTHBOOK_BENCH_DATABASE_URL), seeded with the same
// rows; GET /users/me on each store is measured in the same rounds, so the ratio is fair.
//   node test/bench/run-bench.mjs [--users 1000,100000] [--seconds 10] [--store sqlite,postgres]
//                                 [--database-url postgres://...] [--workers 1] [--rounds 10] [--slice 5]
//                                 [--skip-quiet] [--skip-hs256] [--flags='--max-old-space-size=128 ...'] [--profile DIR]
//                                 [--report DIR] [--users-me-only] [--try-flags='--max-semi-space-size=16' ...]
// --flags replaces npm start's node flags (to compare others); each --try-flags adds a logged server
// with those node flags instead, in the same rounds (GET /users/me only: its ratio, CPU and peak RSS); --profile writes a CPU profile of each
// authbook server (node --cpu-prof, named <users>-<store>-<variant>.cpuprofile) into DIR, for Chrome DevTools.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HERE, probeLatency, registerStorm, scratchPostgres, START_FLAGS, startAuthbook, startChild, stopChildren } from './harness.mjs';
import { reportHtml, reportSvg } from './report.mjs';
import { BENCH_PASSWORD, seed } from './seed.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const bcrypt = require('bcrypt');
const { openStore } = require('../../dist/index.js');

const { values: args } = parseArgs({
  options: {
    users: { type: 'string', default: '1000,100000' },
    seconds: { type: 'string', default: '10' },
    store: { type: 'string', default: 'sqlite' },
    'database-url': { type: 'string', default: process.env.AUTHBOOK_BENCH_DATABASE_URL },
    workers: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '10' },
    slice: { type: 'string', default: '5' },
    'skip-quiet': { type: 'boolean', default: false },
    'skip-hs256': { type: 'boolean', default: false },
    flags: { type: 'string' },
    'try-flags': { type: 'string', multiple: true, default: [] },
    profile: { type: 'string' },
    report: { type: 'string', default: 'bench-report' },
    'users-me-only': { type: 'boolean', default: false },
  },
});
const flagList = (text) => text.split(/\s+/).filter(Boolean);
const FLAGS = args.flags === undefined ? START_FLAGS : flagList(args.flags);
const ROUNDS_OF_LOAD = Number(args.rounds);
const STORES = args.store.split(',');
if (STORES.some((store) => !['sqlite', 'postgres'].includes(store))) throw new Error('--store takes sqlite, postgres or sqlite,postgres');
if (STORES.includes('postgres') && !args['database-url']) {
  console.error('--store postgres needs a server to make a scratch database on: --database-url postgres://user@host:port/postgres');
  process.exit(2);
}
const SECONDS = Number(args.seconds); // each storm (logins, registrations) and probe
const SLICE_SECONDS = Number(args.slice); // each server's turn in a round of GET /users/me
const ROUNDS = Number(process.env.BCRYPT_ROUNDS ?? 12);
const CORES = os.availableParallelism();
const TTL_SECONDS = 3600;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];
const round = (value, digits = 1) => Number(value.toFixed(digits));
const results = [];
function report(name, fields) {
  results.push({ name, ...fields });
  console.log(JSON.stringify({ bench: name, ...fields }));
}

/** Peak resident memory of a process so far (Linux VmHWM), in MB. */
function peakRssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)[1]) / 1024;
}

const TICK_MS = 10; // /proc's clock ticks (USER_HZ = 100 on Linux)
/** CPU time a process has used so far, in ms: its main thread, and its other threads (libuv's pool, GC helpers). */
function cpuMs(pid) {
  let main = 0;
  let other = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    const fields = fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime + stime
    if (Number(tid) === pid) main += ms;
    else other += ms;
  }
  return { main, other };
}

/** Load on `port` with `tokens`, and the CPU the server `pid` spent per request meanwhile (µs, main thread and others). */
async function measuredLoad(pid, port, tokens) {
  const before = cpuMs(pid);
  const result = await withToken(port, tokens, 50, SLICE_SECONDS);
  const after = cpuMs(pid);
  const requests = result.requests.total;
  result.cpuUsPerRequest = { main: round(((after.main - before.main) * 1000) / requests), other: round(((after.other - before.other) * 1000) / requests) };
  return result;
}

function load(options, seconds = SECONDS) {
  return autocannon({ duration: seconds, ...options });
}

/** POST /token/refresh once per refresh token, 8 at a time: the access tokens and the next refresh tokens. */
async function mintByRefresh(port, refreshTokens) {
  const accessTokens = new Array(refreshTokens.length);
  const next = new Array(refreshTokens.length);
  let index = 0;
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (index < refreshTokens.length) {
      const i = index++;
      const response = await fetch(`http://127.0.0.1:${port}/token/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh_token: refreshTokens[i] }) });
      const body = await response.json();
      if (response.status !== 200) throw new Error(`refresh answered ${response.status}: ${JSON.stringify(body)}`);
      accessTokens[i] = body.token;
      next[i] = body.refresh_token;
    }
  }));
  return { accessTokens, refreshTokens: next };
}

/** Requests whose Authorization header (or body) rotates through `values` on every request. */
function rotating(values, build) {
  let next = 0;
  return [{ setupRequest: (request) => build(request, values[next++ % values.length]) }];
}

const withToken = (port, tokens, connections, seconds) =>
  load({
    url: `http://127.0.0.1:${port}/users/me`,
    connections,
    requests: rotating(tokens, (request, token) => ({ ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } })),
  }, seconds);

function tableRow(label, result) {
  return { label, reqPerSec: round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

async function measureBcrypt() {
  const samples = [];
  for (let i = 0; i < 5; i++) {
    const started = process.hrtime.bigint();
    await bcrypt.hash('benchmark password', ROUNDS);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  const hashMs = median(samples);
  report('bcrypt', { rounds: ROUNDS, hashMs: round(hashMs), cores: CORES, loginLimitPerSec: round((CORES * 1000) / hashMs, 2) });
  return hashMs;
}

async function rowCounts(database, file) {
  const store = await openStore({ database, databasePath: file });
  try {
    return await store.rowCounts();
  } finally {
    await store.close();
  }
}

const IDEAL_NAMES = { baseline: 'ideal', 'baseline-classes': 'idealWithClasses' };

async function benchScale(users, hashMs) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbook-bench-'));
  const file = path.join(dir, 'auth.db'); // always seeded: the ideal server reads it
  const scratch = STORES.includes('postgres') ? await scratchPostgres(args['database-url'], 'authbook_bench') : null;
  const databases = { sqlite: { kind: 'sqlite' }, postgres: scratch && { kind: 'postgres', url: scratch.url, password: null, poolSize: 10 } };
  const secretText = randomBytes(48).toString('base64');
  const secret = require('node:crypto').createSecretKey(Buffer.from(secretText, 'utf8'));
  const seeded = await seed({ targets: { sqlite: file, postgres: scratch?.url }, users, secret, rounds: ROUNDS, ttlSeconds: TTL_SECONDS });
  const before = Object.fromEntries(await Promise.all(STORES.map(async (store) => [store, await rowCounts(databases[store], file)])));

  // As an operator runs it: no LOG_LEVEL (so info: a line per request), stdout to a file.
  const serverEnv = {
    NODE_ENV: 'production', PORT: '0', DATABASE_PATH: file, JWT_SECRET: secretText, SECRETS_KEY: randomBytes(48).toString('base64'), RATE_LIMIT: 'off',
    BCRYPT_ROUNDS: String(ROUNDS), ACCESS_TOKEN_TTL: String(TTL_SECONDS), WORKERS: args.workers,
  };
  // Each store's servers: as shipped (ES256, the default), the same with LOG_LEVEL=silent, and HS256.
  const variants = [{ name: 'shipped', env: {}, logged: true }];
  if (!args['skip-quiet']) variants.push({ name: 'quiet', env: { LOG_LEVEL: 'silent' }, logged: false });
  if (!args['skip-hs256']) variants.push({ name: 'hs256', env: { ACCESS_TOKEN_ALG: 'HS256' }, logged: true });
  args['try-flags'].forEach((flags, i) => variants.push({ name: `flags${i + 1}`, env: {}, logged: true, flags: flagList(flags) }));
  const servers = {}; // `${store}/${variant}` -> { port, child, logFile, tokens }
  const profileFlags = (name) => (args.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args.profile)}`, `--cpu-prof-name=${users}-${name}.cpuprofile`] : []);
  for (const store of STORES) {
    let refreshTokens = seeded.refreshTokens;
    for (const variant of variants) {
      const env = { ...serverEnv, ...(store === 'postgres' && { DATABASE_URL: scratch.url }), ...variant.env };
      const logFile = variant.logged ? path.join(dir, `${store}-${variant.name}.log`) : undefined;
      const server = await startAuthbook(env, { flags: variant.flags ?? FLAGS, extraFlags: profileFlags(`${store}-${variant.name}`), logFile });
      // Tokens this server signed itself (its algorithm, its key): one refresh per seeded session,
      // whose new refresh tokens the next server spends for its own.
      const minted = await mintByRefresh(server.port, refreshTokens);
      refreshTokens = minted.refreshTokens;
      servers[`${store}/${variant.name}`] = { ...server, tokens: minted.accessTokens };
    }
  }
  // The ideal, and the ideal again with the one change authbook makes below Express
  // (request-classes.ts), so the run shows how much of authbook's lead over the ideal is that change alone.
  const ideals = {
    baseline: await startChild([path.join(HERE, 'baseline-server.mjs'), file, secretText], {}),
    'baseline-classes': await startChild([path.join(HERE, 'baseline-server.mjs'), file, secretText, 'request-classes'], {}),
  };
  const baseline = ideals.baseline;
  const children = [...Object.values(ideals), ...Object.values(servers)];
  try {
    for (const server of Object.values(ideals)) await withToken(server.port, seeded.accessTokens, 50); // warm-up
    for (const server of Object.values(servers)) await withToken(server.port, server.tokens, 50);
    // Every server in each round, a short slice each: a noisy machine slows them all alike. Every
    // other round runs them in reverse order, so no server always follows the ideal. Rates are
    // medians of the rounds; a ratio is the median of its rounds' ratios (each pair measured seconds
    // apart, so a drift of the machine between rounds cancels out). On this VM a 10 s pair's ratio
    // spreads ±10-15%; many short rounds make the median steadier than few long ones.
    const turns = [...Object.entries(ideals).map(([key, { child, port }]) => [key, { child, port, tokens: seeded.accessTokens }]), ...Object.entries(servers)];
    const runs = Object.fromEntries(turns.map(([key]) => [key, []]));
    for (let run = 0; run < ROUNDS_OF_LOAD; run++) {
      for (const [key, server] of run % 2 === 0 ? turns : [...turns].reverse()) runs[key].push(await measuredLoad(server.child.pid, server.port, server.tokens));
    }
    const pick = (list) => list.find((r) => r.requests.average === median(list.map((x) => x.requests.average)));
    const ideal = pick(runs.baseline);
    const rate = (key) => (runs[key] ? pick(runs[key]).requests.average : undefined);
    const pairedRatio = (key, over) => round(median(runs[key].map((r, i) => r.requests.average / runs[over][i].requests.average)), 3);
    const medianCpu = (list) => ({ main: median(list.map((r) => r.cpuUsPerRequest.main)), other: median(list.map((r) => r.cpuUsPerRequest.other)) });
    for (const store of STORES) {
      const key = `${store}/shipped`;
      // CPU per request holds still on a busy machine where req/s does not: each server's, and the ideal's.
      const cpuUsPerRequest = Object.fromEntries(Object.keys(runs).filter((k) => k in ideals || k.startsWith(`${store}/`)).map((k) => [IDEAL_NAMES[k] ?? k.split('/')[1], medianCpu(runs[k])]));
      const me = pick(runs[key]);
      const versusSqlite = store === 'postgres' && runs['sqlite/shipped'] ? { sqliteReqPerSec: round(rate('sqlite/shipped')), versusSqlite: pairedRatio(key, 'sqlite/shipped') } : {};
      const quietFields = runs[`${store}/quiet`] ? { quietReqPerSec: round(rate(`${store}/quiet`)), quietRatio: pairedRatio(`${store}/quiet`, 'baseline'), quietNon2xx: pick(runs[`${store}/quiet`]).non2xx } : {};
      const hsFields = runs[`${store}/hs256`] ? { hs256ReqPerSec: round(rate(`${store}/hs256`)), es256OverHs256: pairedRatio(key, `${store}/hs256`), hs256Non2xx: pick(runs[`${store}/hs256`]).non2xx } : {};
      const logBytes = fs.statSync(servers[key].logFile).size;
      const tried = Object.fromEntries(variants.filter((v) => v.flags).map((v) => [v.name, { flags: v.flags.join(' '), ratio: pairedRatio(`${store}/${v.name}`, 'baseline'), peakRssMb: round(peakRssMb(servers[`${store}/${v.name}`].child.pid)) }]));
      report('users_me', { users, store, ...tableRow(`authbook GET /users/me (${store})`, me), baselineReqPerSec: round(ideal.requests.average), baselineP99: ideal.latency.p99, ratio: pairedRatio(key, 'baseline'), idealWithClassesReqPerSec: round(rate('baseline-classes')), ratioToIdealWithClasses: pairedRatio(key, 'baseline-classes'), ratioOfMedians: round(me.requests.average / ideal.requests.average, 3), rounds: ROUNDS_OF_LOAD, ratios: runs[key].map((r, i) => round(r.requests.average / runs.baseline[i].requests.average, 3)), logMb: round(logBytes / 1e6), peakRssMb: round(peakRssMb(servers[key].child.pid)), cpuUsPerRequest, ...(args['try-flags'].length > 0 && { tried }), ...quietFields, ...hsFields, ...versusSqlite });
    }

    const limit = (CORES * 1000) / hashMs;
    for (const store of args['users-me-only'] ? [] : STORES) {
      const { port, child } = servers[`${store}/shipped`];
      const probe = () => probeLatency(port, '/healthz', SECONDS * 1000);
      const idle = await probe();
      const storm = () =>
        load({
          url: `http://127.0.0.1:${port}/login`,
          connections: 8,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          requests: rotating(seeded.emails, (request, email) => ({ ...request, body: JSON.stringify({ email, password: BENCH_PASSWORD }) })),
        });
      // Throughput alone first; then the same storm again with the probe beside it, for (d).
      const login = await storm();
      const [, busy] = await Promise.all([storm(), probe()]);
      report('login', { users, store, ...tableRow(`authbook POST /login (${store})`, login), bcryptLimitPerSec: round(limit, 2), ratio: round(login.requests.average / limit, 3) });
      report('healthz_during_logins', { users, store, idleP50: idle.p50, idleP99: idle.p99, stormP50: busy.p50, stormP99: busy.p99, ratio: round(busy.p99 / idle.p99, 2), failed: idle.failed + busy.failed });

      const register = await registerStorm(port, { connections: 8, seconds: SECONDS, password: BENCH_PASSWORD });
      report('register', { users, store, ...tableRow(`authbook POST /register (${store})`, register), ratio: round(register.requests.average / limit, 3) });
      report('rss', { users, store, authbookPeakRssMb: round(peakRssMb(child.pid)), baselinePeakRssMb: round(peakRssMb(baseline.child.pid)) });
    }
  } finally {
    await stopChildren(children);
  }
  for (const store of STORES) report('rows', { users, store, before: before[store], after: await rowCounts(databases[store], file) });
  await scratch?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
}

function printSummary() {
  console.log(`\n| users | store | measurement | req/s | p99 ms | ideal / limit | ratio | target |`);
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const at = `| ${r.users} | ${r.store} |`;
    if (r.name === 'users_me') {
      console.log(`${at} (a) GET /users/me, 50 conn, as shipped (log on: ${r.logMb} MB written) | ${r.reqPerSec} | ${r.p99} | ${r.baselineReqPerSec} req/s ideal | ${r.ratio} | ≥ 0.90 (floor 0.85), non-2xx ${r.non2xx}, errors ${r.errors} |`);
      console.log(`${at} (a+) the same, over the ideal built with authbook's request classes | - | - | ${r.idealWithClassesReqPerSec} req/s ideal + classes | ${r.ratioToIdealWithClasses} | - |`);
      if (r.quietRatio !== undefined) console.log(`${at} (a-) the same, LOG_LEVEL=silent | ${r.quietReqPerSec} | - | ${r.baselineReqPerSec} req/s ideal | ${r.quietRatio} | - |`);
      if (r.es256OverHs256 !== undefined) console.log(`${at} (a'') as shipped (ES256, cached) over ACCESS_TOKEN_ALG=HS256 | - | - | ${r.hs256ReqPerSec} req/s with HS256 | ${r.es256OverHs256} | ≥ 0.95 |`);
      for (const [name, t] of Object.entries(r.tried ?? {})) console.log(`${at} (a*) the same, node ${t.flags || '(no flags)'} (${name}; peak RSS ${t.peakRssMb} MB, shipped ${r.peakRssMb} MB) | - | - | ${r.baselineReqPerSec} req/s ideal | ${t.ratio} | - |`);
      if (r.versusSqlite !== undefined) console.log(`${at} (a') GET /users/me, PostgreSQL / SQLite | - | - | ${r.sqliteReqPerSec} req/s on SQLite | ${r.versusSqlite} | ≥ 0.50 |`);
    }
    if (r.name === 'login') console.log(`${at} (b) POST /login, 8 conn | ${r.reqPerSec} | ${r.p99} | ${r.bcryptLimitPerSec} logins/s limit | ${r.ratio} | ≥ 0.90, errors ${r.errors} |`);
    if (r.name === 'register') console.log(`${at} (c) POST /register, 8 conn | ${r.reqPerSec} | ${r.p99} | ${'-'} | ${r.ratio} | - |`);
    if (r.name === 'healthz_during_logins') console.log(`${at} (d) /healthz p99 idle → during (b) | - | ${r.idleP99} → ${r.stormP99} | - | ${r.ratio} | ≤ 2, failed ${r.failed} |`);
    if (r.name === 'rss') console.log(`${at} (f) peak RSS${args.workers === '1' ? '' : ' (the primary)'} | - | - | ${r.authbookPeakRssMb} MB (ideal ${r.baselinePeakRssMb} MB) | - | ≤ 150 MB |`);
  }
  const bcryptRow = results.find((r) => r.name === 'bcrypt');
  console.log(`\n(e) bcrypt cost ${bcryptRow.rounds}: ${bcryptRow.hashMs} ms per hash on one core; ${bcryptRow.cores} cores → at most ${bcryptRow.loginLimitPerSec} logins/s`);
  for (const r of results.filter((x) => x.name === 'rows')) {
    console.log(`rows with ${r.users} users on ${r.store}, before start → after the run (pruned at start): ${JSON.stringify(r.before)} → ${JSON.stringify(r.after)}`);
  }
}

const hashMs = await measureBcrypt();
for (const users of args.users.split(',').map(Number)) await benchScale(users, hashMs);
printSummary();
const machine = { date: new Date().toISOString(), cores: CORES, node: process.version, cpu: os.cpus()[0]?.model, workers: Number(args.workers), flags: FLAGS.join(' ') };
report('machine', machine);
fs.mkdirSync(args.report, { recursive: true });
fs.writeFileSync(path.join(args.report, 'bench.svg'), reportSvg(results, machine));
fs.writeFileSync(path.join(args.report, 'index.html'), reportHtml(results, machine));
fs.writeFileSync(path.join(args.report, 'results.json'), JSON.stringify(results, null, 1) + '\n');
console.log(`\nthe picture: ${path.join(args.report, 'index.html')} (and bench.svg)${args.profile ? `; CPU profile in ${args.profile}` : ''}`);
