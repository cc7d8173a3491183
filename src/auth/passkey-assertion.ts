// A passkey assertion checked through @simplewebauthn/server: its challenge must be one this server
// issued for signing in, taken from the database once (a replayed assertion finds it gone), within
// minutes; the signature must verify with the stored public key for the relying party's origin and
// RP ID as they are now (site-address.ts); and the signature counter must move on from the stored
// value (a cloned authenticator shows up as a counter that did not), in one conditional write.
import { verifyAuthenticationResponse, type AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { PasskeyRecord } from '../db/mfa-store';
import type { AuthDeps } from './deps';

/** How long a challenge waits for its answer. */
export const CHALLENGE_TTL_MS = 5 * 60 * 1000;

/** The challenge the browser signed, read from the response's clientDataJSON; null if unreadable. */
export function challengeOf(response: { response: { clientDataJSON: string } }): string | null {
  try {
    const clientData = JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof clientData.challenge === 'string' && clientData.challenge.length <= 256 ? clientData.challenge : null;
  } catch {
    return null;
  }
}

/** The passkey that signed a fresh sign-in challenge, its counter moved on; null for anything else. */
export async function verifyPasskeyAssertion(deps: AuthDeps, response: AuthenticationResponseJSON): Promise<PasskeyRecord | null> {
  const challenge = challengeOf(response);
  if (challenge === null || !(await deps.store.takeWebauthnChallenge(challenge, 'login', deps.now()))) return null;
  const passkey = await deps.store.findPasskey(response.id);
  if (!passkey) return null;
  const userHandle = response.response.userHandle;
  if (userHandle && Buffer.from(userHandle, 'base64url').toString('utf8') !== String(passkey.userId)) return null;
  const { origin, rpId } = deps.relyingParty();
  let newCounter: number;
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: origin,
      expectedRPID: rpId,
      credential: { id: passkey.id, publicKey: new Uint8Array(passkey.publicKey), counter: passkey.counter, transports: passkey.transports as never },
      requireUserVerification: false,
    });
    if (!result.verified) return null;
    newCounter = result.authenticationInfo.newCounter;
  } catch {
    return null; // a bad signature, origin, RP ID or counter: all simply not a valid assertion
  }
  return (await deps.store.usePasskey(passkey.id, passkey.counter, newCounter, deps.now())) ? { ...passkey, counter: newCounter } : null;
}
