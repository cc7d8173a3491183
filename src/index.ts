// The package's public face: what the notebooks, the CLI and an embedding application import.
// Notebooks import only from here (through dist/), so what they teach is the public API.
export { loadConfig, ConfigError, parseDurationSeconds } from './config';
export type { Config, RateLimitConfig, PasswordPolicyConfig, BootstrapAdmin } from './config';
export { openDatabase } from './db/open-database';
export type { SqliteDatabase } from './db/open-database';
export { SCHEMA_VERSION } from './db/migrations';
export { createSqliteStore } from './db/sqlite-store';
export type { AuthStore, UserRecord, RequestUser, RoleRecord, SessionRecord, AuditRecord } from './db/store';
export { createAuthService } from './auth/auth-service';
export type { AuthService } from './auth/auth-service';
export { AuthError, isAuthError } from './auth/errors';
export type { AuthErrorCode } from './auth/errors';
export { createPasswordHasher, describeBcryptHash } from './auth/passwords';
export { checkPassword } from './auth/password-policy';
export { createTokenService, ACCESS_TOKEN_ALGORITHM, ACCESS_TOKEN_TYPE } from './auth/tokens';
export type { TokenService, AccessTokenClaims } from './auth/tokens';
export { createApp } from './http/app';
export { requireAuth, requireRole, requirePermission } from './http/guards';
export { startServer } from './server';
export type { RunningServer } from './server';
export { VERSION } from './version';
export { openTunnel } from './tunnel/open-tunnel';
export type { OpenTunnelOptions } from './tunnel/open-tunnel';
export type { TunnelHandle, TunnelEvent } from './tunnel/tunnel-supervisor';
export { TUNNEL_REMINDER_HEADERS } from './tunnel/tunnel-http';
export { TunnelError, isTunnelError } from './tunnel/tunnel-error';
export type { TunnelErrorCode } from './tunnel/tunnel-error';
