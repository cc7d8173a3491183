// Does a failed login take as long for an email nobody has as for a real account's wrong password?
// If not, a stopwatch tells an attacker which emails have accounts, whatever the bodies say. This
// times both over HTTP, against a fresh account of its own, with fewer wrong guesses than the
// lock-out threshold (so the account never locks) and a new unknown email each time.
import { randomBytes } from 'node:crypto';
import { callEndpoint, type EndpointOptions } from './test-endpoint';

export interface LoginTiming {
  /** Median milliseconds of the failed logins, each way. */
  unknownEmailMs: number;
  wrongPasswordMs: number;
  /** Every answer's status: all 401 when the timing means anything. */
  statuses: number[];
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * @example
 * const timing = await measureLoginTiming({ baseUrl }, 4);
 * // { unknownEmailMs: 61.8, wrongPasswordMs: 62.4, statuses: [401, 401, ...] }
 */
export async function measureLoginTiming(target: Pick<EndpointOptions, 'baseUrl' | 'address'>, samples = 4): Promise<LoginTiming> {
  const run = randomBytes(4).toString('hex');
  const account = { username: `timing_${run}`, email: `timing_${run}@example.com`, password: `the timing account ${run}` };
  const registered = await callEndpoint('POST', '/register', { ...target, body: account });
  if (registered.status !== 201) throw new Error(`could not register the timing account: ${registered.status} ${registered.text}`);

  const timed = async (email: string) => {
    const started = process.hrtime.bigint();
    const response = await callEndpoint('POST', '/login', { ...target, body: { email, password: `not the password ${randomBytes(4).toString('hex')}` } });
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, status: response.status };
  };
  const unknown: number[] = [];
  const wrong: number[] = [];
  const statuses: number[] = [];
  for (let i = 0; i < samples; i++) {
    // Alternating, so a slow moment of the machine falls on both sides alike.
    for (const [email, into] of [[`nobody_${run}_${i}@example.com`, unknown], [account.email, wrong]] as const) {
      const { ms, status } = await timed(email);
      into.push(ms);
      statuses.push(status);
    }
  }
  return { unknownEmailMs: median(unknown), wrongPasswordMs: median(wrong), statuses };
}
