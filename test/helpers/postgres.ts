// PostgreSQL for tests: AUTHBOOK_TEST_DATABASE_URL names a server (.ci/run starts one); each test
// database is created fresh on it and dropped after. Without the variable the PostgreSQL tests
// skip, and say why once per file.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.AUTHBOOK_TEST_DATABASE_URL || null;
export const POSTGRES_SKIP_REASON = 'PostgreSQL tests skipped: AUTHBOOK_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)';

/** Prints the skip reason once for the calling test file when there is no server. */
export function announcePostgresSkip(): void {
  if (!TEST_DATABASE_URL) console.warn(POSTGRES_SKIP_REASON);
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL! });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database on the test server (its name is ours: letters, digits and underscores). */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!TEST_DATABASE_URL) throw new Error(POSTGRES_SKIP_REASON);
  const name = `authbook_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await onServer((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  let dropped: Promise<void> | null = null;
  return {
    url: url.toString(),
    drop() {
      dropped ??= onServer(async (client) => void (await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)));
      return dropped;
    },
  };
}
