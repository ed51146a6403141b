/**
 * Predictive state transfer for the nightly: the production snapshot is the
 * latest value of the telemetry series named `<node>/replicas`, `/starting`,
 * `/busy`, `/queue` and `/memory` (bytes per replica) for the twin's nodes,
 * written as a shadowcast-state/1 document and validated by twins/state.ts
 * like a snapshot file. A value the twin cannot hold (more busy workers than
 * the replicas have, a queue over capacity) is clamped to what it can, and a
 * fractional replica count is rounded, each with a warning quoting the value
 * as read and where (fractional busy and queue gauges, averages, are rounded
 * without one): telemetry is scraped at slightly different instants per series
 * (and gauges are often averaged), and one odd sample must not stop the
 * night's run. A count that nothing clamps and that is over the bounds of
 * docs/limits.md (a queue of 1e9 on a node with an unbounded queue) is a
 * typo-sized value: refused, naming the telemetry file and line.
 */
import { LIMITS } from '../../engine/limits.js';
import { locationText, TelemetryError } from '../../models/telemetry/errors.js';
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
/** Where the snapshot's value of `s` was read: `file: line N: column C` (the file alone for a resampled series). */
const readAt = (s: Series): string => locationText(s.lastAt ?? { file: s.file });

/** The bounds of docs/limits.md on a snapshot's counts (twins/state.ts checks the same). */
const COUNT_LIMIT = { replicas: LIMITS.replicas, starting: LIMITS.replicas, busy: LIMITS.queue, queue: LIMITS.queue } as const;
const LIMIT_WHAT = { replicas: "a snapshot's replicasUp", starting: "a snapshot's starting", busy: "a snapshot's busy count", queue: "a snapshot's queue count" } as const;

/**
 * The snapshot's value of a count series: its last value rounded, at least 0,
 * at most `cap` (the reason for a cap names what the twin can hold). One
 * warning says what was done, quoting the value as read and where; a result
 * over the bound of docs/limits.md is refused there.
 */
function countOf(s: Series, name: string, m: keyof typeof COUNT_LIMIT, warnings: string[], cap?: { readonly max: number; readonly why: string }): number {
  const raw = last(s);
  let v = Math.max(0, Math.round(raw));
  // Busy and queue are gauges that exporters average over the scrape interval, so a fraction there is routine (the
  // bundled shop telemetry ends with busy 0.11): rounded without a word. A replica count is a count of pods, so a
  // fraction there says the series is not what the name claims (an average over a scale-up, a ratio): said.
  const whole = m === 'replicas' || m === 'starting';
  let done = v === raw ? null : raw < 0 ? 'below 0: taken as 0' : whole ? `not a whole number: rounded to ${v}` : null;
  if (cap && v > cap.max) {
    done = `${cap.why}: clamped to ${cap.max}`;
    v = cap.max;
  }
  if (done !== null) warnings.push(`state: ${name}/${m} is ${raw} (${readAt(s)}), ${done}`);
  if (v > COUNT_LIMIT[m]) {
    throw new TelemetryError(s.lastAt ?? { file: s.file }, `${name}/${m} at most ${COUNT_LIMIT[m]} for the nightly's state snapshot (the limit of docs/limits.md on ${LIMIT_WHAT[m]}; the twin does not bound it lower)`, String(raw));
  }
  return v;
}

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
    const max = node.autoscale?.max;
    const replicas = found.replicas ? countOf(found.replicas, node.id, 'replicas', warnings, max !== undefined ? { max, why: `more than its autoscale.max ${max}` } : undefined) : node.replicas;
    const entry: Record<string, number> = { replicasUp: replicas };
    const starting = found.starting ? countOf(found.starting, node.id, 'starting', warnings, max !== undefined ? { max: max - replicas, why: `more than autoscale.max ${max} leaves beside ${replicas} up` } : undefined) : 0;
    if (starting > 0) entry.starting = starting;
    const station = node.service !== null;
    const clamp = (m: 'busy' | 'queue', cap: number | null) => {
      const s = found[m];
      if (!s) return;
      const most = !station ? 0 : cap === null ? Infinity : cap * replicas;
      entry[m] = countOf(s, node.id, m, warnings, { max: most, why: !station ? `a pass-through router holds none` : `more than ${replicas} replica(s) hold (${most})` });
    };
    clamp('busy', node.servers);
    clamp('queue', node.queue);
    if (found.memory && replicas > 0) {
      const limit = node.resources?.memLimit;
      let v = Math.max(0, last(found.memory));
      if (limit !== undefined && v >= limit) {
        warnings.push(`state: ${node.id}/memory is ${v} (${readAt(found.memory)}), at its memLimit ${limit}: taken as just below it`);
        v = limit * 0.99;
      }
      entry.memory = v;
    }
    nodes[node.id] = entry;
  }
  const document = { format: STATE_FORMAT, takenAt: new Date(takenAtMs).toISOString(), twin: twin.name, nodes };
  return { document, snapshot: stateFromObject(document, twin, 'state from telemetry'), warnings };
}
