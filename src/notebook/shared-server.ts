// Notebook 6's server, announced to the notebooks in other kernels. Classic Notebook gives every
// notebook its own kernel (its own process), so a handle on globalThis reaches nobody else; a small
// file does. It holds the admin's login, so it is written 0600 in the project's .jupyter/ folder
// (not a shared /tmp name), and removed when the server closes or its kernel ends. A reader trusts it
// only while the kernel that wrote it is alive and the server answers.
import fs from 'node:fs';
import path from 'node:path';
import { onKernelExit } from './kernel-exit';
import { PROJECT_ROOT } from './kernel-spec';
import type { PublicServer } from './public-server';
import { callEndpoint } from './test-endpoint';

export interface SharedServer {
  /** The public URL while the tunnel is open, else the local one. */
  readonly url: string;
  /** The same server from this machine, without the tunnel. */
  readonly localUrl: string;
  /** For requests to `url`: the IP to connect to, when tunnel names have no DNS. */
  readonly address?: string;
  readonly isPublic: boolean;
  readonly admin: { email: string; password: string };
  /** The process (kernel) that runs the server. */
  readonly pid: number;
}

/** AUTHBOOK_SHARED_SERVER_FILE, else .jupyter/tutorial-server.json in the project. */
export const sharedServerFile = (env: NodeJS.ProcessEnv = process.env): string =>
  env.AUTHBOOK_SHARED_SERVER_FILE ?? path.join(PROJECT_ROOT, '.jupyter', 'tutorial-server.json');

/** A live view of a server started in this kernel, in the shape the file holds. */
export function describeServer(pub: PublicServer): SharedServer {
  return {
    get url() {
      return pub.url;
    },
    localUrl: pub.server.url,
    get address() {
      return pub.address;
    },
    get isPublic() {
      return pub.tunnel !== null;
    },
    admin: { email: pub.server.admin.email, password: pub.server.admin.password },
    pid: process.pid,
  };
}

const snapshot = (server: SharedServer): SharedServer => ({
  url: server.url,
  localUrl: server.localUrl,
  address: server.address,
  isPublic: server.isPublic,
  admin: server.admin,
  pid: server.pid,
});

function readFile(file: string): SharedServer | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as SharedServer;
  } catch {
    return null; // missing, or half-written by a kernel that died
  }
}

export interface ServerAnnouncement {
  /** Writes the server's state again (after the tunnel reopened under a new URL). */
  update(): void;
  /** Removes the file, if it still announces this server. */
  remove(): void;
}

/**
 * Writes `server` to `file` (mode 0600) and keeps it until remove() or the kernel's end.
 *
 * @example
 * const announcement = announceServer(describeServer(pub), sharedServerFile());
 */
export function announceServer(server: SharedServer, file: string): ServerAnnouncement {
  const write = () => {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // A fresh file (so the mode applies) renamed into place: a reader never sees half of it.
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, JSON.stringify(snapshot(server), null, 2) + '\n', { mode: 0o600 });
    fs.renameSync(partial, file);
  };
  write();
  // Another notebook 6 may have announced its own server since: leave that one alone.
  const stillOurs = () => {
    const current = readFile(file);
    return current !== null && current.pid === server.pid && current.localUrl === server.localUrl;
  };
  const remove = onKernelExit(() => {
    if (stillOurs()) fs.rmSync(file, { force: true });
  });
  return { update: write, remove };
}

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
};

/**
 * The server notebook 6 announced, when its kernel is alive and it answers on this machine; else null.
 *
 * @example
 * const shared = await findSharedServer();
 * console.log(shared ? `notebook 6's server at ${shared.url}` : 'none running');
 */
export async function findSharedServer(file: string = sharedServerFile()): Promise<SharedServer | null> {
  const found = readFile(file);
  if (found === null || !processAlive(found.pid)) return null;
  try {
    const health = await callEndpoint('GET', '/healthz', { baseUrl: found.localUrl, timeoutMs: 2000 });
    return health.status === 200 ? found : null;
  } catch {
    return null;
  }
}
