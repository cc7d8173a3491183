// Request bodies: JSON only, small. A body of another type is refused with 415 before parsing;
// malformed JSON (400) and an oversized body (413) surface as errors for error-handler.ts.
import express, { type RequestHandler } from 'express';
import { HttpError } from './error-handler';

export function jsonBodies(limitBytes: number): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (hasBody && !req.is('application/json')) {
      throw new HttpError(415, 'unsupported_media_type', 'Request body must be JSON (Content-Type: application/json)');
    }
    next();
  };
  return [requireJson, express.json({ limit: limitBytes, strict: true, type: 'application/json' })];
}
