// The real server in a process of its own, as `npm start` runs it (node dist/cli.js serve): for CLI
// tests and for rules that must hold across processes sharing one database. Needs dist/.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code. */
  exit: Promise<number | null>;
}

/**
 * Starts `serve` with exactly `environment` and resolves with its URL once it prints it. With
 * `stdoutFile`, stdout goes to that file (as `npm start > authbook.log` sends it), read for the URL.
 */
export function spawnServer(environment: Record<string, string>, { stdoutFile }: { stdoutFile?: string } = {}): Promise<ServerProcess> {
  const fd = stdoutFile === undefined ? null : fs.openSync(stdoutFile, 'a');
  const child = spawn(process.execPath, [CLI, 'serve'], { env: environment, stdio: ['ignore', fd ?? 'pipe', 'pipe'] });
  if (fd !== null) fs.closeSync(fd); // the child holds its own copy
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let output = '';
    const found = (text: string) => {
      const match = /listening on (http:\/\/\S+)/.exec(text);
      if (match) resolve({ child, url: match[1], exit });
      return match !== null;
    };
    if (stdoutFile === undefined) {
      child.stdout!.on('data', (chunk) => found((output += chunk)));
    } else {
      const poll = setInterval(() => found(fs.readFileSync(stdoutFile, 'utf8')) && clearInterval(poll), 25);
      child.on('exit', () => clearInterval(poll));
    }
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => reject(new Error(`exited ${code} before listening: ${output}`)));
  });
}

export const childEnv = (env: Record<string, string>): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env });
