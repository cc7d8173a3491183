// Sessions: a row per login, an access token bound to it (sid claim), and an opaque refresh token
// (256 random bits, stored as SHA-256) that rotates on every use. A spent refresh token presented
// again means two parties hold it: the whole session ends (OAuth 2.0 Security BCP, section 4.14).
// Refresh tokens expire after REFRESH_TOKEN_TTL of disuse (sliding) and SESSION_MAX_AGE in all.
import type { AuditInput, MeUser, RequestUser, SessionRecord } from '../db/store';
import { auditEntry, hashRefreshToken, type AuthDeps, type RequestContext, type TokenGrant } from './deps';
import { AuthError } from './errors';
import { assertFreshAuthentication } from './fresh-auth';
import { enforceRateLimit, releaseRateLimit } from './rate-limits';
import { UNKNOWN_KEY, type AccessTokenClaims, type VerifiedAccessToken } from './tokens';

const REFRESH_TOKEN_BYTES = 32;
const REFRESH_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

const self = (user: { id: number }) => ({ userId: user.id, actorId: user.id });

async function grant(deps: AuthDeps, userId: number, sessionId: string, refreshToken: string): Promise<TokenGrant> {
  const { token, expiresIn } = await deps.tokens.sign({ userId, sessionId });
  return { token, refreshToken, tokenType: 'Bearer', expiresIn, sessionId };
}

/** Opens a session for a user who just proved who they are; `audit` records why. */
export async function startSession(deps: AuthDeps, userId: number, context: RequestContext, audit: AuditInput | null): Promise<TokenGrant> {
  const now = deps.now();
  const { refreshTokenTtlSeconds, sessionMaxAgeSeconds } = deps.config;
  const sessionId = deps.randomBytes(16).toString('base64url');
  const refreshToken = deps.randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
  const absoluteExpiresAt = now + sessionMaxAgeSeconds * 1000;
  await deps.store.createSession(
    {
      id: sessionId,
      userId,
      refreshTokenHash: hashRefreshToken(refreshToken),
      expiresAt: Math.min(now + refreshTokenTtlSeconds * 1000, absoluteExpiresAt),
      absoluteExpiresAt,
      userAgent: context.userAgent,
      ip: context.ip,
    },
    now,
    deps.config.maxSessionsPerUser,
    audit && { ...audit, details: { ...audit.details, session_id: sessionId } },
  );
  return grant(deps, userId, sessionId, refreshToken);
}

/** Bearer token -> who is asking, read from the database now; null when anything is off. */
export const authenticate = (deps: AuthDeps, token: string): Promise<RequestUser | null> => verifiedThen(deps, token, userOf);

/** The same, with the second-factor summary GET /users/me shows, in one query. */
export const authenticateMe = (deps: AuthDeps, token: string): Promise<MeUser | null> => verifiedThen(deps, token, meOf);

function verifiedThen<T>(deps: AuthDeps, token: string, lookup: (deps: AuthDeps, verified: VerifiedAccessToken) => Promise<T | null>): Promise<T | null> {
  // Not async: on every authenticated request, one promise (the store's) is enough.
  const verified = deps.tokens.verifyCached(token);
  if (verified === UNKNOWN_KEY) return deps.tokens.verifyAfterReload(token).then((again) => (again ? lookup(deps, again) : null));
  if (!verified) return Promise.resolve(null);
  return lookup(deps, verified);
}

const userOf = (deps: AuthDeps, verified: VerifiedAccessToken) => deps.store.findUserForRequest(verified.userId, verified.sessionId, deps.now());
const meOf = (deps: AuthDeps, verified: VerifiedAccessToken) => deps.store.findMeForRequest(verified.userId, verified.sessionId, deps.now());

/** Like authenticate, with the token's claims: for introspection, off the hot path. */
export async function introspect(deps: AuthDeps, token: string): Promise<{ user: RequestUser; claims: AccessTokenClaims } | null> {
  const cached = deps.tokens.verifyCached(token);
  const verified = cached === UNKNOWN_KEY ? await deps.tokens.verifyAfterReload(token) : cached;
  const user = verified && (await userOf(deps, verified));
  return user ? { user, claims: verified!.claims } : null;
}

/** Counts toward the address's failure limit unless it succeeds. */
export async function refresh(deps: AuthDeps, refreshToken: string, context: RequestContext): Promise<TokenGrant> {
  const slot = await enforceRateLimit(deps, 'refresh', context);
  if (!REFRESH_TOKEN_PATTERN.test(refreshToken)) {
    throw new AuthError('invalid_refresh_token', 'Invalid or expired refresh token');
  }
  const next = deps.randomBytes(REFRESH_TOKEN_BYTES).toString('base64url');
  const result = await deps.store.rotateRefreshToken(
    hashRefreshToken(refreshToken),
    hashRefreshToken(next),
    deps.now(),
    deps.config.refreshTokenTtlSeconds * 1000,
    { actorId: null, ip: context.ip, userAgent: context.userAgent },
  );
  if (result.status === 'reused') {
    throw new AuthError('refresh_token_reused', 'Refresh token was already used; the session has been ended');
  }
  if (result.status === 'invalid') throw new AuthError('invalid_refresh_token', 'Invalid or expired refresh token');
  await releaseRateLimit(deps, slot);
  return grant(deps, result.userId, result.sessionId, next);
}

export async function logout(deps: AuthDeps, user: RequestUser, context: RequestContext): Promise<void> {
  await deps.store.deleteSession(user.id, user.sessionId, deps.now(), auditEntry('logout', context, self(user), { session_id: user.sessionId }));
}

/** Ends every session of the caller, this one included; returns how many. */
export async function logoutAll(deps: AuthDeps, user: RequestUser, context: RequestContext): Promise<number> {
  const ended = await deps.store.deleteSessionsOfUser(user.id, deps.now(), auditEntry('logout_all', context, self(user)));
  return typeof ended === 'number' ? ended : 0;
}

export async function listSessions(deps: AuthDeps, user: RequestUser): Promise<Array<SessionRecord & { current: boolean }>> {
  const sessions = await deps.store.listSessions(user.id, deps.now());
  return sessions.map((session) => ({ ...session, current: session.id === user.sessionId }));
}

export async function revokeSession(deps: AuthDeps, user: RequestUser, sessionId: string, context: RequestContext): Promise<void> {
  if (sessionId !== user.sessionId) await assertFreshAuthentication(deps, user); // ending another session
  const ended = await deps.store.deleteSession(user.id, sessionId, deps.now(), auditEntry('session_revoked', context, self(user), { session_id: sessionId }));
  if (!ended) throw new AuthError('not_found', 'No such session');
}
