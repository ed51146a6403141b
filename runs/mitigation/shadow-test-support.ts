/**
 * A small real shadow for the mitigation tests: one emulated node 'rec' (no
 * calls) with 2 workers per replica and a mean service time of 20 ms, driven
 * at a constant 85 requests/s: with one replica it is 85 % busy and queues
 * (M/M/2: mean wait about 50 ms), with two it is 43 % busy and hardly waits.
 * k = 1. Started on loopback, always stopped after the body.
 */
import { get } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHADOW_PLAN_FORMAT, type ShadowPlan } from '../../twins/shadow/plan-types.js';
import { writeFileAtomically } from '../report/atomic-file.js';
import { PLAN_FILE } from '../commands/shadow/shared.js';
import { shadowDown, shadowUp } from '../shadow/materialise.js';
import { emulatorSpec } from '../shadow/materialise-test-plan.js';

export const SHADOW_NODE = 'rec';

export function oneNodePlan(replicas: number, rate = 85): ShadowPlan {
  return {
    format: SHADOW_PLAN_FORMAT, createdAt: '2026-01-01T00:00:00.000Z', target: 'local',
    twin: { name: 'mitigation-test', source: 'test', hash: '0'.repeat(64) },
    result: { dir: 'none', replications: 1, horizon: 600, seed: 11 }, forecast: null,
    fidelity: { value: 0.5, threshold: 0.1, depth: 1, auto: null }, mode: 'reproduce',
    budget: { processes: 2, cores: 1, memoryBytes: 2 ** 30 }, dilation: { k: 1, reason: 'test' }, startAt: 0, duration: 600,
    nodes: [{
      id: SHADOW_NODE, action: 'duplicate', reasons: ['test'], pFail: null, stub: null,
      emulator: emulatorSpec({ replicas, workersPerReplica: 2, queuePerReplica: 400, service: { type: 'exponential', mean: 0.02 } }),
    }],
    traffic: [{ entry: 'web', node: SHADOW_NODE, source: { kind: 'constant' }, step: 60, rates: [rate], process: 'poisson' }],
    dropped: [], trimmed: [], warnings: [],
    cost: { processes: 1, cores: 0.5, memoryBytes: 2 ** 26, shadowSeconds: 600, requests: rate * 600 },
  };
}

/** Starts the one-node shadow in a temporary folder (plan.json beside state.json, as `shadow up` leaves it), runs body, stops it. */
export async function withShadow(replicas: number, body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mitigation-shadow-'));
  try {
    const plan = oneNodePlan(replicas);
    await writeFileAtomically(join(dir, PLAN_FILE), `${JSON.stringify(plan, null, 1)}\n`);
    await shadowUp(plan, dir);
    await body(dir);
  } finally {
    await shadowDown(dir, { graceMs: 500 }).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}

/** The value of an unlabelled-by-outcome gauge of the node on a /metrics page, e.g. shadow_workers. */
export function gaugeOf(baseUrl: string, name: string): Promise<number | null> {
  return new Promise((resolve, reject) => {
    get(`${baseUrl}/metrics`, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        const m = body.match(new RegExp(`^${name}\\{node="${SHADOW_NODE}"\\} (\\S+)$`, 'm'));
        resolve(m ? Number(m[1]) : null);
      });
    }).on('error', reject);
  });
}
