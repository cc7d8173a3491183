// The request log as `npm start` writes it: buffered and asynchronous, yet no line lost on a graceful
// stop, lines from WORKERS=2 never torn into each other on a shared pipe, and lines written while
// the server keeps running (the periodic flush), not only when a buffer fills. On a regular file the
// chunks are larger (64 KiB), and two workers' lines still never tear into each other.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chunkBytesFor } from '../../src/log-output';
import { CLI, childEnv, spawnServer, type ServerProcess } from '../helpers/server-process';
import { tempDir, testEnv } from '../helpers/test-server';

const dirs: string[] = [];
const running: ServerProcess[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) {
    server.child.kill('SIGKILL');
    await server.exit;
  }
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** The server with stdout on a pipe, or with `toFile` on a regular file in its directory. */
async function start(overrides: Record<string, string> = {}, { toFile = false } = {}) {
  const dir = tempDir('authbook-log-');
  dirs.push(dir);
  const stdoutFile = toFile ? path.join(dir, 'authbook.log') : undefined;
  const server = await spawnServer(childEnv(testEnv(dir, { LOG_LEVEL: 'info', ...overrides })), { stdoutFile });
  running.push(server);
  let output = '';
  server.child.stdout?.on('data', (chunk) => (output += chunk));
  return { server, output: () => (stdoutFile ? fs.readFileSync(stdoutFile, 'utf8') : output) };
}

/** `count` GETs, `parallel` at a time, each on a connection of its own (so a cluster spreads them). */
async function hit(url: string, count: number, parallel: number): Promise<void> {
  let next = 0;
  const one = () => new Promise<void>((resolve, reject) => http.get(`${url}/healthz?n=${next++}`, { agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject));
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < count) await one();
  }));
}

/** The JSON log lines (the "listening on" line is plain text); a torn line fails JSON.parse here. */
const jsonLines = (text: string) => text.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg: string; path?: string; pid: number });
const requestLines = (text: string) => jsonLines(text).filter((line) => line.msg === 'request' && line.path === '/healthz');

describe('the log as npm start writes it', () => {
  it('loses no line on SIGTERM: 3,000 requests, 3,000 request lines, each whole', async () => {
    const { server, output } = await start();
    await hit(server.url, 3000, 32);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    expect(requestLines(output())).toHaveLength(3000);
    expect(jsonLines(output()).at(-1)!.msg).toBe('shutting down: finishing in-flight requests');
  });

  it('WORKERS=2 on one pipe: every line of both workers whole, none lost', async () => {
    const { server, output } = await start({ WORKERS: '2' });
    await hit(server.url, 4000, 32);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    const lines = requestLines(output());
    expect(lines).toHaveLength(4000);
    expect(new Set(lines.map((line) => line.pid)).size).toBe(2); // both workers wrote, interleaved, none torn
  });

  it('WORKERS=2 on a regular file (64 KiB chunks): every line of both workers whole, none lost', async () => {
    const { server, output } = await start({ WORKERS: '2' }, { toFile: true });
    await hit(server.url, 4000, 32);
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    const lines = requestLines(output());
    expect(lines).toHaveLength(4000);
    expect(new Set(lines.map((line) => line.pid)).size).toBe(2);
  });

  it('chooses 64 KiB writes for a regular file and PIPE_BUF for a pipe', () => {
    const dir = tempDir('authbook-log-');
    dirs.push(dir);
    const file = fs.openSync(path.join(dir, 'out.log'), 'a');
    const pipe = spawnSync(process.execPath, ['-e', `process.stdout.write(String(require(${JSON.stringify(CLI.replace(/cli\.js$/, 'log-output.js'))}).chunkBytesFor(1)))`], { encoding: 'utf8' });
    try {
      expect(chunkBytesFor(file)).toBe(64 * 1024);
      expect(pipe.stdout).toBe('4096'); // spawnSync gives the child a pipe for stdout
    } finally {
      fs.closeSync(file);
    }
  });

  it('writes lines while the server keeps running, not only when a buffer fills', async () => {
    const { server, output } = await start();
    await hit(server.url, 3, 1); // a few hundred bytes: far below the buffer's write size
    await expect.poll(() => requestLines(output()).length, { timeout: 5000, interval: 100 }).toBe(3);
    expect(server.child.exitCode).toBeNull();
  });

  it('a crash (an uncaught exception) still writes every line logged before it', () => {
    const logOutput = CLI.replace(/cli\.js$/, 'log-output.js');
    const script = `const { logger } = require(${JSON.stringify(logOutput)}).openLogOutput('info');
      for (let i = 0; i < 20; i++) logger.info({ i }, 'before the crash');
      setTimeout(() => { throw new Error('boom'); }, 10);`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('boom');
    expect(jsonLines(result.stdout).filter((line) => line.msg === 'before the crash')).toHaveLength(20) // under the buffer's write size: only the exit flush writes them;
  });
});
