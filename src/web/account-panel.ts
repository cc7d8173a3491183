// The signed-in user's own account: who am I (role and permissions, as the server reads them on
// this request), the list of sessions with "End this session", and the change-password form.
import { call } from './api.js';
import { byId, el, say, when } from './dom.js';
import { clearFormErrors, formBody } from './form-errors.js';
import type { MfaSummary } from './second-factor-panel.js';

export interface Me {
  id: number;
  username: string;
  email: string;
  email_verified: boolean;
  role: string;
  permissions: string[];
  created_at: string | null;
  mfa: MfaSummary;
}

interface Session {
  id: string;
  current: boolean;
  created_at: string | null;
  last_used_at: string | null;
  expires_at: string | null;
  user_agent: string | null;
  ip: string | null;
}

/** What the panel needs from the page around it. */
export interface AccountHooks {
  /** Reports a failed action: a lost session signs out, anything else shows in `where` (a status line or a form). */
  fail(error: unknown, where: HTMLElement): Promise<void>;
  /** Logs out: used when the session ended is this one. */
  logout(): Promise<void>;
  notify(message: string): void;
}

export async function loadMe(): Promise<Me> {
  return (await call<{ user: Me }>('GET', '/users/me')).user;
}

export function renderMe(me: Me): void {
  const facts: Array<[string, string]> = [
    ['Username', me.username],
    ['Email', me.email],
    ['Role', me.role],
    ['Member since', when(me.created_at)],
  ];
  byId('whoami-facts').replaceChildren(...facts.flatMap(([term, value]) => [el('dt', {}, term), el('dd', {}, value)]));
  byId<HTMLInputElement>('password-form-username').value = me.username;
  byId('permissions').replaceChildren(...me.permissions.map((permission) => el('li', { class: 'chip' }, permission)));
}

export async function loadSessions(hooks: AccountHooks): Promise<void> {
  const line = byId('sessions-status');
  const { sessions } = await call<{ sessions: Session[] }>('GET', '/users/me/sessions');
  say(line, '');
  const end = async (session: Session) => {
    if (session.current) return hooks.logout(); // ending this one is logging out: the cookie goes too
    try {
      const { message } = await call<{ message: string }>('DELETE', `/users/me/sessions/${encodeURIComponent(session.id)}`);
      await loadSessions(hooks);
      say(line, message);
    } catch (error) {
      await hooks.fail(error, line);
    }
  };
  byId('sessions').replaceChildren(
    ...sessions.map((session) => {
      const button = el('button', { type: 'button', class: 'secondary small' }, 'End this session');
      button.addEventListener('click', () => void end(session));
      return el(
        'li',
        { class: 'session', 'data-session-id': session.id },
        el('div', { class: 'session-what' }, session.current && el('span', { class: 'badge' }, 'this page'), session.user_agent ?? 'unknown client'),
        el('div', { class: 'session-when' }, `from ${session.ip ?? '?'} · since ${when(session.created_at)} · last used ${when(session.last_used_at)}`),
        button,
      );
    }),
  );
}

/** Wires the change-password form once. */
export function setUpPasswordForm(hooks: AccountHooks): void {
  const form = byId<HTMLFormElement>('password-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFormErrors(form);
    try {
      const { message } = await call<{ message: string }>('POST', '/users/me/password', formBody(form));
      form.reset();
      hooks.notify(message);
      await loadSessions(hooks);
    } catch (error) {
      await hooks.fail(error, form);
    }
  });
}
