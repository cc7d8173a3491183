// Forgotten passwords end to end, through a real SMTP server on loopback: the link arrives, the
// reset works once, ends every session, clears the lock-out and sends a notice; the forgot answer
// is the same for an unknown address; the limits hold; and of many resets with one token at once,
// in one process or across two, exactly one succeeds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../fixtures/smtp-server';
import { deploy } from '../helpers/deployment';
import { mailsTo, SUBJECTS, tokenIn, waitForMail } from '../helpers/mail';
import { registerUser, request, startTestServer, type TestResponse, type TestServer } from '../helpers/test-server';

let smtp: TestSmtpServer;
let server: TestServer;
let address = 0;
/** A client address of its own for each test, so the per-address limit of one does not reach another. */
const nextIp = () => `198.51.100.${++address}`;

const LIMITS = {
  RATE_LIMIT: 'on',
  TRUST_PROXY: '1',
  RATE_LIMIT_MAIL: '4',
  RATE_LIMIT_MAIL_RECIPIENT: '3',
  LOCKOUT_THRESHOLD: '3',
  RATE_LIMIT_PASSWORD: '1000',
};

beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startTestServer({ SMTP_URL: smtp.url, MAIL_RETRY_BASE: '1s', ...LIMITS });
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

const forgot = (email: string, ip = nextIp(), url = server.url) => request(url, 'POST', '/password/forgot', { body: { email }, headers: { 'x-forwarded-for': ip } });
const reset = (token: string, newPassword: string, url = server.url) => request(url, 'POST', '/password/reset', { body: { token, new_password: newPassword } });
const login = (email: string, password: string) => server.request('POST', '/login', { body: { email, password }, headers: { 'x-forwarded-for': nextIp() } });

/** Asks for a reset link and returns its token, as it arrives. */
async function resetToken(email: string, url = server.url, smtpServer = smtp): Promise<string> {
  const nth = mailsTo(smtpServer, email, SUBJECTS.reset).length + 1;
  expect((await forgot(email, nextIp(), url)).status).toBe(202);
  return tokenIn(await waitForMail(smtpServer, email, SUBJECTS.reset, { nth }));
}

const statusCounts = (responses: TestResponse[]) =>
  responses.reduce<Record<number, number>>((counts, response) => ({ ...counts, [response.status]: (counts[response.status] ?? 0) + 1 }), {});

describe('password reset by email', () => {
  it('6.4.1 sends a link with the token in the URL fragment, in plain text and HTML', async () => {
    const user = await registerUser(server);
    const response = await forgot(user.email);
    expect(response.status).toBe(202);
    const mail = await waitForMail(smtp, user.email, SUBJECTS.reset);
    expect(mail.text).toMatch(new RegExp(`${server.url}/app/reset#token=[A-Za-z0-9_-]{43}`));
    expect(mail.html).toContain(`/app/reset#token=${tokenIn(mail)}`);
    expect(mail.from).toContain('authbook');
  });

  it('6.4.1 answers an unknown address exactly as a known one, and sends it nothing', async () => {
    const user = await registerUser(server);
    const known = await forgot(user.email);
    const unknown = await forgot(`nobody-${user.id}@example.com`);
    expect(unknown.status).toBe(known.status);
    expect(unknown.text).toBe(known.text);
    await waitForMail(smtp, user.email, SUBJECTS.reset);
    // a later message to the known address has arrived: one to the unknown one would have too
    await forgot(user.email);
    await waitForMail(smtp, user.email, SUBJECTS.reset, { nth: 2 });
    expect(mailsTo(smtp, `nobody-${user.id}@example.com`)).toEqual([]);
  });

  it('6.4.1 a reset works once: sessions ended, old password refused, new one works, a notice sent', async () => {
    const user = await registerUser(server);
    const token = await resetToken(user.email);
    const response = await reset(token, 'a brand new passphrase');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ message: 'Password reset; every session has been ended', sessions_ended: 1 });
    expect((await server.request('GET', '/users/me', { token: user.token })).status).toBe(401);
    expect((await server.request('POST', '/token/refresh', { body: { refresh_token: user.refreshToken } })).status).toBe(401);
    expect((await login(user.email, user.password)).status).toBe(401);
    expect((await login(user.email, 'a brand new passphrase')).status).toBe(200);
    const again = await reset(token, 'another new passphrase');
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_email_token');
    const notice = await waitForMail(smtp, user.email, SUBJECTS.resetNotice);
    expect(notice.text).toContain('reset');
  });

  it('6.4.1 the password policy applies, and a refused password leaves the link usable', async () => {
    const user = await registerUser(server);
    const token = await resetToken(user.email);
    const weak = await reset(token, 'password1');
    expect(weak.status).toBe(400);
    expect(weak.body.error).toBe('weak_password');
    expect((await reset(token, 'a sound new passphrase')).status).toBe(200);
  });

  it('6.4.1 refuses a malformed, unknown or superseded token; a newer request spends the older link', async () => {
    const user = await registerUser(server);
    expect((await reset('not-a-token', 'a sound new passphrase')).body.error).toBe('invalid_email_token');
    expect((await reset('A'.repeat(43), 'a sound new passphrase')).body.error).toBe('invalid_email_token');
    const first = await resetToken(user.email);
    const second = await resetToken(user.email);
    expect((await reset(first, 'a sound new passphrase')).status).toBe(400);
    expect((await reset(second, 'a sound new passphrase')).status).toBe(200);
  });

  it('6.4.1 a password change spends the link, and sends its own notice', async () => {
    const user = await registerUser(server);
    const token = await resetToken(user.email);
    const changed = await server.request('POST', '/users/me/password', { token: user.token, body: { current_password: user.password, new_password: 'changed the usual way' } });
    expect(changed.status).toBe(200);
    expect((await reset(token, 'a sound new passphrase')).status).toBe(400);
    await waitForMail(smtp, user.email, SUBJECTS.changedNotice);
  });

  it('6.3.1 a reset clears the lock-out of the account', async () => {
    const user = await registerUser(server);
    for (let i = 0; i < 3; i++) await login(user.email, `wrong guess ${i}`);
    expect((await login(user.email, user.password)).status).toBe(429);
    expect((await reset(await resetToken(user.email), 'unlocked new passphrase')).status).toBe(200);
    expect((await login(user.email, 'unlocked new passphrase')).status).toBe(200);
  });

  it('limits forgot requests per recipient (known or not alike) and per client address', async () => {
    const user = await registerUser(server);
    for (const email of [user.email, `ghost-${user.id}@example.com`]) {
      const answers = [];
      for (let i = 0; i < 4; i++) answers.push((await forgot(email)).status);
      expect(answers).toEqual([202, 202, 202, 429]);
    }
    const ip = nextIp();
    const fromOneAddress = [];
    for (let i = 0; i < 5; i++) fromOneAddress.push((await forgot(`someone${i}-${user.id}@example.com`, ip)).status);
    expect(fromOneAddress).toEqual([202, 202, 202, 202, 429]);
  });

  it('6.4.1 30 resets with one token at once: exactly one succeeds', async () => {
    const user = await registerUser(server);
    const token = await resetToken(user.email);
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => reset(token, `concurrent passphrase ${i}`)));
    expect(statusCounts(responses)).toEqual({ 200: 1, 400: 29 });
    const winner = responses.findIndex((response) => response.status === 200);
    expect((await login(user.email, `concurrent passphrase ${winner}`)).status).toBe(200);
  });
});

describe('password reset across two processes on one database', () => {
  it('6.4.1 resets with one token through two processes at once: exactly one succeeds', async () => {
    const deployment = await deploy(2, { SMTP_URL: smtp.url, MAIL_RETRY_BASE: '1s' });
    try {
      const [a, b] = deployment.processes.map((each) => each.url);
      const registered = await request(a, 'POST', '/register', { body: { username: 'twoproc', email: 'twoproc@example.com', password: 'two process passphrase' } });
      expect(registered.status).toBe(201);
      const token = await resetToken('twoproc@example.com', b);
      const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => reset(token, `two process reset ${i}`, i % 2 ? a : b)));
      expect(statusCounts(responses)).toEqual({ 200: 1, 400: 29 });
    } finally {
      await deployment.stop();
    }
  });
});
