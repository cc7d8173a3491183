// What the apps behind authbook use to trust its tokens: the public signing keys (JWKS, RFC 7517),
// and token introspection (RFC 7662) for clients that must see a logout at once. The JWKS may be
// cached (max-age): a new key is published SIGNING_KEY_ACTIVATION_DELAY before it signs, and a
// verifier refetches anyway when a token names a kid it has not seen. Introspection takes a form
// (RFC 7662; requestBodies parses it, for the path app.ts names) or JSON.
import { Router, type Request } from 'express';
import type { AuthService } from '../../auth/auth-service';
import { parseWith } from '../request-context';
import { introspectBody } from '../schemas';

/** How long verifiers may cache the JWKS. */
export const JWKS_MAX_AGE_SECONDS = 300;
export const INTROSPECTION_PATH = '/token/introspect';

/** The client of `Authorization: Basic base64(id:secret)` (each part form-encoded, RFC 6749 2.3.1), or null. */
function basicClientOf(req: Request): { id: string; secret: string } | null {
  const match = /^Basic +([A-Za-z0-9+/]+=*) *$/i.exec(req.get('authorization') ?? '');
  if (!match) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  try {
    const part = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
    return { id: part(decoded.slice(0, colon)), secret: part(decoded.slice(colon + 1)) };
  } catch {
    return null;
  }
}

export function keysRoutes(auth: AuthService): Router {
  const router = Router();

  router.get('/.well-known/jwks.json', async (_req, res) => {
    const jwks = await auth.jwks();
    res.set('Cache-Control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`).type('application/jwk-set+json').json(jwks);
  });

  router.post(INTROSPECTION_PATH, async (req, res) => {
    const { token } = parseWith(introspectBody, req.body);
    const client = basicClientOf(req);
    const answer = client && (await auth.introspect(client, token));
    if (!answer) {
      res.status(401).set('WWW-Authenticate', 'Basic realm="authbook introspection"').json({ error: 'invalid_client', message: 'Client authentication failed' });
      return;
    }
    res.json(answer);
  });

  return router;
}
