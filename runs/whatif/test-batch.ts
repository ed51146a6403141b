/**
 * A small twin and batches for the what-if tests, written to a folder: two
 * independent entries, `a` into `svc` (1 worker per replica, mean service
 * 0.25 s, utilization SLO 0.9) and `b` into `other`, which nothing of `svc`
 * or of entry `a` can reach. At 10 req/s svc's utilization per replica is
 * 2.5 / replicas: 1 and 2 replicas saturate (fail every replication), 4
 * run at 0.625 and 8 at 0.31 (never near 0.9 over a 60 s window); at load
 * 2 the fewest safe count is 8.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const TEST_TWIN = `name: pair
nodes:
  - id: svc
    servers: 1
    queue: 50
    service: { type: exponential, mean: 0.25 }
    slo: { utilization: 0.9, window: 60s }
  - id: other
    servers: 2
    queue: 50
    service: { type: exponential, mean: 0.1 }
    slo: { p99: 1s, window: 60s }
entries:
  - { id: a, node: svc, rate: 10 }
  - { id: b, node: other, rate: 12 }
`;

/** Writes pair.yaml and batch.yaml (settings, then `axes` as given in YAML) into `dir`; returns the batch path. */
export async function writeBatch(dir: string, axes: string, settings = 'replications: 12\nhorizon: 120s\nwindow: 60s\ntarget: 0.4\n'): Promise<string> {
  await writeFile(join(dir, 'pair.yaml'), TEST_TWIN);
  const batch = join(dir, 'batch.yaml');
  await writeFile(batch, `twin: pair.yaml\nseed: 3\n${settings}axes:\n${axes}`);
  return batch;
}
