// Request bodies: JSON, small (and forms where a standard asks for them: formBody). A body of another type is refused with 415 before parsing;
// malformed JSON (400) and an oversized body (413) surface as errors for error-handler.ts.
// Requests without a body (every GET) pass straight through: no parser work on the hot path.
import express, { type RequestHandler } from 'express';
import { HttpError } from './error-handler';

export function jsonBody(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes, strict: true, type: 'application/json' });
  return function jsonBody(req, res, next) {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (!hasBody || req.body !== undefined) return next(); // none, or formBody parsed it (Express 5 leaves req.body undefined until then)
    if (!req.is('application/json')) {
      throw new HttpError(415, 'unsupported_media_type', 'Request body must be JSON (Content-Type: application/json)');
    }
    parse(req, res, next);
  };
}

/**
 * Form bodies (application/x-www-form-urlencoded) on the POST routes named, before jsonBody: RFC
 * 7662 introspection clients send forms. Elsewhere a form still meets jsonBody's 415.
 */
export function formBody(limitBytes: number, paths: readonly string[]): RequestHandler {
  const parse = express.urlencoded({ extended: false, limit: limitBytes });
  return function formBody(req, res, next) {
    if (req.method !== 'POST' || !paths.includes(req.path) || !req.is('application/x-www-form-urlencoded')) return next();
    parse(req, res, next);
  };
}
