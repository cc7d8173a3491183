// Opens the store the configuration names: the SQLite file (the default), or PostgreSQL when
// DATABASE_URL is set. The doors (server, CLI) call this; nothing else chooses a backend.
import type { Config } from '../config';
import { openPostgresStore } from './postgres/postgres-store';
import { openDatabase } from './sqlite/open-database';
import { createSqliteStore } from './sqlite/sqlite-store';
import type { AuthStore } from './store';

/** The database could not be opened: one line that names it (never its password) and says why. */
export class DatabaseOpenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseOpenError';
  }
}

export interface OpenStoreOptions {
  /** A pooled PostgreSQL connection failed while idle (it is replaced on next use). */
  onIdleError?: (error: Error) => void;
}

/** An error's own words: connection failures to several addresses come as an AggregateError with none. */
function reasonOf(error: unknown): string {
  const inner = error instanceof AggregateError ? error.errors : [error];
  return inner.map((each) => (each instanceof Error ? each.message || (each as NodeJS.ErrnoException).code : String(each))).join('; ');
}

/**
 * @example
 * const store = await openStore(loadConfig({ DATABASE_URL: 'postgres://authbook@127.0.0.1/authbook' }));
 */
export async function openStore(config: Pick<Config, 'database' | 'databasePath'>, options: OpenStoreOptions = {}): Promise<AuthStore> {
  const { database } = config;
  if (database.kind === 'sqlite') return createSqliteStore(openDatabase(config.databasePath));
  const url = new URL(database.url);
  if (database.password !== null) url.password = encodeURIComponent(database.password);
  try {
    return await openPostgresStore({ connectionString: url.toString(), max: database.poolSize, onIdleError: options.onIdleError });
  } catch (error) {
    throw new DatabaseOpenError(`cannot open the PostgreSQL database ${database.url}: ${reasonOf(error)}`);
  }
}
