/**
 * A bare loopback HTTP server for the shadow bench, run as its own process
 * (bench/shadow-target.ts spawns it) so that serving requests does not share
 * the injector's event loop:
 *   node dist/bench/shadow-target-main.js SLEEP_MS
 * SLEEP_MS 0 answers at once; otherwise each request is answered after a
 * plain setTimeout(SLEEP_MS), with no compensation, which is what node's
 * timers give any server (the baseline the emulator's overhead is read
 * against). It binds 127.0.0.1 port 0 and sends { port } to its parent over
 * IPC; it exits when the parent disconnects or dies, so it cannot outlive
 * the bench.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const sleepMs = Number(process.argv[2] ?? '0');
if (!(Number.isFinite(sleepMs) && sleepMs >= 0) || process.send === undefined) {
  console.error('usage: shadow-target-main.js SLEEP_MS (started by bench/shadow-target.ts, with an IPC channel)');
  process.exit(2);
}

const server = createServer((req, res) => {
  req.resume();
  if (sleepMs === 0) res.end('ok');
  else setTimeout(() => res.end('ok'), sleepMs);
});
server.keepAliveTimeout = 30_000;
process.on('disconnect', () => process.exit(0));
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
server.listen(0, '127.0.0.1', () => {
  process.send!({ port: (server.address() as AddressInfo).port });
});
