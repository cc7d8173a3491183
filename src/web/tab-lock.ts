// One tab at a time: runs a task while holding a lock shared by every tab of this origin. Web Locks
// where they exist; plain http on a LAN address is not a secure context and has none, so there a
// claim in localStorage stands in: write a claim, wait for other tabs' writes to arrive, and proceed
// only if the claim that stuck is ours (the last writer wins, everyone else waits and tries again).

/** Another tab's write reaches this tab's localStorage within this; only then is a claim settled. */
const SETTLE_MS = 100;
/** A tab that closes while holding the lock frees it after this: longer than any refresh takes. */
const CLAIM_LIFETIME_MS = 10_000;
const RETRY_MS = 40;

interface Claim {
  id: string;
  expiresAt: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function readClaim(key: string): Claim | null {
  try {
    const claim = JSON.parse(localStorage.getItem(key) ?? 'null') as Partial<Claim> | null;
    return typeof claim?.id === 'string' && typeof claim.expiresAt === 'number' ? (claim as Claim) : null;
  } catch {
    return null; // not JSON: nobody's claim
  }
}

/** crypto.randomUUID needs a secure context too; getRandomValues does not. */
function randomId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function withStorageLock<T>(key: string, task: () => Promise<T>): Promise<T> {
  const id = randomId();
  for (;;) {
    const held = readClaim(key);
    if (held === null || held.expiresAt < Date.now()) {
      localStorage.setItem(key, JSON.stringify({ id, expiresAt: Date.now() + CLAIM_LIFETIME_MS }));
      await sleep(SETTLE_MS);
      if (readClaim(key)?.id === id) break;
    }
    await sleep(RETRY_MS * (1 + Math.random())); // jitter, so waiting tabs do not claim in step
  }
  try {
    return await task();
  } finally {
    if (readClaim(key)?.id === id) localStorage.removeItem(key);
  }
}

function storageWorks(): boolean {
  try {
    return typeof localStorage !== 'undefined' && localStorage !== null;
  } catch {
    return false; // storage disabled for this site: reading the property throws
  }
}

/**
 * Runs `task` while no other tab of this origin runs one under the same `name`.
 *
 * @example
 * await withTabLock('authbook-refresh', refreshOnce);
 */
export async function withTabLock<T>(name: string, task: () => Promise<T>): Promise<T> {
  if (navigator.locks) return await navigator.locks.request(name, task);
  if (storageWorks()) return withStorageLock(`lock:${name}`, task);
  return task(); // no way to coordinate: at worst a refresh collides, as before
}
