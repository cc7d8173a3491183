// startServer: open the database, build the rules and the app, create the bootstrap admin, listen,
// and prune stale rows on a timer. close() stops accepting, lets in-flight requests finish, then
// closes the database. Signal handling belongs to the CLI, not here: notebooks call this too.
// Several processes may start on one database at once (cluster.ts, or separate hosts): each
// migrates under a lock, and the bootstrap admin is created by whichever gets there first.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { createAuthService, type AuthService } from './auth/auth-service';
import { isAuthError } from './auth/errors';
import { ConfigError, type BootstrapAdmin, type Config } from './config';
import { openStore } from './db/open-store';
import { createApp } from './http/app';
import { requestClassesFor } from './http/request-classes';
import { startMailDelivery } from './mail/mail-delivery';
import type { OutboxSender } from './mail/outbox-sender';
import type { PublicOrigin } from './public-origin';

const PRUNE_INTERVAL_MS = 10 * 60 * 1000;
/** How long shutdown waits for in-flight requests before closing their connections. */
const SHUTDOWN_GRACE_MS = 10_000;

/**
 * How long a client may take to send its request, so a few hundred connections dribbling a byte at
 * a time cannot hold the server (Node's defaults are 60 s and 5 min). Bodies are at most 16 KiB:
 * 15 s is 1 KiB/s. Node checks the limits every `checkEveryMs` (30 s by default: too coarse here).
 * Neither limit covers the time our handler takes (a login queued behind bcrypt) nor an idle
 * keep-alive connection: both count only while a request is still arriving.
 */
export const REQUEST_ARRIVAL_LIMITS = Object.freeze({ headersMs: 10_000, wholeRequestMs: 15_000, checkEveryMs: 1_000 });

export interface RunningServer {
  /** e.g. http://127.0.0.1:5000 */
  url: string;
  port: number;
  server: Server;
  auth: AuthService;
  /** Stop accepting, finish in-flight requests, close the database. Safe to call twice. */
  close(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger?: Logger;
  /**
   * This process creates the bootstrap admin and prunes on a timer (default true). In a cluster
   * only the first worker leads; the others just serve.
   */
  leader?: boolean;
  /**
   * The URL this server is reached at from outside, set by whoever opens the way in (a tunnel) and
   * read per request: passkeys and mail links follow it unless WEBAUTHN_* / PUBLIC_URL say otherwise.
   */
  publicOrigin?: PublicOrigin;
}

/**
 * Creates the bootstrap admin unless its email has an account. When processes start together on a
 * fresh database they all try: the store lets one insert win and answers email_taken to the rest,
 * which is the same outcome as finding it.
 */
async function ensureBootstrapAdmin(auth: AuthService, admin: BootstrapAdmin): Promise<'created' | 'exists'> {
  try {
    return await auth.ensureBootstrapAdmin(admin);
  } catch (error) {
    if (isAuthError(error) && error.code === 'email_taken') return 'exists';
    throw error;
  }
}

/**
 * @example
 * const running = await startServer({ config: loadConfig({ PORT: '0', DATABASE_PATH: '/tmp/demo/auth.db' }) });
 * console.log(running.url); // http://127.0.0.1:41234
 * await running.close();
 */
export async function startServer({ config, logger = pino({ level: 'silent' }), leader = true, publicOrigin }: StartOptions): Promise<RunningServer> {
  const store = await openStore(config, {
    onIdleError: (error) => logger.warn({ reason: error.message }, 'an idle database connection failed; the pool reconnects'),
  });
  // The sender exists once the server listens; links point at PUBLIC_URL, else at the public URL,
  // else at this server (auth/site-address.ts).
  let sender: OutboxSender | null = null;
  let ownUrl = `http://localhost:${config.port}`;
  const auth = createAuthService({ config, store, ownUrl: () => ownUrl, publicOrigin, onMailQueued: () => sender?.kick() });
  try {
    await auth.prepareSigningKeys(); // the first ES256 key exists, and this process holds the keys, before it serves
    if (leader && config.bootstrapAdmin) {
      const outcome = await ensureBootstrapAdmin(auth, config.bootstrapAdmin);
      logger.info({ email: config.bootstrapAdmin.email, outcome }, 'bootstrap admin');
    }
  } catch (error) {
    await store.close();
    // A weak or clashing bootstrap admin is a configuration problem: say which variables.
    throw isAuthError(error) ? new ConfigError([`bootstrap admin (ADMIN_EMAIL, ADMIN_USERNAME, ADMIN_PASSWORD): ${error.message}`]) : error;
  }
  const prune = () => auth.prune().catch((error: unknown) => logger.error({ err: error }, 'prune failed'));
  // One process prunes (the leader); the PostgreSQL store also lets only one prune at a time.
  const pruneTimer = leader ? setInterval(prune, PRUNE_INTERVAL_MS) : null;
  if (leader) void prune();
  pruneTimer?.unref();

  const app = createApp({ auth, logger });
  const server = createServer(
    {
      headersTimeout: REQUEST_ARRIVAL_LIMITS.headersMs,
      requestTimeout: REQUEST_ARRIVAL_LIMITS.wholeRequestMs,
      connectionsCheckingInterval: REQUEST_ARRIVAL_LIMITS.checkEveryMs,
      ...requestClassesFor(app), // req and res die young (see request-classes.ts)
    },
    app,
  );
  // Behind a tunnel or proxy, an idle connection the server closes can cross a request the proxy
  // is just sending down it, and that request is lost. Outlast the usual proxy idle timeout (60 s)
  // so the proxy, not us, closes idle connections (the advice for AWS ALB and nginx alike).
  server.keepAliveTimeout = 65_000;
  server.listen(config.port, config.host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    clearInterval(pruneTimer ?? undefined);
    await store.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`;
  ownUrl = url;
  sender = startMailDelivery(config, store, logger);

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    server,
    auth,
    close() {
      closing ??= new Promise<void>((resolve) => {
        clearInterval(pruneTimer ?? undefined);
        // Keep-alive connections stay open after their response: close each as soon as it is idle,
        // and after the grace period close whatever is left.
        const sweep = setInterval(() => server.closeIdleConnections(), 25);
        const deadline = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(deadline);
          const stopped = sender?.stop() ?? Promise.resolve();
          stopped.then(() => store.close()).then(resolve, resolve);
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
