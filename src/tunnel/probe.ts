// Asks the public side whether the tunnel still carries requests: HEAD <url>/?localtunnel-probe=<nonce>
// with the reminder-bypass header. Healthy means that very request arrived at this end (the library
// emits 'request' for each one), whatever the app answers. A lost tunnel shows up as the server's
// 404 or "503 Tunnel Unavailable", or no answer at all, and the nonce never arrives.
import { randomBytes } from 'node:crypto';
import type { ConnectedTunnel } from './connect-tunnel';
import { plainRequest, TUNNEL_REMINDER_HEADERS } from './tunnel-http';

export interface ProbeOptions {
  /** Connect to this IP address instead of resolving the public host name. */
  address?: string;
  timeoutMs: number;
  signal: AbortSignal;
}

export function probeTunnel({ url, tunnel }: ConnectedTunnel, { address, timeoutMs, signal }: ProbeOptions): Promise<boolean> {
  const path = `/?localtunnel-probe=${randomBytes(8).toString('hex')}`;
  return new Promise((resolve) => {
    const settle = (healthy: boolean) => {
      tunnel.off('request', onRequest);
      resolve(healthy);
    };
    const onRequest = (request: { path: string }) => {
      if (request.path === path) settle(true);
    };
    tunnel.on('request', onRequest);
    // The request may still be waiting for the app's answer when it arrives; the signals end it.
    plainRequest(url + path, {
      method: 'HEAD',
      headers: TUNNEL_REMINDER_HEADERS,
      address,
      signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
    }).then(
      () => settle(false),
      () => settle(false),
    );
  });
}
