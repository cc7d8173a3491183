// The page's only door to the API. The access token lives in this module's memory and nowhere else;
// the refresh token is an httpOnly cookie the server sets (X-Refresh-Cookie: 1) that this code never
// sees. A refresh proves it comes from this page with the CSRF token the server put in a readable cookie.
import { withTabLock } from './tab-lock.js';

/** An error answered by the API: its stable code, its message and the fields it concerns. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ReadonlyArray<{ path: string; message: string }> = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface Grant {
  token: string;
  expires_in: number;
}

/** Over https the server names its cookies with the __Host- prefix (see src/http/browser-cookies.ts). */
const CSRF_COOKIE = location.protocol === 'https:' ? '__Host-authbook_csrf' : 'authbook_csrf';
/** Serialises refreshes across tabs: two tabs spending one refresh token would look like theft. */
const REFRESH_LOCK = 'authbook-refresh';

let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;

export const isSignedIn = (): boolean => accessToken !== null;

/** Forgets the access token (the server ends the session; this only drops the page's copy). */
export function forgetSession(): void {
  accessToken = null;
}

function csrfToken(): string | null {
  const pair = document.cookie.split('; ').find((cookie) => cookie.startsWith(`${CSRF_COOKIE}=`));
  return pair ? pair.slice(CSRF_COOKIE.length + 1) : null;
}

async function send(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<unknown> {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { accept: 'application/json', ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer: unknown = await response.json().catch(() => ({}));
  if (response.ok) return answer;
  const problem = answer as { error?: string; message?: string; details?: Array<{ path: string; message: string }> };
  throw new ApiError(response.status, problem.error ?? 'http_error', problem.message ?? `HTTP ${response.status}`, problem.details);
}

async function refreshOnce(): Promise<boolean> {
  const csrf = csrfToken(); // read inside the lock: another tab may just have rotated it
  if (csrf === null) return false;
  try {
    const grant = (await send('POST', '/token/refresh', undefined, { 'x-refresh-cookie': '1', 'x-csrf-token': csrf })) as Grant;
    accessToken = grant.token;
    return true;
  } catch (error) {
    if (error instanceof ApiError && error.status < 500) {
      accessToken = null;
      return false;
    }
    throw error;
  }
}

/** Gets a new access token with the refresh cookie; false when there is no live session to continue. */
export function refreshSession(): Promise<boolean> {
  // one refresh at a time in this tab, and across tabs
  refreshing ??= withTabLock(REFRESH_LOCK, refreshOnce).finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** Where a session starts: the server answers the access token in JSON and the refresh token as a cookie. */
export type SignInPath = '/login' | '/register' | '/login/mfa' | '/webauthn/login/verify';

/** Logs in or registers. /login may answer a second-factor challenge instead (no token: none is kept). */
export async function startSession<T>(path: SignInPath, body: unknown): Promise<T> {
  const grant = (await send('POST', path, body, { 'x-refresh-cookie': '1' })) as T & Partial<Grant>;
  if (grant.token) accessToken = grant.token;
  return grant;
}

/**
 * Calls the API with the access token. An expired token is refreshed once with the cookie and the
 * call repeated; a 401 that survives that means the session is over.
 *
 * @example
 * const { user } = await call<{ user: Me }>('GET', '/users/me');
 */
export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const attempt = () => send(method, path, body, accessToken ? { authorization: `Bearer ${accessToken}` } : {}) as Promise<T>;
  try {
    return await attempt();
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'invalid_token' && (await refreshSession()))) throw error;
    return attempt();
  }
}
