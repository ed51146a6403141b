/**
 * What-if batches: a base twin (with optional forecast and state snapshot)
 * × a grid of named axes of scenario deltas × replications, every cell on
 * the same seed (common random numbers). The types of a checked batch and
 * of its cells; the file format is docs/whatif.md.
 */
import type { Twin } from '../definition/types.js';
import type { StateSnapshot } from '../state.js';

/**
 * A scenario delta as written in the batch (units such as "250ms" kept):
 * checked by the scenario rules, which convert it when applied.
 */
export type WrittenDelta = Readonly<Record<string, unknown>>;

/** One value of an axis: its label (as shown in cell ids and files) and the deltas it stands for. */
export interface AxisValue {
  readonly label: string;
  /** The value as written in the batch (a number, a duration, an object), or null for a labelled list of deltas. */
  readonly value: unknown;
  readonly deltas: readonly WrittenDelta[];
}

/**
 * An axis: `load`, `<entry>.load`, `<node>.<field>` (values are the field's
 * values), or any name whose values are labelled lists of deltas.
 */
export interface Axis {
  readonly name: string;
  /** For `<node>.replicas` axes, the node: the axis --find may search monotonically. */
  readonly replicasOf: string | null;
  readonly values: readonly AxisValue[];
}

/** Simulation settings of a batch (the batch file's, with the command line's overrides). */
export interface BatchSettings {
  readonly seed: number;
  readonly replications: number;
  /** Seconds. */
  readonly horizon: number;
  readonly window: number;
  readonly warmup: number;
  /** Level of every interval. */
  readonly confidence: number;
  /** --find: every node's P(fail) upper bound must be under this. */
  readonly target: number;
  /** Sequential stopping per cell (docs/whatif.md); null: every cell runs all `replications`. */
  readonly stopping: CellStoppingRule | null;
}

/**
 * When a cell stops adding replications: once every node's P(fail) interval
 * is clear of the target (`whenClear`) or at most ±`precision` wide; at the
 * latest at the batch's replications.
 */
export interface CellStoppingRule {
  readonly whenClear: boolean;
  /** A share (0.01 = ±1 point); null: not a criterion. */
  readonly precision: number | null;
}

/** How a cell's run went against its stopping rule (part of the files: it depends only on the batch). */
export interface CellStopping {
  /** Replications run: the batch's, or fewer when the rule was met at a look. */
  readonly replications: number;
  readonly maxReplications: number;
  readonly looks: number;
  readonly stoppedEarly: boolean;
  readonly reason: string;
}

/** A batch whose shape, settings and axes passed every check against the base twin. */
export interface Batch {
  /** The batch file, for messages. */
  readonly source: string;
  /** Paths as written in the batch (relative to its folder). */
  readonly files: { readonly twin: string; readonly forecast: string | null; readonly state: string | null };
  readonly settings: BatchSettings;
  readonly axes: readonly Axis[];
}

/** A cell of the grid: one value per axis, in axis order. */
export interface Cell {
  /** Position in the grid, first axis slowest. */
  readonly index: number;
  /** `load=1.2 productcatalog.replicas=3`. */
  readonly id: string;
  /** Axis name -> value label. */
  readonly values: Readonly<Record<string, string>>;
  /** Index of the chosen value on each axis. */
  readonly coordinates: readonly number[];
  readonly deltas: readonly WrittenDelta[];
}

/** A cell ready to run: its twin (deltas applied under the twin's rules) and state (checked against that twin). */
export interface PreparedCell extends Cell {
  readonly twin: Twin;
  readonly state: StateSnapshot | null;
}
