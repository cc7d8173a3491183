// Server processes on one fresh database of this project's backend (the rules that must hold
// across processes): each test asks for the environment, spawns as many as it needs, and after it
// they are killed and the database and folder removed.
import fs from 'node:fs';
import { afterEach } from 'vitest';
import { childEnv, spawnServer, type ServerProcess } from './server-process';
import { freshDatabase, tempDir, testEnv } from './test-server';

export function sharedDatabaseProcesses(prefix: string) {
  let cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups = [];
  });
  return {
    /** A new folder and database, and the environment that points a child at them. */
    async env(extra: Record<string, string> = {}): Promise<Record<string, string>> {
      const dir = tempDir(prefix);
      const database = await freshDatabase();
      cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }), () => database.drop());
      return childEnv(testEnv(dir, { ...extra, ...database.env }));
    },
    async spawn(env: Record<string, string>): Promise<ServerProcess> {
      const started = await spawnServer(env);
      cleanups.push(() => void started.child.kill('SIGKILL'));
      return started;
    },
  };
}
