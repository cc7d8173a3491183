// What every rule in auth/ works with, built once by createAuthService and passed down: the
// validated config, the store, the password hasher, the access tokens and their keys, and the clock and randomness
// seams that tests replace.
import { createHash, randomBytes } from 'node:crypto';
import type { Config } from '../config';
import type { ActorCheck, AuditInput, AuthStore, RequestUser, UserRecord } from '../db/store';
import type { PasswordHasher } from './passwords';
import type { RelyingParty } from './site-address';
import type { AccessTokens } from './access-tokens';
import type { KeyRing } from './key-ring';
import type { MfaTokens } from './mfa-token';
import type { SecretBox } from '../secret-box';
import type { TrustedDevices } from './trusted-devices';

export interface AuthDeps {
  config: Config;
  store: AuthStore;
  hasher: PasswordHasher;
  tokens: AccessTokens;
  keys: KeyRing;
  devices: TrustedDevices;
  /** Seals TOTP secrets at rest (context `totp:<userId>`). */
  secrets: SecretBox;
  /** The mfa_token between a password and a second factor. */
  mfaTokens: MfaTokens;
  /** Milliseconds since the epoch. */
  now: () => number;
  randomBytes: (size: number) => Buffer;
  /** The base of links in messages, per call: PUBLIC_URL, else the public URL, else the server's own (site-address.ts). */
  publicUrl: () => string;
  /** WebAuthn's RP ID and origin, per call: a tunnel's URL can change while the server runs (site-address.ts). */
  relyingParty: () => RelyingParty;
  /** A message was written to the outbox: the sender may look now. */
  mailQueued: () => void;
}

/** Where a request came from, for sessions, rate limits and the audit log. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}

/** What login, registration and refresh hand back to the client. */
export interface TokenGrant {
  token: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  sessionId: string;
}

export interface UserGrant extends TokenGrant {
  user: UserRecord;
  /** A trusted-device token for this client (trusted-devices.ts). */
  deviceToken: string;
}

export const defaultRandomBytes = (size: number): Buffer => randomBytes(size);

/** Refresh tokens are stored only as this hash: a stolen database holds no usable token. */
export const hashRefreshToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/** One audit row: what happened, to whom, by whom, from where. Never a secret. */
export function auditEntry(
  event: AuditInput['event'],
  context: RequestContext,
  ids: { userId: number | null; actorId: number | null },
  details?: AuditInput['details'],
): AuditInput {
  return { event, ...ids, ip: context.ip, userAgent: context.userAgent, details };
}

/** The caller as the store checks it again inside a privileged write. */
export const actorCheck = (user: RequestUser, ...permissions: string[]): ActorCheck => ({ userId: user.id, sessionId: user.sessionId, permissions });
