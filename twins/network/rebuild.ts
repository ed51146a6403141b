/**
 * A routed network rebuilt from changed rules (a scenario's linkDown /
 * linkMetric, or a new capacity of a link station): the same builder as the
 * loader (build.ts), on the twin's own nodes, so the tables are exactly those
 * a twin file holding these rules would get. The twin's warnings keep
 * everything but the loader's unroutable-pairs and cut-off-entry warnings, which are replaced by
 * the rebuilt network's own (pairs a downed link cuts off are named there,
 * with their share, as the loader names them).
 */
import { Problems } from '../definition/errors.js';
import { networkInput } from '../definition/file-form.js';
import type { NetworkRouting, NetworkSpec, Twin, TwinNode } from '../definition/types.js';
import { buildNetwork } from './build.js';
import { CUT_OFF_WARNING, cutOffWarnings, UNROUTABLE_WARNING } from './demand.js';
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
  const warnings = [
    ...twin.warnings.filter((w) => !w.includes(UNROUTABLE_WARNING) && !w.includes(CUT_OFF_WARNING)),
    ...built.warnings, ...cutOffWarnings(twin.entries, built.routing, built.cutOff, nodes),
  ];
  return { network: built.routing, links: built.links, warnings };
}
