// The one way a second factor is checked (at /login/mfa, to re-authenticate, to remove TOTP): a TOTP
// code or a recovery code, inside the account's attempt budget. The budget is the same machinery and
// threshold as the password's (password-attempts.ts: reserved before the check, settled after, so
// however many codes arrive at once only LOCKOUT_THRESHOLD are checked), under a key of its own,
// `mfa:<user id>`: a right password forgives the password's record, and must not refill the codes'.
// A code is spent by the store in one conditional write: its time step once, a recovery code once.
import { auditEntry, type AuthDeps, type RequestContext } from './deps';
import { accountPolicy, reserveFromBudgets, settleCheck } from './password-attempts';
import { hashRecoveryCode, normalizeRecoveryCode } from './recovery-codes';
import { matchingTotpStep } from './totp';

export type SecondFactorProof = { code: string } | { recoveryCode: string };
export type SecondFactorMethod = 'totp' | 'recovery_code';

/** The context a user's TOTP secret is sealed under: it opens for that user's row only. */
export const totpSealContext = (userId: number): string => `totp:${userId}`;

/** The user's confirmed secret, opened; null when TOTP is not on. */
export async function openTotpSecret(deps: AuthDeps, userId: number): Promise<string | null> {
  const totp = await deps.store.findTotp(userId);
  if (!totp || totp.confirmedAt === null) return null;
  return deps.secrets.open(totp.sealedSecret, totpSealContext(userId)).toString('utf8');
}

async function spend(deps: AuthDeps, userId: number, proof: SecondFactorProof): Promise<SecondFactorMethod | null> {
  if ('code' in proof) {
    const secret = await openTotpSecret(deps, userId);
    const step = secret === null ? null : matchingTotpStep(secret, proof.code, deps.now());
    // A code of a step already used (this one, or an older one still in the window) is a replay.
    return step !== null && (await deps.store.acceptTotpStep(userId, step)) ? 'totp' : null;
  }
  const code = normalizeRecoveryCode(proof.recoveryCode);
  return code !== null && (await deps.store.spendRecoveryCode(userId, hashRecoveryCode(code), deps.now())) ? 'recovery_code' : null;
}

/**
 * Checks and spends the proof; null (counted and audited as a login_failure) when it is wrong or
 * already used. Throws account_locked (429) when the budget is spent or a lock came into force.
 */
export async function checkSecondFactor(
  deps: AuthDeps,
  userId: number,
  proof: SecondFactorProof,
  context: RequestContext,
  details: Record<string, string>,
): Promise<SecondFactorMethod | null> {
  const budget = deps.config.rateLimit.enabled ? await reserveFromBudgets(deps, [{ key: `mfa:${userId}`, policy: accountPolicy(deps) }]) : null;
  const method = await spend(deps, userId, proof);
  const failure = auditEntry('login_failure', context, { userId, actorId: null }, { ...details, factor: 'code' in proof ? 'totp' : 'recovery_code' });
  await settleCheck(deps, budget, method !== null, failure);
  return method;
}
