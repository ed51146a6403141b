/**
 * What the emulator and the stub servers share: routes (`GET /n/<node>`,
 * `/metrics`, `/healthz`), server timeouts for long keep-alive use under
 * dilation, and listening with a reported port.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { ListenAddress } from '../../twins/shadow/emulator-config.js';

export interface ShadowRoutes {
  /** Handles `GET /n/<node>`; `node` is decoded. */
  node(node: string, res: ServerResponse): void;
  readonly registry: Registry;
  health(): Record<string, unknown>;
}

export function sendText(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function createShadowServer(routes: ShadowRoutes): Server {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    // Requests carry no body; drain anything sent so the keep-alive socket stays usable.
    req.resume();
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method !== 'GET') return sendText(res, 405, 'only GET\n');
    if (path.startsWith('/n/')) {
      let node: string;
      try {
        node = decodeURIComponent(path.slice(3));
      } catch {
        return sendText(res, 400, 'bad node id\n');
      }
      return routes.node(node, res);
    }
    if (path === '/healthz') return sendText(res, 200, `${JSON.stringify({ ok: true, ...routes.health() })}\n`, 'application/json');
    if (path === '/metrics') {
      routes.registry.metrics().then(
        (text) => sendText(res, 200, text, routes.registry.contentType),
        (e: unknown) => sendText(res, 500, `metrics: ${(e as Error).message}\n`),
      );
      return;
    }
    sendText(res, 404, 'unknown path\n');
  });
  // Many requests per connection for a long time: keep sockets open longer than the
  // callers' agents keep idle ones (30 s), and never cut a dilated slow request.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.requestTimeout = 0;
  return server;
}

/** Listens and returns the bound port (the OS's choice when listen.port is 0). */
export function listen(server: Server, at: ListenAddress): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(at.port, at.host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Path of a node on a shadow process. */
export function nodePath(node: string): string {
  return `/n/${encodeURIComponent(node)}`;
}
