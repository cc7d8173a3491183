// Small DOM helpers for the page. Everything the API answers is put on screen as text (textContent),
// never as HTML, so a username like <img onerror=...> stays a string.

type Child = Node | string | null | undefined | false;

/**
 * Creates an element with attributes and children.
 *
 * @example
 * el('button', { type: 'button', class: 'danger' }, 'End this session');
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/** The element with this id; a missing one is a bug in index.html, so it throws. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from the page`);
  return element as T;
}

/** A table whose cells carry their column name (data-label), for the stacked phone layout. */
export function table(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<Child>>): HTMLTableElement {
  return el(
    'table',
    {},
    el('thead', {}, el('tr', {}, ...columns.map((column) => el('th', { scope: 'col' }, column)))),
    el('tbody', {}, ...rows.map((cells) => el('tr', {}, ...cells.map((cell, i) => el('td', { 'data-label': columns[i] }, cell))))),
  );
}

/** A short local date and time for an ISO timestamp. */
export const when = (iso: string | null): string => (iso === null ? '—' : new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }));

/** Shows a message in a status line (or hides it when the message is empty). */
export function say(line: HTMLElement, message: string, tone: 'info' | 'error' = 'info'): void {
  line.textContent = message;
  line.hidden = message === '';
  line.classList.toggle('error', tone === 'error');
}
