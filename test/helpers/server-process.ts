// The real server in a process of its own, as `npm start` runs it (node dist/cli.js serve): for CLI
// tests and for rules that must hold across processes sharing one database. Needs dist/.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const CLI = path.join(__dirname, '..', '..', 'dist', 'cli.js');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Resolves with the exit code. */
  exit: Promise<number | null>;
}

/** Starts `serve` with exactly `environment` and resolves with its URL once it prints it. */
export function spawnServer(environment: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'serve'], { env: environment, stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1], exit });
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => reject(new Error(`exited ${code} before listening: ${output}`)));
  });
}

/** The variables a child needs from this process, plus its own. */
export const childEnv = (env: Record<string, string>): Record<string, string> => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env });
