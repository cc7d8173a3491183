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
  email_not_verified: 403,
  invalid_email_token: 400,
  mail_unavailable: 503,
  invalid_code: 400,
  invalid_mfa_token: 401,
  invalid_mfa_code: 401,
  mfa_already_enabled: 409,
  mfa_not_enabled: 409,
  reauthentication_required: 403,
  invalid_passkey: 401,
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

interface ErrorAnswer {
  status: number;
  code: string;
  message: string;
  details?: FieldProblem[];
  retryAfterSeconds?: number;
}

const MALFORMED_PARAMETER: ErrorAnswer = { status: 400, code: 'malformed_request', message: 'A path parameter is not valid percent-encoding' };
const INTERNAL_ERROR: ErrorAnswer = { status: 500, code: 'internal_error', message: 'Something went wrong' };

/** The answer for an error we know; null for anything else (a bug), which becomes a bare 500. */
function answerFor(error: unknown): ErrorAnswer | null {
  if (error instanceof AuthError) {
    const { code, message, details, retryAfterSeconds } = error;
    return { status: STATUS_OF[code], code, message, details, retryAfterSeconds };
  }
  if (error instanceof HttpError) return { status: error.status, code: error.code, message: error.message, details: error.details };
  // Express's router could not decode a route parameter (e.g. /admin/users/%E0%A4%A): the client's mistake.
  if (error instanceof URIError && (error as { status?: unknown }).status === 400) return MALFORMED_PARAMETER;
  const type = (error as { type?: unknown } | null)?.type;
  const known = typeof type === 'string' ? BODY_ERRORS[type] : undefined;
  return known ? { status: known[0], code: known[1], message: known[2] } : null;
}

export function createErrorHandler(logger: Logger): ErrorRequestHandler {
  return function handleError(error, req, res, _next) {
    const answer = answerFor(error);
    if (!answer) logger.error({ err: error, method: req.method, path: req.path }, 'unhandled error');
    if (res.headersSent) return; // the response is already on its way; nothing sane to add
    const { status, code, message, details, retryAfterSeconds } = answer ?? INTERNAL_ERROR;
    if (retryAfterSeconds !== undefined) res.set('Retry-After', String(retryAfterSeconds));
    // RFC 6750: every 401 names the scheme; a bad token also says so.
    if (status === 401) res.set('WWW-Authenticate', code === 'invalid_token' ? 'Bearer error="invalid_token"' : 'Bearer');
    res.status(status).json({ error: code, message, ...(details && { details }) });
  };
}
