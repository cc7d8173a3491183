// Readable pass/fail lines for the automated-test notebook: each check prints one ✓ or ✗ line with
// the status it got and the body (tokens shortened), and the summary fails the cell when any check
// failed, so a headless run of the notebook is a test that can fail. Nothing is returned: tslab
// would echo a cell's last value under the lines.
import { printableJson, type EndpointResponse } from './test-endpoint';

export interface Checklist {
  /** Records and prints one check: the status must match, and `holds` (if given) must return true. */
  expect(label: string, response: EndpointResponse, expectedStatus: number, holds?: (body: any) => boolean): void;
  /** Prints the tally; throws when any check failed. */
  report(): void;
}

const BODY_PREVIEW_CHARS = 180;

/**
 * @example
 * const checks = createChecklist();
 * checks.expect('Register a user', await callEndpoint('POST', '/register', { body }), 201);
 * checks.report(); // "All 1 checks passed ✓"
 */
export function createChecklist(print: (line: string) => void = console.log): Checklist {
  let passed = 0;
  let total = 0;
  return {
    expect(label, response, expectedStatus, holds) {
      total += 1;
      const ok = response.status === expectedStatus && (holds === undefined || holds(response.body) === true);
      if (ok) passed += 1;
      const json = response.body === undefined ? response.text : printableJson(response.body);
      const preview = json.length > BODY_PREVIEW_CHARS ? `${json.slice(0, BODY_PREVIEW_CHARS)}…` : json;
      const expected = response.status === expectedStatus ? '' : ` (expected ${expectedStatus})`;
      print(`${ok ? '✓' : '✗'} ${label}: ${response.status}${expected} ${preview}`);
    },
    report() {
      if (passed !== total) {
        print(`✗ ${total - passed} of ${total} checks FAILED`);
        throw new Error(`${total - passed} of ${total} checks failed`);
      }
      print(`All ${total} checks passed ✓`);
    },
  };
}
