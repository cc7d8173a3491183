import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseDurationSeconds } from '../../src/config';
import { tempDir } from '../helpers/test-server';

const dirs: string[] = [];
function dbIn(): string {
  const dir = tempDir('authbook-config-');
  dirs.push(dir);
  return path.join(dir, 'auth.db');
}
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ DATABASE_PATH: dbIn(), ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

const productionSecrets = () => ({ JWT_SECRET: randomBytes(48).toString('base64'), SECRETS_KEY: randomBytes(48).toString('base64') });

describe('loadConfig', () => {
  it('has secure defaults', () => {
    const config = loadConfig({ DATABASE_PATH: dbIn(), JWT_SECRET: 'x'.repeat(32) });
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 5000,
      accessTokenTtlSeconds: 900,
      bcryptRounds: 12,
      password: { minLength: 8, maxLength: 1024, requireMixedCharacters: false },
      trustProxy: false,
      bootstrapAdmin: null,
      bodyLimitBytes: 16384,
    });
    expect(config.rateLimit.enabled).toBe(true);
    expect(config.jwtSecret.type).toBe('secret');
  });

  it.each([
    [{ PORT: '99999' }, /^PORT must be at most 65535/],
    [{ PORT: 'http' }, /^PORT must be a whole number/],
    [{ BCRYPT_ROUNDS: 'abc' }, /^BCRYPT_ROUNDS must be a whole number/],
    [{ BCRYPT_ROUNDS: '3' }, /^BCRYPT_ROUNDS must be at least 4/],
    [{ ACCESS_TOKEN_TTL: 'soon' }, /^ACCESS_TOKEN_TTL must be a duration/],
    [{ NODE_ENV: 'staging' }, /^NODE_ENV /],
    [{ RATE_LIMIT: 'maybe' }, /^RATE_LIMIT must be on or off/],
    [{ ADMIN_EMAIL: 'a@example.com' }, /^ADMIN_EMAIL and ADMIN_PASSWORD must be set together/],
  ])('names the variable when %o is bad', (env, pattern) => {
    const problems = problemsOf(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(pattern);
  });

  it('lists every problem at once', () => {
    expect(problemsOf({ PORT: '-1', BCRYPT_ROUNDS: 'x', LOG_LEVEL: 'loud' })).toHaveLength(3);
  });

  it('requires a JWT_SECRET and a SECRETS_KEY of at least 32 bytes in production', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'JWT_SECRET is required when NODE_ENV=production',
      'SECRETS_KEY is required when NODE_ENV=production',
    ]);
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: 'short', SECRETS_KEY: 'short' })).toEqual([
      expect.stringMatching(/^JWT_SECRET must be at least 32 bytes/),
      expect.stringMatching(/^SECRETS_KEY must be at least 32 bytes/),
    ]);
    const databasePath = dbIn();
    const config = loadConfig({ NODE_ENV: 'production', DATABASE_PATH: databasePath, ...productionSecrets() });
    expect([config.jwtSecretSource, config.secretsKeySource]).toEqual(['JWT_SECRET', 'SECRETS_KEY']);
    expect(fs.readdirSync(path.dirname(databasePath))).toEqual([]); // nothing generated
  });

  it('derives a 32-byte secrets key from SECRETS_KEY, and refuses a guessable one in production', () => {
    const value = randomBytes(48).toString('base64');
    const a = loadConfig({ DATABASE_PATH: dbIn(), SECRETS_KEY: value }).secretsKey;
    const b = loadConfig({ DATABASE_PATH: dbIn(), SECRETS_KEY: value }).secretsKey;
    expect(a.symmetricKeySize).toBe(32);
    expect(a.export().equals(b.export())).toBe(true);
    expect(a.export().equals(Buffer.from(value, 'utf8').subarray(0, 32))).toBe(false); // derived, not the text itself
    expect(problemsOf({ NODE_ENV: 'production', JWT_SECRET: randomBytes(48).toString('base64'), SECRETS_KEY: 'y'.repeat(40) })).toEqual([
      expect.stringMatching(/^SECRETS_KEY looks guessable/),
    ]);
  });

  it.each([
    ['one repeated character', 'x'.repeat(64)],
    ['a repeated pattern', 'abc'.repeat(22)],
    ['a short alphabet (binary digits)', '0110100110010110'.repeat(4)],
    ['a passphrase', 'correct horse battery staple!!!!'],
  ])('refuses a guessable JWT_SECRET in production: %s', (_name, secret) => {
    expect(Buffer.byteLength(secret)).toBeGreaterThanOrEqual(32); // long enough: only the entropy rule stops it
    expect(problemsOf({ NODE_ENV: 'production', ...productionSecrets(), JWT_SECRET: secret })).toEqual([
      expect.stringMatching(/^JWT_SECRET looks guessable \(.*about \d+ bits.*128 needed\): generate one with openssl rand -base64 48$/),
    ]);
  });

  it('accepts random secrets as operators generate them (openssl rand -base64 48, -base64 32, -hex 32)', () => {
    const databasePath = dbIn();
    for (let i = 0; i < 300; i += 1) {
      for (const secret of [randomBytes(48).toString('base64'), randomBytes(32).toString('base64'), randomBytes(32).toString('hex')]) {
        expect(loadConfig({ NODE_ENV: 'production', DATABASE_PATH: databasePath, SECRETS_KEY: secret, JWT_SECRET: secret }).warnings).toEqual([]);
      }
    }
  });

  it('outside production, a guessable JWT_SECRET is a warning, not a refusal', () => {
    const config = loadConfig({ DATABASE_PATH: dbIn(), JWT_SECRET: 'x'.repeat(32) });
    expect(config.warnings).toEqual([expect.stringMatching(/^JWT_SECRET looks guessable .*openssl rand -base64 48$/)]);
  });

  it('outside production, generates a secret once into a 0600 file beside the database', () => {
    const databasePath = dbIn();
    const first = loadConfig({ DATABASE_PATH: databasePath });
    const file = path.join(path.dirname(databasePath), 'jwt-secret');
    expect(first.jwtSecretSource).toBe(file);
    expect(first.warnings.some((w) => w.includes('generated a development secret'))).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = loadConfig({ DATABASE_PATH: databasePath });
    expect(second.warnings).toEqual([]);
    expect(second.jwtSecret.export().equals(first.jwtSecret.export())).toBe(true);
    // The secrets-at-rest key the same way, silently (production requires SECRETS_KEY), and apart from it.
    const keyFile = path.join(path.dirname(databasePath), 'secrets-key');
    expect([first.secretsKeySource, fs.statSync(keyFile).mode & 0o777]).toEqual([keyFile, 0o600]);
    expect(second.secretsKey.export().equals(first.secretsKey.export())).toBe(true);
    expect(first.secretsKey.export().equals(first.jwtSecret.export().subarray(0, 32))).toBe(false);
  });

  it('processes generating the secret together all end up with the one secret, never a half-written file (8 processes x 5 trials)', async () => {
    const resolver = path.join(__dirname, '..', '..', 'dist', 'jwt-secret.js'); // npm test builds dist/ first
    const script = `const r = require(${JSON.stringify(resolver)}).resolveJwtSecret(undefined, process.argv[1]);
      console.log('key' in r ? r.key.export().toString('hex') : 'problem: ' + r.problem);`;
    for (let trial = 0; trial < 5; trial++) {
      const databasePath = dbIn();
      const outputs = await Promise.all(
        Array.from({ length: 8 }, () => new Promise<string>((resolve) => {
          execFile(process.execPath, ['-e', script, databasePath], (_error, stdout, stderr) => resolve(stdout.trim() || stderr));
        })),
      );
      expect(new Set(outputs).size).toBe(1);
      expect(outputs[0]).toMatch(/^[0-9a-f]{96}$/);
      expect(fs.readdirSync(path.dirname(databasePath))).toEqual(['jwt-secret']); // no temporary file left behind
    }
  });

  it('DATABASE_URL selects PostgreSQL, the password kept apart from the URL; bad values are named', () => {
    const config = loadConfig({ DATABASE_PATH: dbIn(), JWT_SECRET: 'z'.repeat(32), DATABASE_URL: 'postgres://authbook:p%40ss@db.internal:5433/auth', DATABASE_POOL_SIZE: '4', WORKERS: '3' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://authbook@db.internal:5433/auth', password: 'p@ss', poolSize: 4 });
    expect(config.workers).toBe(3);
    expect(loadConfig({ DATABASE_PATH: dbIn(), JWT_SECRET: 'z'.repeat(32) })).toMatchObject({ database: { kind: 'sqlite' }, workers: 1 });
    expect(problemsOf({ DATABASE_URL: 'mysql://db/auth', DATABASE_POOL_SIZE: '0', WORKERS: '65' })).toEqual([
      'DATABASE_URL must be a postgres:// or postgresql:// URL',
      'DATABASE_POOL_SIZE must be at least 1',
      'WORKERS must be at most 64',
    ]);
  });

  it('writes no secret file when the configuration is invalid', () => {
    const databasePath = dbIn();
    expect(() => loadConfig({ DATABASE_PATH: databasePath, PORT: 'x' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_PATH: databasePath, LOCKOUT_BASE: '10m', LOCKOUT_MAX: '1m' })).toThrow(ConfigError);
    expect(fs.existsSync(path.join(path.dirname(databasePath), 'jwt-secret'))).toBe(false);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ DATABASE_PATH: dbIn(), PORT: '', JWT_SECRET: 'y'.repeat(40) }).port).toBe(5000);
  });

  it('parses trust proxy values as Express expects', () => {
    const secret = { JWT_SECRET: 'z'.repeat(32) };
    expect(loadConfig({ DATABASE_PATH: dbIn(), ...secret, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ DATABASE_PATH: dbIn(), ...secret, TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
    expect(loadConfig({ DATABASE_PATH: dbIn(), ...secret, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    for (const addresses of ['10.0.0.5, 10.0.0.0/8', 'loopback, fe80::/10', '192.168.0.0/255.255.0.0', 'uniquelocal']) {
      expect(loadConfig({ DATABASE_PATH: dbIn(), ...secret, TRUST_PROXY: addresses }).trustProxy).toBe(addresses);
    }
  });

  it.each(['true', 'TRUE', 'on', 'yes'])('refuses TRUST_PROXY=%s (clients would write their own address) with one line saying what to use', (value) => {
    expect(problemsOf({ TRUST_PROXY: value })).toEqual([
      expect.stringMatching(new RegExp(`^TRUST_PROXY must not be ${value} .*: use the number of proxies .*\\(1 .*\\), their addresses .*, or loopback$`)),
    ]);
  });

  it.each(['everyone', '10.0.0.0/8, nonsense', '10.0.0.1/8/8', '300.0.0.1'])('refuses TRUST_PROXY=%s, which Express could not read', (value) => {
    expect(problemsOf({ TRUST_PROXY: value })).toEqual([expect.stringMatching(/^TRUST_PROXY must be a hop count \(1\), proxy addresses/)]);
  });

  it('WEBAUTHN_ORIGIN must be an origin: a trailing slash is dropped, a path, another scheme or a non-URL is named', () => {
    expect(loadConfig({ DATABASE_PATH: dbIn(), WEBAUTHN_ORIGIN: ' https://auth.example.org/ ' }).secondFactor.webauthnOrigin).toBe('https://auth.example.org');
    for (const bad of ['https://auth.example.org/login', 'ftp://auth.example.org', 'auth.example.org']) {
      expect(problemsOf({ WEBAUTHN_ORIGIN: bad })).toEqual(['WEBAUTHN_ORIGIN must be an origin such as https://example.org or http://localhost:5000']);
    }
  });

  it('mail: outbox-only without SMTP_URL, off in production; SMTP_URL kept without its password; production needs PUBLIC_URL', () => {
    const secret = randomBytes(48).toString('base64');
    expect(loadConfig({ DATABASE_PATH: dbIn(), JWT_SECRET: secret }).mail).toMatchObject({
      delivery: 'outbox',
      smtpUrl: null,
      publicUrl: null,
      requireVerifiedEmail: false,
      resetTokenTtlSeconds: 1800,
      maxAttempts: 8,
    });
    expect(loadConfig({ DATABASE_PATH: dbIn(), JWT_SECRET: secret, SECRETS_KEY: secret, NODE_ENV: 'production' }).mail.delivery).toBe('off');
    const smtp = loadConfig({ DATABASE_PATH: dbIn(), JWT_SECRET: secret, SMTP_URL: 'smtps://mailer:s%40cret@mail.example:465', PUBLIC_URL: 'https://auth.example/' }).mail;
    expect(smtp).toMatchObject({ delivery: 'smtp', smtpUrl: 'smtps://mailer@mail.example:465', smtpPassword: 's@cret', publicUrl: 'https://auth.example' });
    expect(problemsOf({ SMTP_URL: 'http://mail.example', PUBLIC_URL: 'ftp://x' })).toEqual([
      'SMTP_URL must be an smtp:// or smtps:// URL',
      'PUBLIC_URL must be an http:// or https:// URL',
    ]);
    expect(problemsOf({ JWT_SECRET: secret, SECRETS_KEY: secret, NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example' })).toEqual([
      'PUBLIC_URL is required with SMTP_URL when NODE_ENV=production (the links in messages)',
    ]);
    expect(problemsOf({ JWT_SECRET: secret, SECRETS_KEY: secret, NODE_ENV: 'production', REQUIRE_VERIFIED_EMAIL: 'on' })).toEqual(['REQUIRE_VERIFIED_EMAIL needs SMTP_URL when NODE_ENV=production']);
  });

  it('warns when rate limits are off', () => {
    const config = loadConfig({ DATABASE_PATH: dbIn(), JWT_SECRET: randomBytes(48).toString('base64'), RATE_LIMIT: 'off' });
    expect(config.rateLimit.enabled).toBe(false);
    expect(config.warnings).toEqual([expect.stringMatching(/^RATE_LIMIT=off/)]);
  });
});

describe('parseDurationSeconds', () => {
  it.each([
    ['900', 900],
    ['15m', 900],
    ['2h', 7200],
    ['30d', 2592000],
    ['10s', 10],
    ['1.5h', null],
    ['-5', null],
    ['m', null],
  ])('%s -> %s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBe(seconds);
  });
});
