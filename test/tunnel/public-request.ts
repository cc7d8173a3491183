// Requests to a tunnel's public URL as a visitor would send them. The fixture's tunnel names
// (<id>.localhost) do not resolve on this machine, so this connects to the fixture's address and
// names the tunnel in the Host header, as DNS and a browser would. `localAddress` picks the
// visitor's address (any 127.x.y.z works on Linux), so tests can tell it from the tunnel's own.
// Connections are kept alive, as a browser's are: "Connection: close" would travel through the tunnel
// and make the app close each local connection, hiding what idle keep-alive connections do.
import http from 'node:http';
import { TUNNEL_REMINDER_HEADERS } from '../../src/tunnel/tunnel-http';

const visitorAgent = new http.Agent({ keepAlive: true });

export interface PublicResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  body: any;
}

export interface PublicRequestOptions {
  headers?: Record<string, string>;
  body?: unknown;
  localAddress?: string;
}

export function publicRequest(
  tunnelUrl: string,
  address: string,
  method: string,
  path: string,
  options: PublicRequestOptions = {},
): Promise<PublicResponse> {
  const url = new URL(tunnelUrl);
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...TUNNEL_REMINDER_HEADERS, host: url.host, ...options.headers };
  if (payload !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: address, port: url.port, method, path, headers, localAddress: options.localAddress, agent: visitorAgent },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          let body: unknown;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = undefined;
          }
          resolve({ status: response.statusCode ?? 0, headers: response.headers, text, body });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
