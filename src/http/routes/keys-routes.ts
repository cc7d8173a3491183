// What the apps behind authbook use to trust its tokens: the public signing keys (JWKS, RFC 7517).
// The JWKS may be cached (max-age): a new key is published SIGNING_KEY_ACTIVATION_DELAY before it
// signs, and a verifier refetches anyway when a token names a kid it has not seen.
import { Router } from 'express';
import type { AuthService } from '../../auth/auth-service';

/** How long verifiers may cache the JWKS. */
export const JWKS_MAX_AGE_SECONDS = 300;

export function keysRoutes(auth: AuthService): Router {
  const router = Router();

  router.get('/.well-known/jwks.json', async (_req, res) => {
    const jwks = await auth.jwks();
    res.set('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`).type('application/jwk-set+json').json(jwks);
  });

  return router;
}
