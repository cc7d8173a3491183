// Asks a localtunnel server for a tunnel: GET <host>/?new, or GET <host>/<subdomain> to ask for a name.
// The answer is { id, port, max_conn_count, url }. A name already in use is silently replaced by a
// random one, so callers take the url from the answer and never build it from the subdomain.
import type Tunnel from '@n8n/localtunnel/lib/Tunnel';
import { TunnelError } from './tunnel-error';
import { plainRequest } from './tunnel-http';

/**
 * One handshake. Throws TunnelError('tunnel_refused') when the server says no for good (a 4xx, such
 * as 403 for an invalid subdomain: asking again cannot help), and a plain Error for anything worth
 * retrying (no connection, a 5xx, an answer that is not a localtunnel one).
 */
export async function requestTunnel(host: string, subdomain: string | undefined, signal: AbortSignal): Promise<Tunnel.InfoBody> {
  const { status, text } = await plainRequest(`${host}/${subdomain ?? '?new'}`, { signal });
  const body = parseJson(text);
  if (status >= 400 && status < 500 && status !== 429) {
    const reason = typeof body?.message === 'string' ? body.message : text.slice(0, 200) || `HTTP ${status}`;
    throw new TunnelError('tunnel_refused', `${host} refused the tunnel (HTTP ${status}): ${reason}`);
  }
  if (status !== 200) throw new Error(`${host} answered HTTP ${status}`);
  if (typeof body?.id !== 'string' || typeof body.port !== 'number' || typeof body.url !== 'string') {
    throw new Error(`${host} answered something that is not a localtunnel answer`);
  }
  return body as unknown as Tunnel.InfoBody;
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
