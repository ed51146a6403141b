/**
 * JSON Schema of a batch file (docs/whatif.md). Unknown keys are refused
 * with the twin files' "did you mean" hint; the deltas inside labelled axes
 * are checked by the scenario rules (twins/scenario), not here.
 */
import type { SchemaObject } from 'ajv';
import { DURATION_PATTERN } from '../definition/units.js';

const duration = (what: string) => ({
  description: `a duration (${what}): seconds (number) or a string like "30m", "1h"`,
  anyOf: [{ type: 'number' }, { type: 'string', pattern: DURATION_PATTERN }],
});
const path = { type: 'string', minLength: 1 };
const level = { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 };

/** An axis: a list of values, or labelled lists of deltas. */
const axis = {
  description: 'an axis: a non-empty list of values, or a mapping from labels to lists of scenario deltas',
  anyOf: [
    { type: 'array', minItems: 1 },
    { type: 'object', minProperties: 1, additionalProperties: { type: 'array' } },
  ],
};

export const batchSchema: SchemaObject = {
  type: 'object',
  properties: {
    twin: path,
    forecast: path,
    state: path,
    seed: { type: 'integer' },
    replications: { type: 'integer', minimum: 1 },
    horizon: duration('simulated time'),
    window: duration('report window'),
    warmup: duration('left out of whole-run figures and risk'),
    confidence: level,
    target: level,
    stopWhenClear: { type: 'boolean' },
    precision: level,
    axes: { type: 'object', minProperties: 1, additionalProperties: axis },
  },
  required: ['twin', 'axes'],
  additionalProperties: false,
};

/** The batch as the schema guarantees it. */
export interface BatchInput {
  readonly twin: string;
  readonly forecast?: string;
  readonly state?: string;
  readonly seed?: number;
  readonly replications?: number;
  readonly horizon?: number | string;
  readonly window?: number | string;
  readonly warmup?: number | string;
  readonly confidence?: number;
  readonly target?: number;
  readonly stopWhenClear?: boolean;
  readonly precision?: number;
  readonly axes: Readonly<Record<string, readonly unknown[] | Readonly<Record<string, readonly unknown[]>>>>;
}

/** Defaults of the settings a batch may leave out (as `shadowcast simulate`'s flags). */
export const BATCH_DEFAULTS = { seed: 1, replications: 200, horizon: 3600, window: 300, warmup: 0, confidence: 0.95, target: 0.05 } as const;
