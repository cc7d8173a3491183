// WORKERS=N: N processes serving one port (node:cluster), on either backend. The primary only
// supervises: it forks the workers, says "listening" once all of them are, passes SIGTERM/SIGINT on
// and waits for them, and replaces a worker that dies after start. The first worker leads (creates
// the bootstrap admin, prunes); the others only serve, so start-up chores happen once.
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';

/** Set by the primary in each worker's environment: which slot it fills, and whether it leads. */
const SLOT_VARIABLE = 'AUTHBOOK_WORKER_SLOT';
const RESPAWN_DELAY_MS = 1000;

export interface WorkerMessage {
  type: 'listening';
  url: string;
}

/** In a worker: its slot (0 leads), else null. */
export function workerSlot(): number | null {
  return cluster.isWorker ? Number(process.env[SLOT_VARIABLE]) : null;
}

/** In a worker: tell the primary this one is serving. */
export function reportListening(url: string): void {
  process.send?.({ type: 'listening', url } satisfies WorkerMessage);
}

/** In the primary: fork `count` workers and supervise them until a signal stops them all. */
export function superviseWorkers(count: number, logger: Logger): void {
  const slots = new Map<Worker, number>();
  const listening = new Set<number>();
  let stopping = false;
  let started = false;

  const fork = (slot: number) => {
    const worker = cluster.fork({ [SLOT_VARIABLE]: String(slot) });
    slots.set(worker, slot);
    worker.on('message', (message: WorkerMessage) => {
      if (message?.type !== 'listening' || started) return;
      listening.add(slot);
      if (listening.size === count) {
        started = true;
        console.log(`authbook listening on ${message.url} (${count} workers)`);
      }
    });
  };

  const stopAll = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: stopping the workers');
    for (const worker of slots.keys()) worker.process.kill('SIGTERM');
  };

  cluster.on('exit', (worker, code, signal) => {
    const slot = slots.get(worker)!;
    slots.delete(worker);
    if (stopping) {
      if (slots.size === 0) process.exit(process.exitCode ?? 0);
      return;
    }
    if (!started) {
      // A worker that cannot start (bad port, database unreachable) has said why on stderr: stop.
      process.exitCode = 1;
      stopAll('SIGTERM');
      if (slots.size === 0) process.exit(1);
      return;
    }
    logger.error({ slot, code, signal }, 'worker died; starting another');
    setTimeout(() => fork(slot), RESPAWN_DELAY_MS);
  });

  process.once('SIGTERM', () => stopAll('SIGTERM'));
  process.once('SIGINT', () => stopAll('SIGINT'));
  for (let slot = 0; slot < count; slot++) fork(slot);
}
