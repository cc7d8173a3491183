// SQL for access-token signing keys on PostgreSQL. Rows hold the public key as JWK text and the
// private key sealed by secret-box.ts: the database alone never yields a key that can sign.
import { toSigningKey, type SigningKeyRow } from '../row-mappers';
import type { SigningKeyRecord } from '../store';
import { changes, firstRow, prepared, rows, type Queryable } from './pool';

const statements = {
  list: prepared('keys.list', 'SELECT * FROM signing_keys ORDER BY activates_at, created_at, kid'),
  newestCreatedAt: prepared('keys.newestCreatedAt', 'SELECT MAX(created_at) AS newest FROM signing_keys'),
  insert: prepared('keys.insert', `INSERT INTO signing_keys (kid, alg, public_jwk, sealed_private_key, created_at, activates_at)
    VALUES ($1, $2, $3, $4, $5, $6)`),
  dropSuperseded: prepared('keys.dropSuperseded', `DELETE FROM signing_keys WHERE EXISTS (
    SELECT 1 FROM signing_keys later WHERE later.activates_at > signing_keys.activates_at AND later.activates_at <= $1)`),
};

export const keysQueries = {
  list: async (db: Queryable) => (await rows<SigningKeyRow>(db, statements.list)).map(toSigningKey),
  newestCreatedAt: async (db: Queryable) => (await firstRow<{ newest: number | null }>(db, statements.newestCreatedAt))?.newest ?? null,
  insert: (db: Queryable, key: SigningKeyRecord) =>
    changes(db, statements.insert, [key.kid, key.alg, key.publicJwk, key.sealedPrivateKey, key.createdAt, key.activatesAt]),
  dropSuperseded: (db: Queryable, before: number) => changes(db, statements.dropSuperseded, [before]),
};
