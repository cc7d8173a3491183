// SQL for the audit log on PostgreSQL: append, page through (newest first), and prune past
// retention. The row's shape (details as JSON text) is the shared mapper's, as on SQLite.
import { AUDIT_COLUMNS, auditValues, toAudit, type AuditRow } from '../row-mappers';
import type { AuditInput, AuditRecord, Page } from '../store';
import { changes, page, prepared, type Queryable } from './pool';

const FILTER = '($1::bigint IS NULL OR user_id = $1 OR actor_id = $1) AND ($2::text IS NULL OR event = $2)';

const statements = {
  insert: prepared('audit.insert', `INSERT INTO audit_log (${AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`),
  list: prepared('audit.list', `SELECT * FROM audit_log WHERE ${FILTER} ORDER BY id DESC LIMIT $3 OFFSET $4`),
  count: prepared('audit.count', `SELECT COUNT(*) AS n FROM audit_log WHERE ${FILTER}`),
  prune: prepared('audit.prune', 'DELETE FROM audit_log WHERE at <= $1'),
};

export const auditQueries = {
  insert: (db: Queryable, entry: AuditInput, now: number) => changes(db, statements.insert, [...auditValues(entry, now)]),
  list: (db: Queryable, query: { offset: number; limit: number; userId?: number; event?: string }): Promise<Page<AuditRecord>> =>
    page<AuditRow, AuditRecord>(db, statements, [query.userId ?? null, query.event ?? null], query, toAudit),
  prune: (db: Queryable, before: number) => changes(db, statements.prune, [before]),
};
