// One log line per request: method, path (never the query string), status, duration, client.
// Headers are never logged, so no token or cookie can leak into logs.
import type { Request, Response } from 'express';
import type { Logger } from 'pino';

/** Starts a request's line; it is written when the response has been sent. */
export function requestLogger(logger: Logger): (req: Request, res: Response) => void {
  return function logRequest(req, res) {
    const started = performance.now();
    res.on('finish', () => {
      const url = req.originalUrl;
      const query = url.indexOf('?');
      logger.info(
        {
          method: req.method,
          path: query === -1 ? url : url.slice(0, query),
          status: res.statusCode,
          ms: Math.round((performance.now() - started) * 1000) / 1000,
          ip: req.ip,
        },
        'request',
      );
    });
  };
}
