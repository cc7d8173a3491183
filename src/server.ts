// startServer: open the database, build the rules and the app, create the bootstrap admin, listen,
// and prune stale rows on a timer. close() stops accepting, lets in-flight requests finish, then
// closes the database. Signal handling belongs to the CLI, not here: notebooks call this too.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import { createAuthService, type AuthService } from './auth/auth-service';
import { isAuthError } from './auth/errors';
import { ConfigError, type Config } from './config';
import { openDatabase } from './db/open-database';
import { createSqliteStore } from './db/sqlite-store';
import { createApp } from './http/app';

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
}

/**
 * @example
 * const running = await startServer({ config: loadConfig({ PORT: '0', DATABASE_PATH: '/tmp/demo/auth.db' }) });
 * console.log(running.url); // http://127.0.0.1:41234
 * await running.close();
 */
export async function startServer({ config, logger = pino({ level: 'silent' }) }: StartOptions): Promise<RunningServer> {
  const store = createSqliteStore(openDatabase(config.databasePath));
  const auth = createAuthService({ config, store });
  try {
    if (config.bootstrapAdmin) {
      const outcome = await auth.ensureBootstrapAdmin(config.bootstrapAdmin);
      logger.info({ email: config.bootstrapAdmin.email, outcome }, 'bootstrap admin');
    }
  } catch (error) {
    store.close();
    // A weak or clashing bootstrap admin is a configuration problem: say which variables.
    throw isAuthError(error) ? new ConfigError([`bootstrap admin (ADMIN_EMAIL, ADMIN_USERNAME, ADMIN_PASSWORD): ${error.message}`]) : error;
  }
  const prune = () => auth.prune().catch((error: unknown) => logger.error({ err: error }, 'prune failed'));
  void prune();
  const pruneTimer = setInterval(prune, PRUNE_INTERVAL_MS);
  pruneTimer.unref();

  const server = createServer(
    {
      headersTimeout: REQUEST_ARRIVAL_LIMITS.headersMs,
      requestTimeout: REQUEST_ARRIVAL_LIMITS.wholeRequestMs,
      connectionsCheckingInterval: REQUEST_ARRIVAL_LIMITS.checkEveryMs,
    },
    createApp({ auth, logger }),
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
    clearInterval(pruneTimer);
    store.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  let closing: Promise<void> | null = null;
  return {
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${port}`,
    port,
    server,
    auth,
    close() {
      closing ??= new Promise<void>((resolve) => {
        clearInterval(pruneTimer);
        // Keep-alive connections stay open after their response: close each as soon as it is idle,
        // and after the grace period close whatever is left.
        const sweep = setInterval(() => server.closeIdleConnections(), 25);
        const deadline = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(deadline);
          store.close();
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
