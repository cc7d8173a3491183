// The outbox as text for a person at a terminal (`authbook outbox`): one line per message, newest
// first, and with `bodies` the text of each (in outbox-only mode, how a learner reads its links).
import type { OutboxRecord } from '../db/mail-store';

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

export function formatOutbox(records: readonly OutboxRecord[], total: number, options: { bodies?: boolean } = {}): string {
  if (records.length === 0) return 'the outbox is empty';
  const lines = records.map((r) => {
    const when = r.status === 'sent' ? `sent ${iso(r.sentAt)}` : r.status === 'pending' ? `next try ${iso(r.nextAttemptAt)}` : r.status;
    const error = r.lastError ? `  last error: ${r.lastError}` : '';
    const head = `#${r.id}  ${r.status.padEnd(7)}  ${r.kind.padEnd(28)}  to ${r.recipient}  "${r.subject}"  attempts ${r.attempts}  ${when}${error}`;
    return options.bodies && r.text ? `${head}\n${r.text.replace(/^/gm, '    ')}\n` : head;
  });
  return [...lines, `${records.length} of ${total} message${total === 1 ? '' : 's'}`].join('\n');
}
