/**
 * Scenario deltas: modifications of a twin, as data, for what-if runs and for
 * evaluating mitigations. Applying them gives a new twin; node and entry
 * order are kept, so random streams (named by node and entry ids) stay
 * aligned and two variants can be compared with common random numbers.
 */
import { readFile } from 'node:fs/promises';
import type { Autoscale, DistributionSpec, RetryPolicy, Twin, TwinEntry, TwinNode } from '../definition/types.js';

export type ScenarioDelta =
  | { readonly op: 'replicas'; readonly node: string; readonly replicas: number }
  | { readonly op: 'servers'; readonly node: string; readonly servers: number }
  | { readonly op: 'queue'; readonly node: string; readonly capacity: number | null }
  /** Multiplies the node's service time (0.5 = twice as fast). */
  | { readonly op: 'serviceScale'; readonly node: string; readonly factor: number }
  /** Multiplies arrival rates of one entry, or of all. */
  | { readonly op: 'loadScale'; readonly factor: number; readonly entry?: string }
  | { readonly op: 'autoscale'; readonly node: string; readonly autoscale: Autoscale | null }
  /** Caller-side deadline of every call to the node (and of its entries). */
  | { readonly op: 'timeout'; readonly node: string; readonly timeout: number | null }
  | { readonly op: 'retries'; readonly node: string; readonly retries: RetryPolicy | null }
  | { readonly op: 'memLimit'; readonly node: string; readonly memLimit: number };

export class ScenarioError extends Error {
  constructor(readonly file: string, readonly path: string, message: string) {
    super(`${file}: ${path}: ${message}`);
    this.name = 'ScenarioError';
  }
}

export function scaleDistribution(d: DistributionSpec, f: number): DistributionSpec {
  switch (d.type) {
    case 'exponential': return { type: 'exponential', mean: d.mean * f };
    case 'deterministic': return { type: 'deterministic', value: d.value * f };
    case 'uniform': return { type: 'uniform', min: d.min * f, max: d.max * f };
    case 'normal': return { type: 'normal', mean: d.mean * f, sd: d.sd * f };
    case 'lognormal': return 'p50' in d ? { type: 'lognormal', p50: d.p50 * f, p99: d.p99 * f } : { type: 'lognormal', mean: d.mean * f, cv: d.cv };
    case 'gamma': return 'shape' in d ? { type: 'gamma', shape: d.shape, scale: d.scale * f } : { type: 'gamma', mean: d.mean * f, cv: d.cv };
    case 'empirical': return { type: 'empirical', values: d.values.map((v) => v * f) };
  }
}

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;
const isPositive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/** Checks a list of deltas against a twin; errors name `scenario[k].field`. */
export function validateScenario(twin: Twin, data: unknown, file = 'scenario'): ScenarioDelta[] {
  const list = Array.isArray(data) ? data : (data as { deltas?: unknown } | null)?.deltas;
  if (!Array.isArray(list)) throw new ScenarioError(file, '(root)', 'expected a JSON array of deltas (or {"deltas": [...]})');
  return list.map((raw, k) => {
    const at = `scenario[${k}]`;
    const d = raw as Record<string, unknown>;
    const fail = (field: string, msg: string): never => { throw new ScenarioError(file, `${at}.${field}`, msg); };
    const ops = ['replicas', 'servers', 'queue', 'serviceScale', 'loadScale', 'autoscale', 'timeout', 'retries', 'memLimit'];
    if (!d || typeof d !== 'object' || !ops.includes(String(d.op))) fail('op', `expected one of ${ops.join(', ')}, got ${JSON.stringify(d?.op)}`);
    if (d.op !== 'loadScale' && !twin.indexOf.has(String(d.node))) fail('node', `unknown node id ${JSON.stringify(d.node)}`);
    if (d.op === 'loadScale' && d.entry !== undefined && !twin.entries.some((e) => e.id === d.entry)) fail('entry', `unknown entry id ${JSON.stringify(d.entry)}`);
    switch (d.op) {
      case 'replicas': if (!isPositiveInt(d.replicas)) fail('replicas', `expected an integer >= 1, got ${JSON.stringify(d.replicas)}`); break;
      case 'servers': if (!isPositiveInt(d.servers)) fail('servers', `expected an integer >= 1, got ${JSON.stringify(d.servers)}`); break;
      case 'queue': if (d.capacity !== null && !(typeof d.capacity === 'number' && Number.isInteger(d.capacity) && d.capacity >= 0)) fail('capacity', `expected an integer >= 0 or null, got ${JSON.stringify(d.capacity)}`); break;
      case 'serviceScale': case 'loadScale': if (!isPositive(d.factor)) fail('factor', `expected a finite number > 0, got ${JSON.stringify(d.factor)}`); break;
      case 'timeout': if (d.timeout !== null && !isPositive(d.timeout)) fail('timeout', `expected seconds > 0 or null, got ${JSON.stringify(d.timeout)}`); break;
      case 'memLimit': if (!isPositive(d.memLimit)) fail('memLimit', `expected bytes > 0, got ${JSON.stringify(d.memLimit)}`); break;
      case 'autoscale': {
        const a = d.autoscale as Record<string, unknown> | null;
        if (a !== null) {
          if (!a || typeof a !== 'object') fail('autoscale', 'expected an object {target, min, max, period, startup} or null');
          if (!(isPositive(a!.target) && (a!.target as number) <= 1)) fail('autoscale.target', `expected a number in (0, 1], got ${JSON.stringify(a!.target)}`);
          if (!isPositiveInt(a!.min)) fail('autoscale.min', `expected an integer >= 1, got ${JSON.stringify(a!.min)}`);
          if (!(isPositiveInt(a!.max) && (a!.max as number) >= (a!.min as number))) fail('autoscale.max', `expected an integer >= min, got ${JSON.stringify(a!.max)}`);
          if (!isPositive(a!.period)) fail('autoscale.period', `expected seconds > 0, got ${JSON.stringify(a!.period)}`);
          if (!(typeof a!.startup === 'number' && a!.startup >= 0)) fail('autoscale.startup', `expected seconds >= 0, got ${JSON.stringify(a!.startup)}`);
        }
        break;
      }
      case 'retries': {
        const r = d.retries as Record<string, unknown> | null;
        if (r !== null) {
          if (!(typeof r?.max === 'number' && Number.isInteger(r.max) && r.max >= 0)) fail('retries.max', `expected an integer >= 0, got ${JSON.stringify(r?.max)}`);
          if (!(typeof r!.backoff === 'number' && r!.backoff >= 0)) fail('retries.backoff', `expected seconds >= 0, got ${JSON.stringify(r!.backoff)}`);
          if (!(typeof r!.jitter === 'number' && r!.jitter >= 0 && r!.jitter <= 1)) fail('retries.jitter', `expected a number in [0, 1], got ${JSON.stringify(r!.jitter)}`);
        }
        break;
      }
    }
    return d as unknown as ScenarioDelta;
  });
}

export async function readScenarioFile(file: string): Promise<(twin: Twin) => ScenarioDelta[]> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new ScenarioError(file, '(file)', `expected readable JSON (${(e as Error).message})`);
  }
  return (twin) => validateScenario(twin, data, file);
}

/** Applies deltas in order; returns a new twin (the input is not changed). */
export function applyScenario(twin: Twin, deltas: readonly ScenarioDelta[] | ((twin: Twin) => ScenarioDelta[])): Twin {
  const list = typeof deltas === 'function' ? deltas(twin) : validateScenario(twin, deltas);
  let nodes: TwinNode[] = [...twin.nodes];
  let entries: TwinEntry[] = [...twin.entries];
  const edit = (id: string, f: (n: TwinNode) => Partial<TwinNode>) => {
    const i = twin.indexOf.get(id)!;
    nodes[i] = { ...nodes[i]!, ...f(nodes[i]!) };
  };
  /** Sets a field on every call edge into node i (the callee's defaults were resolved into the edges at load). */
  const editCallsTo = (i: number, patch: { timeout?: number | null; retries?: RetryPolicy | null }) => {
    nodes = nodes.map((n) => ({
      ...n,
      callGroups: n.callGroups.map((g) => ({ ...g, calls: g.calls.map((c) => (c.to === i ? { ...c, ...patch } : c)) })),
    }));
  };
  for (const d of list) {
    switch (d.op) {
      case 'replicas': edit(d.node, () => ({ replicas: d.replicas })); break;
      case 'servers': edit(d.node, () => ({ servers: d.servers })); break;
      case 'queue': edit(d.node, () => ({ queue: d.capacity })); break;
      case 'serviceScale': edit(d.node, (n) => ({ service: n.service ? scaleDistribution(n.service, d.factor) : null })); break;
      case 'autoscale': edit(d.node, () => ({ autoscale: d.autoscale })); break;
      case 'memLimit': edit(d.node, (n) => ({ resources: n.resources ? { ...n.resources, memLimit: d.memLimit } : null })); break;
      case 'timeout': edit(d.node, () => ({ timeout: d.timeout })); editCallsTo(twin.indexOf.get(d.node)!, { timeout: d.timeout }); break;
      case 'retries': edit(d.node, () => ({ retries: d.retries })); editCallsTo(twin.indexOf.get(d.node)!, { retries: d.retries }); break;
      case 'loadScale':
        entries = entries.map((e): TwinEntry => {
          if (d.entry !== undefined && e.id !== d.entry) return e;
          const a = e.arrival;
          const arrival = a.kind === 'constant' ? { ...a, rate: a.rate * d.factor } : { ...a, scale: a.scale * d.factor };
          return { ...e, arrival };
        });
        break;
    }
  }
  return { ...twin, nodes, entries };
}
