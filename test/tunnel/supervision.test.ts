// The supervisor: when the localtunnel server goes away, the tunnel is lost without a sound; the
// supervisor notices (socket errors, failed probes), keeps trying while the server is away, opens
// a new tunnel when it is back, and reports the new URL.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTunnel, type TunnelEvent, type TunnelHandle } from '../../src';
import { startLocaltunnelServer, type FakeLocaltunnelServer } from '../fixtures/localtunnel-server';
import { publicRequest } from './public-request';
import { waitFor } from './wait-for';

describe('tunnel supervision', () => {
  let tunnelServer: FakeLocaltunnelServer;
  let app: http.Server;
  let tunnel: TunnelHandle;
  const urls: string[] = [];
  const events: TunnelEvent[] = [];

  beforeAll(async () => {
    tunnelServer = await startLocaltunnelServer();
    app = http.createServer((_req, res) => res.end('hello through the tunnel'));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    tunnel = await openTunnel({
      port: (app.address() as AddressInfo).port,
      host: tunnelServer.host,
      probeAddress: tunnelServer.address,
      timeoutMs: 2000,
      probeIntervalMs: 250,
      onUrl: (url) => urls.push(url),
      onEvent: (event) => events.push(event),
    });
  });

  afterAll(async () => {
    await tunnel?.close();
    app?.closeAllConnections();
    await new Promise((resolve) => app?.close(resolve));
    await tunnelServer?.close();
  });

  it('reports the first URL and passes its probe', async () => {
    expect(urls).toEqual([tunnel.url]);
    expect(events).toEqual([{ type: 'opened', url: tunnel.url }]);
    expect(await tunnel.probe()).toBe(true);
  });

  it('reopens under a new URL after the server went away and came back', async () => {
    const firstUrl = tunnel.url;
    await tunnelServer.stop();
    expect(await tunnel.probe()).toBe(false);
    await waitFor('the supervisor to notice', () => events.some((event) => event.type === 'reopening'));
    await waitFor('a failed attempt while the server is away', () => events.some((event) => event.type === 'reopen_failed'));
    await tunnelServer.start();
    await waitFor('a new URL', () => urls.length === 2);

    expect(urls[1]).not.toBe(firstUrl);
    expect(tunnel.url).toBe(urls[1]);
    expect(events).toContainEqual({ type: 'reopened', url: urls[1], previousUrl: firstUrl });
    const response = await publicRequest(tunnel.url, tunnelServer.address, 'GET', '/');
    expect(response.text).toBe('hello through the tunnel');
    expect((await publicRequest(firstUrl, tunnelServer.address, 'GET', '/')).status).toBe(404);
  });

  it('reopens when only the probe can tell the public URL stopped working', async () => {
    const lostUrl = tunnel.url;
    const seen = events.length;
    tunnelServer.forget(new URL(lostUrl).hostname.split('.')[0]);
    expect((await publicRequest(lostUrl, tunnelServer.address, 'GET', '/')).status).toBe(404);
    await waitFor('a new URL', () => urls.length === 3);

    const newEvents = events.slice(seen).map((event) => event.type);
    expect(newEvents).toEqual(['probe_failed', 'reopening', 'reopened']);
    expect((await publicRequest(tunnel.url, tunnelServer.address, 'GET', '/')).text).toBe('hello through the tunnel');
  });

  it('stops supervising when closed', async () => {
    await tunnel.close();
    expect(events.at(-1)).toEqual({ type: 'closed' });
    expect((await publicRequest(tunnel.url, tunnelServer.address, 'GET', '/')).status).not.toBe(200);
  });
});
