// Token introspection (RFC 7662) for the apps behind authbook that must see a logout at once: an
// authenticated client asks whether an access token is live now (signature, claims AND session).
// Clients authenticate with an id and a secret from INTROSPECTION_CLIENTS; the secret is compared
// as SHA-256 digests in constant time, against every client, so timing reveals neither a secret nor
// which ids exist.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IntrospectionClient } from '../config';
import type { RequestUser } from '../db/store';
import type { AccessTokenClaims } from './tokens';

/** The client's id when `id` and `secret` are one of `clients`, else null. */
export function authenticateClient(clients: readonly IntrospectionClient[], id: string, secret: string): string | null {
  const idDigest = createHash('sha256').update(id, 'utf8').digest();
  const secretDigest = createHash('sha256').update(secret, 'utf8').digest();
  let found: string | null = null;
  for (const client of clients) {
    const sameId = timingSafeEqual(createHash('sha256').update(client.id, 'utf8').digest(), idDigest);
    const sameSecret = timingSafeEqual(client.secretSha256, secretDigest);
    if (sameId && sameSecret) found = client.id;
  }
  return found;
}

/** An active token's answer (RFC 7662 section 2.2), from the database's view of its user now. */
export function introspectionAnswer(user: RequestUser, claims: AccessTokenClaims) {
  return {
    active: true,
    token_type: 'Bearer',
    sub: claims.sub,
    username: user.username,
    role: user.role,
    permissions: user.permissions,
    sid: claims.sid,
    iss: claims.iss,
    aud: claims.aud,
    jti: claims.jti,
    iat: claims.iat,
    exp: claims.exp,
  };
}
