/** Runs a function against a local shadow of a plan, started in a temp folder and always stopped and removed after. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shadowDown, shadowUp, type ShadowStateFile } from '../runs/shadow/materialise.js';
import type { ShadowPlan } from '../twins/shadow/plan-types.js';

export async function withShadow<T>(plan: ShadowPlan, use: (state: ShadowStateFile) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'shadowcast-bench-shadow-'));
  try {
    return await use(await shadowUp(plan, dir));
  } finally {
    try {
      await shadowDown(dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** Where requests for `node` go in a running shadow. */
export function nodeUrl(state: ShadowStateFile, node: string): string {
  const base = state.addresses[node];
  if (base === undefined) throw new Error(`the shadow has no address for ${node}`);
  return `${base}/n/${encodeURIComponent(node)}`;
}
