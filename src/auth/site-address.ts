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

/** An IP address cannot be an RP ID: such a public origin cannot carry passkeys. */
const hostNameOf = (origin: string): string | null => {
  const hostname = new URL(origin).hostname;
  return isIP(hostname.replace(/^\[|\]$/g, '')) === 0 ? hostname : null;
};

/**
 * WEBAUTHN_ORIGIN / WEBAUTHN_RP_ID when either is set; else the public origin when there is one
 * (its host name is the RP ID); else the configured default, http://localhost:PORT. With PORT=0
 * (tests, notebooks) the port is known only once the server listens: then `ownUrl`'s port.
 *
 * @example
 * relyingPartyFor(loadConfig({ DATABASE_PATH: ':memory:' }), 'https://ada.loca.lt', null);
 * // { rpId: 'ada.loca.lt', origin: 'https://ada.loca.lt' }
 */
export function relyingPartyFor(config: Config, publicOrigin: string | null, ownUrl: string | null): RelyingParty {
  const { webauthnConfigured, webauthnRpId, webauthnOrigin } = config.secondFactor;
  if (webauthnConfigured) return { rpId: webauthnRpId, origin: webauthnOrigin };
  const publicHost = publicOrigin === null ? null : hostNameOf(publicOrigin);
  if (publicHost !== null && publicOrigin !== null) return { rpId: publicHost, origin: publicOrigin };
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
