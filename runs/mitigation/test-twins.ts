import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exampleFile } from '../../twins/examples/paths.js';

/** A small twin for the mitigation tests: a gateway calling one service at ~0.9 utilization with a p99 SLO it breaks in some replications. */
export const SATURATED_TWIN = {
  name: 'saturated',
  nodes: [
    { id: 'web', kind: 'gateway', servers: 32, service: { type: 'exponential', mean: '1ms' } },
    { id: 'rec', servers: 1, queue: 200, service: { type: 'exponential', mean: '20ms' }, timeout: '3s', retries: { max: 1 }, slo: { p99: '800ms', window: '60s' } },
  ],
  edges: [{ type: 'call', from: 'web', to: 'rec', mean: 1 }],
  entries: [{ id: 'users', node: 'web', rate: 45 }],
} as const;

/**
 * The example policy (written for the shop) made fit for SATURATED_TWIN,
 * written to DIR/policy.yaml: a policy may only name nodes of its twin, so
 * its `recommendation` rules are dropped; rec gets the "*" rules, the ones
 * the example gave it before. Returns the file.
 */
export async function saturatedPolicy(dir: string): Promise<string> {
  const example = await readFile(exampleFile('policy.yaml'), 'utf8');
  const policy = example.replace(/^  recommendation:\n(?: {4}.*\n)+/m, '');
  if (policy === example) throw new Error('twins/examples/policy.yaml changed: update the rules saturatedPolicy drops');
  const file = join(dir, 'policy.yaml');
  await writeFile(file, policy);
  return file;
}
