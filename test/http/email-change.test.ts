// Changing the address, through a real SMTP server on loopback: the password is required, the
// link goes to the new address, nothing changes until it is opened, then the account moves and
// the old address gets a notice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpServer, type TestSmtpServer } from '../fixtures/smtp-server';
import { mailsTo, SUBJECTS, tokenIn, waitForMail } from '../helpers/mail';
import { registerUser, startTestServer, type TestServer } from '../helpers/test-server';

let smtp: TestSmtpServer;
let server: TestServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startTestServer({ SMTP_URL: smtp.url });
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

const change = (token: string, body: Record<string, unknown>) => server.request('POST', '/users/me/email', { token, body });

describe('POST /users/me/email', () => {
  it('moves the account when the link sent to the new address is opened, and tells the old address', async () => {
    const user = await registerUser(server);
    const newEmail = `moved-${user.id}@example.com`;
    const response = await change(user.token, { new_email: newEmail, password: user.password });
    expect(response.status).toBe(202);
    const link = await waitForMail(smtp, newEmail, SUBJECTS.change);
    expect(link.text).toContain('/app/verify#token=');
    expect((await server.request('GET', '/users/me', { token: user.token })).body.user.email).toBe(user.email); // not yet
    const verified = await server.request('POST', '/email/verify', { body: { token: tokenIn(link) } });
    expect(verified.body).toMatchObject({ user: { id: user.id, email: newEmail, email_verified: true } });
    expect((await server.request('GET', '/users/me', { token: user.token })).body.user).toMatchObject({ email: newEmail, email_verified: true });
    await waitForMail(smtp, user.email, SUBJECTS.emailNotice);
    expect(mailsTo(smtp, newEmail, SUBJECTS.emailNotice)).toEqual([]);
    expect((await server.request('POST', '/login', { body: { email: newEmail, password: user.password } })).status).toBe(200);
    expect((await server.request('POST', '/login', { body: { email: user.email, password: user.password } })).status).toBe(401);
  });

  it('needs the password, a new address, and one no other account uses', async () => {
    const user = await registerUser(server);
    const other = await registerUser(server);
    const wrong = await change(user.token, { new_email: `x-${user.id}@example.com`, password: 'not my password' });
    expect(wrong).toMatchObject({ status: 400, body: { error: 'invalid_current_password' } });
    expect((await change(user.token, { new_email: other.email, password: user.password })).status).toBe(409);
    expect((await change(user.token, { new_email: user.email.toUpperCase(), password: user.password })).status).toBe(400);
    expect((await change(user.token, { new_email: 'not an address', password: user.password })).status).toBe(400);
    expect((await server.request('POST', '/users/me/email', { body: { new_email: 'a@example.com', password: 'x' } })).status).toBe(401);
  });

  it('a link to an address another account took meanwhile is refused (409), and the account stays', async () => {
    const user = await registerUser(server);
    const wanted = `wanted-${user.id}@example.com`;
    await change(user.token, { new_email: wanted, password: user.password });
    const link = await waitForMail(smtp, wanted, SUBJECTS.change);
    await registerUser(server, { email: wanted });
    const refused = await server.request('POST', '/email/verify', { body: { token: tokenIn(link) } });
    expect(refused).toMatchObject({ status: 409, body: { error: 'email_taken' } });
    expect((await server.request('GET', '/users/me', { token: user.token })).body.user.email).toBe(user.email);
  });
});
