// Every error becomes JSON here, in one place: {error, message} (+ details for bad input,
// + Retry-After for limits). Unknown errors become a bare 500: no stack, no SQL, no internals.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { AuthError, type AuthErrorCode, type FieldProblem } from '../auth/errors';

/** Errors the HTTP layer raises itself (as opposed to the rules' AuthError). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: FieldProblem[],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS_OF: Record<AuthErrorCode, number> = {
  validation_error: 400,
  weak_password: 400,
  unknown_role: 400,
  invalid_current_password: 400,
  invalid_credentials: 401,
  invalid_token: 401,
  invalid_refresh_token: 401,
  refresh_token_reused: 401,
  forbidden: 403,
  account_disabled: 403,
  not_found: 404,
  email_taken: 409,
  username_taken: 409,
  last_admin: 409,
  rate_limited: 429,
  account_locked: 429,
};

/** body-parser's error types -> our answer. */
const BODY_ERRORS: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'malformed_json', 'Request body is not valid JSON'],
  'entity.too.large': [413, 'payload_too_large', 'Request body is too large'],
  'encoding.unsupported': [415, 'unsupported_media_type', 'Unsupported content encoding'],
  'charset.unsupported': [415, 'unsupported_media_type', 'Unsupported charset'],
  'request.aborted': [400, 'request_aborted', 'Request was aborted'],
  'request.size.invalid': [400, 'malformed_request', 'Request size did not match Content-Length'],
};

export const notFoundHandler: RequestHandler = (req) => {
  throw new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}`);
};

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return function handleError(error, req, res, _next) {
    let status: number;
    let body: { error: string; message: string; details?: FieldProblem[] };
    if (error instanceof AuthError) {
      status = STATUS_OF[error.code];
      body = { error: error.code, message: error.message, ...(error.details && { details: error.details }) };
      if (error.retryAfterSeconds !== undefined) res.set('Retry-After', String(error.retryAfterSeconds));
      if (status === 401 && error.code === 'invalid_token') res.set('WWW-Authenticate', 'Bearer error="invalid_token"');
    } else if (error instanceof HttpError) {
      status = error.status;
      body = { error: error.code, message: error.message, ...(error.details && { details: error.details }) };
      if (status === 401) res.set('WWW-Authenticate', 'Bearer');
    } else if (typeof error?.type === 'string' && BODY_ERRORS[error.type]) {
      const [bodyStatus, code, message] = BODY_ERRORS[error.type];
      status = bodyStatus;
      body = { error: code, message };
    } else {
      status = 500;
      body = { error: 'internal_error', message: 'Something went wrong' };
      logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    }
    if (res.headersSent) return; // the response is already on its way; nothing sane to add
    res.status(status).json(body);
  };
}
