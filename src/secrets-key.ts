// Where the key that encrypts secrets at rest (src/secret-box.ts) comes from: SECRETS_KEY in
// production, else a random key generated once into a 0600 file beside the database. It is kept
// apart from JWT_SECRET so that rotating the token secret never makes stored secrets unreadable.
import { createSecretKey, hkdfSync, KeyObject } from 'node:crypto';
import { MIN_JWT_SECRET_BYTES } from './jwt-secret';
import { resolveGeneratedSecret } from './secret-file';

const KEY_FILE_NAME = 'secrets-key';

export type ResolvedSecretsKey = { key: KeyObject; source: string } | { problem: string };

/** Any strong string becomes exactly 32 key bytes (HKDF-SHA256), so operators can paste any random text. */
function deriveKey(material: Buffer): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), 'authbook secrets at rest v1', 32)));
}

/**
 * The key from an already-validated SECRETS_KEY, or (none given, outside production) the generated
 * one. Generating it is not worth a warning: production refuses to start without SECRETS_KEY.
 */
export function resolveSecretsKey(value: string | undefined, databasePath: string): ResolvedSecretsKey {
  if (value !== undefined) return { key: deriveKey(Buffer.from(value, 'utf8')), source: 'SECRETS_KEY' };
  const generated = resolveGeneratedSecret(KEY_FILE_NAME, databasePath, 32, MIN_JWT_SECRET_BYTES);
  if ('problem' in generated) return { problem: `SECRETS_KEY not set and ${generated.problem}` };
  return { key: deriveKey(generated.secret), source: generated.source };
}
