/**
 * What a strategy's scenario deltas mean for a running shadow's emulators:
 * the new EmulatorSpec of every emulated node the deltas touch. Pure: the
 * shadow applier (runs/mitigation/appliers/shadow.ts) restarts exactly these
 * nodes with these specs and keeps the old specs to roll back to.
 *
 * The emulator has the mechanisms of capacity and call semantics, so:
 *  - replicas → spec.replicas; servers → spec.workersPerReplica;
 *    queue → spec.queuePerReplica (of the node itself);
 *  - timeout and retries are caller-side in the twin: every emulated caller's
 *    calls to the node get the new deadline / retry policy.
 * Everything else (token-bucket admission, shedding, circuit breakers, route
 * weights, autoscalers, memory limits, service-time scaling, load scaling, and
 * any change timed `at` a later second) has no mechanism in the emulator: the
 * change is refused whole rather than applied in part, so a shadow never runs
 * half a strategy.
 */
import type { ScenarioDelta } from '../scenario/types.js';
import type { EmulatorSpec } from '../shadow/plan-types.js';

export interface EmulatorSpecChange {
  readonly node: string;
  readonly before: EmulatorSpec;
  readonly after: EmulatorSpec;
  /** One line per field changed: "replicas 1 → 2". */
  readonly what: readonly string[];
}

/** A delta the shadow cannot express; nothing was changed. */
export class ShadowChangeRefusal extends Error {
  override readonly name = 'ShadowChangeRefusal';
}

const fmt = (v: unknown): string => (v === null ? 'none' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/**
 * The emulator specs after the deltas, for the nodes whose spec changes
 * (in first-touched order). `specs`: the running shadow's emulated nodes.
 * Throws ShadowChangeRefusal naming the delta the shadow cannot express.
 */
export function shadowSpecChanges(deltas: readonly ScenarioDelta[], specs: ReadonlyMap<string, EmulatorSpec>): EmulatorSpecChange[] {
  const after = new Map<string, EmulatorSpec>();
  const what = new Map<string, string[]>();
  const current = (node: string): EmulatorSpec => after.get(node) ?? specs.get(node)!;
  const set = (node: string, spec: EmulatorSpec, line: string): void => {
    after.set(node, spec);
    what.set(node, [...(what.get(node) ?? []), line]);
  };
  const emulated = (node: string, d: ScenarioDelta): void => {
    if (!specs.has(node)) throw new ShadowChangeRefusal(`${d.op} of '${node}': the node is not emulated in this shadow (it is stubbed or omitted), so the shadow cannot show the change`);
  };
  deltas.forEach((d, i) => {
    const at = 'at' in d && d.at !== undefined && d.at > 0 ? d.at : null;
    if (at !== null) throw new ShadowChangeRefusal(`delta ${i} (${d.op}) takes effect at ${at} s; the shadow applies changes now, not at a later time`);
    switch (d.op) {
      case 'replicas': {
        emulated(d.node, d);
        if (!(Number.isInteger(d.replicas) && d.replicas >= 1)) throw new ShadowChangeRefusal(`replicas of '${d.node}' must be a whole number >= 1 in the shadow, got ${d.replicas}`);
        const s = current(d.node);
        set(d.node, { ...s, replicas: d.replicas }, `replicas ${s.replicas} → ${d.replicas}`);
        return;
      }
      case 'servers': {
        emulated(d.node, d);
        if (!(Number.isInteger(d.servers) && d.servers >= 1)) throw new ShadowChangeRefusal(`workers of '${d.node}' must be a whole number >= 1, got ${d.servers}`);
        const s = current(d.node);
        set(d.node, { ...s, workersPerReplica: d.servers }, `workers per replica ${s.workersPerReplica} → ${d.servers}`);
        return;
      }
      case 'queue': {
        emulated(d.node, d);
        const s = current(d.node);
        set(d.node, { ...s, queuePerReplica: d.capacity }, `queue per replica ${fmt(s.queuePerReplica)} → ${fmt(d.capacity)}`);
        return;
      }
      case 'timeout':
      case 'retries': {
        let touched = 0;
        for (const caller of new Set([...specs.keys(), ...after.keys()])) {
          const s = current(caller);
          let changed = false;
          const callGroups = s.callGroups.map((g) => ({
            ...g,
            calls: g.calls.map((c) => {
              if (c.to !== d.node) return c;
              changed = true;
              return d.op === 'timeout' ? { ...c, timeout: d.timeout } : { ...c, retries: d.retries };
            }),
          }));
          if (changed) {
            touched++;
            set(caller, { ...s, callGroups }, `${d.op} of its calls to '${d.node}' → ${fmt(d.op === 'timeout' ? d.timeout : d.retries)}`);
          }
        }
        if (touched === 0) throw new ShadowChangeRefusal(`${d.op} of calls to '${d.node}': no emulated node of this shadow calls it`);
        return;
      }
      default:
        throw new ShadowChangeRefusal(`delta ${i} (${d.op}) has no mechanism in the shadow's emulators (they model replicas, workers, queues, timeouts and retries)`);
    }
  });
  return [...after].map(([node, spec]) => ({ node, before: specs.get(node)!, after: spec, what: what.get(node)! }));
}
