// What several processes cost when writes dominate: a storm of POST /register at bcrypt cost 4 (so
// the two write transactions of each registration, not hashing, are the work), 16 connections, with
// the /healthz latency probe beside it, for one store and one WORKERS count. Prints one JSON line.
// Run it for WORKERS=1 and 2 on each store to compare (the README's "Scaling out" numbers):
//   node test/bench/write-storm.mjs --store sqlite|postgres [--workers 2] [--seconds 10] [--database-url postgres://...]
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { probeLatency, registerStorm, scratchPostgres, startAuthbook, stopChildren } from './harness.mjs';

const { values: args } = parseArgs({
  options: {
    store: { type: 'string', default: 'sqlite' },
    workers: { type: 'string', default: '1' },
    seconds: { type: 'string', default: '10' },
    'database-url': { type: 'string', default: process.env.AUTHBOOK_BENCH_DATABASE_URL },
  },
});
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbook-storm-'));
const scratch = args.store === 'postgres' ? await scratchPostgres(args['database-url'], 'authbook_storm') : null;
const server = await startAuthbook({
  NODE_ENV: 'production', PORT: '0', DATABASE_PATH: path.join(dir, 'auth.db'), JWT_SECRET: randomBytes(48).toString('base64'),
  SECRETS_KEY: randomBytes(48).toString('base64'),
  RATE_LIMIT: 'off', LOG_LEVEL: 'silent', BCRYPT_ROUNDS: '4', WORKERS: args.workers, ...(scratch && { DATABASE_URL: scratch.url }),
});
const probe = probeLatency(server.port, '/healthz', Number(args.seconds) * 1000);
const storm = registerStorm(server.port, { connections: 16, seconds: Number(args.seconds), password: 'benchmark passphrase 1' });
const [result, latency] = await Promise.all([storm, probe]);
console.log(JSON.stringify({
  bench: 'write_storm', store: args.store, workers: Number(args.workers), registersPerSec: result.requests.average, p99: result.latency.p99,
  non2xx: result.non2xx, errors: result.errors, healthzP50: latency.p50, healthzP99: latency.p99, probeFailed: latency.failed, cores: os.availableParallelism(),
}));
await stopChildren([server]);
await scratch?.drop();
fs.rmSync(dir, { recursive: true, force: true });
