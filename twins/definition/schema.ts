/**
 * JSON Schema (draft-07, checked with ajv) of the twin file. It checks shapes,
 * types and simple ranges; cross-references and sums are checked afterwards in
 * fields.ts and normalize.ts. Every `anyOf`/`oneOf` carries a `description` that becomes the
 * single "expected ..." message when none of its branches match (validate.ts).
 * Format documentation: docs/twin-spec.md.
 */
import type { SchemaObject } from 'ajv';
import { DURATION_PATTERN, SIZE_PATTERN } from './units.js';
import { NODE_KINDS } from './types.js';
import { RESERVED_IDS } from './reserved-ids.js';
import { LIMITS } from '../../engine/limits.js';

const posNum = { type: 'number', exclusiveMinimum: 0 };
const nonNegNum = { type: 'number', minimum: 0 };
const posInt = { type: 'integer', minimum: 1 };
const nonNegInt = { type: 'integer', minimum: 0 };
const prob = { type: 'number', minimum: 0, maximum: 1 };
/** Node, entry and path ids: non-empty, no spaces, not a built-in property name of objects (reserved-ids.ts). */
export const idSchema = {
  type: 'string', minLength: 1, pattern: '^[^\\s]+$', description: 'a non-empty id without spaces',
  not: { enum: RESERVED_IDS },
};
const id = idSchema;

const duration = {
  description: 'a duration: seconds (number) or a string like "250ms", "2s", "1h"',
  anyOf: [{ type: 'number' }, { type: 'string', pattern: DURATION_PATTERN }],
};
const size = {
  description: 'a size: bytes (number) or a string like "512Mi", "2Gi", "1GB"',
  anyOf: [{ type: 'number' }, { type: 'string', pattern: SIZE_PATTERN }],
};

function dist(type: string, props: Record<string, unknown>, required: string[], alt?: { sets: string[][]; description: string }): SchemaObject {
  const s: SchemaObject = {
    type: 'object',
    properties: { type: { const: type }, ...props },
    required: ['type', ...required],
    additionalProperties: false,
  };
  if (alt) s.oneOf = alt.sets.map((r) => ({ required: r }));
  if (alt) s.description = alt.description;
  return s;
}

export const distributionSchema: SchemaObject = {
  type: 'object',
  description: 'a distribution {type: exponential|deterministic|uniform|normal|lognormal|gamma|empirical, ...}',
  required: ['type'],
  discriminator: { propertyName: 'type' },
  oneOf: [
    dist('exponential', { mean: duration }, ['mean']),
    dist('deterministic', { value: duration }, ['value']),
    dist('uniform', { min: duration, max: duration }, ['min', 'max']),
    dist('normal', { mean: duration, sd: duration }, ['mean', 'sd']),
    dist('lognormal', { mean: duration, cv: posNum, p50: duration, p99: duration }, [], {
      sets: [['mean', 'cv'], ['p50', 'p99']],
      description: 'either {mean, cv} or {p50, p99}',
    }),
    dist('gamma', { shape: posNum, scale: duration, mean: duration, cv: posNum }, [], {
      sets: [['shape', 'scale'], ['mean', 'cv']],
      description: 'either {shape, scale} or {mean, cv}',
    }),
    dist('empirical', { values: { type: 'array', minItems: 1, items: duration } }, ['values']),
  ],
};

/** Retries of one call: more would only multiply load (each retry is a full request). */
export const MAX_RETRIES = 100;
const retries = {
  type: 'object',
  properties: { max: { ...nonNegInt, maximum: MAX_RETRIES }, backoff: duration, jitter: prob },
  required: ['max'],
  additionalProperties: false,
};

export const nodeProperties: Record<string, unknown> = {
  id,
  kind: { enum: NODE_KINDS },
  replicas: { ...posInt, maximum: LIMITS.replicas },
  servers: { ...posInt, maximum: LIMITS.servers },
  queue: { ...nonNegInt, maximum: LIMITS.queue },
  service: distributionSchema,
  delay: duration,
  timeout: duration,
  retries,
  failure: {
    type: 'object',
    properties: { mtbf: duration, mttr: duration },
    required: ['mtbf', 'mttr'],
    additionalProperties: false,
  },
  resources: {
    type: 'object',
    properties: { cores: posNum, cpuPerRequest: duration, memBase: size, memPerInFlight: size, memLimit: size },
    required: ['cores', 'cpuPerRequest', 'memBase', 'memPerInFlight', 'memLimit'],
    additionalProperties: false,
  },
  autoscale: {
    type: 'object',
    properties: { target: prob, min: { ...posInt, maximum: LIMITS.replicas }, max: { ...posInt, maximum: LIMITS.replicas }, period: duration, startup: duration },
    required: ['target', 'min', 'max'],
    additionalProperties: false,
  },
  slo: {
    type: 'object',
    properties: { p99: duration, errorRate: prob, utilization: prob, window: duration },
    additionalProperties: false,
  },
  attributes: {
    type: 'object',
    additionalProperties: { type: ['string', 'number', 'boolean'] },
  },
};

const { id: _omitId, ...defaultProps } = nodeProperties;

/** Node fields other than `id` (for importers whose records carry node parameters). */
export const nodeFieldProperties: Record<string, unknown> = defaultProps;

const edge = {
  type: 'object',
  required: ['from', 'to', 'type'],
  discriminator: { propertyName: 'type' },
  description: 'an edge {from, to, type: route|call, ...}',
  oneOf: [
    {
      type: 'object',
      properties: { type: { const: 'route' }, from: id, to: id, probability: prob },
      required: ['type', 'from', 'to', 'probability'],
      additionalProperties: false,
    },
    {
      type: 'object',
      properties: {
        type: { const: 'call' },
        from: id,
        to: id,
        mode: { enum: ['sync', 'async'] },
        mean: nonNegNum,
        probability: prob,
        count: { enum: ['rounded', 'poisson'] },
        fanout: { enum: ['sequential', 'parallel'] },
        group: { type: ['string', 'integer'] },
        optional: { type: 'boolean' },
        timeout: duration,
        retries,
      },
      required: ['type', 'from', 'to'],
      oneOf: [{ required: ['mean'] }, { required: ['probability'] }],
      description: 'a call with either `mean` (calls per request) or `probability` (0 or 1 call), not both',
      additionalProperties: false,
    },
  ],
};

const entry = {
  type: 'object',
  properties: {
    id,
    node: id,
    rate: { ...posNum, maximum: LIMITS.entryRate },
    profile: { type: 'string', minLength: 1 },
    forecast: {
      type: 'object',
      properties: { node: id, metric: { type: 'string', minLength: 1 } },
      additionalProperties: false,
    },
    scale: posNum,
    interpolation: { enum: ['step', 'linear'] },
    process: { enum: ['poisson', 'deterministic'] },
    paths: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: { id, path: { type: 'array', minItems: 1, items: id }, weight: posNum },
        required: ['path', 'weight'],
        additionalProperties: false,
      },
    },
  },
  required: ['node'],
  oneOf: [{ required: ['rate'] }, { required: ['profile'] }, { required: ['forecast'] }],
  description: 'an entry with exactly one of `rate` (requests/s), `profile` (CSV time,rate) or `forecast` ({node, metric})',
  additionalProperties: false,
};

const network = {
  type: 'object',
  properties: {
    metric: { enum: ['delay', 'hops'] },
    ecmp: { type: 'boolean' },
    parallel: { enum: ['split', 'best'] },
    links: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        properties: {
          station: id, from: id, to: id,
          metric: { type: 'number', exclusiveMinimum: 0, description: 'IGP metric of the direction (> 0), in place of the routing rule\'s weight' },
          down: { type: 'boolean' },
        },
        required: ['station', 'from', 'to'],
        additionalProperties: false,
      },
    },
    traffic: {
      type: 'object',
      oneOf: [
        {
          type: 'object',
          properties: {
            gravity: {
              type: 'object',
              properties: {
                weights: { oneOf: [{ enum: ['uniform', 'degree'] }, { type: 'object', additionalProperties: nonNegNum }], description: "gravity weights: 'uniform', 'degree' or {router id: weight >= 0}" },
              },
              additionalProperties: false,
            },
          },
          required: ['gravity'],
          additionalProperties: false,
        },
        { type: 'object', properties: { matrix: { type: 'string', minLength: 1 } }, required: ['matrix'], additionalProperties: false },
        {
          type: 'object',
          properties: { rows: { type: 'array', items: { type: 'array', items: [id, id, nonNegNum], minItems: 3, maxItems: 3 } } },
          required: ['rows'],
          additionalProperties: false,
        },
      ],
      description: 'traffic with exactly one of `gravity` ({weights}), `matrix` (CSV origin,destination,rate) or `rows` ([[origin, destination, rate], ...])',
    },
  },
  required: ['links', 'traffic'],
  additionalProperties: false,
};

export const twinSchema: SchemaObject = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    defaults: { type: 'object', properties: defaultProps, additionalProperties: false },
    nodes: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', properties: nodeProperties, required: ['id'], additionalProperties: false },
    },
    edges: { type: 'array', items: edge },
    entries: { type: 'array', minItems: 1, items: entry },
    network,
  },
  required: ['name', 'nodes', 'entries'],
  additionalProperties: false,
};
