// The manual testing helper of the original notebook, as a package function: one HTTP request to
// the service, printed the way a person wants to read it (status, the headers that matter, JSON),
// and returned for the next call. It never prompts (notebooks have no stdin) and never hangs.
import http from 'node:http';
import https from 'node:https';
import { inspect } from 'node:util';
import { TUNNEL_REMINDER_HEADERS } from '../tunnel/tunnel-http';

export interface EndpointOptions {
  /** Sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Defaults to AUTHBOOK_URL, else http://127.0.0.1:5000 (what `npm start` listens on). */
  baseUrl?: string;
  headers?: Record<string, string>;
  /**
   * Connect to this IP address instead of resolving the URL's host name; the Host header still
   * names the URL's host. For a self-hosted localtunnel server without wildcard DNS.
   */
  address?: string;
  /** Give up after this long; default 10 000, so a cell never hangs on a server that does not answer. */
  timeoutMs?: number;
}

export interface EndpointResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ', ', except Set-Cookie lines, joined with '\n'. */
  headers: Record<string, string>;
  /** Parsed JSON, or undefined when the body is not JSON. */
  body: any;
  text: string;
}

/** Headers a learner should notice: what the body is, caching, why a request was refused, when to retry. */
const HEADERS_THAT_MATTER = ['content-type', 'cache-control', 'www-authenticate', 'retry-after', 'location'];

/** Credentials in a printed body are cut short: the full values stay in the returned response. */
const CREDENTIAL_KEYS = new Set(['token', 'refresh_token']);

const DEFAULT_BASE_URL = 'http://127.0.0.1:5000';
const DEFAULT_TIMEOUT_MS = 10_000;

export const defaultBaseUrl = (): string => process.env.AUTHBOOK_URL ?? DEFAULT_BASE_URL;

/** JSON for printing, with tokens shortened to their first characters. */
export function printableJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (key, inner) => (CREDENTIAL_KEYS.has(key) && typeof inner === 'string' && inner.length > 20 ? `${inner.slice(0, 16)}… (${inner.length} chars)` : inner),
    indent,
  );
}

/**
 * Sends one request and returns status, headers and parsed JSON, printing nothing. Every request
 * carries localtunnel's reminder bypass, so a public URL answers with the API, not a warning page.
 */
export async function callEndpoint(method: string, urlPath: string, options: EndpointOptions = {}): Promise<EndpointResponse> {
  const url = new URL((options.baseUrl ?? defaultBaseUrl()).replace(/\/+$/, '') + urlPath);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...TUNNEL_REMINDER_HEADERS, host: url.host, ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const transport = url.protocol === 'https:' ? https : http;
  const { status, rawHeaders, text } = await new Promise<{ status: number; rawHeaders: http.IncomingHttpHeaders; text: string }>((resolve, reject) => {
    const request = transport.request(
      {
        protocol: url.protocol,
        host: options.address ?? url.hostname,
        servername: url.hostname, // TLS still checks the certificate of the named host
        port: url.port,
        path: url.pathname + url.search,
        method: method.toUpperCase(),
        headers,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        let received = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (received += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, rawHeaders: response.headers, text: received }));
        response.on('error', reject);
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      const reason = error.name === 'AbortError' || error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (error.code ?? error.message);
      reject(new Error(`could not reach ${url.origin}: ${reason}`));
    });
    request.end(payload);
  });
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  const flatHeaders = Object.fromEntries(
    // A Set-Cookie line may itself hold ', ' (in Expires), so its lines stay apart.
    Object.entries(rawHeaders).map(([name, value]) => [name, Array.isArray(value) ? value.join(name === 'set-cookie' ? '\n' : ', ') : String(value)]),
  );
  return { status, headers: flatHeaders, body, text };
}

/** The printed form: request line, status, headers that matter, pretty JSON (tokens shortened). */
export function formatEndpointResponse(method: string, urlPath: string, response: EndpointResponse): string {
  const headers = HEADERS_THAT_MATTER.filter((name) => response.headers[name] !== undefined).map((name) => `  ${name}: ${response.headers[name]}`);
  const body = response.body !== undefined ? printableJson(response.body, 2) : response.text.slice(0, 500);
  return [`${method.toUpperCase()} ${urlPath}`, `Status: ${response.status}`, ...(headers.length ? ['Headers:', ...headers] : []), `Response:`, body].join('\n');
}

/**
 * One request, printed for people and returned for the next call.
 *
 * @example
 * const login = await testEndpoint('POST', '/login', { body: { email: 'ada@example.com', password: 'a long passphrase' } });
 * await testEndpoint('GET', '/users/me', { token: login.body.token });
 */
export async function testEndpoint(method: string, urlPath: string, options: EndpointOptions = {}): Promise<EndpointResponse> {
  const response = await callEndpoint(method, urlPath, options);
  console.log(formatEndpointResponse(method, urlPath, response));
  // tslab echoes a cell's last value: say where the response went instead of dumping it again
  // (whole tokens included).
  Object.defineProperty(response, inspect.custom, { value: () => `(response ${response.status}, shown above; read .status, .headers, .body)` });
  return response;
}
