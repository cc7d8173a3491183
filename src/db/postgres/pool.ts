// The connection pool to PostgreSQL and the two ways the store uses it: a statement on its own (one
// implicit transaction), or a transaction on one pooled client. Statements are named, so each
// connection parses and plans them once. bigint columns (ids, millisecond timestamps, COUNT(*))
// arrive as JS numbers: every value authbook stores is far below 2^53.
import pg from 'pg';

export type Queryable = pg.Pool | pg.PoolClient;

const INT8_OID = 20;
const numericInt8 = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === INT8_OID && format !== 'binary' ? Number : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PoolOptions {
  connectionString: string;
  /** Connections this process keeps at most. */
  max: number;
  /** A pooled connection that fails while idle (the server restarted): the pool drops it and reconnects. */
  onIdleError?: (error: Error) => void;
}

export function createPool({ connectionString, max, onIdleError = () => {} }: PoolOptions): pg.Pool {
  // Per-pool type parsers, not pg.types globally: an embedding application's own pg is left alone.
  const pool = new pg.Pool({ connectionString, max, types: numericInt8, connectionTimeoutMillis: 10_000, application_name: 'authbook' });
  pool.on('error', onIdleError);
  return pool;
}

/** A statement PostgreSQL prepares once per connection (node-postgres keys it by name). */
export interface Statement {
  name: string;
  text: string;
}

export const prepared = (name: string, text: string): Statement => ({ name, text });

export async function rows<R extends pg.QueryResultRow>(db: Queryable, statement: Statement, values: unknown[] = []): Promise<R[]> {
  return (await db.query<R>({ name: statement.name, text: statement.text, values })).rows;
}

export async function firstRow<R extends pg.QueryResultRow>(db: Queryable, statement: Statement, values: unknown[] = []): Promise<R | undefined> {
  return (await rows<R>(db, statement, values))[0];
}

/** One page of a list and the total it is a page of: `filter` binds $1..$n of both, limit and offset follow in the list. */
export async function page<R extends pg.QueryResultRow, T>(
  db: Queryable,
  statements: { list: Statement; count: Statement },
  filter: unknown[],
  query: { offset: number; limit: number },
  map: (row: R) => T,
): Promise<{ items: T[]; total: number }> {
  const [items, [count]] = await Promise.all([
    rows<R>(db, statements.list, [...filter, query.limit, query.offset]),
    rows<{ n: number }>(db, statements.count, filter),
  ]);
  return { items: items.map(map), total: count.n };
}

/** Rows a write touched. */
export async function changes(db: Queryable, statement: Statement, values: unknown[] = []): Promise<number> {
  return (await db.query({ name: statement.name, text: statement.text, values })).rowCount ?? 0;
}

/** Deadlock and serialization failures: PostgreSQL rolled the transaction back, and running it again is safe. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 3;

/**
 * Runs `work` in one transaction (READ COMMITTED, the default) on one pooled client: COMMIT if it
 * returns, ROLLBACK if it throws. A deadlock victim is run again, up to three times in all.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect();
    // The pool stops listening for a checked-out client's errors: a connection lost between two
    // statements would otherwise crash the process. The next statement fails instead, as handled here.
    const ignore = () => {};
    client.on('error', ignore);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
      if (attempt >= MAX_ATTEMPTS || !RETRYABLE.has((error as { code?: string }).code ?? '')) throw error;
    } finally {
      client.off('error', ignore);
      client.release(broken); // a client that could not roll back is closed, not put back in the pool
    }
  }
}

// Advisory locks, in the two-key form: authbook's class, then what is locked. Transaction-scoped
// (released at COMMIT or ROLLBACK), and per database, so two authbook databases never share one.
const LOCK_CLASS = 0x61757468; // 'auth'
export const ADVISORY_LOCKS = { migrate: 1, lastAdmin: 2, prune: 3, signingKeys: 4 } as const;

/** Waits for the lock, holding it until the transaction ends. */
export async function advisoryLock(client: pg.PoolClient, lock: keyof typeof ADVISORY_LOCKS): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, ADVISORY_LOCKS[lock]]);
}

/** Takes the lock if it is free; false if another transaction holds it. */
export async function tryAdvisoryLock(client: pg.PoolClient, lock: keyof typeof ADVISORY_LOCKS): Promise<boolean> {
  const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock($1, $2) AS locked', [LOCK_CLASS, ADVISORY_LOCKS[lock]]);
  return result.rows[0].locked;
}
