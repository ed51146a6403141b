/**
 * The reduced twin of multi-fidelity simulation (pure): every screened node
 * that has a measured response-time sample becomes a delay station — its
 * response time drawn from that sample (an `empirical` service), effectively
 * unbounded workers, no queue, no calls. The subtree below it is then no
 * longer visited from it, so its internal events are not simulated. A
 * screened node keeps its replicas and crash model (its own crashes still
 * fail its callers' calls); its SLO, autoscaler, memory and mitigation
 * settings go, since its figures are taken from the pilot, not from here.
 */
import type { Twin, TwinNode } from '../definition/types.js';

/** Workers per replica of a delay station: "unbounded" within docs/limits.md's bound (100 000). */
export const DELAY_STATION_SERVERS = 10_000;

/** Values of the empirical response-time sample taken from a histogram. */
export const RESPONSE_SAMPLE_SIZE = 1000;

function delayStation(node: TwinNode, values: readonly number[]): TwinNode {
  // Mitigation fields are dropped by leaving them out (absent, not undefined: the twin's hash convention).
  const { shedOptional: _shed, scaleChanges: _scale, ...rest } = node;
  return Object.freeze({
    ...rest,
    servers: DELAY_STATION_SERVERS,
    queue: null,
    service: Object.freeze({ type: 'empirical' as const, values: Object.freeze([...values]) }),
    delay: 0,
    resources: null,
    autoscale: null,
    slo: null,
    callGroups: Object.freeze([]),
    attributes: Object.freeze({ ...node.attributes, fidelity: 'delay station (screened)' }),
  });
}

/**
 * `responses.get(i)`: node i's response-time sample (seconds, at least one > 0).
 * Screened nodes without one (no traffic in the pilot) stay as they are.
 */
export function collapseTwin(twin: Twin, screened: readonly boolean[], responses: ReadonlyMap<number, readonly number[]>): Twin {
  const nodes = twin.nodes.map((node) => {
    const values = responses.get(node.index);
    if (!screened[node.index] || !values || !values.some((v) => v > 0)) return node;
    if (node.routes.length > 0) throw new RangeError(`collapseTwin: ${node.id} has routes; routed nodes are not screened`);
    return delayStation(node, values);
  });
  return Object.freeze({ ...twin, source: `${twin.source} (screened: ${screened.filter(Boolean).length} node(s))`, nodes: Object.freeze(nodes) });
}
