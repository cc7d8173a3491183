// Puts benchmark data straight into a fresh authbook database, SQLite or PostgreSQL, the same rows
// in both: N users sharing one precomputed password hash (hashing 100,000 passwords would take
// hours), a live session per user, some expired sessions and stale limit rows for the pruner to
// remove. Returns what the load needs: access tokens and emails, valid on either database.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pg = require('pg');
const { openDatabase, openPostgresStore, openStore, createPasswordHasher, createTokenService, createKeyRing, loadConfig } = require('../../dist/index.js');

export const BENCH_PASSWORD = 'benchmark passphrase 1';

/** The rows, as column arrays, with explicit ids so both databases hold the same users. */
async function makeRows(users, rounds) {
  const hash = await createPasswordHasher(rounds).hash(BENCH_PASSWORD);
  const now = Date.now();
  const rows = { users: [], sessions: [], tokens: [], limits: [], live: [] };
  for (let id = 1; id <= users; id++) {
    rows.users.push([id, `bench${id}`, `bench${id}@example.com`, hash, 1, now, now]);
    const sessionId = randomBytes(16).toString('base64url');
    rows.sessions.push([sessionId, id, now, now, now + 86_400_000, now + 86_400_000]);
    rows.tokens.push([randomBytes(32), sessionId, now]);
    rows.live.push({ userId: id, sessionId });
    if (id % 10 === 0) {
      const expired = randomBytes(16).toString('base64url');
      rows.sessions.push([expired, id, now - 9e9, now - 9e9, now - 1000, now - 1000]);
      rows.tokens.push([randomBytes(32), expired, now - 9e9]);
      rows.limits.push([`login:ip:10.${id}`, now - 3_600_000, 1]);
    }
  }
  return rows;
}

const INSERTS = {
  users: ['users (id, username, email, password_hash, role_id, created_at, updated_at)', ['bigint', 'text', 'text', 'text', 'int', 'bigint', 'bigint']],
  sessions: ['sessions (id, user_id, created_at, last_used_at, expires_at, absolute_expires_at)', ['text', 'bigint', 'bigint', 'bigint', 'bigint', 'bigint']],
  tokens: ['refresh_tokens (token_hash, session_id, created_at)', ['bytea', 'text', 'bigint']],
  limits: ['rate_limits (key, window_start, count)', ['text', 'bigint', 'int']],
};

function writeSqlite(file, rows) {
  const db = openDatabase(file);
  db.transaction(() => {
    for (const [table, [columns, types]] of Object.entries(INSERTS)) {
      const insert = db.prepare(`INSERT INTO ${columns} VALUES (${types.map(() => '?').join(', ')})`);
      for (const row of rows[table]) insert.run(...row);
    }
  })();
  db.close();
}

async function writePostgres(url, rows) {
  await (await openPostgresStore({ connectionString: url, max: 1 })).close(); // the schema
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  for (const [table, [columns, types]] of Object.entries(INSERTS)) {
    // unnest of one array per column: 10,000 rows per statement
    const select = `SELECT * FROM unnest(${types.map((type, i) => `$${i + 1}::${type}[]`).join(', ')})`;
    for (let start = 0; start < rows[table].length; start += 10_000) {
      const chunk = rows[table].slice(start, start + 10_000);
      await client.query(`INSERT INTO ${columns} ${select}`, types.map((_, column) => chunk.map((row) => row[column])));
    }
  }
  await client.query("SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users))");
  await client.query('COMMIT');
  await client.query('VACUUM ANALYZE');
  await client.end();
}

/** Seeds every target ({ sqlite: file } and/or { postgres: url }) with the same rows. */
export async function seed({ targets, users, secret, rounds, ttlSeconds }) {
  const rows = await makeRows(users, rounds);
  if (targets.sqlite) writeSqlite(targets.sqlite, rows);
  if (targets.postgres) await writePostgres(targets.postgres, rows);
  const tokens = createTokenService({ secret, issuer: 'authbook', audience: 'authbook', ttlSeconds, clockSkewSeconds: 5 });
  // 1,000 distinct tokens (or one per user) are enough to defeat any per-token caching.
  const sample = rows.live.filter((_, i) => i % Math.max(1, Math.floor(users / 1000)) === 0);
  return { accessTokens: sample.map((s) => tokens.sign(s).token), emails: sample.map((s) => `bench${s.userId}@example.com`), sessions: sample };
}

/** ES256 tokens for the same sessions, signed with the keys an ES256 server made in the database (`env`: its environment). */
export async function signWithStoredKeys(env, sessions) {
  const config = loadConfig(env);
  const store = await openStore(config);
  try {
    const keys = createKeyRing({ config, store, now: Date.now });
    await keys.fresh();
    const tokens = createTokenService({ keys, issuer: config.jwtIssuer, audience: config.jwtAudience, ttlSeconds: config.accessTokenTtlSeconds, clockSkewSeconds: config.clockSkewSeconds });
    return sessions.map((s) => tokens.sign(s).token);
  } finally {
    await store.close();
  }
}
