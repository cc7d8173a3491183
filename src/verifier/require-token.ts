// The Express middleware for the apps behind authbook, built on createTokenVerifier: a request
// with a valid authbook access token passes, its claims on res.locals.token; anything else gets
// 401 (or 503 when the JWKS could never be fetched), in authbook's own error shape.
import type { RequestHandler, Response } from 'express';
import type { AccessTokenClaims } from '../auth/tokens';
import { TokenVerificationError, type TokenVerifier } from './token-verifier';

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * @example
 * const verifier = createTokenVerifier({ jwksUrl, issuer: 'authbook', audience: 'authbook' });
 * app.get('/notes', requireAccessToken(verifier), (req, res) => res.json({ owner: tokenClaims(res).sub }));
 */
export function requireAccessToken(verifier: TokenVerifier): RequestHandler {
  return async (req, res, next) => {
    const match = BEARER.exec(req.get('authorization') ?? '');
    if (!match) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized', message: 'No Bearer token provided' });
      return;
    }
    try {
      res.locals.token = await verifier.verify(match[1]);
    } catch (error) {
      if (!(error instanceof TokenVerificationError)) throw error;
      if (error.code === 'jwks_unavailable') {
        res.status(503).json({ error: 'jwks_unavailable', message: 'The signing keys cannot be fetched now' });
        return;
      }
      res.status(401).set('WWW-Authenticate', 'Bearer error="invalid_token"').json({ error: 'invalid_token', message: 'Invalid or expired token' });
      return;
    }
    next();
  };
}

/** The claims requireAccessToken left on the response. */
export function tokenClaims(res: Response): AccessTokenClaims {
  const claims = res.locals.token as AccessTokenClaims | undefined;
  if (!claims) throw new Error('route is missing requireAccessToken');
  return claims;
}
