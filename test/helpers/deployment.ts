// Several server processes (node dist/cli.js serve) on one fresh database of the project's backend,
// started together with one environment: for rules that must hold across processes.
import fs from 'node:fs';
import { childEnv, spawnServer, type ServerProcess } from './server-process';
import { freshDatabase, tempDir, testEnv } from './test-server';

export interface Deployment {
  env: Record<string, string>;
  processes: ServerProcess[];
  stop(): Promise<void>;
}

/** `count` server processes on one fresh database, started together, sharing one environment. */
export async function deploy(count: number, overrides: Record<string, string> = {}): Promise<Deployment> {
  const dir = tempDir('authbook-scale-');
  const database = await freshDatabase();
  const env = childEnv(testEnv(dir, { ...database.env, ...overrides }));
  const started = await Promise.allSettled(Array.from({ length: count }, () => spawnServer(env)));
  const processes = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const stop = async () => {
    for (const { child } of processes) child.kill('SIGTERM');
    await Promise.all(processes.map((each) => each.exit));
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const failure = started.find((outcome) => outcome.status === 'rejected');
  if (failure) {
    await stop();
    throw (failure as PromiseRejectedResult).reason;
  }
  return { env, processes, stop };
}

