// What several processes cost when writes dominate: a storm of POST /register at bcrypt cost 4 (so
// the two write transactions of each registration, not hashing, are the work), 16 connections, with
// the /healthz latency probe beside it, for one store and one WORKERS count. Prints one JSON line.
// Run it for WORKERS=1 and 2 on each store to compare (the README's "Scaling out" numbers):
//   node test/bench/write-storm.mjs --store sqlite|postgres [--workers 2] [--seconds 10] [--database-url postgres://...]
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const pg = require('pg');

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'sqlite' },
    workers: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '10' },
    'database-url': { type: 'string', default: process.env.AUTHBOOK_BENCH_DATABASE_URL },
  },
});
const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.join(HERE, '..', '..');
const START_ARGS = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts.start.split(' ').slice(1);
const durationMs = Number(args.seconds) * 1000;

async function onServer(sql) {
  const client = new pg.Client({ connectionString: args['database-url'] });
  await client.connect();
  await client.query(sql);
  await client.end();
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbook-storm-'));
const scratch = args.store === 'postgres' ? `authbook_storm_${randomBytes(4).toString('hex')}` : null;
if (scratch) await onServer(`CREATE DATABASE ${scratch}`);
const databaseUrl = scratch && Object.assign(new URL(args['database-url']), { pathname: `/${scratch}` }).toString();

const child = spawn(process.execPath, START_ARGS.map((arg) => (arg.startsWith('dist/') ? path.join(ROOT, arg) : arg)), {
  env: {
    ...process.env, NODE_ENV: 'production', PORT: '0', DATABASE_PATH: path.join(dir, 'auth.db'), JWT_SECRET: randomBytes(48).toString('base64'),
    RATE_LIMIT: 'off', LOG_LEVEL: 'silent', BCRYPT_ROUNDS: '4', WORKERS: args.workers, ...(databaseUrl && { DATABASE_URL: databaseUrl }),
  },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise((resolve) => {
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
    const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
    if (match) resolve(Number(match[1]));
  });
});

const probe = new Promise((resolve) => {
  const latency = spawn(process.execPath, [path.join(HERE, 'probe.mjs'), String(port), '/healthz', String(durationMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  latency.stdout.on('data', (chunk) => (output += chunk));
  latency.once('exit', () => resolve(JSON.parse(output)));
});
let counter = 0;
const runId = randomBytes(3).toString('hex');
const storm = autocannon({
  url: `http://127.0.0.1:${port}/register`,
  connections: 16,
  duration: Number(args.seconds),
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  requests: [{
    setupRequest: (request) => {
      counter += 1;
      const name = `storm${runId}${counter}`;
      return { ...request, body: JSON.stringify({ username: name, email: `${name}@example.com`, password: 'benchmark passphrase 1' }) };
    },
  }],
});
const [result, latency] = await Promise.all([storm, probe]);
console.log(JSON.stringify({
  bench: 'write_storm', store: args.store, workers: Number(args.workers), registersPerSec: result.requests.average, p99: result.latency.p99,
  non2xx: result.non2xx, errors: result.errors, healthzP50: latency.p50, healthzP99: latency.p99, probeFailed: latency.failed, cores: os.availableParallelism(),
}));
child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
if (scratch) await onServer(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
fs.rmSync(dir, { recursive: true, force: true });
