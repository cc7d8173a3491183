// Keeps a tunnel's public URL working. A dropped tunnel socket is lost without a sound ("503 Tunnel
// Unavailable" for visitors), so the supervisor listens for socket errors, probes the public URL, and
// on trouble closes the tunnel and opens a new one, with growing pauses while the server is away. The
// new tunnel may have a new URL: it is reported, and the handle's url follows it. Its own timers (the
// probe interval, the pauses) are unref'd: only the tunnel's sockets hold the process, until close().
import { setTimeout as sleep } from 'node:timers/promises';
import { connectTunnel, type ConnectedTunnel, type ConnectOptions } from './connect-tunnel';
import { probeTunnel } from './probe';

export type TunnelEvent =
  | { type: 'opened'; url: string }
  | { type: 'socket_error'; message: string }
  | { type: 'probe_failed'; url: string }
  | { type: 'reopening'; reason: string }
  | { type: 'reopen_failed'; message: string; retryInMs: number }
  | { type: 'reopened'; url: string; previousUrl: string }
  | { type: 'closed' };

export interface TunnelHandle {
  /** The public URL now. It changes when the supervisor has to open a new tunnel. */
  readonly url: string;
  /** Checks now whether a request to the public URL reaches this end; never reopens by itself. */
  probe(): Promise<boolean>;
  /** Stops supervising and closes the tunnel sockets. Safe to call twice. */
  close(): Promise<void>;
}

export interface SupervisorSettings extends ConnectOptions {
  probeIntervalMs: number;
  probeAddress?: string;
  notify(event: TunnelEvent): void;
}

const FIRST_PAUSE_MS = 1000;
const LONGEST_PAUSE_MS = 30_000;

export function superviseTunnel(first: ConnectedTunnel, settings: SupervisorSettings): TunnelHandle {
  const lifetime = new AbortController();
  let current = first;
  let reopening: Promise<void> | null = null;
  let probing = false;

  const probe = (connected: ConnectedTunnel) =>
    probeTunnel(connected, { address: settings.probeAddress, timeoutMs: settings.timeoutMs, signal: lifetime.signal });

  const watch = (connected: ConnectedTunnel) => {
    connected.tunnel.on('error', (error: Error) => {
      // One report per loss: every socket of a lost tunnel fails the same way.
      if (connected !== current || reopening || lifetime.signal.aborted) return;
      settings.notify({ type: 'socket_error', message: error.message });
      void reopen(`socket error: ${error.message}`);
    });
  };

  const reopen = (reason: string): Promise<void> => {
    reopening ??= (async () => {
      const previousUrl = current.url;
      settings.notify({ type: 'reopening', reason });
      await current.close();
      for (let attempt = 0; !lifetime.signal.aborted; attempt += 1) {
        try {
          current = await connectTunnel(settings, lifetime.signal);
        } catch (error) {
          if (lifetime.signal.aborted) return;
          const retryInMs = Math.min(LONGEST_PAUSE_MS, FIRST_PAUSE_MS * 2 ** attempt);
          settings.notify({ type: 'reopen_failed', message: error instanceof Error ? error.message : String(error), retryInMs });
          await sleep(retryInMs, undefined, { signal: lifetime.signal, ref: false }).catch(() => undefined);
          continue;
        }
        watch(current);
        settings.notify({ type: 'reopened', url: current.url, previousUrl });
        return;
      }
    })().finally(() => {
      reopening = null;
    });
    return reopening;
  };

  const timer = setInterval(() => {
    if (reopening || probing) return;
    probing = true;
    const checked = current;
    void probe(checked).then((healthy) => {
      probing = false;
      if (healthy || checked !== current || lifetime.signal.aborted) return;
      settings.notify({ type: 'probe_failed', url: checked.url });
      void reopen('the public URL no longer reaches this tunnel');
    });
  }, settings.probeIntervalMs);
  timer.unref();

  watch(first);
  let closing: Promise<void> | null = null;
  return {
    get url() {
      return current.url;
    },
    probe: () => probe(current),
    close() {
      closing ??= (async () => {
        lifetime.abort();
        clearInterval(timer);
        await reopening;
        await current.close();
        settings.notify({ type: 'closed' });
      })();
      return closing;
    },
  };
}
