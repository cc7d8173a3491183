// Turns environment variables into one typed, validated Config. Every problem is reported at once,
// naming the variable, so a bad deployment stops at start with a clear line instead of failing later.
// Reading the environment happens here and nowhere else; nothing runs on import.
import { createHash, KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { guessableSecretProblem, isStrongJwtSecret, MIN_JWT_SECRET_BYTES, resolveJwtSecret } from './jwt-secret';
import { resolveSecretsKey } from './secrets-key';
import { HTTP_PROTOCOLS, urlOf } from './url-schema';

export interface RateLimitConfig {
  enabled: boolean;
  windowSeconds: number;
  /** Failed logins per window per client address (a success costs nothing). */
  loginFailuresPerWindow: number;
  /** Registrations per window per client address (every attempt: each success is a new account). */
  registerPerWindow: number;
  /** Failed refreshes per window per client address. */
  refreshFailuresPerWindow: number;
  /** Password changes per window per client address, and per user. */
  passwordChangesPerWindow: number;
  passwordChangesPerUserPerWindow: number;
  /** Mail-sending requests (forgot password, resend, address change) per window per client address, and per recipient. */
  mailPerWindow: number;
  mailPerRecipientPerWindow: number;
  lockoutThreshold: number;
  /** A trusted device's own budget while its account is locked for unknown clients. */
  deviceLockoutThreshold: number;
  lockoutBaseSeconds: number;
  lockoutMaxSeconds: number;
}

export interface PasswordPolicyConfig {
  minLength: number;
  maxLength: number;
  requireMixedCharacters: boolean;
}

/**
 * Email (issue 13). `delivery`: smtp, sent through SMTP_URL; outbox, no SMTP_URL outside production:
 * messages are kept in the outbox to be read (CLI, notebooks); off, production without SMTP_URL:
 * the features that need mail answer mail_unavailable. The SMTP URL is kept without its password.
 */
export interface MailConfig {
  delivery: 'smtp' | 'outbox' | 'off';
  smtpUrl: string | null;
  smtpPassword: string | null;
  from: string;
  /** The base of links in messages; null: the server's own URL. */
  publicUrl: string | null;
  requireVerifiedEmail: boolean;
  maxAttempts: number;
  retryBaseSeconds: number;
  resetTokenTtlSeconds: number;
  verifyTokenTtlSeconds: number;
}

/** The second factor (auth/second-factor.ts, auth/passkeys.ts). */
export interface SecondFactorConfig {
  /** How recent an authentication sensitive actions need (fresh-auth.ts). */
  reauthMaxAgeSeconds: number;
  /** The WebAuthn relying party: a host name (never an IP address) the origin's host is or ends with. */
  webauthnRpId: string;
  /** The page's origin as the browser reports it, e.g. http://localhost:5000 or https://example.org. */
  webauthnOrigin: string;
  /**
   * WEBAUTHN_ORIGIN or WEBAUTHN_RP_ID was set: the two above win over a tunnel's public URL. When
   * false they are the default, used until a public URL is known (auth/site-address.ts).
   */
  webauthnConfigured: boolean;
}

export interface BootstrapAdmin {
  email: string;
  password: string;
  username: string;
}

/**
 * Where the data lives: the SQLite file at databasePath (the default), or a PostgreSQL server that
 * several processes share. The URL is kept without its password, so it can be shown and logged.
 */
export type DatabaseConfig =
  | { kind: 'sqlite' }
  | { kind: 'postgres'; url: string; password: string | null; poolSize: number };

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** The SQLite file; also the folder of the generated jwt-secret, on either backend. */
  databasePath: string;
  database: DatabaseConfig;
  /** Processes serving the port (node:cluster); 1: this process alone. */
  workers: number;
  jwtSecret: KeyObject;
  /** Where the secret came from: the environment, or the generated file beside the database. */
  jwtSecretSource: string;
  /** Encrypts secrets kept at rest (TOTP seeds, private signing keys): see secret-box.ts. */
  secretsKey: KeyObject;
  /** Where it came from: SECRETS_KEY, or the generated file beside the database. */
  secretsKeySource: string;
  jwtIssuer: string;
  jwtAudience: string;
  /** How access tokens are signed and which keys rotate: see auth/signing-keys.ts. */
  signing: SigningConfig;
  /** Who may call POST /token/introspect (HTTP Basic): each client's id and its secret's SHA-256. */
  introspectionClients: IntrospectionClient[];
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  sessionMaxAgeSeconds: number;
  /** Beyond this many live sessions, a user's least recently used ones end. */
  maxSessionsPerUser: number;
  clockSkewSeconds: number;
  bcryptRounds: number;
  password: PasswordPolicyConfig;
  bootstrapAdmin: BootstrapAdmin | null;
  /** Express "trust proxy" value: false, a hop count, or a list of trusted addresses. Never true. */
  trustProxy: false | number | string;
  rateLimit: RateLimitConfig;
  secondFactor: SecondFactorConfig;
  /** How long a trusted-device token (issued at each login) lets its client past an account lock. */
  deviceTokenTtlSeconds: number;
  /** Served through a public tunnel whose last leg is plain HTTP: the page warns visitors. */
  publicTunnel: boolean;
  logLevel: string;
  bodyLimitBytes: number;
  mail: MailConfig;
  /** Lines the caller should print once (e.g. "generated a development secret"). */
  warnings: string[];
}

/**
 * Access-token signatures: ES256 with keys kept in the database (published at
 * /.well-known/jwks.json, rotated), or HS256 with JWT_SECRET. Rotation null: only by the CLI.
 */
export interface SigningConfig {
  algorithm: 'ES256' | 'HS256';
  rotationSeconds: number | null;
  activationDelaySeconds: number;
}

export interface IntrospectionClient {
  id: string;
  secretSha256: Buffer;
}

/** Thrown by loadConfig with one line per bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** "900", "900s", "15m", "1h", "30d" -> seconds. */
export function parseDurationSeconds(text: string): number | null {
  const match = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * DURATION_UNITS[match[2] || 's'];
}

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const duration = (minSeconds: number, maxSeconds: number) =>
  z
    .string()
    .transform((text, ctx) => {
      const seconds = parseDurationSeconds(text);
      if (seconds === null) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration such as 900, 15m, 12h or 30d' });
        return z.NEVER;
      }
      return seconds;
    })
    .pipe(z.number().min(minSeconds, `must be at least ${minSeconds}s`).max(maxSeconds, `must be at most ${maxSeconds}s`));

const flag = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['on', 'off', 'true', 'false', '1', '0', 'yes', 'no'].includes(v), 'must be on or off')
  .transform((v) => ['on', 'true', '1', 'yes'].includes(v));

// Express's names for address ranges, usable in TRUST_PROXY beside addresses and CIDR blocks.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/'); // 10.0.0.0/8 or 10.0.0.0/255.0.0.0
  return isIP(address) !== 0 && rest.length === 0 && (prefix === undefined || /^\d+$/.test(prefix) || isIP(prefix) !== 0);
}

const trustProxy = z
  .string()
  .trim()
  .transform((v, ctx): false | number | string => {
    if (v === '' || v === 'false' || v === 'off') return false;
    if (/^\d+$/.test(v)) return Number(v);
    if (['true', 'on', 'yes'].includes(v.toLowerCase())) {
      // Express would take the left-most X-Forwarded-For, which the client writes itself.
      ctx.addIssue({ code: 'custom', message: `must not be ${v} (every client could then choose its own address): use the number of proxies in front of the server (1 behind one proxy or the tunnel), their addresses (10.0.0.5, 10.0.0.0/8), or loopback` });
      return z.NEVER;
    }
    if (!v.split(',').every((entry) => isProxyAddress(entry.trim()))) {
      ctx.addIssue({ code: 'custom', message: 'must be a hop count (1), proxy addresses or CIDR blocks (10.0.0.5, 10.0.0.0/8), or loopback, linklocal, uniquelocal' });
      return z.NEVER;
    }
    return v;
  });

// "id:secret,id2:secret2": the secrets as strong as JWT_SECRET; only their hashes are kept.
const introspectionClients = z.string().transform((text, ctx): IntrospectionClient[] => {
  const clients = text.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
    const colon = entry.indexOf(':');
    return { id: entry.slice(0, Math.max(colon, 0)), secret: colon < 0 ? '' : entry.slice(colon + 1) };
  });
  const bad = clients.find(({ id, secret }) => !/^[A-Za-z0-9._-]{1,64}$/.test(id) || !isStrongJwtSecret(secret));
  const ids = clients.map(({ id }) => id);
  if (bad || new Set(ids).size !== ids.length) {
    ctx.addIssue({ code: 'custom', message: `must be id:secret pairs separated by commas, each id once, each secret at least ${MIN_JWT_SECRET_BYTES} bytes` });
    return z.NEVER;
  }
  return clients.map(({ id, secret }) => ({ id, secretSha256: createHash('sha256').update(secret, 'utf8').digest() }));
});

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: integer(0, 65535).default(5000),
  DATABASE_PATH: z.string().trim().min(1).default(path.join('data', 'authbook.db')),
  DATABASE_URL: urlOf(['postgres:', 'postgresql:'], 'must be a postgres:// or postgresql:// URL').optional(),
  DATABASE_POOL_SIZE: integer(1, 1000).default(10),
  WORKERS: integer(1, 64).default(1),
  JWT_SECRET: z
    .string()
    .refine(isStrongJwtSecret, `must be at least ${MIN_JWT_SECRET_BYTES} bytes (try: openssl rand -base64 48)`)
    .optional(),
  SECRETS_KEY: z
    .string()
    .refine(isStrongJwtSecret, `must be at least ${MIN_JWT_SECRET_BYTES} bytes (try: openssl rand -base64 48)`)
    .optional(),
  JWT_ISSUER: z.string().trim().min(1).default('authbook'),
  JWT_AUDIENCE: z.string().trim().min(1).default('authbook'),
  ACCESS_TOKEN_TTL: duration(10, 86400).default(900),
  ACCESS_TOKEN_ALG: z.enum(['ES256', 'HS256']).default('ES256'),
  SIGNING_KEY_ROTATION: z.union([z.literal('off'), duration(3600, 3650 * 86400)]).default(30 * 86400),
  SIGNING_KEY_ACTIVATION_DELAY: duration(0, 7 * 86400).default(600),
  INTROSPECTION_CLIENTS: introspectionClients.default([]),
  REFRESH_TOKEN_TTL: duration(60, 365 * 86400).default(30 * 86400),
  SESSION_MAX_AGE: duration(60, 3650 * 86400).default(90 * 86400),
  MAX_SESSIONS_PER_USER: integer(1, 10_000).default(20),
  CLOCK_SKEW: duration(0, 300).default(5),
  BCRYPT_ROUNDS: integer(4, 15).default(12),
  PASSWORD_MIN_LENGTH: integer(8, 128).default(8),
  PASSWORD_MAX_LENGTH: integer(64, 4096).default(1024),
  PASSWORD_REQUIRE_MIXED: flag.default(false),
  ADMIN_EMAIL: z.string().trim().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  ADMIN_USERNAME: z.string().trim().min(1).default('admin'),
  TRUST_PROXY: trustProxy.default(false),
  RATE_LIMIT: flag.default(true),
  RATE_LIMIT_WINDOW: duration(1, 86400).default(60),
  RATE_LIMIT_LOGIN: integer(1, 1_000_000).default(100),
  RATE_LIMIT_REGISTER: integer(1, 1_000_000).default(60),
  RATE_LIMIT_REFRESH: integer(1, 1_000_000).default(60),
  RATE_LIMIT_PASSWORD: integer(1, 1_000_000).default(60),
  RATE_LIMIT_PASSWORD_USER: integer(1, 1_000_000).default(5),
  LOCKOUT_THRESHOLD: integer(1, 1000).default(5),
  LOCKOUT_DEVICE_THRESHOLD: integer(1, 1000).default(3),
  DEVICE_TOKEN_TTL: duration(60, 3650 * 86400).default(180 * 86400),
  PUBLIC_TUNNEL: flag.default(false),
  LOCKOUT_BASE: duration(1, 86400).default(60),
  LOCKOUT_MAX: duration(1, 7 * 86400).default(900),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REAUTH_MAX_AGE: duration(1, 86400).default(300),
  WEBAUTHN_RP_ID: z.string().trim().toLowerCase().refine((v) => isIP(v) === 0, 'must be a host name: a WebAuthn RP ID cannot be an IP address (use localhost)').optional(),
  WEBAUTHN_ORIGIN: urlOf(HTTP_PROTOCOLS, 'must be an origin such as https://example.org or http://localhost:5000', (url, v) => url.origin === v.replace(/\/$/, ''))
    .transform((v) => new URL(v).origin)
    .optional(),
  BODY_LIMIT: integer(1024, 1024 * 1024).default(16 * 1024),
  // Email (issue 13)
  SMTP_URL: urlOf(['smtp:', 'smtps:'], 'must be an smtp:// or smtps:// URL').optional(),
  MAIL_FROM: z.string().trim().min(3).max(320).default('authbook <authbook@localhost>'),
  PUBLIC_URL: urlOf(HTTP_PROTOCOLS, 'must be an http:// or https:// URL')
    .transform((v) => v.replace(/\/+$/, ''))
    .optional(),
  REQUIRE_VERIFIED_EMAIL: flag.default(false),
  MAIL_MAX_ATTEMPTS: integer(1, 100).default(8),
  MAIL_RETRY_BASE: duration(1, 86400).default(30),
  RATE_LIMIT_MAIL: integer(1, 1_000_000).default(10),
  RATE_LIMIT_MAIL_RECIPIENT: integer(1, 1_000_000).default(3),
  RESET_TOKEN_TTL: duration(60, 86400).default(30 * 60),
  VERIFY_TOKEN_TTL: duration(300, 30 * 86400).default(86400),
});

type Env = Record<string, string | undefined>;

/** postgres://user:secret@host/db -> the URL without its password, and the password (decoded). */
function splitPassword(text: string): { url: string; password: string | null } {
  const url = new URL(text);
  const password = url.password === '' ? null : decodeURIComponent(url.password);
  url.password = '';
  return { url: url.toString(), password };
}

/** WebAuthn's relying party: by default http://localhost:PORT (an IP address cannot be one); else a problem. */
function secondFactorOf(e: z.output<typeof envSchema>): SecondFactorConfig | string {
  const origin = e.WEBAUTHN_ORIGIN ?? `http://localhost:${e.PORT}`;
  const rpId = e.WEBAUTHN_RP_ID ?? new URL(origin).hostname;
  const host = new URL(origin).hostname;
  if (host !== rpId && !host.endsWith(`.${rpId}`)) return `WEBAUTHN_ORIGIN's host (${host}) must be WEBAUTHN_RP_ID (${rpId}) or a subdomain of it`;
  if (isIP(rpId.replace(/^\[|\]$/g, '')) !== 0) return 'WEBAUTHN_ORIGIN must name a host, not an IP address (a WebAuthn RP ID cannot be one): use http://localhost:PORT';
  const webauthnConfigured = e.WEBAUTHN_ORIGIN !== undefined || e.WEBAUTHN_RP_ID !== undefined;
  return { reauthMaxAgeSeconds: e.REAUTH_MAX_AGE, webauthnRpId: rpId, webauthnOrigin: origin, webauthnConfigured };
}

/**
 * Reads and validates the configuration. Throws ConfigError naming every bad variable.
 * Without JWT_SECRET outside production, a secret is generated once into a 0600 file beside the
 * database (and a warning is returned in `warnings`).
 *
 * @example
 * const config = loadConfig({ DATABASE_PATH: '/tmp/demo/auth.db', BCRYPT_ROUNDS: '10' });
 */
export function loadConfig(env: Env = process.env): Config {
  // Empty strings count as unset, as a shell `VAR=` usually means "no value".
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (e.PASSWORD_MAX_LENGTH < e.PASSWORD_MIN_LENGTH) problems.push('PASSWORD_MAX_LENGTH must not be below PASSWORD_MIN_LENGTH');
  if (e.LOCKOUT_MAX < e.LOCKOUT_BASE) problems.push('LOCKOUT_MAX must not be below LOCKOUT_BASE');
  if (e.SIGNING_KEY_ROTATION !== 'off' && e.SIGNING_KEY_ROTATION <= e.SIGNING_KEY_ACTIVATION_DELAY) {
    problems.push('SIGNING_KEY_ROTATION must be longer than SIGNING_KEY_ACTIVATION_DELAY');
  }
  if (e.SESSION_MAX_AGE < e.REFRESH_TOKEN_TTL) problems.push('SESSION_MAX_AGE must not be below REFRESH_TOKEN_TTL');
  if ((e.ADMIN_EMAIL === undefined) !== (e.ADMIN_PASSWORD === undefined)) {
    problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }
  if (e.JWT_SECRET === undefined && e.NODE_ENV === 'production') problems.push('JWT_SECRET is required when NODE_ENV=production');
  // Several processes or machines must share this key, and a file beside one database cannot be shared.
  if (e.SECRETS_KEY === undefined && e.NODE_ENV === 'production') problems.push('SECRETS_KEY is required when NODE_ENV=production');
  // Refused in production; elsewhere (a laptop, a classroom) a warning is enough.
  const guessable = [
    e.JWT_SECRET === undefined ? null : guessableSecretProblem(e.JWT_SECRET, 'JWT_SECRET'),
    e.SECRETS_KEY === undefined ? null : guessableSecretProblem(e.SECRETS_KEY, 'SECRETS_KEY'),
  ].filter((problem): problem is string => problem !== null);
  if (e.NODE_ENV === 'production') problems.push(...guessable);
  const production = e.NODE_ENV === 'production';
  if (production && e.SMTP_URL !== undefined && e.PUBLIC_URL === undefined) problems.push('PUBLIC_URL is required with SMTP_URL when NODE_ENV=production (the links in messages)');
  if (production && e.SMTP_URL === undefined && e.REQUIRE_VERIFIED_EMAIL) problems.push('REQUIRE_VERIFIED_EMAIL needs SMTP_URL when NODE_ENV=production');
  const secondFactor = secondFactorOf(e);
  if (typeof secondFactor === 'string') problems.push(secondFactor);
  if (problems.length > 0) throw new ConfigError(problems);
  // Only a valid configuration may create the development secret files.
  const secret = resolveJwtSecret(e.JWT_SECRET, e.DATABASE_PATH);
  if ('problem' in secret) throw new ConfigError([secret.problem]);
  const secretsKey = resolveSecretsKey(e.SECRETS_KEY, e.DATABASE_PATH);
  if ('problem' in secretsKey) throw new ConfigError([secretsKey.problem]);
  const smtp = e.SMTP_URL === undefined ? null : splitPassword(e.SMTP_URL);

  return {
    nodeEnv: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databasePath: e.DATABASE_PATH,
    database: e.DATABASE_URL === undefined ? { kind: 'sqlite' } : { kind: 'postgres', ...splitPassword(e.DATABASE_URL), poolSize: e.DATABASE_POOL_SIZE },
    workers: e.WORKERS,
    jwtSecret: secret.key,
    jwtSecretSource: secret.source,
    secretsKey: secretsKey.key,
    secretsKeySource: secretsKey.source,
    jwtIssuer: e.JWT_ISSUER,
    jwtAudience: e.JWT_AUDIENCE,
    signing: {
      algorithm: e.ACCESS_TOKEN_ALG,
      rotationSeconds: e.SIGNING_KEY_ROTATION === 'off' ? null : e.SIGNING_KEY_ROTATION,
      activationDelaySeconds: e.SIGNING_KEY_ACTIVATION_DELAY,
    },
    introspectionClients: e.INTROSPECTION_CLIENTS,
    accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL,
    refreshTokenTtlSeconds: e.REFRESH_TOKEN_TTL,
    sessionMaxAgeSeconds: e.SESSION_MAX_AGE,
    maxSessionsPerUser: e.MAX_SESSIONS_PER_USER,
    clockSkewSeconds: e.CLOCK_SKEW,
    bcryptRounds: e.BCRYPT_ROUNDS,
    password: {
      minLength: e.PASSWORD_MIN_LENGTH,
      maxLength: e.PASSWORD_MAX_LENGTH,
      requireMixedCharacters: e.PASSWORD_REQUIRE_MIXED,
    },
    bootstrapAdmin:
      e.ADMIN_EMAIL !== undefined && e.ADMIN_PASSWORD !== undefined
        ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD, username: e.ADMIN_USERNAME }
        : null,
    trustProxy: e.TRUST_PROXY,
    rateLimit: {
      enabled: e.RATE_LIMIT,
      windowSeconds: e.RATE_LIMIT_WINDOW,
      loginFailuresPerWindow: e.RATE_LIMIT_LOGIN,
      registerPerWindow: e.RATE_LIMIT_REGISTER,
      refreshFailuresPerWindow: e.RATE_LIMIT_REFRESH,
      passwordChangesPerWindow: e.RATE_LIMIT_PASSWORD,
      passwordChangesPerUserPerWindow: e.RATE_LIMIT_PASSWORD_USER,
      mailPerWindow: e.RATE_LIMIT_MAIL,
      mailPerRecipientPerWindow: e.RATE_LIMIT_MAIL_RECIPIENT,
      lockoutThreshold: e.LOCKOUT_THRESHOLD,
      deviceLockoutThreshold: e.LOCKOUT_DEVICE_THRESHOLD,
      lockoutBaseSeconds: e.LOCKOUT_BASE,
      lockoutMaxSeconds: e.LOCKOUT_MAX,
    },
    secondFactor: secondFactor as SecondFactorConfig,
    deviceTokenTtlSeconds: e.DEVICE_TOKEN_TTL,
    publicTunnel: e.PUBLIC_TUNNEL,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT,
    mail: {
      delivery: e.SMTP_URL !== undefined ? 'smtp' : production ? 'off' : 'outbox',
      smtpUrl: smtp?.url ?? null,
      smtpPassword: smtp?.password ?? null,
      from: e.MAIL_FROM,
      publicUrl: e.PUBLIC_URL ?? null,
      requireVerifiedEmail: e.REQUIRE_VERIFIED_EMAIL,
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
      retryBaseSeconds: e.MAIL_RETRY_BASE,
      resetTokenTtlSeconds: e.RESET_TOKEN_TTL,
      verifyTokenTtlSeconds: e.VERIFY_TOKEN_TTL,
    },
    warnings: [
      ...(secret.warning ? [secret.warning] : []),
      ...guessable,
      ...(e.RATE_LIMIT ? [] : ['RATE_LIMIT=off: login, registration and refresh are not rate limited (benchmarks only)']),
    ],
  };
}
