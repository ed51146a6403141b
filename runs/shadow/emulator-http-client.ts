/**
 * One HTTP attempt of a downstream call: `GET <base>/n/<node>` on a
 * keep-alive agent (an emulator makes many calls; a new TCP connection each
 * would add its own latency and exhaust ephemeral ports), with a deadline.
 * On the deadline the attempt is abandoned and its socket destroyed; the
 * callee keeps working, as in the twin (its answer finds nobody waiting).
 */
import { Agent, request } from 'node:http';

export type AttemptOutcome = 'ok' | 'error' | 'timeout';

/**
 * maxSockets bounds the connections to one callee; above it the agent queues,
 * which would be a wait the twin does not have, so it is set well above any
 * plausible concurrency of a shadow. Idle sockets close after 30 s, before
 * the servers' 60 s keep-alive timeout, so a client never reuses a socket the
 * server is closing.
 */
export function createCallAgent(): Agent {
  return new Agent({ keepAlive: true, maxSockets: 1024, maxFreeSockets: 256, timeout: 30_000, scheduling: 'lifo' });
}

/** One GET with a deadline (ms; null = none). A 2xx status is 'ok'; any other status or a socket error is 'error'. */
export function attempt(agent: Agent, url: string, deadlineMs: number | null): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | null = null;
    const settle = (o: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      if (timer !== null) clearTimeout(timer);
      resolve(o);
    };
    const req = request(url, { agent, method: 'GET' }, (res) => {
      const ok = res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300;
      res.on('end', () => settle(ok ? 'ok' : 'error'));
      res.on('error', () => settle('error'));
      res.resume();
    });
    req.on('error', () => settle('error'));
    if (deadlineMs !== null) {
      timer = setTimeout(() => {
        settle('timeout');
        req.destroy();
      }, Math.max(1, deadlineMs));
    }
    req.end();
  });
}
