/** Proposals and a policy built by hand for the tests of the workflow (no simulation). */
import { parsePolicyText } from './policy-read.js';
import type { Policy } from './policy.js';
import type { Anomaly, Proposal } from './types.js';

export const TEST_POLICY_YAML = `
nodes:
  recommendation:
    actions: [scaleOut, scaleUp]
    bounds:
      replicas: { min: 1, max: 6, maxStep: 3 }
  "*":
    actions: [scaleOut]
    bounds:
      replicas: { min: 1, max: 4 }
approvals:
  roles: [sre]
  required: 2
autoApprove:
  - name: small-scale-out
    action: scaleOut
    maxStep: 2
    requireExcludesNoImprovement: true
maxChangesPerHour: 3
verify:
  window: 60s
  minPoints: 5
  onNoData: rollback
`;

export const testPolicy = (): Policy => parsePolicyText(TEST_POLICY_YAML, 'test-policy.yaml');

export interface TestProposalOptions {
  readonly id?: string;
  readonly node?: string;
  readonly from?: number;
  readonly to?: number;
  readonly source?: 'risk' | 'shadow' | 'drift';
  /** The paired interval on the addressed node's P(fail) change. */
  readonly change?: { readonly lo: number; readonly hi: number };
  readonly expiresAt?: string;
  readonly createdAt?: string;
}

export function testProposal(o: TestProposalOptions = {}): Proposal {
  const node = o.node ?? 'recommendation';
  const from = o.from ?? 1;
  const to = o.to ?? 2;
  const source = o.source ?? 'risk';
  const change = o.change ?? { lo: -0.3, hi: -0.1 };
  const anomaly: Anomaly = {
    id: `${source}:${node}:overload`, source, node, severity: 'critical', summary: `${node} fails in 40% of replications`,
    evidence: source === 'risk'
      ? { source: 'risk', pFail: { mean: 0.4, lo: 0.33, hi: 0.47 }, threshold: 0.05, condition: 'overload', timeToFailure: null }
      : { source, metric: 'latency_p99', verdict: 'fail', n: { baseline: 60, candidate: 60 }, outliersRemoved: { baseline: 0, candidate: 1 }, shift: { estimate: 0.2, lo: 0.1, hi: 0.3, level: 0.95 }, tolerance: 0.1, pValue: 0.001, reason: 'shifted' },
  };
  const strategy = {
    id: `scaleOut:${node}:from=${from},to=${to}`, action: 'scaleOut' as const, target: node, params: { from, to },
    deltas: [{ op: 'replicas' as const, node, replicas: to }], description: `scale ${node} from ${from} to ${to} replicas`, reversible: true, addresses: [anomaly.id],
  };
  return {
    id: o.id ?? `p-${node}-${from}-${to}`,
    createdAt: o.createdAt ?? '2026-01-05T10:00:00.000Z',
    expiresAt: o.expiresAt ?? '2026-01-05T12:00:00.000Z',
    twin: { name: 'shop', hash: 'a'.repeat(64) },
    anomalies: [anomaly],
    strategy,
    evaluation: {
      strategy, replications: 200, seed: 1,
      nodes: [{ node, baseline: { mean: 0.4, lo: 0.33, hi: 0.47 }, candidate: { mean: 0.2, lo: 0.15, hi: 0.26 }, change: { mean: (change.lo + change.hi) / 2, lo: change.lo, hi: change.hi, n: 200 } }],
      sloViolationMinutes: { mean: -3, lo: -4, hi: -2, n: 200 }, requestsFailed: { mean: -100, lo: -120, hi: -80, n: 200 },
      cost: { replicaHours: 0.5, coreHours: 0.5, requestsShed: 0, priced: 0.02, unit: 'USD' }, blastRadius: [node], verdict: change.hi < 0 ? 'better' : 'inconclusive', explanation: 'by hand',
    },
    alternatives: [],
    choice: 'lowest risk',
    autoApproved: null,
  };
}

/** Within the hour of the test proposals' life. */
export const TEST_NOW = new Date('2026-01-05T10:30:00.000Z');
