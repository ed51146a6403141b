/**
 * `shadowcast mitigate propose`: from a simulation result, the nodes at risk
 * (its P(fail) upper bounds), candidate fixes, each re-simulated against the
 * baseline with common random numbers (the result's own seed, horizon,
 * windows, forecast and state, so the baseline is the result again), the
 * choice, and the proposal: stored with its evidence and expiry, judged by
 * the policy (auto-approval or not), audited, and written to --out.
 */
import { join, resolve } from 'node:path';
import { readForecast } from '../../../models/forecast-file.js';
import { loadTwinFile } from '../../../twins/definition/load.js';
import { wilsonInterval } from '../../../engine/index.js';
import { addressedNodes } from '../../../twins/mitigation/choose.js';
import { zOf } from '../../../twins/mitigation/evaluate-stats.js';
import { targetLook } from '../../../twins/mitigation/race.js';
import { riskAnomalies } from '../../../twins/mitigation/detect.js';
import { rulesFor, type Policy } from '../../../twins/mitigation/policy.js';
import { loadPolicyFile } from '../../../twins/mitigation/policy-read.js';
import type { Strategy } from '../../../twins/mitigation/types.js';
import { checkResultTwin } from '../../../twins/shadow/plan.js';
import { readSimulationResult } from '../../../twins/shadow/result-files.js';
import { readStateSnapshot } from '../../../twins/state.js';
import { defineCommand, OUTSIDE_PATHS_FLAG, parseFlags } from '../../flags.js';
import { table } from '../../format.js';
import { proposeMitigations, type ProposeResult } from '../../mitigation/propose.js';
import { recordProposal } from '../../mitigation/workflow.js';
import { writeFileAtomically } from '../../report/atomic-file.js';
import { checkOutputFolder } from '../../report/atomic.js';
import { STATE_FLAGS, storeFile, withState } from './shared.js';
import { checkStoreFileForCreate } from '../../mitigation/store.js';
import { CONFIRM_FLAGS, confirmIfShadow } from './confirm-flags.js';
import { EXECUTOR_FLAGS, executorChoice, openExecutor } from '../../executors/choose.js';

export const MITIGATE_PROPOSE = defineCommand({
  command: 'mitigate propose',
  flags: {
    twin: { kind: 'path', value: 'FILE', required: true, help: 'twin spec' },
    result: { kind: 'path', value: 'SIMDIR', required: true, help: "output of 'shadowcast simulate' on this twin: its risk, seed, horizon, forecast and state" },
    policy: { kind: 'path', value: 'FILE', required: true, help: 'mitigation policy (YAML, docs/mitigation-workflow.md)' },
    out: { kind: 'path', value: 'DIR', required: true, help: 'where proposal.json and evaluations.json go' },
    ...STATE_FLAGS,
    replications: { kind: 'positiveInt', value: 'N', absent: "the result's", help: 'replications of the baseline and the most any candidate runs' },
    'no-race': { kind: 'boolean', help: 'run every candidate to the full count instead of racing them (stopping each once its decision is made)' },
    threshold: { kind: 'level', default: '0.05', help: 'a node is at risk when its P(fail) upper bound reaches this' },
    target: { kind: 'level', default: '0.05', help: "the fix must bring the nodes' P(fail) upper bound under this" },
    'max-candidates': { kind: 'positiveInt', value: 'N', absent: 'all generated', help: 'most candidates evaluated (the scale-out search first)' },
    workers: { kind: 'nonNegativeInt', value: 'W', absent: 'all cores', help: 'worker threads' },
    ...EXECUTOR_FLAGS,
    as: { kind: 'string', value: 'NAME', default: 'shadowcast', help: 'the proposer, for the audit log (may not approve its own proposal)' },
    ...CONFIRM_FLAGS,
    ...OUTSIDE_PATHS_FLAG,
  },
  notes: 'Exit 0 with or without a proposal (the table says why none); 3 when an input is wrong.',
});

const pct = (x: number) => `${(x * 100).toFixed(1)} %`;

/** Lines a console list shows before it says how many more there are: a 1000-node network whose few replications bound every P(fail) above the threshold must not print 1000 lines. */
const SHOWN = 15;
const some = (items: readonly string[], where: string): string[] =>
  items.length > SHOWN ? [...items.slice(0, SHOWN), `... and ${items.length - SHOWN} more (${where})`] : [...items];

/** A candidate the policy could never let through is not worth simulating: its action on its target node is not allowed (bounds are judged on the proposal). */
const policyRefusal = (policy: Policy) => (s: Strategy): string | null => {
  const rules = rulesFor(policy, s.target);
  if (rules === null) return `the policy allows no change to '${s.target}'`;
  return rules.actions.includes(s.action) ? null : `the policy does not allow ${s.action} on '${s.target}'`;
};

function evaluationTable(r: ProposeResult): string {
  const rows = r.evaluations.map((e) => {
    const nodes = addressedNodes(e.strategy, r.anomalies);
    const addressed = e.nodes.filter((n) => nodes.includes(n.node));
    const worst = addressed.length ? addressed.reduce((a, b) => (b.candidate.hi > a.candidate.hi ? b : a)) : null;
    return [
      e.strategy.id, e.verdict,
      worst ? `${pct(worst.baseline.mean)} → ${pct(worst.candidate.mean)} [≤ ${pct(worst.candidate.hi)}]` : '-',
      worst ? `${(worst.change.mean * 100).toFixed(1)} [${(worst.change.lo * 100).toFixed(1)}, ${(worst.change.hi * 100).toFixed(1)}] pts` : '-',
      e.cost.replicaHours.toFixed(2),
      Number(e.cost.priced.toPrecision(3)).toString(),
      e.blastRadius.join(' ') || '-',
      String(e.replications),
      e.race?.stop ?? '-',
    ];
  });
  return table(['strategy', 'verdict', 'P(fail) of the node at risk', 'paired change', '+replica-h', `cost (${r.evaluations[0]?.cost.unit ?? ''})`, 'blast radius', 'replications', 'stopped'], rows, 2);
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(MITIGATE_PROPOSE, argv);
  if (!parsed) return -1;
  const v = parsed.values;
  const choice = executorChoice(MITIGATE_PROPOSE, v, v.workers);
  await checkOutputFolder(v.out);
  // The store is written only at the end: a --state that holds somebody else's database is said now, not after the simulation.
  checkStoreFileForCreate(storeFile(v.state));
  const twin = await loadTwinFile(v.twin, { allowOutsidePaths: v['allow-outside-paths'] });
  // Read with the twin's node ids: a policy key naming no node (a misspelt id) would silently leave that node to the "*" rules.
  const policy = await loadPolicyFile(v.policy, { nodes: twin.indexOf });
  const result = await readSimulationResult(v.result);
  const warnings = checkResultTwin(twin, result.summary, join(v.result, 'summary.json'));
  const run = result.summary.run;
  // The result's own settings: with the same seed the baseline is the simulated result again, and the candidates share its random numbers.
  const forecast = run.forecast ? await readForecast(run.forecast) : null;
  const state = run.state ? await readStateSnapshot(run.state, twin) : null;
  const anomalies = riskAnomalies(result.summary.nodes, { threshold: v.threshold });
  // Most likely first: the list may be long when few replications leave every upper bound high.
  const riskOf = (a: (typeof anomalies)[number]) => (a.evidence.source === 'risk' ? a.evidence.pFail.mean : 0);
  const byRisk = [...anomalies].sort((a, b) => riskOf(b) - riskOf(a));
  console.log(anomalies.length === 0 ? `no node's P(fail) upper bound reaches ${pct(v.threshold)}: nothing to mitigate` : `at risk (${anomalies.length}):\n${some(byRisk.map((a) => a.summary), 'all in evaluations.json').map((l) => `  ${l}`).join('\n')}`);
  if (anomalies.length === 0) return 0;
  const seed = typeof run.seed === 'number' ? run.seed : Number(run.seed);
  const replications = v.replications ?? run.replications;
  // A candidate is proposed only with its P(fail) upper bound under the target: below n* replications no count of failures gets there.
  const enough = targetLook(v.target, run.confidence);
  const tooFew = replications < enough
    ? `${replications} replications cannot show a P(fail) under ${pct(v.target)}: even with no failure the ${pct(run.confidence)} upper bound is ${pct(wilsonInterval(0, replications, zOf(run.confidence)).hi)}; it takes ${enough} (--replications ${enough} or more)`
    : null;
  if (tooFew) console.log(`warning: ${tooFew}; the candidates are still compared with the baseline, but none can be proposed`);
  const executor = await openExecutor(choice);
  const r = await proposeMitigations({
    twin, anomalies, threshold: v.threshold, target: v.target,
    settings: { seed, horizon: run.horizon, reportWindow: run.windowSeconds, warmup: run.warmup, forecast, state },
    replications, level: run.confidence,
    ...(v['max-candidates'] !== undefined ? { maxCandidates: v['max-candidates'] } : {}),
    race: !v['no-race'], refuse: policyRefusal(policy), prices: policy.cost, ttlSeconds: policy.approvals.expiresAfterSeconds,
    executor,
  }).finally(() => executor.close());
  if (r.unconfirmed.length) console.log(`not answered (P(fail) not above ${pct(v.threshold)} beyond the noise: its lower bound is under it): ${some(r.unconfirmed.map((a) => a.node), 'evaluations.json: unconfirmed').join(', ')}`);
  if (r.skipped.length) {
    // Reasons repeat (the policy, the budget): one line per reason, the strategies after it (all of them in evaluations.json).
    const byReason = new Map<string, string[]>();
    for (const x of r.skipped) {
      const why = x.reason.startsWith('over the budget') ? x.reason : 'not allowed by the policy';
      byReason.set(why, [...(byReason.get(why) ?? []), x.id]);
    }
    console.log(`not evaluated:${[...byReason].map(([why, ids]) => `\n  ${why}: ${ids.length} (${ids.slice(0, 3).join(', ')}${ids.length > 3 ? ', ...' : ''})`).join('')}`);
  }
  if (r.evaluations.length === 0) console.log('\nno candidate to evaluate: every node at risk was unconfirmed, or its strategies were not allowed or over the budget (above)');
  else console.log(`\n${r.evaluations.length} candidate(s), up to ${replications} replications each on common random numbers${r.runs.looks.length > 1 ? `, raced (looks at ${r.runs.looks.join(', ')})` : ''}: ${r.runs.replications} replications in ${r.runs.seconds.toFixed(0)} s\n\n${evaluationTable(r)}\n`);
  for (const e of r.evaluations) if (e.race) console.log(`  ${e.strategy.id}: ${e.race.reason}`);
  const out = resolve(v.out);
  await writeFileAtomically(join(out, 'evaluations.json'), JSON.stringify({ anomalies: r.anomalies, unconfirmed: r.unconfirmed, skipped: r.skipped, evaluations: r.evaluations, searches: r.searches, runs: r.runs, warnings }, null, 1) + '\n');
  if (!r.proposal) {
    console.log(`no proposal: ${r.choice ? r.choice.explanation : r.evaluations.length === 0 ? 'nothing was evaluated' : 'no candidate was judged better with its P(fail) upper bound under the target'}${tooFew && r.evaluations.length > 0 ? ` (${tooFew})` : ''}`);
    return 0;
  }
  const proposal = await confirmIfShadow(r.proposal, v);
  const stored = await withState(v.state, async (store, audit) => recordProposal(store, audit, proposal, policy, { proposer: v.as }), { create: true });
  await writeFileAtomically(join(out, 'proposal.json'), JSON.stringify(stored.proposal, null, 1) + '\n');
  console.log(`proposal ${stored.proposal.id}: ${stored.proposal.strategy.description}\n  ${stored.proposal.choice}\n  state: ${stored.state}${stored.proposal.autoApproved ? ` (auto-approved by rule '${stored.proposal.autoApproved.rule}')` : ''}; expires ${stored.proposal.expiresAt}`);
  console.log(`\nwritten: ${join(out, 'proposal.json')}, ${join(out, 'evaluations.json')}; store and audit log in ${v.state}`);
  return 0;
}
