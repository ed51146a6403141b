/**
 * JSON Schema of a scenario file: a list of deltas, or {"deltas": [...]}.
 * Every value reuses the twin file's own schema for that field (twins/
 * definition/schema.ts), so a delta accepts what a twin file accepts there;
 * unknown keys are refused with the same "did you mean" hint.
 */
import type { SchemaObject } from 'ajv';
import { DURATION_PATTERN } from '../definition/units.js';
import { nodeProperties } from '../definition/schema.js';
import type { ScenarioOp } from './types.js';

type Props = Record<string, unknown>;
const field = (name: string): Props => nodeProperties[name] as Props;
const resourceField = (name: string): unknown => (field('resources').properties as Props)[name];

/** The twin's object schema, or null (to remove the setting); keeps the object's own error messages. */
const objectOrNull = (schema: Props): Props => ({ ...schema, type: ['object', 'null'] });

const nodeId = nodeProperties.id;
const factor = { type: 'number', exclusiveMinimum: 0 };
const duration = (what: string): Props => ({
  description: `a duration (${what}): seconds (number) or a string like "250ms", "2s", "5m"`,
  anyOf: [{ type: 'number' }, { type: 'string', pattern: DURATION_PATTERN }],
});
/** Every op accepts `at`, so that an op that cannot take effect later is refused by name (check.ts), not as an unknown key. */
const at = duration('when the delta takes effect');
const share = { type: 'number', minimum: 0, maximum: 1 };
/** A routed network's link directions: every one between two routers, or one by its station. */
const linkSelector: Props = {
  between: { type: 'array', items: nodeId, minItems: 2, maxItems: 2, description: 'two router ids [A, B]' },
  station: nodeId,
};

function op(name: ScenarioOp, props: Props, required: string[]): SchemaObject {
  return {
    type: 'object',
    properties: { op: { const: name }, ...props, at },
    required: ['op', ...required],
    additionalProperties: false,
  };
}

export const deltaSchema: SchemaObject = {
  type: 'object',
  description: 'a delta {op: replicas|servers|queue|serviceScale|loadScale|autoscale|timeout|retries|memLimit|rateLimit|shedOptional|circuitBreaker|routeWeights|linkDown|linkUp|linkMetric, ...}',
  required: ['op'],
  discriminator: { propertyName: 'op' },
  oneOf: [
    op('replicas', { node: nodeId, replicas: field('replicas') }, ['node', 'replicas']),
    op('servers', { node: nodeId, servers: field('servers') }, ['node', 'servers']),
    op('queue', { node: nodeId, capacity: { type: ['integer', 'null'], minimum: 0 } }, ['node', 'capacity']),
    op('serviceScale', { node: nodeId, factor }, ['node', 'factor']),
    op('loadScale', { factor, entry: nodeId }, ['factor']),
    op('autoscale', { node: nodeId, autoscale: objectOrNull(field('autoscale')) }, ['node', 'autoscale']),
    op('timeout', {
      node: nodeId,
      timeout: {
        description: 'a duration: seconds (number) or a string like "250ms", "2s"; or null (no deadline)',
        anyOf: [{ type: 'number' }, { type: 'string', pattern: DURATION_PATTERN }, { type: 'null' }],
      },
    }, ['node', 'timeout']),
    op('retries', { node: nodeId, retries: objectOrNull(field('retries')) }, ['node', 'retries']),
    op('memLimit', { node: nodeId, memLimit: resourceField('memLimit') }, ['node', 'memLimit']),
    op('rateLimit', { entry: nodeId, rate: factor, burst: { type: 'number', minimum: 1 } }, ['entry', 'rate', 'burst']),
    op('shedOptional', { node: nodeId, probability: share }, ['node']),
    op('circuitBreaker', {
      node: nodeId, to: nodeId,
      failureRatio: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
      window: duration('the sliding window'),
      minCalls: { type: 'integer', minimum: 1 },
      openFor: duration('how long it stays open'),
    }, ['node', 'to', 'failureRatio', 'window', 'minCalls', 'openFor']),
    op('routeWeights', {
      node: nodeId,
      weights: { type: 'object', minProperties: 1, additionalProperties: { type: 'number', minimum: 0 } },
    }, ['node', 'weights']),
    // Exactly one of between / station is checked in check.ts, with a message that names both forms.
    op('linkDown', linkSelector, []),
    op('linkUp', linkSelector, []),
    op('linkMetric', { ...linkSelector, metric: { type: 'number', exclusiveMinimum: 0, description: 'an IGP metric > 0' } }, ['metric']),
  ],
};

/** A scenario file whose root is the list. */
export const deltaListSchema: SchemaObject = { type: 'array', items: deltaSchema };

/** A scenario file whose root is an object holding the list. */
export const deltaDocumentSchema: SchemaObject = {
  type: 'object',
  properties: { deltas: deltaListSchema },
  required: ['deltas'],
  additionalProperties: false,
};
