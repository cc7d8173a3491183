// Email verification through a real SMTP server on loopback: registration sends a link, the link
// verifies once, a new link spends the older and is limited per recipient, and with
// REQUIRE_VERIFIED_EMAIL an unverified account gets no session and cannot log in (the refusal
// sends a new link).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../fixtures/smtp-server';
import { mailsTo, SUBJECTS, tokenIn, waitForMail } from '../helpers/mail';
import { loginAdmin, newUser, registerUser, startTestServer, type TestServer } from '../helpers/test-server';

let smtp: TestSmtpServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
});
afterAll(() => smtp?.close());

describe('email verification', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SMTP_URL: smtp.url, RATE_LIMIT: 'on', RATE_LIMIT_MAIL_RECIPIENT: '2' });
  });
  afterAll(() => server?.close());

  const verify = (token: string) => server.request('POST', '/email/verify', { body: { token } });
  const me = async (token: string) => (await server.request('GET', '/users/me', { token })).body.user;

  it('registration sends a link; opening it verifies the address, once', async () => {
    const user = await registerUser(server);
    expect(await me(user.token)).toMatchObject({ email: user.email, email_verified: false });
    const mail = await waitForMail(smtp, user.email, SUBJECTS.verify);
    expect(mail.text).toContain(`${server.url}/app/verify#token=`);
    const response = await verify(tokenIn(mail));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ message: 'Email address verified', user: { id: user.id, email: user.email, email_verified: true } });
    expect(await me(user.token)).toMatchObject({ email_verified: true });
    expect((await verify(tokenIn(mail))).body.error).toBe('invalid_email_token');
    const resend = await server.request('POST', '/email/verify/resend', { token: user.token });
    expect(resend).toMatchObject({ status: 200, body: { message: 'Email address already verified' } });
  });

  it('a new link spends the older ones; new links are limited per recipient', async () => {
    const user = await registerUser(server);
    const first = await waitForMail(smtp, user.email, SUBJECTS.verify);
    expect((await server.request('POST', '/email/verify/resend', { token: user.token })).status).toBe(202);
    expect((await server.request('POST', '/email/verify/resend', { token: user.token })).status).toBe(202);
    const second = await waitForMail(smtp, user.email, SUBJECTS.verify, { nth: 3 });
    const limited = await server.request('POST', '/email/verify/resend', { token: user.token });
    expect(limited.status).toBe(429); // RATE_LIMIT_MAIL_RECIPIENT=2 new links per window
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await verify(tokenIn(first))).status).toBe(400);
    expect((await verify(tokenIn(second))).status).toBe(200);
  });

  it('refuses a malformed or unknown token, and resend without a token', async () => {
    expect((await verify('x')).body.error).toBe('invalid_email_token');
    expect((await verify('B'.repeat(43))).body.error).toBe('invalid_email_token');
    expect((await server.request('POST', '/email/verify/resend')).status).toBe(401);
    expect((await server.request('POST', '/email/verify', { body: { token: 'B'.repeat(43), extra: 1 } })).status).toBe(400);
  });
});

describe('REQUIRE_VERIFIED_EMAIL=on', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SMTP_URL: smtp.url, REQUIRE_VERIFIED_EMAIL: 'on' });
  });
  afterAll(() => server?.close());

  it('registration opens no session; login is refused with email_not_verified and sends a new link; after verifying, login works', async () => {
    const body = newUser();
    const registered = await server.request('POST', '/register', { body });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ verification_required: true, user: { email: body.email } });
    expect(registered.body.token).toBeUndefined();
    const refused = await server.request('POST', '/login', { body: { email: body.email, password: body.password } });
    expect(refused.status).toBe(403);
    expect(refused.body.error).toBe('email_not_verified');
    expect(refused.body.message).toMatch(/new link/);
    const fresh = await waitForMail(smtp, body.email, SUBJECTS.verify, { nth: 2 });
    expect(mailsTo(smtp, body.email, SUBJECTS.verify)).toHaveLength(2);
    expect((await server.request('POST', '/email/verify', { body: { token: tokenIn(fresh) } })).status).toBe(200);
    expect((await server.request('POST', '/login', { body: { email: body.email, password: body.password } })).status).toBe(200);
  });

  it('a wrong password is refused as ever (401), and sends nothing', async () => {
    const body = newUser();
    await server.request('POST', '/register', { body });
    await waitForMail(smtp, body.email, SUBJECTS.verify);
    expect((await server.request('POST', '/login', { body: { email: body.email, password: 'not the password' } })).status).toBe(401);
    const admin = await loginAdmin(server); // the bootstrap admin: vouched for by the operator, so verified
    const outbox = await server.request('GET', '/admin/outbox?per_page=100', { token: admin.token });
    expect(outbox.body.messages.filter((message: { recipient: string }) => message.recipient === body.email)).toHaveLength(1);
  });
});
