// Delivers the outbox: claims due messages (a lease: nobody else sends them meanwhile, in this
// process or another), hands each to the transport, and records the outcome. A failure is tried
// again later, each wait twice the last (MAIL_RETRY_BASE, 2x, 4x, ... up to six hours); after
// MAIL_MAX_ATTEMPTS tries, or at once for a permanent SMTP refusal (5xx), the message is marked
// failed and stays visible (CLI `outbox`, GET /admin/outbox). Nothing is sent from inside a request:
// a request only writes its message, then kicks this loop.
import type { Logger } from 'pino';
import type { ClaimedMessage, DeliveryOutcome, MailStore } from '../db/mail-store';
import { isPermanentSmtpError, type MailTransport } from './smtp-transport';

const MAX_RETRY_DELAY_MS = 6 * 3600 * 1000;

export interface OutboxSenderOptions {
  store: Pick<MailStore, 'claimOutbox' | 'settleOutbox'>;
  transport: MailTransport;
  maxAttempts: number;
  retryBaseMs: number;
  logger: Logger;
  now?: () => number;
  /** How often the outbox is looked at when nothing kicks the sender (other processes' messages, retries). */
  pollMs?: number;
  /** How long a claim lasts: longer than a delivery can take (the transport's timeouts). */
  leaseMs?: number;
  batchSize?: number;
}

export interface OutboxSender {
  /** A message was just queued: look now rather than at the next poll. */
  kick(): void;
  /** Finishes the delivery in progress, then stops. */
  stop(): Promise<void>;
}

/** When a failed delivery is tried again: never (null) past the last attempt or after a permanent refusal. */
export function retryAt(error: unknown, attempts: number, now: number, options: { maxAttempts: number; retryBaseMs: number }): number | null {
  if (isPermanentSmtpError(error) || attempts >= options.maxAttempts) return null;
  return now + Math.min(options.retryBaseMs * 2 ** (attempts - 1), MAX_RETRY_DELAY_MS);
}

export function startOutboxSender(options: OutboxSenderOptions): OutboxSender {
  const { store, transport, logger } = options;
  const now = options.now ?? Date.now;
  const pollMs = options.pollMs ?? 1000;
  const leaseMs = options.leaseMs ?? 120_000;
  const batchSize = options.batchSize ?? 10;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;

  async function deliver(message: ClaimedMessage): Promise<void> {
    let outcome: DeliveryOutcome;
    try {
      await transport.send(message);
      outcome = { sent: true };
    } catch (error) {
      const next = retryAt(error, message.attempts, now(), options);
      outcome = { sent: false, error: (error as Error).message ?? String(error), retryAt: next };
      const log = { id: message.id, kind: message.kind, attempts: message.attempts, reason: outcome.error };
      if (next === null) logger.error(log, 'mail failed for good: it stays in the outbox as failed');
      else logger.warn({ ...log, retry_at: new Date(next).toISOString() }, 'mail not delivered; will retry');
    }
    if (!(await store.settleOutbox(message.id, message.claim, outcome, now()))) {
      logger.warn({ id: message.id }, 'mail claim ran out before its delivery ended');
    }
  }

  async function drain(): Promise<void> {
    do {
      again = false;
      let claimed: ClaimedMessage[];
      do {
        claimed = await store.claimOutbox(now(), leaseMs, batchSize);
        for (const message of claimed) await deliver(message);
      } while (claimed.length === batchSize && !stopped);
    } while (again && !stopped);
  }

  function kick(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = drain()
      .catch((error: unknown) => logger.error({ err: error }, 'outbox sender: could not read the outbox'))
      .finally(() => (running = null));
  }

  const timer = setInterval(kick, pollMs);
  timer.unref();
  kick();

  return {
    kick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      transport.close();
    },
  };
}
