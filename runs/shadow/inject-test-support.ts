/** A loopback HTTP server for the injector and telemetry tests: counts requests, records when they arrived, and closes cleanly. */
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { TrafficSchedule } from '../../twins/shadow/plan-types.js';

export interface TestServer {
  readonly url: string;
  readonly port: number;
  /** performance.now() of every request's arrival, in order. */
  readonly arrivals: number[];
  close(): Promise<void>;
}

export async function startServer(handle: (req: IncomingMessage, res: ServerResponse) => void = (_q, res) => res.end('ok')): Promise<TestServer> {
  const arrivals: number[] = [];
  const server: Server = createServer((req, res) => {
    arrivals.push(performance.now());
    handle(req, res);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    arrivals,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A constant production rate for one entry. */
export function constantSchedule(rate: number, entry = 'in', node = 'api'): TrafficSchedule {
  return { entry, node, source: { kind: 'constant' }, step: 60, rates: [rate], process: 'poisson' };
}

/** The HTTP status of a GET (no keep-alive), for tests of the shadow's servers. */
export function httpStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });
}
