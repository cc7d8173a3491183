// Opens one tunnel: handshake, then localtunnel's socket pool, done once the first tunnel socket is
// connected. localtunnel's own handshake (Tunnel#_init) retries every second forever, on a 403 for an
// invalid subdomain too, with a timer that close() does not clear, so a failed open keeps the process
// alive for good. Here the handshake is ours and stops when asked; a one-method subclass hands its
// answer to the library, whose TunnelCluster still does the real work (sockets, piping, replacing).
import type { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import Tunnel from '@n8n/localtunnel/lib/Tunnel';
import { requestTunnel } from './handshake';
import { isTunnelError, TunnelError } from './tunnel-error';

export interface ConnectOptions {
  port: number;
  localHost?: string;
  host: string;
  subdomain?: string;
  timeoutMs: number;
}

/** A connected tunnel. `tunnel` emits 'request' ({ method, path }) for each request arriving and
 * 'error' for socket failures. Typed as a plain emitter so no public type names the library's class. */
export interface ConnectedTunnel {
  readonly url: string;
  readonly tunnel: EventEmitter;
  /** Closes the tunnel sockets; resolves once they are closed. */
  close(): Promise<void>;
}

const RETRY_DELAY_MS = 1000; // localtunnel's own pace, gentle on a public server

class AnsweredTunnel extends Tunnel {
  constructor(
    options: ConstructorParameters<typeof Tunnel>[0],
    private readonly answer: Tunnel.InfoBody,
  ) {
    super(options);
  }

  protected override _init(callback: (error: Error | null, info?: Tunnel.Info) => void): void {
    callback(null, this._getInfo(this.answer));
  }
}

/**
 * Retries every second until a tunnel is connected or `timeoutMs` passes (TunnelError
 * 'tunnel_timeout', naming the last problem). A refusal (TunnelError 'tunnel_refused') ends it at
 * once; so does `cancel`, rejecting with its reason. Nothing it started outlives the promise.
 */
export async function connectTunnel(options: ConnectOptions, cancel?: AbortSignal): Promise<ConnectedTunnel> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = cancel ? AbortSignal.any([cancel, deadline]) : deadline;
  let lastProblem = 'no answer';
  for (;;) {
    let answer: Tunnel.InfoBody | null = null;
    try {
      answer = await requestTunnel(options.host, options.subdomain, signal);
      return await establish(options, answer, signal);
    } catch (error) {
      if (isTunnelError(error)) throw error;
      if (!signal.aborted) lastProblem = error instanceof Error ? error.message : String(error);
      else if (answer) lastProblem = `no tunnel socket connected to port ${answer.port} (check your firewall settings)`;
    }
    // Held (not unref'd): someone awaits this, and a script must not exit silently mid-wait.
    await sleep(RETRY_DELAY_MS, undefined, { signal }).catch(() => undefined);
    if (cancel?.aborted) throw cancel.reason;
    if (deadline.aborted) {
      throw new TunnelError('tunnel_timeout', `${options.host} did not open a tunnel within ${options.timeoutMs} ms (last problem: ${lastProblem})`);
    }
  }
}

async function establish(options: ConnectOptions, answer: Tunnel.InfoBody, signal: AbortSignal): Promise<ConnectedTunnel> {
  const tunnel = new AnsweredTunnel(
    { port: options.port, host: options.host, local_host: options.localHost },
    answer,
  );
  // An 'error' nobody listens for kills the process (localtunnel/localtunnel#321), and one can come
  // whenever a socket reconnects, even after close(): this listener stays for the tunnel's whole life.
  tunnel.on('error', () => undefined);
  tunnel.open(() => undefined); // synchronous: the answer is already here, so this only starts the sockets
  const sockets = new Set<Socket>();
  tunnel.tunnelCluster.on('open', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const connected: ConnectedTunnel = {
    url: tunnel.url,
    tunnel,
    async close() {
      tunnel.close();
      await Promise.all([...sockets].map((socket) => new Promise((resolve) => socket.once('close', resolve))));
    },
  };
  try {
    await firstSocket(tunnel, signal);
    return connected;
  } catch (error) {
    await connected.close();
    throw error;
  }
}

// The library announces 'url' when its first socket to the server connects.
function firstSocket(tunnel: EventEmitter, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: unknown) => {
      tunnel.off('url', onUrl);
      tunnel.off('error', settle);
      signal.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onUrl = () => settle();
    const onAbort = () => settle(signal.reason);
    tunnel.once('url', onUrl);
    tunnel.once('error', settle);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
