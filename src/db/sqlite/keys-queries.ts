// SQL for access-token signing keys on SQLite. Rows hold the public key as JWK text and the private
// key sealed by secret-box.ts: the database alone never yields a key that can sign.
import { toSigningKey, type SigningKeyRow } from '../row-mappers';
import type { SigningKeyRecord } from '../store';
import type { SqliteDatabase } from './open-database';

export function createKeysQueries(db: SqliteDatabase) {
  const statements = {
    list: db.prepare('SELECT * FROM signing_keys ORDER BY activates_at, created_at, kid'),
    newestCreatedAt: db.prepare('SELECT MAX(created_at) FROM signing_keys').pluck(),
    insert: db.prepare(`INSERT INTO signing_keys (kid, alg, public_jwk, sealed_private_key, created_at, activates_at)
      VALUES (@kid, @alg, @publicJwk, @sealedPrivateKey, @createdAt, @activatesAt)`),
    dropSuperseded: db.prepare(`DELETE FROM signing_keys WHERE EXISTS (
      SELECT 1 FROM signing_keys later WHERE later.activates_at > signing_keys.activates_at AND later.activates_at <= ?)`),
  };

  return {
    list: () => (statements.list.all() as SigningKeyRow[]).map(toSigningKey),
    newestCreatedAt: () => statements.newestCreatedAt.get() as number | null,
    insert: (key: SigningKeyRecord) => void statements.insert.run(key),
    dropSuperseded: (before: number) => statements.dropSuperseded.run(before).changes,
  };
}
