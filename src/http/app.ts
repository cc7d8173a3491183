// createApp builds the Express application and never listens: tests, notebooks and server.ts all
// get the same app. Middleware order matters and is the order a request meets it:
// request entry (security headers, request log, body) -> routes (API, then web pages) -> 404 -> error mapper.
import express, { type Express } from 'express';
import pino, { type Logger } from 'pino';
import type { AuthService } from '../auth/auth-service';
import { createErrorHandler, notFoundHandler } from './error-handler';
import { requestEntry } from './request-entry';
import { adminRoutes } from './routes/admin-routes';
import { authRoutes } from './routes/auth-routes';
import { emailRoutes } from './routes/email-routes';
import { homeRoutes } from './routes/home-routes';
import { INTROSPECTION_PATH, keysRoutes } from './routes/keys-routes';
import { meRoutes, usersMe } from './routes/me-routes';
import { webRoutes } from './routes/web-routes';

export interface AppOptions {
  auth: AuthService;
  /** Defaults to a silent logger: notebooks and tests stay quiet unless they pass one. */
  logger?: Logger;
}

/**
 * @example
 * const app = createApp({ auth });
 * const server = app.listen(0); // or hand it to supertest, or startServer()
 */
export function createApp({ auth, logger = pino({ level: 'silent' }) }: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', auth.config.trustProxy);
  app.set('etag', false); // API responses are per-user; no conditional caching
  // The pages add helmet's full set of headers in webRoutes; RFC 7662 clients send forms.
  app.use(requestEntry({ logger, bodyLimitBytes: auth.config.bodyLimitBytes, formPaths: [INTROSPECTION_PATH] }));
  app.get('/users/me', usersMe(auth)); // the hot path, first and without a nested router
  app.use(meRoutes(auth)); // the routers' paths do not overlap
  app.use(homeRoutes(auth));
  app.use(authRoutes(auth));
  app.use(emailRoutes(auth));
  app.use(adminRoutes(auth));
  app.use(keysRoutes(auth));
  app.use(webRoutes());
  app.use(notFoundHandler);
  app.use(createErrorHandler(logger));
  return app;
}
