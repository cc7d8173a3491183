// The outbox: an SMTP server that is down loses nothing and slows no request (every message
// arrives once it is back, exactly once); a message that keeps failing, or is refused for good,
// is marked failed and stays visible (GET /admin/outbox, `authbook outbox`); two processes on one
// database send each message once; without SMTP_URL messages stay in the outbox, and in
// production the features that need mail say it is off.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../fixtures/smtp-server';
import { deploy } from '../helpers/deployment';
import { mailsTo, SUBJECTS, waitForMail } from '../helpers/mail';
import { CLI } from '../helpers/server-process';
import { loginAdmin, registerUser, request, startTestServer, TEST_ADMIN, TEST_STORE, type TestServer } from '../helpers/test-server';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function outboxOf(server: TestServer, query = '') {
  const admin = await loginAdmin(server);
  const response = await server.request('GET', `/admin/outbox?per_page=100${query}`, { token: admin.token });
  expect(response.status).toBe(200);
  return response.body as { messages: Array<Record<string, unknown>>; total: number };
}

/** A port nothing listens on: an SMTP server that is down for good. */
async function deadPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe('an SMTP outage', () => {
  let smtp: TestSmtpServer;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ SMTP_URL: smtp.url, MAIL_RETRY_BASE: '1s' });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it('stop SMTP, trigger 20 messages, start it again: every message arrives, exactly once', async () => {
    const users = await Promise.all(Array.from({ length: 20 }, () => registerUser(server)));
    await Promise.all(users.map((user) => waitForMail(smtp, user.email, SUBJECTS.verify)));
    await smtp.stop();
    const answers = await Promise.all(users.map((user) => server.request('POST', '/password/forgot', { body: { email: user.email } })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(202)); // the outage slows no request
    try {
      await sleep(1500); // first attempts fail meanwhile
      const during = (await outboxOf(server)).messages.filter((message) => message.kind === 'password_reset');
      expect(during).toHaveLength(20);
      expect(during.filter((message) => message.status === 'sent')).toEqual([]); // queued (or being tried), none lost
      expect(during.some((message) => typeof message.last_error === 'string' && message.status === 'pending')).toBe(true);
    } finally {
      await smtp.start();
    }
    await Promise.all(users.map((user) => waitForMail(smtp, user.email, SUBJECTS.reset, { timeoutMs: 20_000 })));
    await sleep(1500); // anything sent twice would have arrived by now
    for (const user of users) expect(mailsTo(smtp, user.email, SUBJECTS.reset)).toHaveLength(1);
    const after = await outboxOf(server);
    expect(after.messages.filter((message) => message.status !== 'sent')).toEqual([]);
    expect(JSON.stringify(after)).not.toMatch(/token=/); // the admin view never shows a body
  }, 60_000);

  it('a recipient refused for good (550) is marked failed at once, with the reason, and stays visible', async () => {
    const user = await registerUser(server);
    await waitForMail(smtp, user.email, SUBJECTS.verify);
    smtp.refused.add(user.email);
    await server.request('POST', '/password/forgot', { body: { email: user.email } });
    let failed: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 100 && failed.length === 0; i++) {
      await sleep(50);
      failed = (await outboxOf(server, '&status=failed')).messages.filter((message) => message.recipient === user.email);
    }
    expect(failed).toMatchObject([{ kind: 'password_reset', attempts: 1, last_error: expect.stringMatching(/550|mailbox/i) }]);
  });
});

describe('a message that keeps failing', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SMTP_URL: `smtp://127.0.0.1:${await deadPort()}`, MAIL_RETRY_BASE: '1s', MAIL_MAX_ATTEMPTS: '2' });
  });
  afterAll(() => server?.close());

  it('is marked failed after MAIL_MAX_ATTEMPTS and listed by GET /admin/outbox and `authbook outbox`', async () => {
    const user = await registerUser(server);
    let failed: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 100 && failed.length === 0; i++) {
      await sleep(100);
      failed = (await outboxOf(server, '&status=failed')).messages.filter((message) => message.recipient === user.email);
    }
    expect(failed).toMatchObject([{ kind: 'verify_email', attempts: 2, subject: SUBJECTS.verify }]);
    if (TEST_STORE !== 'sqlite') return; // the CLI reads the SQLite file here; its PostgreSQL path is the same store
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'outbox', '--status', 'failed'], {
      env: { PATH: process.env.PATH ?? '', DATABASE_PATH: `${server.dir}/auth.db`, JWT_SECRET: 'x'.repeat(48) + 'Q9z!' },
    });
    expect(stdout).toContain(user.email);
    expect(stdout).toMatch(/failed\s+verify_email/);
  });
});

describe('without SMTP_URL', () => {
  it('keeps messages in the outbox, readable with `authbook outbox --bodies`', async () => {
    const server = await startTestServer();
    try {
      const user = await registerUser(server);
      expect((await server.request('POST', '/password/forgot', { body: { email: user.email } })).status).toBe(202);
      const outbox = await outboxOf(server);
      expect(outbox.messages.filter((message) => message.recipient === user.email)).toMatchObject([
        { kind: 'password_reset', status: 'pending', attempts: 0 },
        { kind: 'verify_email', status: 'pending', attempts: 0 },
      ]);
      if (TEST_STORE !== 'sqlite') return;
      const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'outbox', '--bodies'], {
        env: { PATH: process.env.PATH ?? '', DATABASE_PATH: `${server.dir}/auth.db`, JWT_SECRET: 'x'.repeat(48) + 'Q9z!' },
      });
      expect(stdout).toMatch(/\/app\/reset#token=[A-Za-z0-9_-]{43}/);
    } finally {
      await server.close();
    }
  });

  it('in production, the features that need mail answer 503 mail_unavailable; the rest works', async () => {
    const server = await startTestServer({ NODE_ENV: 'production', SECRETS_KEY: randomBytes(48).toString('base64') });
    try {
      const user = await registerUser(server);
      const forgot = await server.request('POST', '/password/forgot', { body: { email: user.email } });
      expect(forgot.status).toBe(503);
      expect(forgot.body.error).toBe('mail_unavailable');
      expect((await server.request('POST', '/email/verify/resend', { token: user.token })).body.error).toBe('mail_unavailable');
      expect((await outboxOf(server)).total).toBe(0); // nothing queued that nobody would send
    } finally {
      await server.close();
    }
  });
});

describe('two processes on one database', () => {
  it('send each message once', async () => {
    const smtp = await startSmtpServer();
    const deployment = await deploy(2, { SMTP_URL: smtp.url, MAIL_RETRY_BASE: '1s' });
    try {
      const [a, b] = deployment.processes.map((each) => each.url);
      const emails = Array.from({ length: 30 }, (_, i) => `both${i}@example.com`);
      const registered = await Promise.all(
        emails.map((email, i) => request(i % 2 ? a : b, 'POST', '/register', { body: { username: `both${i}`, email, password: 'shared database passphrase' } })),
      );
      expect(registered.map((response) => response.status)).toEqual(Array(30).fill(201));
      await Promise.all(emails.map((email, i) => request(i % 2 ? b : a, 'POST', '/password/forgot', { body: { email } })));
      await smtp.waitFor(60, 20_000);
      await sleep(1500);
      expect(smtp.messages).toHaveLength(60);
      for (const email of emails) {
        expect(mailsTo(smtp, email, SUBJECTS.verify)).toHaveLength(1);
        expect(mailsTo(smtp, email, SUBJECTS.reset)).toHaveLength(1);
      }
      expect(mailsTo(smtp, TEST_ADMIN.email)).toEqual([]);
    } finally {
      await deployment.stop();
      await smtp.close();
    }
  }, 60_000);
});
