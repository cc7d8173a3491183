// The schema, as numbered steps recorded in PRAGMA user_version. A step runs once, inside a
// transaction, so a database is always at exactly one version. Append new steps; never edit old ones.
// Timestamps are INTEGER milliseconds since the epoch, everywhere.
import type Database from 'better-sqlite3';

const MIGRATIONS: readonly string[] = [
  // 1: the original's four tables (kept recognisable), plus sessions, refresh tokens, limits, audit.
  `
  CREATE TABLE roles (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    description TEXT
  );
  CREATE TABLE permissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    description TEXT
  );
  CREATE TABLE role_permissions (
    role_id INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission_id INTEGER NOT NULL REFERENCES permissions (id) ON DELETE CASCADE,
    PRIMARY KEY (role_id, permission_id)
  ) WITHOUT ROWID;
  CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role_id INTEGER NOT NULL REFERENCES roles (id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    disabled_at INTEGER
  );
  CREATE INDEX users_role ON users (role_id);
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    absolute_expires_at INTEGER NOT NULL,
    user_agent TEXT,
    ip TEXT
  ) WITHOUT ROWID;
  CREATE INDEX sessions_user ON sessions (user_id);
  CREATE INDEX sessions_expires ON sessions (expires_at);
  CREATE TABLE refresh_tokens (
    token_hash BLOB PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    spent_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);
  CREATE TABLE rate_limits (
    key TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    count INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX rate_limits_window ON rate_limits (window_start);
  CREATE TABLE login_failures (
    email TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    lockouts INTEGER NOT NULL,
    locked_until INTEGER,
    last_failure_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX login_failures_last ON login_failures (last_failure_at);
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at INTEGER NOT NULL,
    event TEXT NOT NULL,
    user_id INTEGER,
    actor_id INTEGER,
    ip TEXT,
    user_agent TEXT,
    details TEXT
  );
  CREATE INDEX audit_log_at ON audit_log (at);

  INSERT INTO roles (id, name, description) VALUES
    (1, 'user', 'Regular user with basic permissions'),
    (2, 'admin', 'Administrator with full permissions');
  INSERT INTO permissions (id, name, description) VALUES
    (1, 'read', 'Can read resources'),
    (2, 'write', 'Can create and update resources'),
    (3, 'delete', 'Can delete resources'),
    (4, 'admin', 'Full administrative access');
  INSERT INTO role_permissions (role_id, permission_id) VALUES
    (1, 1), (1, 2),
    (2, 1), (2, 2), (2, 3), (2, 4);
  `,
  // 2: the lock-out reserves each password check before bcrypt runs (in_flight), and keys on an
  // account as typed ('account:<email>') or a trusted device ('device:<id>').
  `
  CREATE TABLE login_attempts (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    in_flight INTEGER NOT NULL,
    lockouts INTEGER NOT NULL,
    locked_until INTEGER,
    last_failure_at INTEGER,
    reserved_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX login_attempts_reserved ON login_attempts (reserved_at);
  INSERT INTO login_attempts (key, failures, in_flight, lockouts, locked_until, last_failure_at, reserved_at)
    SELECT 'account:' || email, failures, 0, lockouts, locked_until, last_failure_at, last_failure_at FROM login_failures;
  DROP TABLE login_failures;
  `,
  // 3: signing keys: ES256 key pairs for access tokens, the private part sealed (secret-box.ts). A key is
  // published from created_at, signs from activates_at until the next key activates.
  `
  CREATE TABLE signing_keys (
    kid TEXT PRIMARY KEY,
    alg TEXT NOT NULL,
    public_jwk TEXT NOT NULL,
    sealed_private_key TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    activates_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX signing_keys_activates ON signing_keys (activates_at);
  `,
  // 4: email (issue 13). When an address was verified; one-use tokens sent by email (stored as
  // SHA-256: verification, password reset, address change); the outbox a sender delivers from,
  // written in the same transaction as what caused each message.
  `
  ALTER TABLE users ADD COLUMN email_verified_at INTEGER;
  CREATE TABLE email_tokens (
    token_hash BLOB PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL,
    email TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    spent_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX email_tokens_user ON email_tokens (user_id, purpose);
  CREATE INDEX email_tokens_expires ON email_tokens (expires_at);
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    text_body TEXT NOT NULL,
    html_body TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    claim TEXT,
    lease_until INTEGER,
    last_error TEXT,
    sent_at INTEGER
  );
  CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
  `,
  // 5: second factor: a TOTP secret per user (sealed by secret-box.ts; last_step refuses a replayed
  // code), recovery codes as SHA-256 hashes, passkeys with their signature counter, single-use
  // WebAuthn challenges, and when each session last proved who it is (fresh authentication).
  `
  CREATE TABLE totp_factors (
    user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    secret_sealed TEXT NOT NULL,
    confirmed_at INTEGER,
    last_step INTEGER,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE recovery_codes (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash BLOB NOT NULL,
    used_at INTEGER,
    PRIMARY KEY (user_id, code_hash)
  ) WITHOUT ROWID;
  CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    public_key BLOB NOT NULL,
    counter INTEGER NOT NULL,
    transports TEXT,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
  ) WITHOUT ROWID;
  CREATE INDEX passkeys_user ON passkeys (user_id);
  CREATE TABLE webauthn_challenges (
    challenge TEXT PRIMARY KEY,
    purpose TEXT NOT NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE CASCADE,
    expires_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX webauthn_challenges_expires ON webauthn_challenges (expires_at);
  CREATE TABLE session_authentications (
    session_id TEXT PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    authenticated_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Brings the database up to SCHEMA_VERSION; refuses a database from a newer release. */
export function migrate(db: Database.Database): void {
  // IMMEDIATE takes the write lock before reading the version, so two processes opening one new
  // file at once cannot both run step 1.
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new Error(`database schema version ${current} is newer than this release supports (${SCHEMA_VERSION})`);
    }
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version - 1]);
      db.pragma(`user_version = ${version}`);
    }
  }).immediate();
}
