/**
 * Predictive state transfer for the nightly: the production snapshot is the
 * latest value of the telemetry series named `<node>/replicas`, `/starting`,
 * `/busy`, `/queue` and `/memory` (bytes per replica) for the twin's nodes,
 * written as a shadowcast-state/1 document and validated by twins/state.ts
 * like a snapshot file. A value the twin cannot hold (more busy workers than
 * the replicas have, a queue over capacity) is clamped to what it can, with a
 * warning: telemetry is scraped at slightly different instants per series,
 * and one odd sample must not stop the night's run.
 */
import type { Series } from '../../models/telemetry/series.js';
import type { Twin } from '../../twins/definition/types.js';
import { STATE_FORMAT, stateFromObject, type StateSnapshot } from '../../twins/state.js';

export const STATE_METRICS = ['replicas', 'starting', 'busy', 'queue', 'memory'] as const;

export interface TelemetryState {
  /** The snapshot document (what DIR/state.json holds). */
  readonly document: { readonly format: string; readonly takenAt: string; readonly twin: string; readonly nodes: Record<string, Record<string, number>> };
  readonly snapshot: StateSnapshot;
  readonly warnings: readonly string[];
}

const last = (s: Series): number => s.values[s.values.length - 1]!;
const lastTime = (s: Series): number => s.startMs + (s.values.length - 1) * s.stepMs;

/** `takenAtMs`: the snapshot's instant (the end of the telemetry the forecast starts after). */
export function stateFromTelemetry(twin: Twin, series: readonly Series[], takenAtMs: number): TelemetryState {
  const warnings: string[] = [];
  const nodes: Record<string, Record<string, number>> = {};
  for (const node of twin.nodes) {
    const get = (m: string) => series.find((s) => s.node === node.id && s.metric === m);
    const found = Object.fromEntries(STATE_METRICS.map((m) => [m, get(m)] as const));
    if (!STATE_METRICS.some((m) => found[m])) continue;
    for (const m of STATE_METRICS) {
      const s = found[m];
      if (s && Math.abs(lastTime(s) - takenAtMs) > 2 * s.stepMs) warnings.push(`state: ${node.id}/${m} ends at ${new Date(lastTime(s)).toISOString()}, not at the snapshot time ${new Date(takenAtMs).toISOString()}: its last value is used anyway`);
    }
    let replicas = found.replicas ? Math.round(last(found.replicas)) : node.replicas;
    if (node.autoscale && replicas > node.autoscale.max) {
      warnings.push(`state: ${node.id} reports ${replicas} replicas, more than its autoscale.max ${node.autoscale.max}: clamped`);
      replicas = node.autoscale.max;
    }
    const entry: Record<string, number> = { replicasUp: replicas };
    const starting = found.starting ? Math.max(0, Math.round(last(found.starting))) : 0;
    if (starting > 0) entry.starting = node.autoscale ? Math.min(starting, node.autoscale.max - replicas) : starting;
    const station = node.service !== null;
    const clamp = (m: 'busy' | 'queue', cap: number | null) => {
      const s = found[m];
      if (!s) return;
      const v = Math.max(0, Math.round(last(s)));
      const max = !station ? 0 : cap === null ? Infinity : cap * replicas;
      if (v > max) warnings.push(`state: ${node.id}/${m} is ${v}, more than ${replicas} replica(s) hold (${max}): clamped`);
      entry[m] = Math.min(v, max);
    };
    clamp('busy', node.servers);
    clamp('queue', node.queue);
    if (found.memory && replicas > 0) {
      const limit = node.resources?.memLimit;
      let v = Math.max(0, last(found.memory));
      if (limit !== undefined && v >= limit) {
        warnings.push(`state: ${node.id}/memory ${v} is at its memLimit ${limit}: taken as just below it`);
        v = limit * 0.99;
      }
      entry.memory = v;
    }
    nodes[node.id] = entry;
  }
  const document = { format: STATE_FORMAT, takenAt: new Date(takenAtMs).toISOString(), twin: twin.name, nodes };
  return { document, snapshot: stateFromObject(document, twin, 'state from telemetry'), warnings };
}
