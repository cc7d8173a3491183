// The one error openTunnel rejects with. Its stable `code` says whether waiting longer could help
// (tunnel_timeout: the server never answered well in time) or not (tunnel_refused: the server said
// no, e.g. to an invalid subdomain). Messages name the server and the last problem, never a secret.

export type TunnelErrorCode = 'tunnel_timeout' | 'tunnel_refused';

export class TunnelError extends Error {
  readonly code: TunnelErrorCode;

  constructor(code: TunnelErrorCode, message: string) {
    super(message);
    this.name = 'TunnelError';
    this.code = code;
  }
}

export const isTunnelError = (error: unknown): error is TunnelError => error instanceof TunnelError;
