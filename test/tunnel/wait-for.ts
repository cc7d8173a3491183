// Waits for something a test cannot get an event for (a server closing an idle connection, a
// supervisor reporting a new URL), polling; fails with `what` when it does not happen in time.
import { setTimeout as sleep } from 'node:timers/promises';

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
