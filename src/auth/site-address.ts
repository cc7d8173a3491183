// Where people reach this site, the one place that decides it for the rules that must name it:
// WebAuthn's relying party (passkeys are bound to it) and the base of the links in messages. What
// an operator configured always wins; then the public URL a tunnel reported (read per call, since a
// tunnel can reopen under a new name); then the defaults on this machine. Never the request's Host
// header: a visitor could send any.
import { isIP } from 'node:net';
import type { Config } from '../config';

/** What WebAuthn checks a passkey against: the RP ID (a host name) and the page's exact origin. */
export interface RelyingParty {
  rpId: string;
  origin: string;
}

/** The relying party of a public URL (its origin); null on an IP address, which cannot be an RP ID. */
function relyingPartyAt(url: string): RelyingParty | null {
  const { hostname, origin } = new URL(url);
  return isIP(hostname.replace(/^\[|\]$/g, '')) === 0 ? { rpId: hostname, origin } : null;
}

/**
 * WEBAUTHN_ORIGIN / WEBAUTHN_RP_ID when either is set; else PUBLIC_URL's origin (an operator behind
 * a proxy names the site once); else the public origin when there is one (its host name is the RP
 * ID); a URL on an IP address is skipped; else the configured default, http://localhost:PORT. With PORT=0
 * (tests, notebooks) the port is known only once the server listens: then `ownUrl`'s port.
 *
 * @example
 * relyingPartyFor(loadConfig({ DATABASE_PATH: ':memory:' }), 'https://ada.loca.lt', null);
 * // { rpId: 'ada.loca.lt', origin: 'https://ada.loca.lt' }
 */
export function relyingPartyFor(config: Config, publicOrigin: string | null, ownUrl: string | null): RelyingParty {
  const { webauthnConfigured, webauthnRpId, webauthnOrigin } = config.secondFactor;
  if (webauthnConfigured) return { rpId: webauthnRpId, origin: webauthnOrigin };
  for (const url of [config.mail.publicUrl, publicOrigin]) {
    const atUrl = url === null ? null : relyingPartyAt(url);
    if (atUrl !== null) return atUrl;
  }
  const listening = config.port === 0 && ownUrl !== null ? new URL(ownUrl).port : '';
  return listening === '' ? { rpId: webauthnRpId, origin: webauthnOrigin } : { rpId: 'localhost', origin: `http://localhost:${listening}` };
}

/**
 * PUBLIC_URL when set; else the public origin when there is one; else `ownUrl` (the server's own
 * address once it listens), else http://localhost:PORT.
 *
 * @example
 * linkBaseFor(config, 'https://ada.loca.lt', 'http://127.0.0.1:5000'); // 'https://ada.loca.lt' (no PUBLIC_URL)
 */
export function linkBaseFor(config: Config, publicOrigin: string | null, ownUrl: string | null): string {
  return config.mail.publicUrl ?? publicOrigin ?? ownUrl ?? `http://localhost:${config.port}`;
}
