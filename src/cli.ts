#!/usr/bin/env node
// The command line: `serve` (what npm start runs) and `create-user` (how an operator makes the
// first admin without ADMIN_EMAIL). Bad configuration ends here in one line naming the variable.
import cluster from 'node:cluster';
import os from 'node:os';
import path from 'node:path';
import type { ReadStream } from 'node:tty';
import { parseArgs } from 'node:util';
import bcrypt from 'bcrypt';
import { createAuthService } from './auth/auth-service';
import { isAuthError } from './auth/errors';
import { reportListening, superviseWorkers, workerSlot } from './cluster';
import { ConfigError, loadConfig, type Config } from './config';
import { DatabaseOpenError, openStore } from './db/open-store';
import { openTutorial } from './notebook/jupyter-launcher';
import { registerKernel } from './notebook/kernel-spec';
import { exportTutorial } from './notebook/tutorial-export';
import { openLogOutput } from './log-output';
import { promptHidden, PromptCancelled } from './password-prompt';
import { startServer } from './server';
import { lowerThreadpoolPriority } from './threadpool-priority';

const USAGE = `usage:
  authbook serve                      start the server (configuration from environment variables)
  authbook create-user --username NAME --email EMAIL [--role ROLE] --password-stdin
                                      create a user; the password is asked for (not shown) on a
                                      terminal, or read from piped stdin
  authbook rotate-keys                add an ES256 signing key: published at once, signing after
                                      SIGNING_KEY_ACTIVATION_DELAY; the previous key verifies on
  authbook notebook [JUPYTER ARGS]    register the tslab kernel and open the tutorial in Jupyter
  authbook kernel                     register the tslab kernel only (for CI and editors)
  authbook tutorial-html [--out DIR]  run every notebook and write them as HTML pages (default tutorial-html/)`;

// bcrypt hashes on libuv's threadpool: one thread per core keeps logins at full speed without
// starving the event loop. Must be set before the pool first starts.
process.env.UV_THREADPOOL_SIZE ??= String(Math.max(2, os.availableParallelism()));

async function serve(config: Config): Promise<void> {
  const { logger, flush } = openLogOutput(config.logLevel);
  const slot = workerSlot();
  if (slot === null) for (const warning of config.warnings) logger.warn(warning); // once, not per worker
  if (config.workers > 1 && cluster.isPrimary) return superviseWorkers(config.workers, logger);
  const reniced = await lowerThreadpoolPriority(() => bcrypt.genSalt(4)); // before anything else uses the pool
  logger.debug({ threads: reniced }, 'threadpool priority lowered');
  const running = await startServer({ config, logger, leader: slot === null || slot === 0 });
  if (slot === null) console.log(`authbook listening on ${running.url}`);
  else reportListening(running.url);
  const stop = (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    running.close().then(flush).then(() => process.exit(0));
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

/** Typed at a terminal with echo off, or piped in (one trailing newline dropped). */
async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    try {
      return await promptHidden(process.stdin as ReadStream, process.stderr, 'Password: ');
    } catch (error) {
      throw error instanceof PromptCancelled ? new CliError('cancelled: no user created') : error;
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function parseCreateUserArgs(args: string[]) {
  try {
    return parseArgs({
      args,
      options: {
        username: { type: 'string' },
        email: { type: 'string' },
        role: { type: 'string', default: 'user' },
        'password-stdin': { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n${USAGE}`); // an unknown or incomplete option
  }
}

async function createUser(config: Config, args: string[]): Promise<void> {
  if (args.some((arg) => arg === '--password' || arg.startsWith('--password='))) {
    throw new CliError('--password would show the password to every user of this machine (ps): use --password-stdin');
  }
  const { values } = parseCreateUserArgs(args);
  const password = values['password-stdin'] ? await readPassword() : undefined;
  if (!values.username || !values.email || !password) throw new CliError('create-user needs --username, --email and --password-stdin');
  const store = await openStore(config);
  try {
    const auth = createAuthService({ config, store });
    const user = await auth.createUser({ username: values.username, email: values.email, password, role: values.role });
    console.log(`created user ${user.id} (${user.username}, ${user.email}, role ${user.role})`);
  } finally {
    await store.close();
  }
}

async function rotateKeys(config: Config): Promise<void> {
  if (config.signing.algorithm !== 'ES256') throw new CliError('rotate-keys rotates ES256 keys: ACCESS_TOKEN_ALG is HS256 (rotate JWT_SECRET instead)');
  const store = await openStore(config);
  try {
    const { kid, activatesAt } = await createAuthService({ config, store }).rotateSigningKey();
    console.log(`added signing key ${kid}: published now, signing from ${new Date(activatesAt).toISOString()}`);
  } finally {
    await store.close();
  }
}

/** A problem the operator can act on: printed as one line, without a stack. */
class CliError extends Error {}

async function main(argv: string[]): Promise<void> {
  const [command = 'serve', ...rest] = argv;
  if (command === '--help' || command === 'help') {
    console.log(USAGE);
    return;
  }
  // The tutorial commands need no service configuration.
  if (command === 'notebook') {
    process.exitCode = await openTutorial(rest);
    return;
  }
  if (command === 'kernel') {
    try {
      console.log(`registered the tslab kernel: ${registerKernel()}`);
    } catch (error) {
      throw new CliError((error as Error).message); // e.g. tslab missing: the message says what to run
    }
    return;
  }
  if (command === 'tutorial-html') {
    const { values } = parseArgs({ args: rest, options: { out: { type: 'string' } } });
    await exportTutorial({ outDir: values.out === undefined ? undefined : path.resolve(values.out) });
    return;
  }
  const config = loadConfig();
  if (command === 'serve') return serve(config);
  if (command === 'create-user') return createUser(config, rest);
  if (command === 'rotate-keys') return rotateKeys(config);
  throw new CliError(`unknown command '${command}'\n${USAGE}`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const expected = error instanceof ConfigError || error instanceof CliError || error instanceof DatabaseOpenError || isAuthError(error);
  const hint = (error as NodeJS.ErrnoException)?.code === 'EADDRINUSE' ? ' (is another server running? set PORT)' : '';
  console.error(`authbook: ${error instanceof Error ? error.message : String(error)}${hint}`);
  if (!expected && error instanceof Error && !hint) console.error(error.stack);
  process.exit(1);
});
