// What the benchmark scripts share: starting authbook as `npm start` runs it (same node flags, minus
// npm), starting any child that prints its port, the /healthz latency probe in its own process, a
// storm of fresh registrations, and a scratch PostgreSQL database on a server for one run.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const pg = require('pg');

export const HERE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.join(HERE, '..', '..');
const START_ARGS = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'))
  .scripts.start.split(' ')
  .slice(1)
  .map((arg) => (arg.startsWith('dist/') ? path.join(ROOT, arg) : arg));

const LISTENING = /(?:listening on http:\/\/127\.0\.0\.1:|listening )(\d+)/;

/**
 * Starts a child process and resolves with its port once it prints one. With `logFile`, its stdout
 * goes to that file, as `npm start > authbook.log` would send it (the request log costs what it
 * costs in production, and the benchmark reads no log through a pipe); the port is read from it.
 */
export function startChild(args, env, { logFile } = {}) {
  const fd = logFile ? fs.openSync(logFile, 'a') : null;
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', fd ?? 'pipe', 'inherit'] });
  if (fd !== null) fs.closeSync(fd); // the child holds its own copy
  return new Promise((resolve, reject) => {
    let output = '';
    const found = () => {
      const match = LISTENING.exec(output);
      if (match) resolve({ child, port: Number(match[1]), logFile });
      return match;
    };
    if (logFile) {
      const poll = setInterval(() => {
        output = fs.readFileSync(logFile, 'utf8');
        if (found()) clearInterval(poll);
      }, 25);
      child.once('exit', () => clearInterval(poll));
    } else {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        found();
      });
    }
    child.once('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${output.slice(-2000)}`)));
  });
}

/** The node flags `npm start` runs with, e.g. ['--max-semi-space-size=16', ...]. */
export const START_FLAGS = START_ARGS.filter((arg) => arg.startsWith('--'));

/**
 * authbook's `serve`, exactly as `npm start` runs it, with `env`. `flags` replaces npm start's node
 * flags (to compare others), `extraFlags` adds to them (e.g. --cpu-prof).
 */
export const startAuthbook = (env, { flags = START_FLAGS, extraFlags = [], logFile } = {}) =>
  startChild([...flags, ...extraFlags, ...START_ARGS.filter((arg) => !arg.startsWith('--'))], env, { logFile });

/** Runs probe.mjs against the server for `durationMs` and resolves with its quantiles. */
export function probeLatency(port, urlPath, durationMs) {
  const child = spawn(process.execPath, [path.join(HERE, 'probe.mjs'), String(port), urlPath, String(durationMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  return new Promise((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(output)) : reject(new Error(`probe exited ${code}`)))));
}

/** POST /register with a new account each time, from `connections` connections for `seconds`. */
export function registerStorm(port, { connections, seconds, password }) {
  let counter = 0;
  const runId = randomBytes(3).toString('hex');
  return autocannon({
    url: `http://127.0.0.1:${port}/register`,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{
      setupRequest: (request) => {
        counter += 1;
        const name = `reg${runId}${counter}`;
        return { ...request, body: JSON.stringify({ username: name, email: `${name}@example.com`, password }) };
      },
    }],
  });
}

/** Stops children and waits until they are gone. */
export async function stopChildren(children) {
  for (const { child } of children) child.kill('SIGTERM');
  await Promise.all(children.map(({ child }) => new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve()))));
}

/** A scratch database on the PostgreSQL server `serverUrl` names: its URL, and drop() for after. */
export async function scratchPostgres(serverUrl, prefix) {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const onServer = async (sql) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
