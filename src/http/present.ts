// Records -> the JSON the API promises. Timestamps leave as ISO 8601; no hash or token hash
// ever reaches a response, because these functions pick fields rather than remove them.
import type { TokenGrant } from '../auth/deps';
import type { OutboxRecord } from '../db/mail-store';
import type { MfaChallenge } from '../auth/login';
import type { PasskeyRecord } from '../db/mfa-store';
import type { AuditRecord, MeUser, SessionRecord, UserRecord } from '../db/store';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The original's user shape. */
export const userSummary = (user: UserRecord) => ({ id: user.id, username: user.username, email: user.email, role: user.role });

/** What an administrator sees of an account. */
export const userDetail = (user: UserRecord) => ({
  ...userSummary(user),
  disabled: user.disabledAt !== null,
  created_at: iso(user.createdAt),
  updated_at: iso(user.updatedAt),
});

/**
 * GET /users/me's user, with its second-factor summary. One flat literal, no spread of
 * userSummary: on the hot path the spreads cost about 4 µs of a ~300 µs request (issue 15).
 */
export const me = (user: MeUser) => ({
  id: user.id,
  username: user.username,
  email: user.email,
  role: user.role,
  email_verified: user.emailVerifiedAt !== null,
  permissions: user.permissions,
  created_at: iso(user.createdAt),
  mfa: { totp: user.mfa.totp, passkeys: user.mfa.passkeys, recovery_codes_left: user.mfa.recoveryCodesLeft },
});

export const passkey = (record: PasskeyRecord) => ({ id: record.id, name: record.name, created_at: iso(record.createdAt), last_used_at: iso(record.lastUsedAt) });

/** /login's answer when a second factor is needed: no token, no refresh token. */
export const mfaChallenge = (challenge: MfaChallenge) => ({
  message: 'Second factor required: POST /login/mfa with the mfa_token and a code',
  mfa_required: true,
  mfa_token: challenge.mfaToken,
  methods: challenge.methods,
});

export const tokens = (grant: TokenGrant) => ({
  token: grant.token,
  refresh_token: grant.refreshToken,
  token_type: grant.tokenType,
  expires_in: grant.expiresIn,
});

export const session = (record: SessionRecord & { current: boolean }) => ({
  id: record.id,
  current: record.current,
  created_at: iso(record.createdAt),
  last_used_at: iso(record.lastUsedAt),
  expires_at: iso(record.expiresAt),
  user_agent: record.userAgent,
  ip: record.ip,
});

export const auditEntry = (record: AuditRecord) => ({
  id: record.id,
  at: iso(record.at),
  event: record.event,
  user_id: record.userId,
  actor_id: record.actorId,
  ip: record.ip,
  user_agent: record.userAgent,
  details: record.details,
});

export const page = (pageNumber: number, perPage: number, total: number) => ({ page: pageNumber, per_page: perPage, total });

/** An outbox message as an administrator sees it: never its body, which may carry a live token. */
export const outboxMessage = (record: OutboxRecord) => ({
  id: record.id,
  kind: record.kind,
  recipient: record.recipient,
  subject: record.subject,
  status: record.status,
  attempts: record.attempts,
  created_at: iso(record.createdAt),
  next_attempt_at: record.status === 'pending' ? iso(record.nextAttemptAt) : null,
  last_error: record.lastError,
  sent_at: iso(record.sentAt),
});
