// openTunnel: a public URL for a local port through a localtunnel server, supervised so it stays
// working (tunnel-supervisor.ts), and opened with a deadline so it never hangs (connect-tunnel.ts).
// localtunnel needs no account, so there is no token to keep anywhere.
//
// Client addresses. Requests reach the app from the localtunnel client on this machine, so the TCP
// peer is always 127.0.0.1. localtunnel.me's public reverse proxy appends the visitor's address to
// X-Forwarded-For (localtunnel/server's nginx site: `X-Forwarded-For $proxy_add_x_forwarded_for`; its
// maintainer in localtunnel/localtunnel#482: only X-Forwarded-Proto and X-Forwarded-For are set);
// the localtunnel server and client pass headers through unchanged. So serve with TRUST_PROXY=1:
// Express takes the right-most entry, the one that proxy wrote, as req.ip; entries to its left are
// whatever the visitor sent and are ignored. (`true` would believe the left-most, visitor-written one.)
// The hop count trusts whoever connects to the port, so keep HOST=127.0.0.1 behind a tunnel.
import { connectTunnel } from './connect-tunnel';
import { superviseTunnel, type TunnelEvent, type TunnelHandle } from './tunnel-supervisor';

export interface OpenTunnelOptions {
  /** The local port to expose. */
  port: number;
  /** The local host name to forward to (default localhost); also rewrites the Host header to it. */
  localHost?: string;
  /** The localtunnel server, e.g. a self-hosted one. Default https://localtunnel.me. */
  host?: string;
  /** Ask for this name (4-63 lowercase letters, digits, dashes). A taken name is replaced silently. */
  subdomain?: string;
  /** How long opening, and each reopening attempt, may take. Default 10 000. */
  timeoutMs?: number;
  /** How often the supervisor checks the public URL. Default 30 000. */
  probeIntervalMs?: number;
  /**
   * The IP address probes connect to instead of resolving the public host name: for a self-hosted
   * server without wildcard DNS for its tunnel names (and the test fixture).
   */
  probeAddress?: string;
  /** Called with the public URL when the tunnel opens and each time it is reopened under a new one. */
  onUrl?: (url: string) => void;
  /** Everything the supervisor notices and does, for logs. */
  onEvent?: (event: TunnelEvent) => void;
}

const DEFAULT_HOST = 'https://localtunnel.me';
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_PROBE_INTERVAL_MS = 30_000;

/**
 * Opens a tunnel and supervises it. Resolves once the server has given a URL and the first tunnel
 * socket is connected; rejects with a TunnelError: 'tunnel_refused' when the server says no (e.g. an
 * invalid subdomain), 'tunnel_timeout' when nothing worked within `timeoutMs`. A rejected open leaves
 * nothing running. Always read the URL from the handle: a taken subdomain is replaced silently.
 * API clients should send TUNNEL_REMINDER_HEADERS, or localtunnel.me may answer with its reminder page.
 * Like a listening server, an open tunnel keeps the process alive (its sockets do) until close().
 *
 * @example
 * const running = await startServer({ config: loadConfig({ PORT: '0', TRUST_PROXY: '1' }) });
 * const tunnel = await openTunnel({ port: running.port, onUrl: (url) => console.log(`public URL: ${url}`) });
 * const response = await fetch(`${tunnel.url}/`, { headers: { ...TUNNEL_REMINDER_HEADERS } });
 * await tunnel.close();
 */
export async function openTunnel(options: OpenTunnelOptions): Promise<TunnelHandle> {
  const settings = {
    port: options.port,
    localHost: options.localHost,
    host: (options.host ?? DEFAULT_HOST).replace(/\/+$/, ''),
    subdomain: options.subdomain,
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  const notify = (event: TunnelEvent) => {
    try {
      options.onEvent?.(event);
      if (event.type === 'opened' || (event.type === 'reopened' && event.url !== event.previousUrl)) options.onUrl?.(event.url);
    } catch {
      // A throwing callback must not stop the supervisor, nor surface as an unhandled rejection.
    }
  };
  const first = await connectTunnel(settings);
  notify({ type: 'opened', url: first.url });
  return superviseTunnel(first, {
    ...settings,
    probeIntervalMs: options.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS,
    probeAddress: options.probeAddress,
    notify,
  });
}
