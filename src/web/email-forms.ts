// The page's email parts: "Forgot password?", the reset form a reset link opens
// (/app/reset#token=...), the verification landing (/app/verify#token=...), and, signed in, the
// address's state, a new verification link and the address change. A link's token sits in the URL
// fragment, which the browser never sends anywhere: it is read here, then wiped from the address bar.
import { call } from './api.js';
import { byId, say } from './dom.js';
import { clearFormErrors, formBody, showFormError } from './form-errors.js';

/** The token of the link that opened this page, if it opened /app/reset or /app/verify; the URL becomes /app. */
function takeLinkToken(path: string): string | null {
  if (location.pathname !== path) return null;
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  history.replaceState(null, '', '/app');
  return token;
}

/** Before anything else: a verification link is spent at once; its outcome is said in `notice`. */
export async function landOnVerification(notice: HTMLElement): Promise<void> {
  const token = takeLinkToken('/app/verify');
  if (token === null) return;
  try {
    const { message, user } = await call<{ message: string; user: { email: string } }>('POST', '/email/verify', { token });
    say(notice, `${message}: ${user.email}`);
  } catch (error) {
    say(notice, error instanceof Error ? error.message : String(error), 'error');
  }
}

/** "Forgot password?" and the reset form; `done` shows the sign-in forms again. */
export function setUpPasswordReset(notice: HTMLElement): void {
  const forgot = byId<HTMLFormElement>('forgot-form');
  byId('forgot-open').addEventListener('click', () => {
    forgot.hidden = false;
    byId<HTMLInputElement>('forgot-email').value = byId<HTMLInputElement>('login-email').value;
    byId('forgot-email').focus();
  });
  forgot.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(forgot);
    try {
      const { message } = await call<{ message: string }>('POST', '/password/forgot', formBody(forgot));
      say(byId('forgot-status'), message);
    } catch (error) {
      showFormError(forgot, error);
    }
  });

  const token = takeLinkToken('/app/reset');
  if (token === null) return;
  const form = byId<HTMLFormElement>('reset-form');
  form.hidden = false;
  for (const id of ['login-form', 'register-form']) byId(id).hidden = true;
  byId('reset-password').focus();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    try {
      const { message } = await call<{ message: string }>('POST', '/password/reset', { ...formBody(form), token });
      form.reset();
      form.hidden = true;
      for (const id of ['login-form', 'register-form']) byId(id).hidden = false;
      say(notice, `${message}. Log in with the new password.`);
    } catch (error) {
      showFormError(form, error);
    }
  });
}

/** The signed-in address: verified or not, a new link, and the change form. */
export function renderEmailState(me: { email_verified: boolean }): void {
  say(byId('email-status'), me.email_verified ? 'Your address is verified.' : 'Your address is not verified yet: open the link we sent.');
  byId('verify-resend').hidden = me.email_verified;
}

export function setUpEmailForm(fail: (error: unknown, where: HTMLElement) => Promise<void>): void {
  const status = byId('email-status');
  byId('verify-resend').addEventListener('click', async () => {
    try {
      say(status, (await call<{ message: string }>('POST', '/email/verify/resend')).message);
    } catch (error) {
      await fail(error, status);
    }
  });
  const form = byId<HTMLFormElement>('email-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    try {
      const { message } = await call<{ message: string }>('POST', '/users/me/email', formBody(form));
      form.reset();
      say(status, message);
    } catch (error) {
      await fail(error, form);
    }
  });
}
