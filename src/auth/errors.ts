// The one family of errors the rules throw. Each carries a stable `code` that callers switch on and
// tests assert; http/error-handler.ts maps codes to status and JSON in one table. Messages are for
// people and never contain a hash, a token, SQL or a stack.

export type AuthErrorCode =
  | 'validation_error'
  | 'weak_password'
  | 'unknown_role'
  | 'invalid_current_password'
  | 'invalid_credentials'
  | 'invalid_token'
  | 'invalid_refresh_token'
  | 'refresh_token_reused'
  | 'forbidden'
  | 'account_disabled'
  | 'not_found'
  | 'email_taken'
  | 'username_taken'
  | 'last_admin'
  | 'rate_limited'
  | 'account_locked'
  | 'email_not_verified'
  | 'invalid_email_token'
  | 'mail_unavailable'
  // the second factor (second-factor.ts, fresh-auth.ts)
  | 'invalid_code'
  | 'invalid_mfa_token'
  | 'invalid_mfa_code'
  | 'mfa_already_enabled'
  | 'mfa_not_enabled'
  | 'reauthentication_required'
  | 'invalid_passkey';

export interface FieldProblem {
  path: string;
  message: string;
}

export class AuthError extends Error {
  readonly code: AuthErrorCode;
  /** For rate_limited and account_locked: when the caller may try again. */
  readonly retryAfterSeconds?: number;
  /** For validation-type errors: which field, and what is wrong with it. */
  readonly details?: FieldProblem[];

  constructor(code: AuthErrorCode, message: string, extra: { retryAfterSeconds?: number; details?: FieldProblem[] } = {}) {
    super(message);
    this.name = 'AuthError';
    this.code = code;
    this.retryAfterSeconds = extra.retryAfterSeconds;
    this.details = extra.details;
  }
}

export const isAuthError = (error: unknown): error is AuthError => error instanceof AuthError;
