// The page at /app: signed out, it offers log in, create account and forgot password (and the reset
// form a reset link opens); signed in, who am I, sessions, change password and address, and for admins the users table and audit log. Log out sits in the top bar of
// every signed-in screen (ASVS 7.4.4). A reload continues the session through the refresh cookie.
import { createAdminPanel } from './admin-panel.js';
import { loadMe, loadSessions, renderMe, setUpPasswordForm, type AccountHooks, type Me } from './account-panel.js';
import { ApiError, call, forgetSession, isSignedIn, refreshSession, startSession } from './api.js';
import { byId, say } from './dom.js';
import { landOnVerification, renderEmailState, setUpEmailForm, setUpPasswordReset } from './email-forms.js';
import { askForCode, askToReauthenticate, renderSecondFactor, resetSignIn, setUpSecondFactor, type SecondFactorHooks } from './second-factor-panel.js';
import { clearFormErrors, formBody, showFormError } from './form-errors.js';

type View = 'signed-out' | 'signed-in' | 'switching';

const notice = byId('notice');
let me: Me | null = null;

function show(view: View): void {
  byId('loading').hidden = true;
  byId('signed-in').hidden = view !== 'signed-in';
  byId('signed-out').hidden = view === 'signed-in';
  byId('session-bar').hidden = view === 'signed-out';
  byId('switch-note').hidden = view !== 'switching';
  document.body.dataset.view = view;
}

function signedOut(message: string, tone: 'info' | 'error' = 'info'): void {
  forgetSession();
  resetSignIn();
  me = null;
  show('signed-out');
  say(notice, message, tone);
}

/** One place decides what a failed call means for the page. */
async function fail(error: unknown, where: HTMLElement): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ApiError && error.status === 401) return signedOut(`Your session has ended: ${message}`, 'error');
  if (error instanceof ApiError && error.code === 'reauthentication_required') return askToReauthenticate(message);
  if (error instanceof ApiError && error.status === 403) {
    say(notice, message, 'error');
    return showAccount(); // a permission may have been taken away: ask who I am now
  }
  if (where instanceof HTMLFormElement) showFormError(where, error);
  else say(where, message, 'error');
}

async function logout(): Promise<void> {
  try {
    const { message } = await call<{ message: string }>('POST', '/logout');
    signedOut(message);
  } catch (error) {
    await fail(error, notice);
  }
}

const hooks: AccountHooks = { fail, logout, notify: (message) => say(notice, message) };
const secondFactorHooks: SecondFactorHooks = {
  fail,
  notify: hooks.notify,
  reloadAccount: () => showAccount(),
  signedIn: async (message) => {
    say(notice, message);
    await showAccount();
  },
};
const admin = createAdminPanel({ fail, reloadAccount: showAccount, myId: () => me?.id ?? null });

async function showAccount(): Promise<void> {
  try {
    me = await loadMe();
    renderMe(me);
    renderEmailState(me);
    byId('session-user').textContent = `${me.username} · ${me.role}`;
    show('signed-in');
    const isAdmin = me.permissions.includes('admin');
    byId('admin-users').hidden = !isAdmin;
    byId('admin-audit').hidden = !isAdmin;
    await Promise.all([loadSessions(hooks), renderSecondFactor(me.mfa, secondFactorHooks), ...(isAdmin ? [admin.loadUsers(1), admin.loadAudit(1)] : [])]);
  } catch (error) {
    await fail(error, notice);
  }
}

/** Log in or create an account. A session this page already holds ends first (ASVS 7.2.4). */
function setUpSignInForm(id: string, path: '/login' | '/register'): void {
  const form = byId<HTMLFormElement>(id);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    if (isSignedIn()) {
      // whatever the answer (a 401 means it had already ended), this page stops holding that session
      await call('POST', '/logout').catch(() => undefined);
      signedOut('');
    }
    try {
      const answer = await startSession<{ message: string; mfa_required?: boolean; mfa_token?: string }>(path, formBody(form));
      form.reset();
      if (answer.mfa_token) return askForCode(answer.mfa_token); // the password was right: now the second factor
      const { message } = answer;
      say(notice, message);
      if (isSignedIn()) await showAccount();
    } catch (error) {
      showFormError(form, error);
    }
  });
}

function setUpControls(): void {
  setUpSignInForm('login-form', '/login');
  setUpSignInForm('register-form', '/register');
  setUpPasswordForm(hooks);
  setUpPasswordReset(notice);
  setUpEmailForm(fail);
  setUpSecondFactor(secondFactorHooks);
  byId('logout').addEventListener('click', () => void logout());
  byId('whoami-refresh').addEventListener('click', () => void showAccount());
  byId('switch-account').addEventListener('click', () => {
    byId('switch-user').textContent = me?.username ?? '';
    say(notice, '');
    show('switching');
  });
  byId('switch-cancel').addEventListener('click', () => show('signed-in'));
}

/** Through a public tunnel the last leg is plain HTTP: the server says so, and the page repeats it. */
async function showTunnelNotice(): Promise<void> {
  const home = (await fetch('/', { headers: { accept: 'application/json' } }).then((response) => response.json()).catch(() => ({}))) as {
    tunnel_notice?: string;
  };
  if (home.tunnel_notice) say(byId('tunnel-notice'), home.tunnel_notice, 'error');
}

async function start(): Promise<void> {
  await landOnVerification(notice);
  setUpControls();
  void showTunnelNotice();
  try {
    if (await refreshSession()) await showAccount();
    else show('signed-out');
  } catch (error) {
    signedOut(error instanceof Error ? error.message : String(error), 'error');
  }
}

void start();
