/** The fixture the verify tests share: a proposal recorded (and applied) through a command-like applier that records its calls. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_NOW, testProposal } from '../../twins/mitigation/decide-test-support.js';
import type { Policy } from '../../twins/mitigation/policy.js';
import type { Applier } from './appliers/applier.js';
import { dryRunApplier } from './appliers/dry-run.js';
import { MitigationStore } from './store.js';
import { applyProposal, recordProposal } from './workflow.js';

export interface RecordedProposal {
  readonly store: MitigationStore;
  readonly audit: string;
  readonly id: string;
  /** Changes something (so verification applies) and records 'apply' / 'rollback' in `calls`. */
  readonly applier: Applier;
  readonly calls: string[];
}

/** Runs `body` on a fresh store and audit log holding the test proposal, applied unless `apply` is false; removes them afterwards. */
export async function withRecordedProposal<T>(policy: Policy, apply: boolean, body: (f: RecordedProposal) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'shadowcast-verify-'));
  const store = new MitigationStore(join(dir, 'db'));
  const audit = join(dir, 'audit.jsonl');
  try {
    const calls: string[] = [];
    const applier: Applier = { ...dryRunApplier, name: 'command', changesSomething: true, apply: async () => { calls.push('apply'); return 'ok'; }, rollback: async () => { calls.push('rollback'); return 'ok'; } };
    const p = testProposal();
    recordProposal(store, audit, p, policy, { now: TEST_NOW });
    if (apply) await applyProposal(store, audit, p.id, applier, { now: TEST_NOW });
    return await body({ store, audit, id: p.id, applier, calls });
  } finally {
    store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
