// The way out: nodemailer over SMTP_URL (smtp:// with STARTTLS when the server offers it, or
// smtps://), one pooled connection or two, and timeouts short enough that a dead server fails a
// delivery in seconds rather than holding a claim (the outbox retries it later).
import nodemailer from 'nodemailer';
import type { MailConfig } from '../config';
import type { MailMessage } from '../db/mail-store';

export interface MailTransport {
  /** Resolves once the SMTP server has accepted the message; rejects with its error otherwise. */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** SMTP reply codes 5xx mean "never": retrying cannot help (no such mailbox, message refused). */
export const isPermanentSmtpError = (error: unknown): boolean => {
  const code = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
};

export function createSmtpTransport(mail: Pick<MailConfig, 'smtpUrl' | 'smtpPassword' | 'from'>): MailTransport {
  if (mail.smtpUrl === null) throw new Error('createSmtpTransport needs SMTP_URL');
  const url = new URL(mail.smtpUrl);
  if (mail.smtpPassword !== null) url.password = encodeURIComponent(mail.smtpPassword);
  const transporter = nodemailer.createTransport({
    url: url.toString(),
    pool: true,
    maxConnections: 2,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  } as nodemailer.TransportOptions);
  return {
    async send(message) {
      await transporter.sendMail({ from: mail.from, to: message.recipient, subject: message.subject, text: message.text, html: message.html });
    },
    close: () => transporter.close(),
  };
}
