// Tiny HTML builders for notebook output: escaping and a plain table. Notebooks render what these
// return with tslab.display.html(...); nothing here knows about the kernel, so it is easy to test.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML, so a username such as `<script>` shows as text instead of running. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

const cellText = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

/**
 * Renders rows of plain objects (records, SQLite rows) as an HTML table; columns default to the
 * first row's keys.
 *
 * @example
 * tslab.display.html(htmlTable(await store.listRoles()));
 * htmlTable([{ name: 'user', permissions: ['read', 'write'] }]);
 * // '<table>...<th>name</th><th>permissions</th>...<td>read, write</td>...</table>'
 */
export function htmlTable(rows: readonly unknown[], columns: string[] = Object.keys((rows[0] as object | undefined) ?? {})): string {
  const head = columns.map((column) => `<th style="text-align:left">${escapeHtml(column)}</th>`).join('');
  const body = rows
    .map((row) => `<tr>${columns.map((column) => `<td style="text-align:left">${escapeHtml(cellText((row as Record<string, unknown>)[column]))}</td>`).join('')}</tr>`)
    .join('\n');
  const empty = rows.length === 0 ? `<tr><td colspan="${Math.max(1, columns.length)}"><em>no rows</em></td></tr>` : '';
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}${empty}\n</tbody>\n</table>`;
}
