// The tunnel under load and after idling: more concurrent requests than tunnel sockets must queue
// and all succeed, and a pause longer than the app's keep-alive timeout (which closes the tunnel's
// idle local connections) must not lose the requests that follow.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTunnel, type TunnelHandle } from '../../src';
import { startLocaltunnelServer, type FakeLocaltunnelServer } from '../fixtures/localtunnel-server';
import { publicRequest } from './public-request';
import { waitFor } from './wait-for';

const MAX_CONN_COUNT = 10;

// Answers after a short pause, so concurrent requests really overlap on the tunnel; counts the
// connections it has closed.
async function startEchoApp() {
  let closedConnections = 0;
  const server = http.createServer((req, res) => {
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    }, 50);
  });
  server.on('connection', (socket) => socket.once('close', () => (closedConnections += 1)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, closedConnections: () => closedConnections };
}

describe('tunnel traffic', () => {
  let tunnelServer: FakeLocaltunnelServer;
  let app: Awaited<ReturnType<typeof startEchoApp>>;
  let tunnel: TunnelHandle;

  beforeAll(async () => {
    tunnelServer = await startLocaltunnelServer({ maxConnCount: MAX_CONN_COUNT });
    app = await startEchoApp();
    tunnel = await openTunnel({ port: app.port, host: tunnelServer.host, probeAddress: tunnelServer.address });
  });

  afterAll(async () => {
    await tunnel?.close();
    app?.server.closeAllConnections();
    await new Promise((resolve) => app?.server.close(resolve));
    await tunnelServer?.close();
  });

  const clientId = () => new URL(tunnel.url).hostname.split('.')[0];
  const burst = (count: number, label: string) =>
    Promise.all(Array.from({ length: count }, (_, i) => publicRequest(tunnel.url, tunnelServer.address, 'GET', `/${label}/${i}`)));

  it(`serves 25 concurrent requests over at most ${MAX_CONN_COUNT} tunnel sockets`, async () => {
    const responses = await burst(25, 'burst');
    expect(responses.map((r) => r.status)).toEqual(Array(25).fill(200));
    expect(responses.map((r) => r.body.path)).toEqual(Array.from({ length: 25 }, (_, i) => `/burst/${i}`));
    const stats = tunnelServer.stats(clientId());
    expect(stats.connectedSockets).toBeLessThanOrEqual(MAX_CONN_COUNT);
    expect(stats.peakWaitingRequests).toBeGreaterThan(0); // some requests did wait for a free socket
  });

  it("still serves requests after an idle gap longer than the app's keep-alive timeout", async () => {
    expect(app.server.keepAliveTimeout).toBe(5000);
    const poolIsFull = () => tunnelServer.stats(clientId()).connectedSockets === MAX_CONN_COUNT;
    expect((await burst(5, 'before')).map((r) => r.status)).toEqual(Array(5).fill(200));
    // The server keeps one used socket alive and drops the rest, which the client replaces at once.
    await waitFor('the tunnel to replace the sockets the server dropped', poolIsFull);
    const closedBefore = app.closedConnections();
    // Nothing else happens now: the next close is the app's keep-alive timeout ending an idle connection.
    await waitFor('the app to close an idle tunnel connection', () => app.closedConnections() > closedBefore);
    // The idle connections time out one after another within a few milliseconds (more under load);
    // a request written into one at the instant the app closes it is lost, as with any keep-alive
    // proxy. So wait until the closing has stopped and the tunnel has replaced every socket.
    let closedSoFar = app.closedConnections();
    let quietSince = Date.now();
    await waitFor('the closing to stop and the pool to refill', () => {
      if (app.closedConnections() !== closedSoFar) [closedSoFar, quietSince] = [app.closedConnections(), Date.now()];
      return Date.now() - quietSince >= 500 && poolIsFull();
    });
    const responses = await burst(12, 'after');
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(await tunnel.probe()).toBe(true);
  });
});
