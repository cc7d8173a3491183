// The second factor on the page: a code after the password at sign-in, passkey sign-in, and for a
// signed-in user the authenticator-app set-up (QR code, then the recovery codes shown once), its
// removal, passkeys (add, list, remove), and the re-authentication a sensitive action may ask for.
// WebAuthn's JSON goes to and from the browser through PublicKeyCredential's own JSON methods.
import { call, startSession } from './api.js';
import { byId, el, say, when } from './dom.js';
import { clearFormErrors, formBody, showFormError } from './form-errors.js';

export interface MfaSummary {
  totp: boolean;
  passkeys: number;
  recovery_codes_left: number;
}

interface Passkey {
  id: string;
  name: string;
  created_at: string | null;
  last_used_at: string | null;
}

export interface SecondFactorHooks {
  fail(error: unknown, where: HTMLElement): Promise<void>;
  notify(message: string): void;
  /** A session started (after a code or a passkey): show the account. */
  signedIn(message: string): Promise<void>;
  /** Something changed the account: ask who I am again. */
  reloadAccount(): Promise<void>;
}

/** A code as the API wants it: six digits are a TOTP code, anything else a recovery code. */
const proofOf = (typed: string) => (/^\s*\d{6}\s*$/.test(typed) ? { code: typed.trim() } : { recovery_code: typed.trim() });

/** Asks the browser (and its authenticator) to sign a fresh challenge; the answer as JSON. */
async function passkeyAssertion(): Promise<unknown> {
  const options = await call<PublicKeyCredentialRequestOptionsJSON>('POST', '/webauthn/login/options', {});
  const credential = (await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) })) as PublicKeyCredential;
  return credential.toJSON();
}

let mfaToken: string | null = null;
let summary: MfaSummary = { totp: false, passkeys: 0, recovery_codes_left: 0 };

/** /login answered a challenge: the code form replaces the password form. */
export function askForCode(token: string): void {
  mfaToken = token;
  byId('login-form').hidden = true;
  byId('mfa-form').hidden = false;
  byId('mfa-code').focus();
}

/** Back to the password form (signed out again). */
export function resetSignIn(): void {
  mfaToken = null;
  byId('login-form').hidden = false;
  byId('mfa-form').hidden = true;
}

/** A sensitive action was refused for want of a recent sign-in: the re-authentication form shows. */
export function askToReauthenticate(message: string): void {
  const form = byId<HTMLFormElement>('reauth-form');
  byId('reauth-label').textContent = summary.totp ? 'Code from your app (or a recovery code)' : 'Password';
  const input = byId<HTMLInputElement>('reauth-proof');
  input.type = summary.totp ? 'text' : 'password';
  input.autocomplete = summary.totp ? 'one-time-code' : 'current-password';
  form.hidden = false;
  say(byId('mfa-status'), message, 'error');
  input.focus();
}

export async function renderSecondFactor(mfa: MfaSummary, hooks: SecondFactorHooks): Promise<void> {
  summary = mfa;
  say(byId('mfa-status'), mfa.totp ? `Authenticator app: on · ${mfa.recovery_codes_left} recovery code(s) left` : 'Authenticator app: off');
  byId('totp-setup-form').hidden = mfa.totp;
  byId('totp-remove-form').hidden = !mfa.totp;
  if (mfa.totp) byId('totp-enrol').hidden = true;
  const { passkeys } = await call<{ passkeys: Passkey[] }>('GET', '/users/me/passkeys');
  byId('passkeys').replaceChildren(
    ...passkeys.map((passkey) => {
      const remove = el('button', { type: 'button', class: 'secondary small' }, 'Remove');
      remove.addEventListener('click', () => void removePasskey(passkey, hooks));
      return el('li', { class: 'session', 'data-passkey-id': passkey.id }, el('div', { class: 'session-what' }, passkey.name), el('div', { class: 'session-when' }, `added ${when(passkey.created_at)} · last used ${when(passkey.last_used_at)}`), remove);
    }),
  );
}

async function removePasskey(passkey: Passkey, hooks: SecondFactorHooks): Promise<void> {
  try {
    const { message } = await call<{ message: string }>('DELETE', `/users/me/passkeys/${encodeURIComponent(passkey.id)}`);
    hooks.notify(message);
    await hooks.reloadAccount();
  } catch (error) {
    await hooks.fail(error, byId('passkeys-status'));
  }
}

async function addPasskey(hooks: SecondFactorHooks): Promise<void> {
  try {
    const options = await call<PublicKeyCredentialCreationOptionsJSON>('POST', '/webauthn/register/options', {});
    const credential = (await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })) as PublicKeyCredential;
    const { passkey } = await call<{ passkey: Passkey }>('POST', '/webauthn/register/verify', credential.toJSON());
    hooks.notify(`Passkey added: ${passkey.name}`);
    await hooks.reloadAccount();
  } catch (error) {
    await hooks.fail(error, byId('passkeys-status'));
  }
}

/** Submits a form's body to `send`; its errors show on the form (or, for a lost session, on the page). */
function onSubmit(id: string, hooks: SecondFactorHooks, send: (form: HTMLFormElement) => Promise<void>): void {
  const form = byId<HTMLFormElement>(id);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    try {
      await send(form);
    } catch (error) {
      await hooks.fail(error, form);
    }
  });
}

export function setUpSecondFactor(hooks: SecondFactorHooks): void {
  const mfaForm = byId<HTMLFormElement>('mfa-form');
  mfaForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(mfaForm);
    try {
      const { message } = await startSession<{ message: string }>('/login/mfa', { mfa_token: mfaToken, ...proofOf(formBody(mfaForm).code) });
      mfaForm.reset();
      resetSignIn();
      await hooks.signedIn(message);
    } catch (error) {
      showFormError(mfaForm, error); // signed out still: a wrong code is said here, not as a lost session
    }
  });
  byId('passkey-login').addEventListener('click', async () => {
    const form = byId<HTMLFormElement>('login-form');
    clearFormErrors(form);
    try {
      const { message } = await startSession<{ message: string }>('/webauthn/login/verify', await passkeyAssertion());
      await hooks.signedIn(message);
    } catch (error) {
      showFormError(form, error);
    }
  });
  onSubmit('totp-setup-form', hooks, async (form) => {
    const setup = await call<{ secret: string; qr_code_svg: string }>('POST', '/users/me/mfa/totp/setup', formBody(form));
    form.reset();
    byId<HTMLImageElement>('totp-qr').src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qr_code_svg)}`;
    byId('totp-secret').textContent = setup.secret;
    byId('totp-enrol').hidden = false;
    byId('recovery-codes').hidden = true;
  });
  onSubmit('totp-confirm-form', hooks, async (form) => {
    const { message, recovery_codes } = await call<{ message: string; recovery_codes: string[] }>('POST', '/users/me/mfa/totp/confirm', formBody(form));
    form.reset();
    byId('totp-enrol').hidden = true;
    byId('recovery-code-list').replaceChildren(...recovery_codes.map((code) => el('li', {}, el('code', {}, code))));
    byId('recovery-codes').hidden = false;
    hooks.notify(message);
    await hooks.reloadAccount();
  });
  onSubmit('totp-remove-form', hooks, async (form) => {
    const { message } = await call<{ message: string }>('DELETE', '/users/me/mfa/totp', proofOf(formBody(form).code));
    form.reset();
    byId('recovery-codes').hidden = true;
    hooks.notify(message);
    await hooks.reloadAccount();
  });
  const reauthenticated = async (body: unknown) => {
    const { message } = await call<{ message: string }>('POST', '/users/me/reauthenticate', body);
    byId<HTMLFormElement>('reauth-form').reset();
    byId('reauth-form').hidden = true;
    say(byId('mfa-status'), `${message}: try again`);
  };
  onSubmit('reauth-form', hooks, async () => {
    const typed = byId<HTMLInputElement>('reauth-proof').value;
    await reauthenticated(summary.totp ? proofOf(typed) : { password: typed });
  });
  byId('reauth-passkey').addEventListener('click', async () => {
    try {
      await reauthenticated({ passkey: await passkeyAssertion() });
    } catch (error) {
      showFormError(byId<HTMLFormElement>('reauth-form'), error);
    }
  });
  byId('passkey-add').addEventListener('click', () => void addPasskey(hooks));
}
