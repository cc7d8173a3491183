// What every request meets before the routes, in order: the API security headers (before anything
// can fail), its log line, its body. One Express layer, not four (headers, log, form, JSON): each
// layer costs the router a dispatch, about 3 µs of a ~300 µs GET /users/me in a profile (issue 15).
// `steps` names the parts for the notebook's middleware table (middleware-view.ts).
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { requestBodies } from './body-parsing';
import { requestLogger } from './request-logger';
import { apiSecurityHeaders } from './security-headers';

export interface EntryOptions {
  logger: Logger;
  bodyLimitBytes: number;
  /** The POST paths that take a form body (RFC 7662 introspection); elsewhere JSON only. */
  formPaths: readonly string[];
}

export type RequestEntry = RequestHandler & { steps: readonly string[] };

export function requestEntry({ logger, bodyLimitBytes, formPaths }: EntryOptions): RequestEntry {
  const logRequest = logger.isLevelEnabled('info') ? requestLogger(logger) : null;
  const bodies = requestBodies(bodyLimitBytes, formPaths);
  const entry: RequestHandler = function requestEntry(req, res, next) {
    apiSecurityHeaders(res);
    logRequest?.(req, res);
    bodies(req, res, next);
  };
  const steps = [apiSecurityHeaders.name, ...(logRequest ? [logRequest.name] : []), bodies.name];
  return Object.assign(entry, { steps });
}
