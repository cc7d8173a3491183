// Whether this process delivers mail, decided once at start: with SMTP_URL, an outbox sender on
// nodemailer (every process runs one; claims keep them from sending a message twice); without it,
// none, and the server says so (messages stay in the outbox, or mail is off in production).
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { MailStore } from '../db/mail-store';
import { startOutboxSender, type OutboxSender } from './outbox-sender';
import { createSmtpTransport } from './smtp-transport';

export function startMailDelivery(config: Config, store: MailStore, logger: Logger): OutboxSender | null {
  const { mail } = config;
  if (mail.delivery !== 'smtp') {
    logger.warn({ delivery: mail.delivery }, mail.delivery === 'off'
      ? 'mail is off (no SMTP_URL in production): password reset, verification and address change answer 503'
      : 'mail is not sent (no SMTP_URL): messages stay in the outbox; read them with `npm run cli -- outbox`');
    return null;
  }
  logger.info({ smtp: mail.smtpUrl, from: mail.from }, 'mail sender started');
  return startOutboxSender({
    store,
    transport: createSmtpTransport(mail),
    maxAttempts: mail.maxAttempts,
    retryBaseMs: mail.retryBaseSeconds * 1000,
    logger,
  });
}
