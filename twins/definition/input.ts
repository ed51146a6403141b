/**
 * The twin *file* shape (YAML or JSON), as the schema guarantees it. Importers
 * produce this same shape, so an imported twin can be written out, edited and
 * read back. Documented in docs/twin-spec.md.
 */
import type { NodeKind } from './types.js';

/** Seconds, or a string like "250ms" (twins/definition/units.ts). */
export type DurationInput = number | string;
/** Bytes, or a string like "512Mi". */
export type SizeInput = number | string;

export type DistributionInput =
  | { type: 'exponential'; mean: DurationInput }
  | { type: 'deterministic'; value: DurationInput }
  | { type: 'uniform'; min: DurationInput; max: DurationInput }
  | { type: 'normal'; mean: DurationInput; sd: DurationInput }
  | { type: 'lognormal'; mean?: DurationInput; cv?: number; p50?: DurationInput; p99?: DurationInput }
  | { type: 'gamma'; shape?: number; scale?: DurationInput; mean?: DurationInput; cv?: number }
  | { type: 'empirical'; values: DurationInput[] };

export interface RetriesInput {
  max: number;
  backoff?: DurationInput;
  jitter?: number;
}

export interface NodeFields {
  kind?: NodeKind;
  replicas?: number;
  servers?: number;
  queue?: number;
  service?: DistributionInput;
  delay?: DurationInput;
  timeout?: DurationInput;
  retries?: RetriesInput;
  failure?: { mtbf: DurationInput; mttr: DurationInput };
  resources?: { cores: number; cpuPerRequest: DurationInput; memBase: SizeInput; memPerInFlight: SizeInput; memLimit: SizeInput };
  autoscale?: { target: number; min: number; max: number; period?: DurationInput; startup?: DurationInput };
  slo?: { p99?: DurationInput; errorRate?: number; utilization?: number; window?: DurationInput };
  attributes?: Record<string, string | number | boolean>;
}

export interface NodeInput extends NodeFields {
  id: string;
}

export interface RouteEdgeInput {
  type: 'route';
  from: string;
  to: string;
  probability: number;
}

export interface CallEdgeInput {
  type: 'call';
  from: string;
  to: string;
  mode?: 'sync' | 'async';
  mean?: number;
  probability?: number;
  count?: 'rounded' | 'poisson';
  fanout?: 'sequential' | 'parallel';
  group?: string | number;
  optional?: boolean;
  timeout?: DurationInput;
  retries?: RetriesInput;
}

export type EdgeInput = RouteEdgeInput | CallEdgeInput;

export interface PathInput {
  id?: string;
  path: string[];
  weight: number;
}

export interface EntryInput {
  id?: string;
  node: string;
  rate?: number;
  profile?: string;
  forecast?: { node?: string; metric?: string };
  scale?: number;
  interpolation?: 'step' | 'linear';
  process?: 'poisson' | 'deterministic';
  paths?: PathInput[];
}

/** One link direction of a routed network: the station `station` carries packets from router `from` to router `to`. */
export interface NetworkLinkInput {
  station: string;
  from: string;
  to: string;
  /** IGP metric of the direction (> 0), in place of the routing rule's weight (delay + 1 us, or 1 hop). */
  metric?: number;
  /** The direction is out (a failed link): no route uses it; its station stays in the twin and receives nothing. */
  down?: boolean;
}

/**
 * Where each origin's packets go (docs/twin-spec.md, "Routed networks"):
 * gravity (destination d weighted by w_d), a CSV matrix (origin,destination,rate
 * rows, relative to the twin file's folder), or the same rows inline.
 */
export type TrafficInput =
  | { gravity: { weights?: 'uniform' | 'degree' | Record<string, number> } }
  | { matrix: string }
  | { rows: [string, string, number][] };

/** A routed network: link directions, the routing rule and the traffic rule; forwarding tables are built when the twin is read. */
export interface NetworkInput {
  /** Shortest paths by propagation delay plus 1 us per hop (default) or by hop count. */
  metric?: 'delay' | 'hops';
  /** Split over every equal-cost next hop (default false: the first by router order). */
  ecmp?: boolean;
  /** Parallel links between two routers: split by capacity (default) or the fastest only. */
  parallel?: 'split' | 'best';
  links: NetworkLinkInput[];
  traffic: TrafficInput;
}

export interface TwinInput {
  name: string;
  description?: string;
  defaults?: NodeFields;
  nodes: NodeInput[];
  edges?: EdgeInput[];
  entries: EntryInput[];
  network?: NetworkInput;
}
