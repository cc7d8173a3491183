// Notebook 10's views of mail: a received message rendered as a person would see it (headers, then
// its HTML part), and the forgot-password answer timed for a known and an unknown address, side by
// side, so the enumeration-safe claim is something to look at rather than to take on trust.
import { randomBytes } from 'node:crypto';
import { escapeHtml } from './html';
import { median } from './login-timing';
import type { CaughtMail } from './mail-catcher';
import { callEndpoint, type EndpointOptions } from './test-endpoint';

/** One message as a card: From, To, Subject, then the HTML part (authbook's own, escaped where it holds data). */
export function caughtMailHtml(mail: CaughtMail): string {
  const header = (name: string, value: string) => `<div><b>${name}:</b> ${escapeHtml(value)}</div>`;
  return `<div style="border:1px solid #ccc;border-radius:6px;padding:8px 12px;margin:6px 0;max-width:44em">
${header('From', mail.from)}${header('To', mail.to)}${header('Subject', mail.subject)}
<hr style="border:none;border-top:1px solid #eee">${mail.html}</div>`;
}

export interface ForgotTiming {
  /** Median milliseconds of POST /password/forgot, each way. */
  knownMs: number;
  unknownMs: number;
  /** The distinct answers seen (status and body): one, when nothing tells the two apart. */
  answers: string[];
}

/**
 * Times POST /password/forgot for `knownEmail` and for a new unknown address each time,
 * alternating. Each known request queues a mail: keep `samples` within RATE_LIMIT_MAIL_RECIPIENT,
 * or turn RATE_LIMIT off on the server being timed.
 *
 * @example
 * await measureForgotTiming({ baseUrl }, 'ada@example.com', 3); // { knownMs: 4.1, unknownMs: 3.9, answers: ['202 {...}'] }
 */
export async function measureForgotTiming(target: Pick<EndpointOptions, 'baseUrl'>, knownEmail: string, samples = 3): Promise<ForgotTiming> {
  const known: number[] = [];
  const unknown: number[] = [];
  const answers = new Set<string>();
  for (let i = 0; i < samples; i++) {
    for (const [email, into] of [[knownEmail, known], [`nobody_${randomBytes(4).toString('hex')}@example.com`, unknown]] as const) {
      const started = process.hrtime.bigint();
      const response = await callEndpoint('POST', '/password/forgot', { ...target, body: { email } });
      into.push(Number(process.hrtime.bigint() - started) / 1e6);
      answers.add(`${response.status} ${response.text}`);
    }
  }
  return { knownMs: median(known), unknownMs: median(unknown), answers: [...answers] };
}
