// Puts benchmark data straight into a fresh authbook database: N users sharing one precomputed
// password hash (hashing 100,000 passwords would take hours), a live session per user, some
// expired sessions and stale limit rows for the pruner to remove. Returns what the load needs.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { openDatabase, createPasswordHasher, createTokenService } = require('../../dist/index.js');

export const BENCH_PASSWORD = 'benchmark passphrase 1';

export async function seed({ file, users, secret, rounds, ttlSeconds }) {
  const db = openDatabase(file);
  const hash = await createPasswordHasher(rounds).hash(BENCH_PASSWORD);
  const now = Date.now();
  const insertUser = db.prepare('INSERT INTO users (username, email, password_hash, role_id, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)');
  const insertSession = db.prepare(`INSERT INTO sessions (id, user_id, created_at, last_used_at, expires_at, absolute_expires_at)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const insertToken = db.prepare('INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (?, ?, ?)');
  const insertLimit = db.prepare('INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)');
  const sessions = [];
  db.transaction(() => {
    for (let i = 1; i <= users; i++) {
      const id = Number(insertUser.run(`bench${i}`, `bench${i}@example.com`, hash, now, now).lastInsertRowid);
      const sessionId = randomBytes(16).toString('base64url');
      insertSession.run(sessionId, id, now, now, now + 86_400_000, now + 86_400_000);
      insertToken.run(randomBytes(32), sessionId, now);
      sessions.push({ userId: id, sessionId });
      if (i % 10 === 0) {
        const expired = randomBytes(16).toString('base64url');
        insertSession.run(expired, id, now - 9e9, now - 9e9, now - 1000, now - 1000);
        insertToken.run(randomBytes(32), expired, now - 9e9);
        insertLimit.run(`login:ip:10.${i}`, now - 3_600_000);
      }
    }
  })();
  db.close();
  const tokens = createTokenService({ secret, issuer: 'authbook', audience: 'authbook', ttlSeconds, clockSkewSeconds: 5 });
  // 1,000 distinct tokens (or one per user) are enough to defeat any per-token caching.
  const sample = sessions.filter((_, i) => i % Math.max(1, Math.floor(users / 1000)) === 0);
  return { accessTokens: sample.map((s) => tokens.sign(s).token), emails: sample.map((s) => `bench${s.userId}@example.com`) };
}
