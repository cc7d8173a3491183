// Opening that cannot succeed must end, clearly and completely: a refusal (an invalid subdomain) at
// once, an unreachable or silent server when the timeout fires; either way nothing the attempt started
// (timers, sockets) is left to keep the process alive. localtunnel's own handshake fails this.
import { spawn } from 'node:child_process';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTunnelError, openTunnel, type TunnelErrorCode } from '../../src';
import { startLocaltunnelServer, type FakeLocaltunnelServer } from '../fixtures/localtunnel-server';
import { waitFor } from './wait-for';

// What keeps the event loop alive, by kind (unref'd timers and sockets are not listed).
function keepingAlive(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return counts;
}

// True when nothing keeps the loop alive that did not before (the test runner's own may come and go).
function nothingAddedTo(before: Map<string, number>): boolean {
  return [...keepingAlive()].every(([kind, count]) => count <= (before.get(kind) ?? 0));
}

async function expectRejection(open: Promise<unknown>, code: TunnelErrorCode, message: RegExp) {
  const error = await open.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(isTunnelError(error) && error.code).toBe(code);
  expect((error as Error).message).toMatch(message);
}

describe('opening a tunnel that cannot open', () => {
  let tunnelServer: FakeLocaltunnelServer;
  let silentServer: net.Server;
  let closedPort: number;

  beforeAll(async () => {
    tunnelServer = await startLocaltunnelServer();
    // Reads requests and never answers, like a server behind a dead proxy.
    silentServer = net.createServer((socket) => socket.resume());
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
  });

  afterAll(async () => {
    silentServer?.close();
    await tunnelServer?.close();
  });

  it('rejects an invalid subdomain at once with the server message, leaving nothing behind', async () => {
    const before = keepingAlive();
    await expectRejection(
      openTunnel({ port: 1, host: tunnelServer.host, subdomain: 'Not_A_Name', timeoutMs: 60_000 }),
      'tunnel_refused',
      /HTTP 403\): Invalid subdomain\. Subdomains must be lowercase/,
    );
    await waitFor('the handshake connection to close', () => nothingAddedTo(before), 2000);
  });

  it('gives up on an unreachable server when the timeout fires, leaving nothing behind', async () => {
    const before = keepingAlive();
    await expectRejection(
      openTunnel({ port: 1, host: `http://127.0.0.1:${closedPort}`, timeoutMs: 1500 }),
      'tunnel_timeout',
      /did not open a tunnel within 1500 ms \(last problem: .*ECONNREFUSED/,
    );
    await waitFor('the last attempt to close', () => nothingAddedTo(before), 2000);
  });

  it('gives up on a server that never answers when the timeout fires, leaving nothing behind', async () => {
    const port = (silentServer.address() as AddressInfo).port;
    const before = keepingAlive();
    await expectRejection(openTunnel({ port: 1, host: `http://127.0.0.1:${port}`, timeoutMs: 1000 }), 'tunnel_timeout', /within 1000 ms/);
    await waitFor('the unanswered request to be dropped', () => nothingAddedTo(before), 2000);
  });

  // Why connect-tunnel.ts replaces the library's handshake. Should this ever fail, the library has
  // learned to stop, and the subclass can go.
  it("shows localtunnel's own handshake retrying an invalid subdomain after close()", async () => {
    let handshakes = 0;
    const refusing = http.createServer((_req, res) => {
      handshakes += 1;
      res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"Invalid subdomain."}');
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', resolve));
    const script = `
      const localtunnel = require('@n8n/localtunnel');
      const tunnel = localtunnel({ port: 1, host: 'http://127.0.0.1:${(refusing.address() as AddressInfo).port}', subdomain: 'Not_A_Name' }, () => {});
      tunnel.close();`;
    const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd(), stdio: 'ignore' });
    try {
      await waitFor('three handshakes from a closed tunnel', () => handshakes >= 3, 10_000);
      expect(child.exitCode).toBeNull(); // still running: the retry timer holds the process
    } finally {
      child.kill();
      refusing.close();
    }
  });
});
