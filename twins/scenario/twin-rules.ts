/**
 * The twin file's rules applied to a modified twin: the twin is written in
 * its file form (twins/definition/file-form.ts) and read back with
 * `twinFromObject`, the same schema, field rules and graph rules as a twin
 * file. Each problem found is put back on the delta that caused it:
 *  - `nodes[i].<field>...`: the last delta on node i that sets that field
 *    (`[k].replicas`, `[k].autoscale.max`, `[k].memLimit`), else the last
 *    delta on node i (e.g. an autoscaler whose bounds exclude the replicas);
 *  - `edges[j]...`: the last timeout/retries delta on the edge's callee;
 *  - `entries[e]...`: the last loadScale delta that reached entry e;
 *  - `network...`: the last linkDown delta (else the last link delta), at
 *    its `between` / `station` (a router a downed link cuts off is no
 *    problem: its entry offers nothing, and the twin warns).
 * A problem no delta explains (none is expected: the twin was valid before)
 * is reported at the scenario's root with the twin's path.
 * The result is the directly edited twin, not the one read back: reading
 * re-normalizes path weights, which may change a probability's last bit.
 */
import { TwinSpecError, type PathSegments, type Problems, type TwinProblem } from '../definition/errors.js';
import { twinToInput } from '../definition/file-form.js';
import type { TwinInput } from '../definition/input.js';
import { twinFromObject } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
import { editTwin } from './edit.js';
import { isLinkDelta, selectorKey } from './network-ops.js';
import type { IndexedDelta, ScenarioDelta, ScenarioOp } from './types.js';

/** Per op: the node field it sets (loadScale sets none), and the key of its value in the delta. */
const TARGET: Readonly<Record<ScenarioOp, { readonly nodeField: string | null; readonly valueKey: string }>> = {
  replicas: { nodeField: 'replicas', valueKey: 'replicas' },
  servers: { nodeField: 'servers', valueKey: 'servers' },
  queue: { nodeField: 'queue', valueKey: 'capacity' },
  serviceScale: { nodeField: 'service', valueKey: 'factor' },
  loadScale: { nodeField: null, valueKey: 'factor' },
  autoscale: { nodeField: 'autoscale', valueKey: 'autoscale' },
  timeout: { nodeField: 'timeout', valueKey: 'timeout' },
  retries: { nodeField: 'retries', valueKey: 'retries' },
  memLimit: { nodeField: 'resources', valueKey: 'memLimit' },
  // The mitigation mechanisms are no twin-file fields (check.ts checks them whole), except route probabilities.
  rateLimit: { nodeField: null, valueKey: 'rate' },
  shedOptional: { nodeField: null, valueKey: 'probability' },
  circuitBreaker: { nodeField: null, valueKey: 'failureRatio' },
  routeWeights: { nodeField: null, valueKey: 'weights' },
  // Network rules, no node field; a problem they cause is put on their selector (between or station), see valueKeyOf.
  linkDown: { nodeField: null, valueKey: 'between' },
  linkUp: { nodeField: null, valueKey: 'between' },
  linkMetric: { nodeField: null, valueKey: 'metric' },
};

/** The key of the delta's value: a link delta's problems go to its selector (`between` or `station`). */
const valueKeyOf = (d: ScenarioDelta): string => (isLinkDelta(d) ? selectorKey(d) : TARGET[d.op].valueKey);

/** Path segments after `nodes[i]` / `edges[j]` / `entries[e]` in a twin problem's display path. */
function parsePath(path: string): { list: string; index: number; rest: (string | number)[] } | null {
  const m = /^(nodes|edges|entries|network)(?:\[(\d+)\])?(.*)$/.exec(path);
  if (!m) return null;
  const rest: (string | number)[] = [];
  for (const [, name, idx] of m[3]!.matchAll(/\.([A-Za-z_$][\w$]*)|\[(\d+)\]/g)) rest.push(name !== undefined ? name : Number(idx));
  return { list: m[1]!, index: Number(m[2] ?? 0), rest };
}

const nodeOf = (d: ScenarioDelta): string | null => ('node' in d ? d.node : null);

/** Where a twin problem goes in the scenario: the delta to blame (if any), its value path, and the message. */
function locate(problem: TwinProblem, twin: Twin, input: TwinInput, applied: readonly IndexedDelta[], base: PathSegments): { delta: IndexedDelta | null; path: PathSegments; message: string } {
  const at = (k: IndexedDelta, deeper: readonly (string | number)[] = []): PathSegments => [...base, k.index, valueKeyOf(k.delta), ...deeper];
  const unexplained = { delta: null, path: base, message: `${problem.path}: ${problem.message}` };
  const parsed = parsePath(problem.path);
  if (!parsed) return unexplained;
  const [field, ...deeper] = parsed.rest;
  const lastOf = (list: readonly IndexedDelta[]): IndexedDelta | undefined => list[list.length - 1];
  // A routed network's rules: the last link delta did it.
  const link = lastOf(applied.filter(({ delta }) => delta.op === 'linkDown')) ?? lastOf(applied.filter(({ delta }) => isLinkDelta(delta)));
  if (link && parsed.list === 'network') return { delta: link, path: at(link), message: `${problem.path} after the link deltas: ${problem.message}` };
  if (parsed.list === 'network') return unexplained;
  if (parsed.list === 'entries') {
    const entry = twin.entries[parsed.index];
    const k = lastOf(applied.filter(({ delta: d }) => d.op === 'loadScale' && (d.entry === undefined || d.entry === entry?.id)));
    const what = `entry ${JSON.stringify(entry?.id ?? parsed.index)}${field !== undefined ? ` ${String(field)}` : ''} after this scale`;
    return k ? { delta: k, path: at(k), message: `${what}: ${problem.message}` } : unexplained;
  }
  const nodeId = parsed.list === 'nodes' ? twin.nodes[parsed.index]?.id : input.edges?.[parsed.index]?.to;
  const onNode = applied.filter(({ delta }) => nodeOf(delta) === nodeId && (parsed.list === 'nodes' || delta.op === 'timeout' || delta.op === 'retries'));
  const same = lastOf(onNode.filter(({ delta }) => TARGET[delta.op].nodeField === field));
  if (same) {
    // Objects set whole by the delta keep the problem's inner path (autoscale.max); a memLimit is one field of resources.
    const inner = same.delta.op === 'autoscale' || same.delta.op === 'retries' ? deeper : [];
    return { delta: same, path: at(same, inner), message: problem.message };
  }
  const other = lastOf(onNode);
  return other ? { delta: other, path: at(other), message: `${nodeId}.${String(field)}: ${problem.message}` } : unexplained;
}

/** The problems a twin file holding this twin would have (none for a valid twin). */
function twinFileProblems(twin: Twin): { input: TwinInput; problems: readonly TwinProblem[] } {
  const { input, profiles } = twinToInput(twin);
  try {
    twinFromObject(input, { source: twin.source, profiles });
    return { input, problems: [] };
  } catch (e) {
    if (!(e instanceof TwinSpecError)) throw e;
    return { input, problems: e.problems };
  }
}

/**
 * Applies the deltas and adds to `p` every twin rule the result breaks, at
 * the deltas to blame (`base` = where the list sits in the document). The
 * twin file reader stops after a stage with problems (finite numbers, then
 * the schema, then the field rules, then the graph rules), so the blamed
 * deltas are set aside and the rest checked again, until no new delta is
 * blamed: every problem is found in one call. Returns the twin with every
 * delta applied (meaningful when `p` holds no problem).
 */
export function applyUnderTwinRules(twin: Twin, deltas: readonly IndexedDelta[], p: Problems, base: PathSegments): Twin {
  const reported = new Set<string>();
  let kept = deltas;
  for (;;) {
    const modified = editTwin(twin, kept.map((d) => d.delta));
    const { input, problems } = twinFileProblems(modified);
    if (problems.length === 0 && kept.length === deltas.length) return modified;
    const blamed = new Set<number>();
    for (const problem of problems) {
      const { delta, path, message } = locate(problem, modified, input, kept, base);
      if (delta) blamed.add(delta.index);
      const key = JSON.stringify([path, message]);
      if (!reported.has(key)) p.at(path, message);
      reported.add(key);
    }
    if (blamed.size === 0) return modified;
    kept = kept.filter((d) => !blamed.has(d.index));
  }
}
