// bcrypt hashes on libuv's threadpool. Under a login storm those threads keep every core busy, and
// the event loop thread must queue for a core like them: every other request waits. On Linux we
// lower the pool threads' priority (nice), so the event loop wins a core the moment it has work,
// while hashing still uses all the CPU left over. Elsewhere this does nothing.
import fs from 'node:fs';
import os from 'node:os';

const TASKS = '/proc/self/task';

/**
 * Starts the threadpool with `startPool` (it must be the first use of the pool) and lowers the
 * priority of the threads that appeared. Returns how many threads were reniced.
 */
export async function lowerThreadpoolPriority(startPool: () => Promise<unknown>, niceness = 19): Promise<number> {
  if (!fs.existsSync(TASKS)) {
    await startPool();
    return 0;
  }
  const before = new Set(fs.readdirSync(TASKS));
  await startPool();
  const started = fs.readdirSync(TASKS).filter((tid) => !before.has(tid));
  for (const tid of started) os.setPriority(Number(tid), niceness);
  return started.length;
}
