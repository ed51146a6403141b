/**
 * Options of the network importer (`shadowcast import zoo` flags map one to
 * one onto them) and their check. Defaults are documented per field and
 * applied where each option is used.
 */
import { Problems } from '../definition/errors.js';
import type { ZooRouter } from './graphml.js';
import { idHint } from './hints.js';

export interface NetworkOptions {
  /** Packet size, bytes (default 1500). */
  readonly packetBytes?: number;
  /** Capacity for links without LinkSpeedRaw when no link of the network has one, bits/s (default 1e9). */
  readonly defaultCapacity?: number;
  /** Total offered load, packets/s. Give this or `maxUtilization` (default: maxUtilization 0.7). */
  readonly load?: number;
  /** Scale the load so the busiest link direction has this utilization, in (0, 1). */
  readonly maxUtilization?: number;
  /** Gravity weights: uniform (default), the router's degree, or given per router id (missing = 0). */
  readonly weights?: 'uniform' | 'degree' | Readonly<Record<string, number>>;
  /** Shortest paths by propagation delay (default) or by hop count. */
  readonly pathMetric?: 'delay' | 'hops';
  /** Service-time model of a link (default exponential). */
  readonly serviceModel?: 'exponential' | 'deterministic';
  /** Buffer per link direction, packets (default 1000). */
  readonly bufferPackets?: number;
  /**
   * Parallel links between two routers: `split` (default) spreads the packets
   * of a hop over them in proportion to capacity (a link aggregate); `best`
   * sends them over the highest-capacity one (lowest k on ties) and leaves
   * the others idle.
   */
  readonly parallel?: 'split' | 'best';
  /** Split over every equal-cost next router (default false: the first in router order). */
  readonly ecmp?: boolean;
  /** Failure conditions of every link station (default utilization 0.9, loss 0.001, 60 s window). */
  readonly linkSlo?: { utilization?: number; errorRate?: number; p99?: number; window?: number };
}

/** Throws TwinSpecError (paths `options.<name>`) listing every bad option. */
export function checkNetworkOptions(opts: NetworkOptions, file: string): void {
  const p = new Problems();
  const pos = (k: keyof NetworkOptions, v: number | undefined): void => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) p.raw(`options.${k}`, `expected a finite positive number, got ${v}`);
  };
  pos('packetBytes', opts.packetBytes);
  pos('defaultCapacity', opts.defaultCapacity);
  pos('load', opts.load);
  pos('bufferPackets', opts.bufferPackets);
  if (opts.bufferPackets !== undefined && !Number.isInteger(opts.bufferPackets)) p.raw('options.bufferPackets', `expected an integer, got ${opts.bufferPackets}`);
  if (opts.maxUtilization !== undefined && !(opts.maxUtilization > 0 && opts.maxUtilization < 1)) p.raw('options.maxUtilization', `expected a number in (0, 1), got ${opts.maxUtilization}`);
  if (opts.load !== undefined && opts.maxUtilization !== undefined) p.raw('options', 'expected either load or maxUtilization, not both');
  if (typeof opts.weights === 'object') {
    for (const [id, w] of Object.entries(opts.weights)) if (!(Number.isFinite(w) && w >= 0)) p.raw(`options.weights.${id}`, `expected a finite number >= 0, got ${w}`);
  }
  p.throwIfAny(file);
}

/** A weight key that names no router, with a hint: the router it is the label of, or the closest id. */
export interface UnknownWeightId {
  readonly id: string;
  readonly hint: string;
}

/**
 * The keys of a weights map that are not router ids. Zoo ids are numbers
 * ("0", "1", ...) and people write the labels they see ("New York"): a label
 * names its router in the hint.
 */
export function unknownWeightIds(weights: Readonly<Record<string, number>>, routers: readonly ZooRouter[]): UnknownWeightId[] {
  const ids = new Set(routers.map((r) => r.id));
  const out: UnknownWeightId[] = [];
  for (const id of Object.keys(weights)) {
    if (ids.has(id)) continue;
    const byLabel = routers.filter((r) => r.label.toLowerCase() === id.toLowerCase()).map((r) => JSON.stringify(r.id));
    // Hints for the first few only: a weights file of thousands of stale ids stays cheap to refuse.
    const hint = byLabel.length > 0 ? ` (${JSON.stringify(id)} is the label of router ${byLabel.join(', router ')}: weights are keyed by router id)` : out.length < 20 ? idHint(id, ids) : '';
    out.push({ id, hint });
  }
  return out;
}

/** Some router ids with their labels, for a message: `"0" (New York), "1" (Chicago), ... (11 routers)`. */
export function routerIdList(routers: readonly ZooRouter[], max = 12): string {
  const shownIds = routers.slice(0, max).map((r) => (r.label !== r.id ? `${JSON.stringify(r.id)} (${r.label})` : JSON.stringify(r.id)));
  return `${shownIds.join(', ')}${routers.length > max ? ', ...' : ''} (${routers.length} router${routers.length === 1 ? '' : 's'})`;
}
