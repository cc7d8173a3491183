// Readable pass/fail checks for the automated-test notebook: each check prints one ✓ or ✗ line with
// the status it got and the body (tokens shortened); the tally is a coloured table and fails its
// cell when any check failed, so a headless run of the notebook is a test that can fail. Checks are
// kept by label: running a cell again replaces its checks instead of piling up a second tally. A
// check never throws (a learner's edit shows as ✗, and the next cells still run). Nothing is
// returned: tslab would echo a cell's last value under the lines.
import { escapeHtml } from './html';
import { printableJson, type EndpointResponse } from './test-endpoint';

interface CheckResult {
  label: string;
  ok: boolean;
  status: number;
  expectedStatus: number;
  /** The Retry-After header, when the answer had one (429). */
  retryAfter?: string;
  /** The body, tokens shortened, cut to a preview. */
  body: string;
  /** Why `holds` failed, when it threw. */
  problem?: string;
}

export interface Checklist {
  /** Records and prints one check: the status must match, and `holds` (if given) must return true. */
  expect(label: string, response: EndpointResponse, expectedStatus: number, holds?: (body: any) => boolean): void;
  /** The checks as an HTML table, a green or red row each. */
  tableHtml(): string;
  /** Prints the tally; throws when any check failed. */
  report(): void;
}

/**
 * One ✓ or ✗ line for a plain condition. It prints and never throws, so a learner's edit that
 * breaks it shows as ✗ and the cells below still run; the notebook tests fail on any ✗ line.
 *
 * @example
 * check('15m became 900 seconds', config.accessTokenTtlSeconds === 900);
 */
export function check(label: string, ok: boolean, print: (line: string) => void = console.log): void {
  print(`${ok ? '✓' : '✗'} ${label}`);
}

const BODY_PREVIEW_CHARS = 180;
/** The table's body column is shorter still: the check's label should get the room. */
const TABLE_BODY_CHARS = 80;
const cut = (text: string, chars: number) => (text.length > chars ? `${text.slice(0, chars)}…` : text);
const ROW_COLOURS = { ok: '#e8f5e9', failed: '#ffebee' } as const;

function judge(response: EndpointResponse, expectedStatus: number, holds?: (body: any) => boolean): { ok: boolean; problem?: string } {
  if (response.status !== expectedStatus) return { ok: false };
  if (holds === undefined) return { ok: true };
  try {
    return { ok: holds(response.body) === true };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}

/**
 * @example
 * const checks = createChecklist();
 * checks.expect('Register a user', await callEndpoint('POST', '/register', { body }), 201);
 * tslab.display.html(checks.tableHtml());
 * checks.report(); // "All 1 checks passed ✓"
 */
export function createChecklist(print: (line: string) => void = console.log): Checklist {
  // The latest result of every check, in the order the checks were first made.
  const byLabel = new Map<string, CheckResult>();
  const results = () => [...byLabel.values()];
  return {
    expect(label, response, expectedStatus, holds) {
      const { ok, problem } = judge(response, expectedStatus, holds);
      const json = response.body === undefined ? response.text : printableJson(response.body);
      const body = cut(json, BODY_PREVIEW_CHARS);
      const retryAfter = response.headers['retry-after'];
      byLabel.set(label, { label, ok, status: response.status, expectedStatus, body, ...(retryAfter && { retryAfter }), ...(problem && { problem }) });
      const expected = response.status === expectedStatus ? '' : ` (expected ${expectedStatus})`;
      print(`${ok ? '✓' : '✗'} ${label}: ${response.status}${expected} ${body}${problem ? `  [${problem}]` : ''}`);
    },
    tableHtml() {
      const head = ['', 'check', 'status', 'expected', 'Retry-After', 'body'].map((title) => `<th style="text-align:left">${title}</th>`).join('');
      const rows = results().map((result) => {
        const body = cut(result.body, TABLE_BODY_CHARS) + (result.problem ? ` [${result.problem}]` : '');
        const cells = [result.ok ? '✓' : '✗', result.label, String(result.status), String(result.expectedStatus), result.retryAfter ?? '', body];
        const styles = ['', ';min-width:16em', '', '', '', ';font-family:monospace;font-size:0.85em'];
        const tds = cells.map((cell, i) => `<td style="text-align:left${styles[i]}">${escapeHtml(cell)}</td>`).join('');
        return `<tr style="background:${result.ok ? ROW_COLOURS.ok : ROW_COLOURS.failed}">${tds}</tr>`;
      });
      return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
    },
    report() {
      const all = results();
      const failed = all.filter((result) => !result.ok).length;
      if (failed > 0) {
        print(`✗ ${failed} of ${all.length} checks FAILED`);
        throw new Error(`${failed} of ${all.length} checks failed`);
      }
      print(`All ${all.length} checks passed ✓`);
    },
  };
}
