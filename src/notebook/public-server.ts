// The tutorial server with a public URL: startTutorialServer, then openTunnel in front of it. When
// the tunnel cannot open (offline, blocked, a bad LT_HOST) the server keeps running locally and the
// reason is kept for the notebook to explain. Settings come from LT_* variables, so a workshop can
// point every learner at its own localtunnel server without editing a notebook. With `shareFile`,
// the other notebooks' kernels can find it (shared-server.ts).
import { createPublicOrigin } from '../public-origin';
import { isTunnelError } from '../tunnel/tunnel-error';
import { openTunnel } from '../tunnel/open-tunnel';
import type { TunnelEvent, TunnelHandle } from '../tunnel/tunnel-supervisor';
import { escapeHtml } from './html';
import { announceServer, describeServer, type ServerAnnouncement } from './shared-server';
import { startTutorialServer, type TutorialServer } from './tutorial-server';

export interface TunnelChoice {
  /** The localtunnel server; undefined means localtunnel.me. */
  host?: string;
  /** Ask for this name; a taken one is replaced silently, so always read the URL back. */
  subdomain?: string;
  /** Connect to this IP instead of resolving tunnel names (a self-hosted server without wildcard DNS). */
  address?: string;
  /** How long opening may take before the notebook carries on locally. */
  timeoutMs: number;
}

const DEFAULT_TIMEOUT_MS = 5000;

/**
 * LT_HOST, LT_SUBDOMAIN, LT_ADDRESS and LT_TIMEOUT_MS (default 5000) as a TunnelChoice.
 *
 * @example
 * tunnelChoiceFromEnv({ LT_HOST: 'https://tunnel.example.org', LT_SUBDOMAIN: 'workshop-ada' });
 */
export function tunnelChoiceFromEnv(env: NodeJS.ProcessEnv = process.env): TunnelChoice {
  const timeoutMs = Number(env.LT_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS);
  return {
    host: env.LT_HOST || undefined,
    subdomain: env.LT_SUBDOMAIN || undefined,
    address: env.LT_ADDRESS || undefined,
    timeoutMs: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : DEFAULT_TIMEOUT_MS,
  };
}

export interface PublicServer {
  server: TutorialServer;
  /** null when no tunnel was asked for, or it could not open. */
  tunnel: TunnelHandle | null;
  /** Why the tunnel could not open, in one line; null when it opened or was not asked for. */
  tunnelProblem: string | null;
  /** The public URL when there is a tunnel (it follows reopenings), else the local one. */
  readonly url: string;
  /** For requests to `url`: the IP to connect to, when tunnel names do not resolve. */
  address: string | undefined;
  close(): Promise<void>;
}

export interface PublicServerOptions {
  /** null: local only. */
  tunnel: TunnelChoice | null;
  /** Called with the public URL when the tunnel opens and when it reopens under a new one. */
  onUrl?: (url: string) => void;
  onEvent?: (event: TunnelEvent) => void;
  /** Extra configuration variables for the server. */
  env?: Record<string, string>;
  /** Announce the server (URLs, admin login) in this file, mode 0600, until close() or the kernel's end. */
  shareFile?: string;
}

/**
 * @example
 * const pub = await startPublicServer({ tunnel: tunnelChoiceFromEnv() });
 * console.log(pub.url, pub.tunnelProblem ?? 'public');
 * await pub.close();
 */
export async function startPublicServer({ tunnel: choice, onUrl, onEvent, env = {}, shareFile }: PublicServerOptions): Promise<PublicServer> {
  // #region public-server
  // Behind a tunnel every request arrives from the tunnel client on 127.0.0.1; the tunnel server
  // appends the visitor's address to X-Forwarded-For, and TRUST_PROXY=1 believes that one entry only.
  // PUBLIC_TUNNEL: the tunnel's last leg is plain HTTP, so the page warns visitors to use demo accounts only.
  // publicOrigin: passkeys and mail links follow the tunnel's URL, the one a phone's browser shows.
  const publicOrigin = createPublicOrigin();
  const server = await startTutorialServer({ ...(choice ? { TRUST_PROXY: '1', PUBLIC_TUNNEL: 'on' } : {}), ...env }, { publicOrigin });
  let tunnel: TunnelHandle | null = null;
  let tunnelProblem: string | null = null;
  let announcement: ServerAnnouncement | undefined;
  if (choice) {
    try {
      tunnel = await openTunnel({
        port: server.running.port,
        localHost: '127.0.0.1',
        host: choice.host,
        subdomain: choice.subdomain,
        timeoutMs: choice.timeoutMs,
        probeAddress: choice.address,
        onUrl: (url) => {
          publicOrigin.set(url); // before anyone is told, so the first visitor already gets it
          onUrl?.(url);
          announcement?.update(); // a reopened tunnel's new URL
        },
        onEvent,
      });
    } catch (error) {
      if (!isTunnelError(error)) {
        await server.close();
        throw error;
      }
      tunnelProblem = error.message; // carry on with the local URL
    }
  }
  // #endregion public-server
  const pub: PublicServer = {
    server,
    tunnel,
    tunnelProblem,
    get url() {
      return tunnel?.url ?? server.url;
    },
    address: tunnel ? choice?.address : undefined,
    async close() {
      announcement?.remove();
      await tunnel?.close();
      await server.close();
    },
  };
  if (shareFile) announcement = announceServer(describeServer(pub), shareFile);
  return pub;
}

/**
 * The URL, big, for people to copy; says whether it is public or only reachable on this machine.
 *
 * @example
 * tslab.display.html(urlBannerHtml(pub.url, pub.tunnel !== null));
 */
export function urlBannerHtml(url: string, isPublic: boolean): string {
  const label = isPublic ? 'Public URL' : 'Local URL (this machine only)';
  const colour = isPublic ? '#2e7d32' : '#b26a00';
  return (
    `<div style="border:3px solid ${colour};border-radius:8px;padding:12px 18px;margin:6px 0">` +
    `<div style="font-size:1em;color:${colour};font-weight:bold">${label}</div>` +
    `<div style="font-size:2em;font-family:monospace;word-break:break-all">${escapeHtml(url)}</div></div>`
  );
}
