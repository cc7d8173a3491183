// Fresh demo accounts for notebook cells. A cell that creates an account makes a new one each time
// it runs, so running it again never meets "email taken", or a lock-out the last run left behind.
import { randomBytes } from 'node:crypto';

export interface DemoAccount {
  username: string;
  email: string;
  password: string;
}

/**
 * @example
 * demoAccount('ada'); // { username: 'ada_3f9a1c', email: 'ada_3f9a1c@example.com', password: 'ada has a long passphrase 3f9a1c' }
 */
export function demoAccount(name: string): DemoAccount {
  const suffix = randomBytes(3).toString('hex');
  return { username: `${name}_${suffix}`, email: `${name}_${suffix}@example.com`, password: `${name} has a long passphrase ${suffix}` };
}
