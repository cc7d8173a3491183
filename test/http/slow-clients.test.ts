// Slow clients (slowloris): hundreds of connections that send their request a byte at a time must
// not hold the server. They are cut off once REQUEST_ARRIVAL_LIMITS run out, while other clients are
// answered as usual, and an idle keep-alive connection (a proxy's) is not mistaken for one of them.
import net from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_ARRIVAL_LIMITS } from '../../src/server';
import { startTestServer, type TestServer } from '../helpers/test-server';

const HEADER_DRIBBLERS = 300;
const BODY_DRIBBLERS = 20;
const DRIBBLE_EVERY_MS = 500;
/** Room for the check interval and a busy machine; a cut-off after this counts as "held". */
const CUTOFF_SLACK_MS = REQUEST_ARRIVAL_LIMITS.checkEveryMs + 3_000;

let server: TestServer;
const errorLines: string[] = [];
beforeAll(async () => {
  const logger = pino({ level: 'warn' }, { write: (line: string) => errorLines.push(line) });
  server = await startTestServer({}, logger);
  errorLines.length = 0; // what start-up says (e.g. that mail is not sent) is not what this checks
});
afterAll(() => server.close());

interface Dribbler {
  socket: net.Socket;
  received: string;
  closedAfterMs: number | null;
}

function dribbler(port: number, opening: string, startedAt: number): Dribbler {
  const socket = net.connect(port, '127.0.0.1');
  const state: Dribbler = { socket, received: '', closedAfterMs: null };
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (state.received += chunk));
  socket.on('error', () => undefined); // a reset after the 408 is one way to be cut off
  socket.on('close', () => (state.closedAfterMs = Date.now() - startedAt));
  socket.write(opening);
  return state;
}

/** "300 of 300 cut off after 10012-11067 ms" */
function cutOffs(closes: Array<number | null>): string {
  const closed = closes.filter((ms): ms is number => ms !== null);
  return `${closed.length} of ${closes.length} cut off` + (closed.length ? ` after ${Math.min(...closed)}-${Math.max(...closed)} ms` : '');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One request on a fresh connection (no keep-alive reuse): how long it took and its status. */
async function timedRequest(): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${server.url}/healthz`, { headers: { connection: 'close' } });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

/** Sends a request on `socket` and resolves with the raw response head once it arrives. */
function requestOn(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (chunk) => resolve(chunk.toString('utf8')));
    socket.write('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n');
  });
}

describe('slow clients', () => {
  it(
    `${HEADER_DRIBBLERS} connections dribbling headers and ${BODY_DRIBBLERS} dribbling bodies are cut off after the limits; others are served meanwhile`,
    async () => {
      const { port } = server.running;
      const startedAt = Date.now();
      const headerDribblers = Array.from({ length: HEADER_DRIBBLERS }, () => dribbler(port, 'GET /healthz HTTP/1.1\r\nHost: test\r\nX-Slow: ', startedAt));
      const bodyDribblers = Array.from({ length: BODY_DRIBBLERS }, () =>
        dribbler(port, 'POST /login HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"email":"', startedAt),
      );
      const everyone = [...headerDribblers, ...bodyDribblers];
      const dribble = setInterval(() => {
        for (const { socket } of everyone) if (!socket.destroyed) socket.write('a');
      }, DRIBBLE_EVERY_MS);

      // a proxy's keep-alive connection: one request, then idle for longer than the header limit
      const keepAlive = net.connect(port, '127.0.0.1');
      await new Promise((resolve) => keepAlive.once('connect', resolve));
      const firstOnKeepAlive = await requestOn(keepAlive);

      const normal: Array<{ status: number; ms: number }> = [];
      try {
        const deadline = startedAt + REQUEST_ARRIVAL_LIMITS.wholeRequestMs + CUTOFF_SLACK_MS;
        while (everyone.some((d) => d.closedAfterMs === null) && Date.now() < deadline) {
          normal.push(await timedRequest());
          await sleep(250);
        }
      } finally {
        clearInterval(dribble);
      }
      const secondOnKeepAlive = await requestOn(keepAlive);
      const idleKeptMs = Date.now() - startedAt;
      keepAlive.destroy();
      for (const { socket } of everyone) socket.destroy();

      const headerCloses = headerDribblers.map((d) => d.closedAfterMs);
      const bodyCloses = bodyDribblers.map((d) => d.closedAfterMs);
      const latencies = normal.map((r) => r.ms).sort((a, b) => a - b);
      console.log(
        `header dribblers: ${cutOffs(headerCloses)}; body dribblers: ${cutOffs(bodyCloses)}; ` +
          `${normal.length} normal requests meanwhile: median ${latencies[latencies.length >> 1]?.toFixed(1)} ms, max ${latencies.at(-1)?.toFixed(1)} ms`,
      );

      // every dribbler was cut off, by the header limit or the whole-request limit, not much later
      expect(headerCloses.filter((ms) => ms === null || ms > REQUEST_ARRIVAL_LIMITS.headersMs + CUTOFF_SLACK_MS)).toEqual([]);
      expect(bodyCloses.filter((ms) => ms === null || ms > REQUEST_ARRIVAL_LIMITS.wholeRequestMs + CUTOFF_SLACK_MS)).toEqual([]);
      // ...and not before (a limit that cut off at once would also "pass" the check above)
      expect(headerCloses.filter((ms) => ms !== null && ms < REQUEST_ARRIVAL_LIMITS.headersMs - 500)).toEqual([]);
      expect(bodyCloses.filter((ms) => ms !== null && ms < REQUEST_ARRIVAL_LIMITS.wholeRequestMs - 500)).toEqual([]);
      expect(new Set(everyone.map((d) => d.received.split('\r\n')[0]))).toEqual(new Set(['HTTP/1.1 408 Request Timeout']));

      // meanwhile everyone else was answered, promptly (a generous bound: a held server takes seconds)
      expect(normal.length).toBeGreaterThan(10);
      expect(normal.every((r) => r.status === 200)).toBe(true);
      expect(latencies.at(-1)).toBeLessThan(1_000);
      // the idle keep-alive connection outlived the header limit and still serves
      expect(idleKeptMs).toBeGreaterThan(REQUEST_ARRIVAL_LIMITS.headersMs);
      expect([firstOnKeepAlive, secondOnKeepAlive].map((head) => head.split('\r\n')[0])).toEqual(['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK']);
      expect(errorLines).toEqual([]); // a cut-off is not a server error
    },
    REQUEST_ARRIVAL_LIMITS.wholeRequestMs + 30_000,
  );
});
