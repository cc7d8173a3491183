// The two HTTP calls the tunnel code makes itself: the handshake with the localtunnel server and the
// health probe through the public URL. node:http with agent:false, so each call owns one socket that
// closes with its response: nothing pooled stays behind to hold a notebook kernel or a test open.
import http from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';

/**
 * localtunnel.me answers a request that looks like it comes from a web browser with a "Friendly
 * Reminder" anti-phishing page (HTTP 401) instead of your app, once per visitor IP every 7 days.
 * A request carrying this header (any value) goes straight through, so API clients, scripts and
 * tests should always send it. A browser following a plain link cannot, so people see the page once.
 *
 * @example
 * const response = await fetch(`${tunnel.url}/users/me`, {
 *   headers: { ...TUNNEL_REMINDER_HEADERS, authorization: `Bearer ${token}` },
 * });
 */
export const TUNNEL_REMINDER_HEADERS = Object.freeze({ 'bypass-tunnel-reminder': 'true' } as const);

export interface PlainResponse {
  status: number;
  text: string;
}

export interface PlainRequestOptions {
  method?: string;
  headers?: Readonly<Record<string, string>>;
  /** Connect to this IP address instead of resolving the URL's host name. */
  address?: string;
  signal: AbortSignal;
}

// A handshake answer is a few hundred bytes; a probe's body is never read. Anything longer is not ours.
const MAX_BODY_BYTES = 64 * 1024;

/** One request on its own socket; rejects on network errors and when `signal` aborts. */
export function plainRequest(url: string, { method = 'GET', headers = {}, address, signal }: PlainRequestOptions): Promise<PlainResponse> {
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const lookup = address === undefined ? undefined : pinnedLookup(address);
    const request = transport.request(target, { method, headers, agent: false, signal, lookup }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

// Node asks for every address (`all`) when it races IPv4 and IPv6, and for one otherwise.
const pinnedLookup = (address: string): LookupFunction => (_hostname, options, callback) => {
  const family = net.isIP(address);
  if (options.all) callback(null, [{ address, family }]);
  else callback(null, address, family);
};
