// The service's log: JSON lines on stdout (a file, a pipe to journald or a container runtime), written
// asynchronously in buffered chunks, so a request does not wait for a write() of its own line.
// Each chunk is whole lines and at most PIPE_BUF (4096) bytes: the workers of WORKERS=N share one
// stdout, and a pipe keeps writes of that size whole, so their lines never tear into each other.
// Flushed every second, on a graceful stop (after the last write in flight), and synchronously on
// any exit, a crash included (pino registers that for its destinations): what can be lost is only
// what a SIGKILL, an abort or the kernel's OOM killer catches in the buffer, at most a second of lines.
import pino, { type Logger } from 'pino';

const PIPE_BUF = 4096;
const FLUSH_EVERY_MS = 1000;

export interface LogOutput {
  logger: Logger;
  /** Resolves once every line logged so far has been written. */
  flush(): Promise<void>;
}

export function openLogOutput(level: string): LogOutput {
  const destination = pino.destination({ dest: 1, sync: false, minLength: PIPE_BUF - 1024, maxWrite: PIPE_BUF, periodicFlush: FLUSH_EVERY_MS });
  const logger = pino({ level }, destination);
  return {
    logger,
    flush: () => new Promise<void>((resolve) => logger.flush(() => resolve())),
  };
}
