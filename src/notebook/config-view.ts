// A Config as rows a person can read: the environment variable an operator sets, the setting it
// became, and its value, with every secret replaced by a mark. Redaction goes by type and name, not
// by a list, so a secret added to Config later stays hidden too. The variable names are a table
// here (loadConfig keeps its schema private); a test checks loadConfig reads each one.
import { KeyObject } from 'node:crypto';
import type { Config } from '../config';

export interface ConfigRow {
  /** The environment variable, or '' for what loadConfig works out itself. */
  variable: string;
  setting: string;
  value: string;
}

/** Each setting's environment variable, by the setting's dotted name. */
export const CONFIG_VARIABLES: Readonly<Record<string, string>> = {
  nodeEnv: 'NODE_ENV',
  host: 'HOST',
  port: 'PORT',
  databasePath: 'DATABASE_PATH',
  'database.kind': 'DATABASE_URL', // sqlite when it is not set
  'database.url': 'DATABASE_URL',
  'database.password': 'DATABASE_URL', // hidden: the name ends in "password"
  'database.poolSize': 'DATABASE_POOL_SIZE',
  workers: 'WORKERS',
  jwtSecret: 'JWT_SECRET',
  secretsKey: 'SECRETS_KEY',
  jwtIssuer: 'JWT_ISSUER',
  jwtAudience: 'JWT_AUDIENCE',
  'signing.algorithm': 'ACCESS_TOKEN_ALG',
  'signing.rotationSeconds': 'SIGNING_KEY_ROTATION', // null: off
  'signing.activationDelaySeconds': 'SIGNING_KEY_ACTIVATION_DELAY',
  introspectionClients: 'INTROSPECTION_CLIENTS', // ids shown, secrets never (only their hashes are kept)
  accessTokenTtlSeconds: 'ACCESS_TOKEN_TTL',
  refreshTokenTtlSeconds: 'REFRESH_TOKEN_TTL',
  sessionMaxAgeSeconds: 'SESSION_MAX_AGE',
  maxSessionsPerUser: 'MAX_SESSIONS_PER_USER',
  clockSkewSeconds: 'CLOCK_SKEW',
  bcryptRounds: 'BCRYPT_ROUNDS',
  'password.minLength': 'PASSWORD_MIN_LENGTH',
  'password.maxLength': 'PASSWORD_MAX_LENGTH',
  'password.requireMixedCharacters': 'PASSWORD_REQUIRE_MIXED',
  bootstrapAdmin: 'ADMIN_EMAIL, ADMIN_PASSWORD', // when neither is set
  'bootstrapAdmin.email': 'ADMIN_EMAIL',
  'bootstrapAdmin.password': 'ADMIN_PASSWORD',
  'bootstrapAdmin.username': 'ADMIN_USERNAME',
  trustProxy: 'TRUST_PROXY',
  'rateLimit.enabled': 'RATE_LIMIT',
  'rateLimit.windowSeconds': 'RATE_LIMIT_WINDOW',
  'rateLimit.loginFailuresPerWindow': 'RATE_LIMIT_LOGIN',
  'rateLimit.registerPerWindow': 'RATE_LIMIT_REGISTER',
  'rateLimit.refreshFailuresPerWindow': 'RATE_LIMIT_REFRESH',
  'rateLimit.passwordChangesPerWindow': 'RATE_LIMIT_PASSWORD',
  'rateLimit.passwordChangesPerUserPerWindow': 'RATE_LIMIT_PASSWORD_USER',
  'rateLimit.mailPerWindow': 'RATE_LIMIT_MAIL',
  'rateLimit.mailPerRecipientPerWindow': 'RATE_LIMIT_MAIL_RECIPIENT',
  'rateLimit.lockoutThreshold': 'LOCKOUT_THRESHOLD',
  'rateLimit.deviceLockoutThreshold': 'LOCKOUT_DEVICE_THRESHOLD',
  'rateLimit.lockoutBaseSeconds': 'LOCKOUT_BASE',
  'rateLimit.lockoutMaxSeconds': 'LOCKOUT_MAX',
  deviceTokenTtlSeconds: 'DEVICE_TOKEN_TTL',
  'secondFactor.reauthMaxAgeSeconds': 'REAUTH_MAX_AGE',
  'secondFactor.webauthnRpId': 'WEBAUTHN_RP_ID',
  'secondFactor.webauthnOrigin': 'WEBAUTHN_ORIGIN',
  'secondFactor.webauthnConfigured': 'WEBAUTHN_ORIGIN, WEBAUTHN_RP_ID', // true when either is set
  publicTunnel: 'PUBLIC_TUNNEL',
  logLevel: 'LOG_LEVEL',
  bodyLimitBytes: 'BODY_LIMIT',
  'mail.delivery': 'SMTP_URL', // smtp when set; outbox without it, off in production
  'mail.smtpUrl': 'SMTP_URL',
  'mail.smtpPassword': 'SMTP_URL', // hidden: the name ends in "password"
  'mail.from': 'MAIL_FROM',
  'mail.publicUrl': 'PUBLIC_URL',
  'mail.requireVerifiedEmail': 'REQUIRE_VERIFIED_EMAIL',
  'mail.maxAttempts': 'MAIL_MAX_ATTEMPTS',
  'mail.retryBaseSeconds': 'MAIL_RETRY_BASE',
  'mail.resetTokenTtlSeconds': 'RESET_TOKEN_TTL',
  'mail.verifyTokenTtlSeconds': 'VERIFY_TOKEN_TTL',
};

const SECRET_MARK = '••••••••';
const SECRET_NAME = /(password|secret)$/i;

function describe(setting: string, value: unknown): string {
  if (value instanceof KeyObject) return `${SECRET_MARK}  (${value.symmetricKeySize ?? '?'}-byte key, hidden)`;
  if (SECRET_NAME.test(setting) && typeof value === 'string') return `${SECRET_MARK}  (set, hidden)`;
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'object' && item !== null && 'id' in item ? `${item.id}:${SECRET_MARK}` : String(item))).join(' | ');
  return String(value);
}

/**
 * One row per setting, nested settings flattened with dots (`rateLimit.lockoutBaseSeconds`), in
 * the order of Config.
 *
 * @example
 * tslab.display.html(htmlTable(configRows(config)));
 * // LOCKOUT_BASE   rateLimit.lockoutBaseSeconds   60
 */
export function configRows(config: Config): ConfigRow[] {
  const rows: ConfigRow[] = [];
  const add = (setting: string, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof KeyObject)) {
      for (const [key, inner] of Object.entries(value)) add(`${setting}.${key}`, inner);
    } else {
      rows.push({ variable: CONFIG_VARIABLES[setting] ?? '', setting, value: describe(setting, value) });
    }
  };
  for (const [setting, value] of Object.entries(config)) add(setting, value);
  return rows;
}
