// The latency probe, in a process of its own so the load generator's work never delays it:
// one GET at a time, every 5 ms, timed with hrtime (autocannon reports whole milliseconds and paces
// with timers, which at these latencies, ~0.5 ms, is mostly its own noise). Prints one JSON line.
//   node probe.mjs <port> <path> <milliseconds>
import http from 'node:http';

const [port, urlPath, durationMs] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = () =>
  new Promise((resolve) => {
    const started = process.hrtime.bigint();
    http
      .get({ host: '127.0.0.1', port: Number(port), path: urlPath, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode === 200 ? Number(process.hrtime.bigint() - started) / 1e6 : null));
      })
      .on('error', () => resolve(null));
  });

const samples = [];
let failed = 0;
for (const end = Date.now() + Number(durationMs); Date.now() < end; ) {
  const ms = await get();
  if (ms === null) failed += 1;
  else samples.push(ms);
  await new Promise((resolve) => setTimeout(resolve, 5));
}
agent.destroy();
samples.sort((a, b) => a - b);
const quantile = (q) => Number(samples[Math.min(samples.length - 1, Math.floor(q * samples.length))].toFixed(2));
console.log(JSON.stringify({ p50: quantile(0.5), p99: quantile(0.99), count: samples.length, failed }));
