// What an administrator sees: the users table (change a role, disable or enable an account) and the
// audit log, a page at a time. The server checks the admin permission on every call; when it is
// gone, the 403 goes to hooks.fail, which reloads "who am I" and so hides this panel.
import { call } from './api.js';
import { byId, el, say, table, when } from './dom.js';

/** The seeded roles; the API answers unknown_role for any other name. */
const ROLES = ['user', 'admin'];
const USERS_PER_PAGE = 20;
const AUDIT_PER_PAGE = 10;

interface AdminUser {
  id: number;
  username: string;
  email: string;
  role: string;
  disabled: boolean;
  created_at: string | null;
}

interface AuditEntry {
  id: number;
  at: string | null;
  event: string;
  user_id: number | null;
  actor_id: number | null;
  ip: string | null;
  details: unknown;
}

export interface AdminHooks {
  fail(error: unknown, where: HTMLElement): Promise<void>;
  /** Reloads the whole signed-in view: after an admin changes their own account. */
  reloadAccount(): Promise<void>;
  myId(): number | null;
}

function pager(page: number, perPage: number, total: number, load: (page: number) => Promise<void>): HTMLElement {
  const pages = Math.max(1, Math.ceil(total / perPage));
  const button = (label: string, target: number) => {
    const element = el('button', { type: 'button', class: 'secondary small' }, label);
    element.disabled = target < 1 || target > pages;
    element.addEventListener('click', () => void load(target));
    return element;
  };
  return el('div', { class: 'pager' }, button('Previous', page - 1), el('span', {}, `page ${page} of ${pages} · ${total} in all`), button('Next', page + 1));
}

export function createAdminPanel(hooks: AdminHooks): { loadUsers(page: number): Promise<void>; loadAudit(page: number): Promise<void> } {
  const usersLine = byId('users-status');
  let usersPage = 1;

  const change = async (user: AdminUser, body: { role?: string; disabled?: boolean }, done: (updated: AdminUser, ended: number) => string) => {
    try {
      const result = await call<{ user: AdminUser; sessions_ended: number }>('PATCH', `/admin/users/${user.id}`, body);
      say(usersLine, done(result.user, result.sessions_ended));
      if (user.id === hooks.myId()) await hooks.reloadAccount();
      else await Promise.all([loadUsers(usersPage), loadAudit(1)]);
    } catch (error) {
      await hooks.fail(error, usersLine);
    }
  };

  const roleCell = (user: AdminUser) => {
    const select = el('select', { 'aria-label': `Role of ${user.username}`, name: 'role' });
    for (const role of new Set([...ROLES, user.role])) select.append(el('option', { value: role }, role));
    select.value = user.role;
    const apply = el('button', { type: 'button', class: 'small' }, 'Set role');
    apply.addEventListener('click', () => void change(user, { role: select.value }, (updated) => `${updated.username} now has the role ${updated.role}`));
    return el('div', { class: 'inline' }, select, apply);
  };

  const statusCell = (user: AdminUser) => {
    const toggle = el('button', { type: 'button', class: user.disabled ? 'small' : 'small danger' }, user.disabled ? 'Enable' : 'Disable');
    toggle.addEventListener('click', () =>
      void change(user, { disabled: !user.disabled }, (updated, ended) =>
        updated.disabled ? `${updated.username} is disabled; ${ended} session(s) ended` : `${updated.username} is enabled`,
      ),
    );
    return el('div', { class: 'inline' }, el('span', { class: user.disabled ? 'badge off' : 'badge' }, user.disabled ? 'disabled' : 'active'), toggle);
  };

  async function loadUsers(page: number): Promise<void> {
    try {
      const { users, total } = await call<{ users: AdminUser[]; total: number }>('GET', `/admin/users?page=${page}&per_page=${USERS_PER_PAGE}`);
      usersPage = page;
      const rows = users.map((user) => [String(user.id), user.username, user.email, roleCell(user), statusCell(user)]);
      byId('users').replaceChildren(table(['ID', 'Username', 'Email', 'Role', 'Status'], rows), pager(page, USERS_PER_PAGE, total, loadUsers));
    } catch (error) {
      await hooks.fail(error, usersLine);
    }
  }

  async function loadAudit(page: number): Promise<void> {
    try {
      const { entries, total } = await call<{ entries: AuditEntry[]; total: number }>('GET', `/admin/audit?page=${page}&per_page=${AUDIT_PER_PAGE}`);
      const id = (value: number | null) => (value === null ? '—' : `#${value}`);
      const rows = entries.map((entry) => [
        when(entry.at),
        el('code', {}, entry.event),
        id(entry.user_id),
        id(entry.actor_id),
        entry.ip ?? '—',
        entry.details === null ? '' : JSON.stringify(entry.details),
      ]);
      byId('audit').replaceChildren(table(['When', 'Event', 'User', 'By', 'IP', 'Details'], rows), pager(page, AUDIT_PER_PAGE, total, loadAudit));
    } catch (error) {
      await hooks.fail(error, byId('audit-status'));
    }
  }

  return { loadUsers, loadAudit };
}
