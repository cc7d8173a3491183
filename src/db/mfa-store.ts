// The second factor's part of the storage interface (AuthStore extends it): TOTP secrets (sealed
// before they reach the store), recovery-code hashes, passkeys, single-use WebAuthn challenges and
// when a session last proved who it is. Every spend (a TOTP time step, a recovery code, a challenge,
// a signature counter) is one conditional write, so of requests racing for it exactly one wins,
// on SQLite and on PostgreSQL alike.
import type { ActorCheck, AuditInput } from './store';

export interface TotpRecord {
  /** The secret as secret-box.ts sealed it (context `totp:<userId>`); never the plain secret. */
  sealedSecret: string;
  /** Null while the enrolment waits for its first code. */
  confirmedAt: number | null;
  /** The newest time step accepted: a code of this step or an older one is refused. */
  lastStep: number | null;
}

export interface MfaStatus {
  totp: boolean;
  passkeys: number;
  recoveryCodesLeft: number;
}

export interface PasskeyRecord {
  /** The credential id, base64url. */
  id: string;
  userId: number;
  publicKey: Buffer;
  counter: number;
  transports: string[];
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export type WebauthnPurpose = 'register' | 'login';

export interface WebauthnChallenge {
  challenge: string;
  purpose: WebauthnPurpose;
  /** Registration: the user it was issued to; login: null (the passkey names its user). */
  userId: number | null;
  expiresAt: number;
}

export type MfaResetResult = 'reset' | 'not_found' | 'forbidden';

export interface MfaStore {
  mfaStatus(userId: number): Promise<MfaStatus>;
  findTotp(userId: number): Promise<TotpRecord | null>;
  /** Stores a pending secret (replacing a pending one); false when a confirmed one exists. */
  beginTotpEnrolment(userId: number, sealedSecret: string, now: number): Promise<boolean>;
  /**
   * Activates the pending secret `sealedSecret` (still the pending one: a later set-up wins), with its
   * first accepted step and the recovery codes' hashes (replacing any); false if it is no longer pending.
   */
  confirmTotpEnrolment(userId: number, sealedSecret: string, step: number, recoveryCodeHashes: Buffer[], now: number, audit: AuditInput): Promise<boolean>;
  /** Records `step` as accepted if it is newer than the last one: false for a replay (or no confirmed secret). */
  acceptTotpStep(userId: number, step: number): Promise<boolean>;
  /** Marks an unused recovery code used; false if it is not the user's or was used (or a racer used it first). */
  spendRecoveryCode(userId: number, codeHash: Buffer, now: number): Promise<boolean>;
  /** Removes the TOTP secret and the recovery codes; false if there was no secret. */
  removeTotp(userId: number, now: number, audit: AuditInput): Promise<boolean>;
  /** An admin removes every second factor of a user (lost phone); `actor` checked in the transaction. */
  resetMfa(userId: number, now: number, actor: ActorCheck, audit: AuditInput): Promise<MfaResetResult>;

  /** The session proved who it is now; false if it is not a live session of the user. */
  markSessionAuthenticated(userId: number, sessionId: string, now: number, audit: AuditInput | null): Promise<boolean>;
  /** When the session last proved who it is (its login, or a later re-authentication); null if not live. */
  sessionAuthenticatedAt(userId: number, sessionId: string, now: number): Promise<number | null>;

  /** Stores a challenge to be taken once; expired challenges are deleted on the way. */
  saveWebauthnChallenge(challenge: WebauthnChallenge, now: number): Promise<void>;
  /** Deletes and returns the challenge if it is live and of this purpose: a second taker gets null. */
  takeWebauthnChallenge(challenge: string, purpose: WebauthnPurpose, now: number): Promise<WebauthnChallenge | null>;
  addPasskey(passkey: PasskeyRecord, audit: AuditInput): Promise<boolean>;
  findPasskey(id: string): Promise<PasskeyRecord | null>;
  listPasskeys(userId: number): Promise<PasskeyRecord[]>;
  /** Moves the counter from `expected` to `next` (a racer that moved it first makes this false). */
  usePasskey(id: string, expected: number, next: number, now: number): Promise<boolean>;
  removePasskey(userId: number, id: string, now: number, audit: AuditInput): Promise<boolean>;
}
