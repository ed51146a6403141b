/**
 * The runtime configuration an emulator process is started with (one JSON
 * file, its only argument): the node's EmulatorSpec from the plan, the
 * time-dilation factor k, the seed of its random streams, the base URL of
 * every callee and where to listen. Written by the materialiser
 * (runs/shadow/materialise-configs.ts); the same file would be the ConfigMap
 * of a Kubernetes target. Everything in `spec` is in production units; the
 * emulator multiplies times by k.
 */
import type { EmulatorSpec, PlannedCall } from './plan-types.js';
import { distributionFromSpec, type DistributionSpec } from '../../engine/distributions.js';

export const EMULATOR_CONFIG_FORMAT = 'shadowcast-shadow-emulator/1';

/** Where a shadow process listens. Port 0: the OS picks a free port and the process reports it. */
export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface EmulatorRuntimeConfig {
  readonly format: typeof EMULATOR_CONFIG_FORMAT;
  /** The duplicated node this process emulates; it answers `GET /n/<node>`. */
  readonly node: string;
  readonly spec: EmulatorSpec;
  /** Time-dilation factor k >= 1: every time is multiplied by k. */
  readonly k: number;
  readonly seed: number | string;
  /** Base URL (`http://127.0.0.1:PORT`) of every callee named in spec.callGroups. */
  readonly callees: Readonly<Record<string, string>>;
  readonly listen: ListenAddress;
}

/** A configuration problem, with the path of the offending field. */
export class ShadowConfigError extends Error {
  constructor(source: string, path: string, problem: string) {
    super(`${source}: ${path}: ${problem}`);
    this.name = 'ShadowConfigError';
  }
}

type Checker = (ok: boolean, path: string, problem: string) => void;

export function checkerFor(source: string): Checker {
  return (ok, path, problem) => {
    if (!ok) throw new ShadowConfigError(source, path, problem);
  };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonNegInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
const isNonNeg = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

export function checkDilation(check: Checker, k: unknown): void {
  check(typeof k === 'number' && Number.isFinite(k) && k >= 1, 'k', `must be a finite number >= 1, got ${String(k)}`);
}

export function checkListen(check: Checker, listen: unknown): void {
  check(isObject(listen), 'listen', 'must be an object { host, port }');
  const l = listen as Record<string, unknown>;
  check(typeof l.host === 'string' && l.host.length > 0, 'listen.host', 'must be a non-empty string');
  check(Number.isInteger(l.port) && (l.port as number) >= 0 && (l.port as number) <= 65535, 'listen.port', 'must be an integer port in [0, 65535]');
}

export function checkSeed(check: Checker, seed: unknown): void {
  check(typeof seed === 'string' || (typeof seed === 'number' && Number.isFinite(seed)), 'seed', 'must be a string or a finite number');
}

function checkCall(check: Checker, path: string, c: unknown, callees: Record<string, unknown>): void {
  check(isObject(c), path, 'must be an object');
  const call = c as Record<string, unknown>;
  check(typeof call.to === 'string' && typeof callees[call.to] === 'string', `${path}.to`, `callee ${String(call.to)} has no address in callees`);
  check(call.mode === 'sync' || call.mode === 'async', `${path}.mode`, 'must be sync or async');
  check(isNonNeg(call.meanCalls), `${path}.meanCalls`, 'must be a finite number >= 0');
  check(call.count === 'rounded' || call.count === 'poisson', `${path}.count`, 'must be rounded or poisson');
  check(call.fanout === 'sequential' || call.fanout === 'parallel', `${path}.fanout`, 'must be sequential or parallel');
  check(typeof call.optional === 'boolean', `${path}.optional`, 'must be a boolean');
  check(call.timeout === null || (isNonNeg(call.timeout) && (call.timeout as number) > 0), `${path}.timeout`, 'must be null or a number > 0');
  if (call.retries !== null) {
    check(isObject(call.retries), `${path}.retries`, 'must be null or { max, backoff, jitter }');
    const r = call.retries as Record<string, unknown>;
    check(isNonNegInt(r.max), `${path}.retries.max`, 'must be an integer >= 0');
    check(isNonNeg(r.backoff), `${path}.retries.backoff`, 'must be a finite number >= 0');
    check(isNonNeg(r.jitter) && (r.jitter as number) <= 1, `${path}.retries.jitter`, 'must be in [0, 1]');
  }
}

/** Checks the fields of an EmulatorSpec the emulator relies on; callee names must have an address. */
export function checkEmulatorSpec(check: Checker, path: string, s: unknown, callees: Record<string, unknown>): void {
  check(isObject(s), path, 'must be an object');
  const spec = s as Record<string, unknown>;
  check(isNonNegInt(spec.replicas), `${path}.replicas`, 'must be an integer >= 0');
  check(Number.isInteger(spec.workersPerReplica) && (spec.workersPerReplica as number) >= 1, `${path}.workersPerReplica`, 'must be an integer >= 1');
  check(spec.queuePerReplica === null || isNonNegInt(spec.queuePerReplica), `${path}.queuePerReplica`, 'must be null or an integer >= 0');
  check(isObject(spec.service), `${path}.service`, 'must be a distribution');
  try {
    distributionFromSpec(spec.service as DistributionSpec, `${path}.service`);
  } catch (e) {
    check(false, `${path}.service`, (e as Error).message);
  }
  check(isNonNeg(spec.delay), `${path}.delay`, 'must be a finite number >= 0');
  check(spec.work === 'sleep' || spec.work === 'burn', `${path}.work`, 'must be sleep or burn');
  check(Array.isArray(spec.callGroups), `${path}.callGroups`, 'must be an array');
  (spec.callGroups as unknown[]).forEach((g, i) => {
    check(isObject(g) && Array.isArray((g as Record<string, unknown>).calls), `${path}.callGroups[${i}]`, 'must be { name, calls: [] }');
    ((g as { calls: unknown[] }).calls).forEach((c, j) => checkCall(check, `${path}.callGroups[${i}].calls[${j}]`, c, callees));
  });
  check(isObject(spec.initial), `${path}.initial`, 'must be { busy, queued }');
  const init = spec.initial as Record<string, unknown>;
  check(isNonNegInt(init.busy), `${path}.initial.busy`, 'must be an integer >= 0');
  check(isNonNegInt(init.queued), `${path}.initial.queued`, 'must be an integer >= 0');
}

/** Validates a parsed emulator configuration (throws ShadowConfigError naming the field). */
export function parseEmulatorConfig(data: unknown, source: string): EmulatorRuntimeConfig {
  const check = checkerFor(source);
  check(isObject(data), '(root)', 'must be an object');
  const d = data as Record<string, unknown>;
  check(d.format === EMULATOR_CONFIG_FORMAT, 'format', `must be ${EMULATOR_CONFIG_FORMAT}, got ${String(d.format)}`);
  check(typeof d.node === 'string' && d.node.length > 0, 'node', 'must be a non-empty string');
  checkDilation(check, d.k);
  checkSeed(check, d.seed);
  check(isObject(d.callees), 'callees', 'must be an object nodeId -> base URL');
  const callees = d.callees as Record<string, unknown>;
  for (const [id, url] of Object.entries(callees)) check(typeof url === 'string' && /^http:\/\/[^/]+$/.test(url), `callees.${id}`, `must be a base URL http://host:port, got ${String(url)}`);
  checkEmulatorSpec(check, 'spec', d.spec, callees);
  checkListen(check, d.listen);
  return data as unknown as EmulatorRuntimeConfig;
}

/** Every callee an emulator spec calls (sync or async), in first-call order. */
export function calleesOf(spec: EmulatorSpec): string[] {
  const seen = new Set<string>();
  for (const g of spec.callGroups) for (const c of g.calls as readonly PlannedCall[]) seen.add(c.to);
  return [...seen];
}
