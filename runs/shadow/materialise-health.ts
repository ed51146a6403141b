/** Health checks of shadow processes: `GET /healthz` answering 200. */
import { get } from 'node:http';

/** One check; false on any error, non-200 status or no answer within `timeoutMs`. */
export function checkHealth(baseUrl: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(`${baseUrl}/healthz`, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Polls until healthy; rejects naming the process when `timeoutMs` passes first. */
export async function waitHealthy(name: string, baseUrl: string, timeoutMs: number, pollMs = 25): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await checkHealth(baseUrl, Math.max(1, Math.min(1000, deadline - Date.now())))) return;
    if (Date.now() >= deadline) throw new Error(`${name} at ${baseUrl} was not healthy after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
