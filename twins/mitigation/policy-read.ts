/**
 * Reading a mitigation policy: YAML or JSON text parsed like a twin file
 * (parseTwinText: syntax errors with line numbers), checked against a JSON
 * schema (validateDocument: every problem with its path and line), then the
 * rules a schema cannot say (min ≤ max, windows that end after they start,
 * auto-approve rules only for actions that change a bounded field). Every
 * problem is a TwinSpecError, so the CLI reports it as invalid input (exit 3).
 */
import type { SchemaObject } from 'ajv';
import { didYouMean } from '../../engine/did-you-mean.js';
import { Problems, type Locator } from '../definition/errors.js';
import { parseTwinText, readSpecText, validateDocument } from '../definition/load.js';
import { DURATION_PATTERN, parseDuration } from '../definition/units.js';
import { BOUNDED_FIELDS, WEEKDAYS, type AutoApproveRule, type Bound, type BoundedField, type ChangeWindow, type NodeRules, type Policy, type Weekday } from './policy.js';
import { DEFAULT_PRICES, type CostPrices } from './cost.js';
import type { StrategyAction } from './types.js';

export const STRATEGY_ACTIONS: readonly StrategyAction[] = ['scaleOut', 'scaleUp', 'autoscale', 'prewarm', 'rateLimit', 'shedOptional', 'circuitBreaker', 'timeoutRetry', 'reroute'];
/** Actions whose change is a bounded field, so an auto-approve rule can measure its step. */
export const BOUNDED_ACTIONS: Readonly<Partial<Record<StrategyAction, BoundedField>>> = { scaleOut: 'replicas', scaleUp: 'servers' };

const posInt = { type: 'integer', minimum: 1 };
const price = { type: 'number', minimum: 0, description: 'a price >= 0 in the unit' };
const nonNegInt = { type: 'integer', minimum: 0 };
const action = { enum: STRATEGY_ACTIONS, description: `one of ${STRATEGY_ACTIONS.join(', ')}` };
const bound = {
  type: 'object',
  properties: { min: nonNegInt, max: nonNegInt, maxStep: posInt },
  required: ['min', 'max'],
  additionalProperties: false,
};
const clock = { type: 'string', pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$', description: 'a time of day HH:MM (UTC)' };

export const policySchema: SchemaObject = {
  type: 'object',
  properties: {
    nodes: {
      type: 'object',
      minProperties: 1,
      additionalProperties: {
        type: 'object',
        properties: {
          actions: { type: 'array', items: action, minItems: 1, uniqueItems: true },
          bounds: { type: 'object', properties: Object.fromEntries(BOUNDED_FIELDS.map((f) => [f, bound])), additionalProperties: false },
        },
        required: ['actions'],
        additionalProperties: false,
      },
    },
    approvals: {
      type: 'object',
      properties: {
        roles: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true }, required: posInt,
        expiresAfter: { description: 'a duration: seconds (number) or a string like "30m", "4h"', anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'string', pattern: DURATION_PATTERN }] },
      },
      required: ['roles', 'required'],
      additionalProperties: false,
    },
    autoApprove: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: { type: 'string', minLength: 1 },
          action,
          maxStep: posInt,
          direction: { const: 'increase' },
          requireExcludesNoImprovement: { type: 'boolean' },
        },
        required: ['name', 'action', 'maxStep'],
        additionalProperties: false,
      },
    },
    changeWindows: {
      type: 'array',
      items: {
        type: 'object',
        properties: { days: { type: 'array', items: { enum: WEEKDAYS, description: `one of ${WEEKDAYS.join(', ')}` }, minItems: 1, uniqueItems: true }, from: clock, to: clock },
        required: ['days', 'from', 'to'],
        additionalProperties: false,
      },
    },
    maxChangesPerHour: posInt,
    cost: {
      type: 'object',
      properties: {
        replicaHour: price, coreHour: price, requestShed: price,
        unit: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9 _/.-]{0,31}$', description: 'a currency or unit name, e.g. USD, EUR, credits' },
      },
      additionalProperties: false,
    },
    verify: {
      type: 'object',
      properties: {
        window: { description: 'a duration: seconds (number) or a string like "90s", "10m"', anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'string', pattern: DURATION_PATTERN }] },
        minPoints: posInt,
        onNoData: { enum: ['rollback', 'hold'], description: 'rollback or hold' },
      },
      additionalProperties: false,
    },
  },
  required: ['nodes', 'approvals', 'maxChangesPerHour'],
  additionalProperties: false,
};

interface PolicyInput {
  nodes: Record<string, { actions: StrategyAction[]; bounds?: Partial<Record<BoundedField, Bound>> }>;
  approvals: { roles: string[]; required: number; expiresAfter?: number | string };
  autoApprove?: Array<{ name: string; action: StrategyAction; maxStep: number; direction?: 'increase'; requireExcludesNoImprovement?: boolean }>;
  changeWindows?: Array<{ days: Weekday[]; from: string; to: string }>;
  maxChangesPerHour: number;
  verify?: { window?: number | string; minPoints?: number; onNoData?: 'rollback' | 'hold' };
  cost?: Partial<CostPrices>;
}

const minuteOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** A proposal's default lifetime: an hour, after which its evidence is stale and it must be proposed again. */
export const PROPOSAL_LIFETIME_SECONDS = 3600;

/** Defaults of the verify section: watch 10 minutes, at least 20 points, no data rolls back. */
export const VERIFY_DEFAULTS = { windowSeconds: 600, minPoints: 20, onNoData: 'rollback' } as const;

/** The node ids of the twin a policy is used with (a twin's `indexOf`, or a set). */
export interface KnownNodes {
  has(id: string): boolean;
  keys(): Iterable<string>;
}

export interface PolicyReadOptions {
  /**
   * The twin's node ids: a key of `nodes` that is neither one of them nor
   * `*` is a problem, since rulesFor would never find it and the node meant
   * (a misspelt id) would silently get the `*` rules instead.
   */
  readonly nodes?: KnownNodes;
  /** Where a mapping's key is (parseTwinText's locateKey), for the unknown node ids; default `locate`. */
  readonly locateKey?: Locator;
}

/** A policy from a parsed document; throws TwinSpecError listing every problem with its path (and line, given a locator). */
export function policyFromObject(data: unknown, source: string, locate?: Locator, options: PolicyReadOptions = {}): Policy {
  const input = validateDocument<PolicyInput>(policySchema, data, source, locate);
  const p = new Problems(locate);
  const keys = new Problems(options.locateKey ?? locate);
  const nodes: Record<string, NodeRules> = {};
  for (const [id, rules] of Object.entries(input.nodes)) {
    const known = options.nodes;
    if (known !== undefined && id !== '*' && !known.has(id)) keys.at(['nodes', id], `unknown node id ${JSON.stringify(id)}${didYouMean(id, known.keys())}: the twin has no such node, so these rules would never apply (nodes not listed get the "*" rules)`);
    for (const [field, b] of Object.entries(rules.bounds ?? {})) {
      if (b.min > b.max) p.at(['nodes', id, 'bounds', field, 'min'], `min ${b.min} is above max ${b.max}`);
    }
    nodes[id] = { actions: rules.actions, bounds: rules.bounds ?? {} };
  }
  const autoApprove: AutoApproveRule[] = (input.autoApprove ?? []).map((r, i) => {
    if (BOUNDED_ACTIONS[r.action] === undefined) p.at(['autoApprove', i, 'action'], `auto-approval covers only ${Object.keys(BOUNDED_ACTIONS).join(' and ')} (changes with a step to bound), got ${r.action}`);
    return { name: r.name, action: r.action, maxStep: r.maxStep, direction: 'increase', requireExcludesNoImprovement: r.requireExcludesNoImprovement ?? true };
  });
  const names = new Set<string>();
  autoApprove.forEach((r, i) => {
    if (names.has(r.name)) p.at(['autoApprove', i, 'name'], `rule name '${r.name}' is used twice`);
    names.add(r.name);
  });
  const changeWindows: ChangeWindow[] = (input.changeWindows ?? []).map((w, i) => {
    const fromMinute = minuteOf(w.from);
    const toMinute = minuteOf(w.to);
    if (fromMinute >= 24 * 60) p.at(['changeWindows', i, 'from'], `expected a time before 24:00, got ${w.from}`);
    if (toMinute <= fromMinute) p.at(['changeWindows', i, 'to'], `the window must end after it starts (${w.from}–${w.to}); split a window across midnight in two`);
    return { days: w.days, fromMinute, toMinute };
  });
  let windowSeconds: number = VERIFY_DEFAULTS.windowSeconds;
  if (input.verify?.window !== undefined) {
    try {
      windowSeconds = parseDuration(input.verify.window);
      if (!(windowSeconds > 0)) throw new Error('not positive');
    } catch {
      p.at(['verify', 'window'], `expected a positive duration like 90s or 10m, got ${JSON.stringify(input.verify.window)}`);
    }
  }
  let expiresAfterSeconds = PROPOSAL_LIFETIME_SECONDS;
  if (input.approvals.expiresAfter !== undefined) {
    try {
      expiresAfterSeconds = parseDuration(input.approvals.expiresAfter);
      if (!(expiresAfterSeconds > 0)) throw new Error('not positive');
    } catch {
      p.at(['approvals', 'expiresAfter'], `expected a positive duration like 30m or 4h, got ${JSON.stringify(input.approvals.expiresAfter)}`);
    }
  }
  p.list.unshift(...keys.list);
  p.throwIfAny(source);
  return {
    nodes,
    approvals: { roles: input.approvals.roles, required: input.approvals.required, expiresAfterSeconds },
    autoApprove,
    changeWindows,
    maxChangesPerHour: input.maxChangesPerHour,
    verify: {
      windowSeconds,
      minPoints: input.verify?.minPoints ?? VERIFY_DEFAULTS.minPoints,
      onNoData: input.verify?.onNoData ?? VERIFY_DEFAULTS.onNoData,
    },
    cost: { ...DEFAULT_PRICES, ...input.cost },
  };
}

/** A policy from YAML or JSON text. */
export function parsePolicyText(text: string, source: string, options: Pick<PolicyReadOptions, 'nodes'> = {}): Policy {
  const { data, locate, locateKey } = parseTwinText(text, source);
  return policyFromObject(data, source, locate, { ...options, locateKey });
}

/**
 * Reads a policy file the way every reader opens its input (readSpecText:
 * regular files only, size-limited, UTF-8; strict JSON for .json); a file
 * that cannot be read is a TwinSpecError too. With the twin's `nodes`, a
 * policy key naming no node of it is a problem.
 */
export async function loadPolicyFile(file: string, options: Pick<PolicyReadOptions, 'nodes'> = {}): Promise<Policy> {
  const { data, locate, locateKey } = await readSpecText(file);
  return policyFromObject(data, file, locate, { ...options, locateKey });
}
