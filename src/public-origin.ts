// The origin this server is reached at from outside, when something in front of it knows one (a
// tunnel's URL): set by whoever opens that door, read per request by the rules that must name the
// site (WebAuthn's relying party, the links in messages). A tunnel can reopen under a new name at
// any time, so nobody copies the value at start; auth/site-address.ts decides what wins over it.
import { HTTP_PROTOCOLS, urlOf } from './url-schema';

const httpUrl = urlOf(HTTP_PROTOCOLS, 'must be an http:// or https:// URL').transform((v) => new URL(v).origin);

export interface PublicOrigin {
  /** The origin last set (scheme, host and port, no path), e.g. https://ada.loca.lt; null until one is. */
  current(): string | null;
  /** Keeps the origin of `url`; throws on anything but an http(s) URL, keeping the previous one. */
  set(url: string): void;
}

/**
 * @example
 * const publicOrigin = createPublicOrigin();
 * await openTunnel({ port, onUrl: (url) => publicOrigin.set(url) });
 * publicOrigin.current(); // 'https://ada-authbook.loca.lt'
 */
export function createPublicOrigin(): PublicOrigin {
  let origin: string | null = null;
  return {
    current: () => origin,
    set(url) {
      origin = httpUrl.parse(url);
    },
  };
}
