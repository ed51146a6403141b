/**
 * Axis names and what their values mean. A value-list axis is named
 *   load                  every entry's arrival rate × value (loadScale)
 *   <entry>.load          one entry's arrival rate × value
 *   <node>.<field>        the node's field set to the value, field one of
 *                         NODE_FIELDS (replicas, servers, queue, ...)
 * and each value becomes one scenario delta, written as in a scenario file
 * (units allowed: "250ms", "512Mi"). Any other name needs labelled values:
 * `{label: [delta, ...]}`. Names are checked against the base twin here;
 * values go through the scenario rules (check.ts).
 */
import type { Problems, PathSegments } from '../definition/errors.js';
import type { Twin } from '../definition/types.js';
import { didYouMean } from '../../engine/did-you-mean.js';

/** Node fields an axis may set: field name -> the scenario op and the key of its value. */
export const NODE_FIELDS: Readonly<Record<string, { readonly op: string; readonly key: string }>> = {
  replicas: { op: 'replicas', key: 'replicas' },
  servers: { op: 'servers', key: 'servers' },
  queue: { op: 'queue', key: 'capacity' },
  serviceScale: { op: 'serviceScale', key: 'factor' },
  memLimit: { op: 'memLimit', key: 'memLimit' },
  timeout: { op: 'timeout', key: 'timeout' },
  retries: { op: 'retries', key: 'retries' },
  autoscale: { op: 'autoscale', key: 'autoscale' },
  shedOptional: { op: 'shedOptional', key: 'probability' },
};

/** What a value-list axis compiles its values with: the delta of one value, as written in a scenario file. */
export interface AxisMeaning {
  /** The raw delta for a value (checked by the scenario rules). */
  readonly delta: (value: unknown) => Record<string, unknown>;
  readonly replicasOf: string | null;
}


/**
 * The meaning of a value-list axis name, or null after adding its problem
 * (at `at`, the axis key) to `p`: an unknown node, entry or field, each
 * with the closest known name.
 */
export function axisMeaning(twin: Twin, name: string, at: PathSegments, p: Problems): AxisMeaning | null {
  if (name === 'load') return { delta: (factor) => ({ op: 'loadScale', factor }), replicasOf: null };
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) {
    p.at(at, `a list of values needs an axis named load, <entry>.load or <node>.<field> (field one of ${Object.keys(NODE_FIELDS).join(', ')}); for anything else give labelled lists of deltas {label: [delta, ...]}`);
    return null;
  }
  const target = name.slice(0, dot), field = name.slice(dot + 1);
  if (field === 'load') {
    const entries = twin.entries.map((e) => e.id);
    if (!entries.includes(target)) {
      p.at(at, `unknown entry id ${JSON.stringify(target)}${didYouMean(target, entries)}: <entry>.load scales one entry (entries: ${entries.join(', ')})`);
      return null;
    }
    return { delta: (factor) => ({ op: 'loadScale', entry: target, factor }), replicasOf: null };
  }
  const spec = NODE_FIELDS[field];
  const nodeKnown = twin.indexOf.has(target);
  if (!nodeKnown) p.at(at, `unknown node id ${JSON.stringify(target)}${didYouMean(target, twin.indexOf.keys())}`);
  if (!spec) p.at(at, `unknown field ${JSON.stringify(field)}${didYouMean(field, Object.keys(NODE_FIELDS))}: an axis may set ${Object.keys(NODE_FIELDS).join(', ')}, or load`);
  if (!nodeKnown || !spec) return null;
  return { delta: (value) => ({ op: spec.op, node: target, [spec.key]: value }), replicasOf: field === 'replicas' ? target : null };
}
