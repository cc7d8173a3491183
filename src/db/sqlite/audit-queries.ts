// SQL for the audit log: append, page through (newest first), and prune past retention.
// Callers pass only who/what/when/where; details are small flat JSON objects, never secrets.
import type { SqliteDatabase } from './open-database';
import type { AuditInput, AuditRecord, Page } from '../store';

interface AuditRow {
  id: number;
  at: number;
  event: AuditInput['event'];
  user_id: number | null;
  actor_id: number | null;
  ip: string | null;
  user_agent: string | null;
  details: string | null;
}

function toAudit(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    event: row.event,
    userId: row.user_id,
    actorId: row.actor_id,
    ip: row.ip,
    userAgent: row.user_agent,
    details: row.details === null ? null : (JSON.parse(row.details) as Record<string, unknown>),
  };
}

const FILTER = '(@userId IS NULL OR user_id = @userId OR actor_id = @userId) AND (@event IS NULL OR event = @event)';

export function createAuditQueries(db: SqliteDatabase) {
  const statements = {
    insert: db.prepare(`INSERT INTO audit_log (at, event, user_id, actor_id, ip, user_agent, details)
      VALUES (?, ?, ?, ?, ?, ?, ?)`),
    list: db.prepare(`SELECT * FROM audit_log WHERE ${FILTER} ORDER BY id DESC LIMIT @limit OFFSET @offset`),
    count: db.prepare(`SELECT COUNT(*) FROM audit_log WHERE ${FILTER}`).pluck(),
    prune: db.prepare('DELETE FROM audit_log WHERE at <= ?'),
  };

  return {
    insert(entry: AuditInput, now: number): void {
      statements.insert.run(
        now,
        entry.event,
        entry.userId,
        entry.actorId,
        entry.ip,
        entry.userAgent,
        entry.details ? JSON.stringify(entry.details) : null,
      );
    },
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
