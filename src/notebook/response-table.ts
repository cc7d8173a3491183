// A list answer of the API (admin users, audit entries, sessions) as an HTML table: a page of rows
// reads at a glance, where the same JSON is a long scroll. The first list of objects in the body
// becomes the table; the other top-level fields (page, total) go on one line above it.
import { htmlTable, escapeHtml } from './html';
import { printableJson, type EndpointResponse } from './test-endpoint';

const isRow = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * @example
 * tslab.display.html(responseTableHtml(await callEndpoint('GET', '/admin/users', { token })));
 * // 200 · users: 3 rows · page 1 · per_page 20 · total 3, then the table
 */
export function responseTableHtml(response: EndpointResponse): string {
  const body: unknown = response.body;
  const entries = isRow(body) ? Object.entries(body) : [];
  const list = entries.find(([, value]) => Array.isArray(value) && value.length > 0 && value.every(isRow)) as [string, Record<string, unknown>[]] | undefined;
  if (!list) return `<p><b>${response.status}</b></p>\n<pre>${escapeHtml(body === undefined ? response.text : printableJson(body, 2))}</pre>`;
  const others = entries.filter(([key]) => key !== list[0]).map(([key, value]) => `${key} ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  const summary = [`<b>${response.status}</b>`, ...[`${list[0]}: ${list[1].length} rows`, ...others].map(escapeHtml)].join(' · ');
  return `<p>${summary}</p>\n${htmlTable(list[1])}`;
}
