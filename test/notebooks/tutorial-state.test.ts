// What a notebook leaves behind and shares: temp folders removed when the kernel process ends (a
// normal exit, or the SIGTERM Jupyter sends a kernel that keeps a server open), the shared-server
// file (private, found only while its server lives, removed by its own server only), and the login
// timing helper against a real server.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureLoginTiming } from '../../src/notebook/login-timing';
import { startPublicServer } from '../../src/notebook/public-server';
import { announceServer, findSharedServer, type SharedServer } from '../../src/notebook/shared-server';
import { startTutorialServer, type TutorialServer } from '../../src/notebook/tutorial-server';

const KERNEL_EXIT = path.join(__dirname, '..', '..', 'dist', 'notebook', 'kernel-exit.js');

/** A Node process standing in for a kernel: makes a temp folder, keeps a server open if asked, prints the folder. */
function kernelLike(tmpdir: string, holdServer: boolean) {
  const script = `
    const { tempFolder } = require(${JSON.stringify(KERNEL_EXIT)});
    console.log(tempFolder('test'));
    ${holdServer ? "require('node:http').createServer().listen(0, '127.0.0.1');" : ''}`;
  const child = spawn(process.execPath, ['-e', script], { env: { ...process.env, TMPDIR: tmpdir }, stdio: ['ignore', 'pipe', 'inherit'] });
  const folder = new Promise<string>((resolve) => child.stdout.setEncoding('utf8').once('data', (line: string) => resolve(line.trim())));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, folder, exited };
}

describe('kernel exit', () => {
  let tmpdir: string;
  beforeAll(() => (tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbook-exit-'))));
  afterAll(() => fs.rmSync(tmpdir, { recursive: true, force: true }));

  it('removes the temp folders at a normal exit', async () => {
    const kernel = kernelLike(tmpdir, false);
    const folder = await kernel.folder;
    expect(await kernel.exited).toBe(0);
    expect(folder.startsWith(path.join(tmpdir, 'authbook-test-'))).toBe(true);
    expect(fs.existsSync(folder)).toBe(false);
  });

  it('removes them on SIGTERM too, and still ends the process as SIGTERM would', async () => {
    const kernel = kernelLike(tmpdir, true);
    const folder = await kernel.folder;
    expect(fs.existsSync(folder)).toBe(true);
    kernel.child.kill('SIGTERM');
    expect(await kernel.exited).toBe(128 + os.constants.signals.SIGTERM);
    expect(fs.existsSync(folder)).toBe(false);
  });
});

describe('the shared-server file', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbook-share-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is private, found while its server lives, and removed when the server closes', async () => {
    const file = path.join(dir, 'live.json');
    const pub = await startPublicServer({ tunnel: null, env: { BCRYPT_ROUNDS: '4' }, shareFile: file });
    try {
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(await findSharedServer(file)).toEqual({ url: pub.url, localUrl: pub.server.url, isPublic: false, admin: { email: pub.server.admin.email, password: pub.server.admin.password }, pid: process.pid });
    } finally {
      await pub.close();
    }
    expect(fs.existsSync(file)).toBe(false);
    expect(await findSharedServer(file)).toBeNull();
  });

  const stale = (overrides: Partial<SharedServer>): SharedServer => ({ url: 'http://127.0.0.1:1', localUrl: 'http://127.0.0.1:1', isPublic: false, admin: { email: 'a@example.com', password: 'x' }, pid: process.pid, ...overrides });

  it('is ignored when the kernel that wrote it is gone, or its server does not answer', async () => {
    let server: TutorialServer | null = await startTutorialServer({ BCRYPT_ROUNDS: '4' });
    try {
      const ended = spawn(process.execPath, ['-e', '']);
      await new Promise((resolve) => ended.on('exit', resolve));
      const deadKernel = path.join(dir, 'dead-kernel.json');
      fs.writeFileSync(deadKernel, JSON.stringify(stale({ localUrl: server.url, pid: ended.pid! })));
      expect(await findSharedServer(deadKernel)).toBeNull();
      const silent = path.join(dir, 'silent.json');
      const url = server.url;
      await server.close();
      server = null;
      fs.writeFileSync(silent, JSON.stringify(stale({ localUrl: url })));
      expect(await findSharedServer(silent)).toBeNull();
    } finally {
      await server?.close();
    }
  });

  it('is removed by the server that wrote it only: a newer announcement stays', () => {
    const file = path.join(dir, 'replaced.json');
    const first = announceServer(stale({ localUrl: 'http://127.0.0.1:1001' }), file);
    announceServer(stale({ localUrl: 'http://127.0.0.1:1002' }), file);
    first.remove();
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).localUrl).toBe('http://127.0.0.1:1002');
  });
});

describe('measureLoginTiming', () => {
  it('times failed logins both ways against a real server, without locking the account', async () => {
    const server = await startTutorialServer({ BCRYPT_ROUNDS: '4' });
    try {
      const timing = await measureLoginTiming({ baseUrl: server.url }, 4);
      expect(timing.statuses).toEqual(Array(8).fill(401));
      expect(timing.unknownEmailMs).toBeGreaterThan(0);
      expect(timing.wrongPasswordMs).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
