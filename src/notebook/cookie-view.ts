// The cookies an answer sets, taken apart for people (name, attributes, value shortened), and sent
// back the way a browser would: so a notebook can show what the web page's browser keeps and where
// it sends it, without a browser.
import type { EndpointResponse } from './test-endpoint';

export interface SetCookie {
  name: string;
  value: string;
  /** e.g. 'Max-Age=2592000; Path=/token/refresh; HttpOnly; SameSite=Strict' */
  attributes: string;
}

/**
 * @example
 * setCookiesOf(login).map((cookie) => cookie.name); // ['authbook_refresh', 'authbook_csrf', 'authbook_device']
 */
export function setCookiesOf(response: EndpointResponse): SetCookie[] {
  const lines = response.headers['set-cookie']?.split('\n') ?? [];
  return lines.map((line) => {
    const [pair, ...attributes] = line.split(';').map((part) => part.trim());
    const separator = pair.indexOf('=');
    return { name: pair.slice(0, separator), value: decodeURIComponent(pair.slice(separator + 1)), attributes: attributes.join('; ') };
  });
}

/** Rows for htmlTable, the values cut short: a cookie's value is a credential. */
export const cookieRows = (cookies: SetCookie[]) =>
  cookies.map(({ name, value, attributes }) => ({ name, value: value.length > 12 ? `${value.slice(0, 8)}… (${value.length} chars)` : value, attributes }));

/**
 * The Cookie header a browser sends with these cookies.
 *
 * @example
 * await callEndpoint('POST', '/token/refresh', { headers: { cookie: cookieHeader(cookies), 'x-csrf-token': csrf } });
 */
export const cookieHeader = (cookies: SetCookie[]): string => cookies.map(({ name, value }) => `${name}=${encodeURIComponent(value)}`).join('; ');
