import { defineConfig } from 'vitest/config';

// Two projects: "sqlite" is every test; "postgres" runs the HTTP suites again with each test server
// on a fresh PostgreSQL database (test/helpers/test-server.ts). The store suite and the cross-process
// tests cover both backends themselves. Without AUTHBOOK_TEST_DATABASE_URL the PostgreSQL runs are
// skipped, and the reason printed; .ci/run always sets it.
const postgres = Boolean(process.env.AUTHBOOK_TEST_DATABASE_URL);
if (!postgres) console.warn('PostgreSQL tests skipped: AUTHBOOK_TEST_DATABASE_URL is not set (.ci/run starts a server and sets it)');

const shared = {
  // HTTP and notebook tests start real servers and kernels: two cores, so keep parallelism modest.
  pool: 'forks' as const,
  testTimeout: 30_000,
  hookTimeout: 60_000,
};

export default defineConfig({
  test: {
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      { test: { ...shared, name: 'sqlite', include: ['test/**/*.test.ts'] } },
      ...(postgres
        ? [
            {
              test: {
                ...shared,
                name: 'postgres',
                include: ['test/http/**/*.test.ts'],
                exclude: ['test/http/slow-clients.test.ts'], // socket timeouts: nothing there touches the database
                env: { AUTHBOOK_TEST_STORE: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
