// A real SMTP server on loopback that keeps what it receives, parsed: for notebook 10 and the
// tests (test/fixtures/smtp-server.ts), so mail goes through nodemailer, SMTP and a parser exactly
// as it would to a mail provider. It can be stopped and started again on the same port (an outage),
// and told to refuse recipients (a permanent 550). smtp-server and mailparser are development
// dependencies: they are loaded when a catcher starts, so the package loads without them.
import type { AddressInfo } from 'node:net';

export interface CaughtMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** When it arrived (ms since the epoch). */
  at: number;
}

export interface MailCatcher {
  /** smtp://127.0.0.1:PORT: the SMTP_URL that sends here. */
  readonly url: string;
  readonly port: number;
  /** Every message received, in order of arrival. */
  readonly messages: CaughtMail[];
  /** Recipients answered 550 (no such mailbox). */
  readonly refused: Set<string>;
  /** Stops listening and drops open connections: the mail server is down. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  /** Resolves once `count` messages (in all) have arrived; rejects after `timeoutMs`. */
  waitFor(count: number, timeoutMs?: number): Promise<CaughtMail[]>;
  /** The messages to `to` (with `subject`, if given), in order of arrival. */
  messagesTo(to: string, subject?: string): CaughtMail[];
  /** Resolves with the `nth` (default 1) message to `to` (with `subject`, if given) once it has arrived. */
  waitForMessageTo(to: string, options?: { subject?: string; nth?: number; timeoutMs?: number }): Promise<CaughtMail>;
  close(): Promise<void>;
}

/** The token of a link in a message (`...#token=<value>` or `?token=<value>`), or null. */
export function tokenOf(mail: Pick<CaughtMail, 'text'>): string | null {
  return /token=([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1] ?? null;
}

const addressText = (value: unknown): string => {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.map((entry: { text?: string }) => entry.text ?? '').join(', ');
};

/**
 * @example
 * const catcher = await startMailCatcher();
 * const server = await startServer({ config: loadConfig({ SMTP_URL: catcher.url, PORT: '0' }) });
 * // ... POST /password/forgot ...
 * const [mail] = await catcher.waitFor(1);
 * tokenOf(mail); // 'Zk3...'
 */
export async function startMailCatcher(options: { port?: number } = {}): Promise<MailCatcher> {
  const { SMTPServer } = await import('smtp-server');
  const { simpleParser } = await import('mailparser');
  const messages: CaughtMail[] = [];
  const refused = new Set<string>();
  let waiters: Array<() => void> = [];
  let port = options.port ?? 0;

  const create = () =>
    new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'], // plain SMTP on loopback, as a local relay would be
      logger: false,
      closeTimeout: 50,
      onRcptTo(address, _session, callback) {
        if (refused.has(address.address.toLowerCase())) {
          const error = Object.assign(new Error('No such mailbox'), { responseCode: 550 });
          return callback(error);
        }
        callback();
      },
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((parsed) => {
            messages.push({
              from: addressText(parsed.from),
              to: addressText(parsed.to),
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              at: Date.now(),
            });
            for (const wake of waiters) wake();
            callback();
          })
          .catch(callback);
      },
    });

  const messagesTo = (to: string, subject?: string) => messages.filter((mail) => mail.to === to && (subject === undefined || mail.subject === subject));

  /** Resolves with what `found` returns once it returns something; rejects after `timeoutMs`. */
  function until<T>(found: () => T | null, timeoutMs = 10_000, what = 'the messages'): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = found();
        if (value === null) return false;
        clearTimeout(timer);
        waiters = waiters.filter((each) => each !== wake);
        resolve(value);
        return true;
      };
      const wake = () => void check();
      const timer = setTimeout(() => {
        waiters = waiters.filter((each) => each !== wake);
        reject(new Error(`waited ${timeoutMs} ms for ${what}; ${messages.length} messages arrived in all`));
      }, timeoutMs);
      if (!check()) waiters.push(wake);
    });
  }

  let server = create();
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.server.address() as AddressInfo).port;
        resolve();
      });
    });
  await listen();
  let listening = true;

  const stop = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
    });

  return {
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    messages,
    refused,
    stop,
    async start() {
      if (listening) return;
      server = create();
      await listen();
      listening = true;
    },
    waitFor: async (count, timeoutMs) => (await until(() => (messages.length >= count ? messages.slice() : null), timeoutMs, `${count} messages`)),
    messagesTo,
    waitForMessageTo(to, { subject, nth = 1, timeoutMs } = {}) {
      const what = `message ${nth} to ${to}${subject ? ` "${subject}"` : ''}`;
      return until(() => messagesTo(to, subject)[nth - 1] ?? null, timeoutMs, what);
    },
    close: stop,
  };
}
