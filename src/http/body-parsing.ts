// Request bodies: JSON only, small. A body of another type is refused with 415 before parsing;
// malformed JSON (400) and an oversized body (413) surface as errors for error-handler.ts.
// Requests without a body (every GET) pass straight through: no parser work on the hot path.
import express, { type RequestHandler } from 'express';
import { HttpError } from './error-handler';

export function jsonBody(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes, strict: true, type: 'application/json' });
  return function jsonBody(req, res, next) {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (!hasBody) return next();
    if (!req.is('application/json')) {
      throw new HttpError(415, 'unsupported_media_type', 'Request body must be JSON (Content-Type: application/json)');
    }
    parse(req, res, next);
  };
}
