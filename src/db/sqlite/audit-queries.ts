// SQL for the audit log on SQLite: append, page through (newest first), and prune past retention.
// Callers pass only who/what/when/where; details are small flat JSON objects, never secrets.
import type { SqliteDatabase } from './open-database';
import { AUDIT_COLUMNS, auditValues, toAudit, type AuditRow } from '../row-mappers';
import type { AuditInput, AuditRecord, Page } from '../store';

const FILTER = '(@userId IS NULL OR user_id = @userId OR actor_id = @userId) AND (@event IS NULL OR event = @event)';

export function createAuditQueries(db: SqliteDatabase) {
  const statements = {
    insert: db.prepare(`INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`),
    list: db.prepare(`SELECT * FROM audit_log WHERE ${FILTER} ORDER BY id DESC LIMIT @limit OFFSET @offset`),
    count: db.prepare(`SELECT COUNT(*) FROM audit_log WHERE ${FILTER}`).pluck(),
    prune: db.prepare('DELETE FROM audit_log WHERE at <= ?'),
  };

  return {
    insert: (entry: AuditInput, now: number) => void statements.insert.run(...auditValues(entry, now)),
    list(query: { offset: number; limit: number; userId?: number; event?: string }): Page<AuditRecord> {
      const filter = { userId: query.userId ?? null, event: query.event ?? null };
      return {
        items: (statements.list.all({ ...filter, limit: query.limit, offset: query.offset }) as AuditRow[]).map(toAudit),
        total: statements.count.get(filter) as number,
      };
    },
    prune: (before: number) => statements.prune.run(before).changes,
  };
}
