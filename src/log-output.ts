// The service's log: JSON lines on stdout (a file, a pipe to journald or a container runtime), written
// asynchronously in buffered chunks, so a request does not wait for a write() of its own line.
// On a pipe or socket each chunk is whole lines and at most PIPE_BUF (4096) bytes: the workers of
// WORKERS=N share one stdout, and a pipe keeps writes of that size whole, so their lines never tear
// into each other. On a regular file (`npm start > authbook.log`) chunks are 64 KiB: Linux moves a
// shared file offset under a lock for the whole write(), so workers' chunks cannot overlap there, and
// fewer writes cost less. Flushed every second, on a graceful stop (after the last write in flight),
// and synchronously on any exit, a crash included (pino registers that for its destinations): what
// can be lost is only what a SIGKILL, an abort or the kernel's OOM killer catches in the buffer, at
// most a second of lines.
import fs from 'node:fs';
import pino, { type Logger } from 'pino';

const PIPE_BUF = 4096;
const FILE_CHUNK = 64 * 1024;
const FLUSH_EVERY_MS = 1000;

export interface LogOutput {
  logger: Logger;
  /** Resolves once every line logged so far has been written. */
  flush(): Promise<void>;
}

/** How large a write to fd may be without tearing lines of processes that share it. */
export function chunkBytesFor(fd: number): number {
  try {
    return fs.fstatSync(fd).isFile() ? FILE_CHUNK : PIPE_BUF;
  } catch {
    return PIPE_BUF; // a closed or odd stdout: the safe size
  }
}

export function openLogOutput(level: string): LogOutput {
  const chunk = chunkBytesFor(1);
  // Buffer mode: sonic-boom's text mode appends each line to one pending string and then measures it
  // with Buffer.byteLength, which flattens the whole string on every line (O(chunk) bytes copied per
  // line: 34 KB of garbage per request with 64 KiB chunks). Buffer mode keeps a list and its length.
  const destination = pino.destination({ dest: 1, sync: false, contentMode: 'buffer', minLength: chunk - 1024, maxWrite: chunk, periodicFlush: FLUSH_EVERY_MS });
  const buffers = destination as unknown as { write(data: Buffer): boolean }; // its types know only text mode
  const lines: pino.DestinationStream & Pick<typeof destination, 'flush' | 'flushSync'> = {
    write: (line: string) => buffers.write(Buffer.from(line)),
    flush: (callback) => destination.flush(callback),
    flushSync: () => destination.flushSync(),
  };
  const logger = pino({ level }, lines);
  return {
    logger,
    flush: () => new Promise<void>((resolve) => logger.flush(() => resolve())),
  };
}
