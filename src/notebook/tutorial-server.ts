// The server the notebooks talk to: the real startServer on a free port, with a fresh database in
// its own temp folder, and a bootstrap admin whose password is generated here and never printed.
// close() stops the server and deletes the folder; so does the kernel's end, if close() never came.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type BootstrapAdmin, type Config } from '../config';
import type { PublicOrigin } from '../public-origin';
import { startServer, type RunningServer } from '../server';
import { onKernelExit } from './kernel-exit';

export interface TutorialServer {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  running: RunningServer;
  config: Config;
  /** The first administrator, created at start (password generated, 24 random characters). */
  admin: BootstrapAdmin;
  /** The temp folder holding the database and the generated token secret. */
  dir: string;
  close(): Promise<void>;
}

export interface TutorialServerOptions {
  /** Handed to startServer: the public URL, once a tunnel reports one (public-server.ts). */
  publicOrigin?: PublicOrigin;
}

/**
 * Starts the service on 127.0.0.1, port 0; `env` adds or overrides configuration variables.
 *
 * @example
 * const server = await startTutorialServer({ BCRYPT_ROUNDS: '10' });
 * await testEndpoint('GET', '/', { baseUrl: server.url });
 * await server.close();
 */
export async function startTutorialServer(env: Record<string, string> = {}, { publicOrigin }: TutorialServerOptions = {}): Promise<TutorialServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authbook-notebook-'));
  const removeDir = onKernelExit(() => fs.rmSync(dir, { recursive: true, force: true }));
  // ADMIN_* in `env` (a workshop host's own admin) win over the generated one.
  const admin: BootstrapAdmin = {
    email: env.ADMIN_EMAIL ?? 'root@example.com',
    username: env.ADMIN_USERNAME ?? 'root',
    password: env.ADMIN_PASSWORD ?? randomBytes(18).toString('base64url'),
  };
  try {
    const config = loadConfig({
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_PATH: path.join(dir, 'auth.db'),
      ADMIN_EMAIL: admin.email,
      ADMIN_USERNAME: admin.username,
      ADMIN_PASSWORD: admin.password,
      ...env,
    });
    const running = await startServer({ config, publicOrigin });
    return {
      url: running.url,
      running,
      config,
      admin,
      dir,
      async close() {
        await running.close();
        removeDir();
      },
    };
  } catch (error) {
    removeDir();
    throw error;
  }
}
