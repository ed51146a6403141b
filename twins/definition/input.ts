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

export interface TwinInput {
  name: string;
  description?: string;
  defaults?: NodeFields;
  nodes: NodeInput[];
  edges?: EdgeInput[];
  entries: EntryInput[];
}
