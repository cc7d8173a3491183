// Request bodies: JSON, small (and forms where a standard asks for them). A body of another type is
// refused with 415 before parsing; malformed JSON (400) and an oversized body (413) surface as
// errors for error-handler.ts. Requests without a body (every GET) pass straight through: no parser
// work on the hot path.
import express, { type RequestHandler } from 'express';
import { HttpError } from './error-handler';

/**
 * JSON bodies everywhere, and form bodies (application/x-www-form-urlencoded) on the POST routes
 * `formPaths` names: RFC 7662 introspection clients send forms. Elsewhere a form meets the 415.
 */
export function requestBodies(limitBytes: number, formPaths: readonly string[]): RequestHandler {
  const json = express.json({ limit: limitBytes, strict: true, type: 'application/json' });
  const form = express.urlencoded({ extended: false, limit: limitBytes });
  return function requestBodies(req, res, next) {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (!hasBody) return next();
    if (req.method === 'POST' && formPaths.includes(req.path) && req.is('application/x-www-form-urlencoded')) return form(req, res, next);
    if (!req.is('application/json')) {
      throw new HttpError(415, 'unsupported_media_type', 'Request body must be JSON (Content-Type: application/json)');
    }
    json(req, res, next);
  };
}
