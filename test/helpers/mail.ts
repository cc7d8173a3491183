// Reading what arrived at the test SMTP server: the messages to one address, waiting for the next
// one (the catcher's own functions, named for the tests), and the token of its link.
import { tokenOf, type CaughtMail, type TestSmtpServer } from '../fixtures/smtp-server';

export const mailsTo = (smtp: TestSmtpServer, address: string, subject?: string): CaughtMail[] => smtp.messagesTo(address, subject);

/** Waits for the `nth` (1 by default) message to `address` with `subject`, and returns it. */
export const waitForMail = (smtp: TestSmtpServer, address: string, subject?: string, options: { nth?: number; timeoutMs?: number } = {}): Promise<CaughtMail> =>
  smtp.waitForMessageTo(address, { subject, ...options });

/** The token of a message's link; throws when there is none. */
export function tokenIn(mail: CaughtMail): string {
  const token = tokenOf(mail);
  if (!token) throw new Error(`the message "${mail.subject}" carries no token`);
  return token;
}

export const SUBJECTS = {
  verify: 'Confirm your email address',
  change: 'Confirm your new email address',
  reset: 'Reset your password',
  resetNotice: 'Your password was reset',
  changedNotice: 'Your password was changed',
  emailNotice: 'Your email address was changed',
} as const;
