/**
 * Synthetic microservice twins (pure, seeded): the shape of the call graphs
 * measured in Alibaba's 2021 production traces (Luo et al., SoCC 2021 and
 * IWQoS 2022): a few entry services, most services leaves (stateless
 * leaves, caches and databases), a heavy-tailed fan-out (preferential
 * attachment: a few services call many), call depth mostly 2 to 5 with a
 * thin tail to 6, shared callees reached from several parents, mostly sync
 * calls with some async and optional ones, and a few hot spots sized to a
 * utilisation of 0.8 to 0.9 while the rest runs at 0.1 to 0.7.
 *
 * Sizing is done callees first with the screen's M/G/c figures
 * (twins/fidelity/mgc.ts), so a node's worker holding time includes the
 * mean response of its sync callees. The result is a TwinInput in the twin
 * file's shape (docs/twin-spec.md); the same (options) give the same twin.
 */
import { LIMITS } from '../../engine/limits.js';
import { createStream, type Rng } from '../../engine/rng.js';
import type { CallEdgeInput, EdgeInput, EntryInput, NodeInput, TwinInput } from '../definition/input.js';
import type { NodeKind } from '../definition/types.js';
import { mgc } from '../fidelity/mgc.js';

export interface MicroservicesOptions {
  /** Services, entry gateways included (>= 2). */
  readonly services: number;
  readonly seed: number;
  /** Total entry rate, requests/s, split over the entries. */
  readonly rate: number;
}

export const DEFAULT_MICROSERVICES: Omit<MicroservicesOptions, 'seed'> = { services: 100, rate: 50 };

/** Share of non-entry services per call depth 1..6. */
const DEPTH_SHARES = [0.25, 0.3, 0.22, 0.13, 0.07, 0.03];

interface Draft {
  readonly id: string;
  readonly depth: number;
  kind: NodeKind;
  readonly calls: { to: number; mode: 'sync' | 'async'; mean: number; optional: boolean; group: number }[];
  serviceMean: number;
  readonly cv: number;
  lambda: number;
  hot: boolean;
}

const pick = (rng: Rng, weights: readonly number[]): number => {
  const total = weights.reduce((s, w) => s + w, 0);
  let u = rng() * total;
  for (let i = 0; i < weights.length; i++) if ((u -= weights[i]!) < 0) return i;
  return weights.length - 1;
};
const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng();
const logUniform = (rng: Rng, lo: number, hi: number) => Math.exp(between(rng, Math.log(lo), Math.log(hi)));
const round = (x: number, digits = 3) => Number(x.toPrecision(digits));
const ms = (s: number) => `${round(s * 1000)}ms`;

export function checkMicroservicesOptions(o: MicroservicesOptions): string[] {
  const problems: string[] = [];
  if (!(Number.isInteger(o.services) && o.services >= 2 && o.services <= 10_000)) problems.push(`services: expected a whole number from 2 to 10000, got ${o.services}`);
  if (!Number.isSafeInteger(o.seed)) problems.push(`seed: expected a whole number, got ${o.seed}`);
  if (!(o.rate > 0 && o.rate <= 100_000)) problems.push(`rate: expected a number > 0 and <= 100000, got ${o.rate}`);
  return problems;
}

export function generateMicroservices(options: MicroservicesOptions): TwinInput {
  const problems = checkMicroservicesOptions(options);
  if (problems.length) throw new RangeError(problems.join('; '));
  const rng = createStream(options.seed, 0, 'generate:microservices');
  const n = options.services;
  const gateways = Math.max(1, Math.round(n / 33));
  // Depths: entries at 0; the rest drawn, sorted, and kept contiguous so every level has a parent level.
  const depths = Array.from({ length: n - gateways }, () => 1 + pick(rng, DEPTH_SHARES)).sort((a, b) => a - b);
  for (let i = 0, top = 0; i < depths.length; i++) { depths[i] = Math.min(depths[i]!, top + 1); top = depths[i]!; }
  const drafts: Draft[] = [];
  for (let i = 0; i < n; i++) {
    const depth = i < gateways ? 0 : depths[i - gateways]!;
    drafts.push({ id: i < gateways ? `gateway-${i}` : `svc-${String(i).padStart(3, '0')}`, depth, kind: i < gateways ? 'gateway' : 'service', calls: [], serviceMean: 0, cv: between(rng, 0.5, 1.5), lambda: 0, hot: false });
  }
  const outdeg = new Array<number>(n).fill(0);
  // Services per depth in index order, built once (depths never change after
  // this): filtering all services again for each service took seconds at 10000.
  const atDepth: number[][] = [];
  drafts.forEach((x, i) => (atDepth[x.depth] ??= []).push(i));
  const byDepth = (d: number): readonly number[] => atDepth[d] ?? [];
  const addCall = (from: number, to: number) => {
    if (drafts[from]!.calls.some((c) => c.to === to)) return;
    const async = drafts[from]!.depth > 0 && rng() < 0.15;
    const optional = !async && rng() < 0.2;
    const mean = optional ? round(between(rng, 0.2, 0.8), 2) : round(Math.min(3, logUniform(rng, 0.3, 2.5)), 2);
    drafts[from]!.calls.push({ to, mode: async ? 'async' : 'sync', mean, optional, group: 0 });
    outdeg[from]!++;
  };
  for (let i = gateways; i < n; i++) {
    const d = drafts[i]!.depth;
    const parents = byDepth(d - 1);
    // Every entry calls at least one service; after that,
    // preferential attachment: a parent with many callees is likelier to get another (heavy-tailed fan-out, most nodes leaves).
    addCall(i - gateways < gateways ? i - gateways : parents[pick(rng, parents.map((p) => (outdeg[p]! + 1) ** 1.6))]!, i);
    // Shared services: some are also called from another, shallower service.
    if (d > 1 && rng() < 0.25) {
      const others = drafts.map((x, k) => [x, k] as const).filter(([x, k]) => x.depth < d && outdeg[k]! > 0).map(([, k]) => k);
      if (others.length) addCall(others[Math.floor(rng() * others.length)]!, i);
    }
  }
  for (const x of drafts) {
    if (x.kind !== 'gateway' && x.calls.length === 0 && rng() < 0.3) x.kind = rng() < 0.5 ? 'database' : 'cache';
    x.serviceMean = x.kind === 'gateway' ? logUniform(rng, 0.5e-3, 2e-3) : x.kind === 'cache' ? logUniform(rng, 0.2e-3, 1e-3) : x.kind === 'database' ? logUniform(rng, 2e-3, 10e-3) : logUniform(rng, 0.5e-3, 15e-3);
    // Calls run in a few groups one after the other, calls of one group in parallel.
    const groups = Math.max(1, Math.ceil(x.calls.length / 2));
    x.calls.forEach((c) => { c.group = Math.floor(rng() * groups); });
    x.calls.sort((a, b) => a.group - b.group);
  }
  // Rates, parents before children (depth order).
  const entryShares = Array.from({ length: gateways }, () => between(rng, 0.5, 1.5));
  const shareTotal = entryShares.reduce((s, w) => s + w, 0);
  const entryRates = entryShares.map((w) => round((options.rate * w) / shareTotal));
  entryRates.forEach((r, g) => { drafts[g]!.lambda = r; });
  const order = drafts.map((_, i) => i).sort((a, b) => drafts[a]!.depth - drafts[b]!.depth || a - b);
  for (const i of order) for (const c of drafts[i]!.calls) drafts[c.to]!.lambda += drafts[i]!.lambda * c.mean;
  // Hot spots: ~4 % of the busier half (at least 2), sized to utilisation 0.8-0.9.
  const busy = order.filter((i) => drafts[i]!.lambda > 0 && drafts[i]!.kind !== 'gateway').sort((a, b) => drafts[b]!.lambda - drafts[a]!.lambda).slice(0, Math.max(2, Math.ceil(n / 2)));
  for (let k = 0; k < Math.max(2, Math.round(n * 0.04)) && busy.length > 0; k++) drafts[busy.splice(Math.floor(rng() * busy.length), 1)[0]!]!.hot = true;

  const nodes = new Array<NodeInput>(n);
  const response = new Array<number>(n).fill(0);
  for (const i of [...order].reverse()) {
    const x = drafts[i]!;
    let holding = x.serviceMean;
    for (const c of x.calls) if (c.mode === 'sync') holding += c.mean * response[c.to]!;
    const target = x.hot ? between(rng, 0.8, 0.9) : rng() < 0.15 ? between(rng, 0.5, 0.7) : between(rng, 0.1, 0.5);
    const a = Math.max(x.lambda * holding, 1e-9);
    let workers = Math.max(1, Math.round(a / target));
    let replicas = 1, servers = workers;
    if (x.hot) {
      // Exactly at the target: own work stretched to fill the workers.
      let stretch = (target * workers - a) / Math.max(x.lambda, 1e-9);
      // Rounding a / target down makes the stretch negative: own work shrinks,
      // and where the holding time is mostly sync callees' response (or the
      // rate is low) by more than the node's own work, leaving a negative
      // service mean (an invalid twin). Then one more worker: a / target is
      // under workers + 0.5, so the stretch is positive. Only then, so that
      // every twin that was valid before stays byte-identical.
      if (x.serviceMean + stretch <= 0) {
        workers += 1;
        servers = workers;
        stretch = (target * workers - a) / Math.max(x.lambda, 1e-9);
      }
      x.serviceMean += stretch;
      holding += stretch;
    } else {
      // Up to 8 workers a replica; but at a high --rate a busy node would need
      // more replicas than a twin file may have (LIMITS.replicas): then as
      // many as it may, with more workers each. Only then, so that twins that
      // were valid stay byte-identical.
      replicas = Math.min(Math.ceil(workers / 8), LIMITS.replicas);
      servers = Math.ceil(workers / replicas);
      workers = replicas * servers;
    }
    const f = mgc(x.lambda, holding, workers, x.cv * x.cv);
    response[i] = (Number.isFinite(f.wq) ? f.wq : 0) + holding;
    const node: NodeInput = {
      id: x.id, kind: x.kind, replicas, servers,
      queue: Math.round(logUniform(rng, 50, 500)),
      service: { type: 'lognormal', mean: ms(x.serviceMean), cv: round(x.cv, 2) },
      timeout: ms(Math.min(5, Math.max(0.1, 10 * response[i]!))),
      attributes: { depth: x.depth, targetUtilization: round(target, 2), hot: x.hot },
    };
    if (rng() < 0.3) node.retries = { max: 1 + Math.floor(rng() * 2), backoff: ms(between(rng, 0.02, 0.05)), jitter: 0.5 };
    if (x.hot || x.kind === 'gateway' || rng() < 0.6) {
      node.slo = { p99: ms(Math.max(0.05, 8 * response[i]!)), errorRate: 0.01, window: '60s', ...(x.hot ? { utilization: 0.9 } : {}) };
    }
    nodes[i] = node;
  }
  const edges: EdgeInput[] = drafts.flatMap((x) => x.calls.map((c): CallEdgeInput => ({
    type: 'call', from: x.id, to: drafts[c.to]!.id,
    ...(c.optional ? { probability: c.mean, optional: true } : { mean: c.mean }),
    ...(c.mode === 'async' ? { mode: 'async' as const } : {}),
    group: c.group,
  })));
  const entries: EntryInput[] = entryRates.map((rate, g) => ({ id: `users-${g}`, node: drafts[g]!.id, rate }));
  const hot = drafts.filter((x) => x.hot).map((x) => x.id);
  return {
    name: `microservices-${n}-seed${options.seed}`,
    description: `Synthetic microservice call graph (shadowcast generate microservices --services ${n} --seed ${options.seed} --rate ${options.rate}): ` +
      `${gateways} entries, depth up to ${Math.max(...drafts.map((x) => x.depth))}, ${drafts.filter((x) => x.calls.length === 0).length} leaves, hot spots ${hot.join(', ')}.`,
    defaults: { failure: { mtbf: '7d', mttr: '90s' } },
    nodes,
    edges,
    entries,
  };
}
