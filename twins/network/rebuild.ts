/**
 * A routed network rebuilt from changed rules (a scenario's linkDown /
 * linkMetric, or a new capacity of a link station): the same builder as the
 * loader (build.ts), on the twin's own nodes, so the tables are exactly those
 * a twin file holding these rules would get, except the destination tables:
 * those stay the twin's (demand does not move because a link failed; a
 * packet to a destination now without a route is lost). The twin's warnings keep
 * everything but the loader's unroutable-pairs and cut-off-entry warnings, which are replaced by
 * the rebuilt network's own (pairs a downed link cuts off are named there,
 * with their share, as the loader names them).
 */
import { Problems } from '../definition/errors.js';
import { networkInput } from '../definition/file-form.js';
import type { NetworkRouting, NetworkSpec, Twin, TwinNode } from '../definition/types.js';
import { buildNetwork } from './build.js';
import { CUT_OFF_WARNING, cutOffWarnings, OFFERED_BY_NO_ENTRY, UNROUTABLE_WARNING } from './demand.js';
import type { LinkArrays } from './routing.js';

export interface RebuiltNetwork {
  readonly network: NetworkRouting;
  /** The link directions in router numbers, as routed (weights, capacities, directions out). */
  readonly links: LinkArrays;
  readonly warnings: readonly string[];
}

/**
 * `spec`'s ids must be those of `twin` (a checked scenario cannot rename or
 * re-kind a node), so the builder finds no problem; one found is a bug here
 * and is thrown, naming it.
 */
export function rebuildNetwork(twin: Twin, nodes: readonly TwinNode[], spec: NetworkSpec): RebuiltNetwork {
  const p = new Problems();
  // Traffic is inline rows or gravity in a spec (a matrix file was read into rows at load): nothing to read here.
  const built = buildNetwork(networkInput(spec), nodes, twin.indexOf, p, null);
  if (built === null || p.size > 0) {
    throw new Error(`rebuilding the routed network of ${twin.source} failed: ${p.list.map((q) => `${q.path}: ${q.message}`).join('; ')}`);
  }
  // Demand does not follow a failure: packets keep drawing their destinations from the twin's own tables, and one
  // whose destination the changed rules leave without a route is lost at the router where the route ends (an error
  // at its entry), never spread over the destinations still reachable.
  const base = twin.network;
  const network = base ? { ...built.routing, destStart: base.destStart, destNode: base.destNode, destCum: base.destCum } : built.routing;
  const warnings = [
    ...twin.warnings.filter((w) => !w.includes(UNROUTABLE_WARNING) && !w.includes(CUT_OFF_WARNING)),
    ...built.warnings.map((w) => w.replace(OFFERED_BY_NO_ENTRY, 'and its packets are lost (errors at their entries)')),
    ...cutOffWarnings(twin.entries, built.routing, built.cutOff, nodes, 'so its packets are lost'),
  ];
  return { network, links: built.links, warnings };
}
