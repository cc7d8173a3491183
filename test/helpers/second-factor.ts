// Test steps for the second factor: enrol a user in TOTP (playing the authenticator app with the
// library, as the notebook does) and sign in with a code. A code is accepted once per 30-second
// step, and only within a step of now, so the enrolment confirms with the previous step's code:
// the current and the next step stay usable, two more codes in all.
import { totpCode } from '../../src/auth/totp';
import type { TestServer } from './test-server';

export const STEP_MS = 30_000;

/** The app's code `steps` steps from now. */
export const codeAt = (secret: string, steps = 0): string => totpCode(secret, Date.now() + steps * STEP_MS);

export async function enrolTotp(server: TestServer, user: { token: string; password: string }) {
  const setup = await server.request('POST', '/users/me/mfa/totp/setup', { token: user.token, body: { password: user.password } });
  if (setup.status !== 200) throw new Error(`setup failed: ${setup.status} ${setup.text}`);
  const secret = setup.body.secret as string;
  const confirm = await server.request('POST', '/users/me/mfa/totp/confirm', { token: user.token, body: { code: codeAt(secret, -1) } });
  if (confirm.status !== 200) throw new Error(`confirm failed: ${confirm.status} ${confirm.text}`);
  return { secret, setup: setup.body, recoveryCodes: confirm.body.recovery_codes as string[] };
}

/** POST /login, expecting the challenge; returns its mfa_token. */
export async function mfaTokenFor(url: string, request: (url: string, method: string, path: string, options: object) => Promise<{ status: number; body: any }>, user: { email: string; password: string }) {
  const answer = await request(url, 'POST', '/login', { body: { email: user.email, password: user.password } });
  if (answer.status !== 200 || !answer.body.mfa_required) throw new Error(`expected an mfa challenge: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body.mfa_token as string;
}
