/**
 * Converts one field group of a node (already shape-checked by the schema)
 * into its normalized form, checking the numeric rules the schema cannot
 * (strings with units, min <= max, p99 > p50, limits above bases).
 * Each function adds problems at the given path and returns null when invalid.
 */
import type { PathSegments, Problems } from './errors.js';
import type { DistributionInput, DurationInput, NodeFields, RetriesInput, SizeInput } from './input.js';
import type { Autoscale, DistributionSpec, FailureModel, Resources, RetryPolicy, Slo } from './types.js';
import { parseDuration, parseSize, UnitError } from './units.js';

type Bound = 'positive' | 'nonneg';

function check(problems: Problems, path: PathSegments, v: number, bound: Bound, what: string): number | null {
  if (!Number.isFinite(v)) {
    problems.at(path, `expected a finite ${what}, got ${v}`);
    return null;
  }
  if (bound === 'positive' ? v <= 0 : v < 0) {
    problems.at(path, `expected a ${bound === 'positive' ? 'positive' : 'non-negative'} ${what}, got ${v}`);
    return null;
  }
  return v;
}

/** Seconds from a number or unit string, with a bound. */
export function duration(problems: Problems, path: PathSegments, v: DurationInput, bound: Bound): number | null {
  try {
    return check(problems, path, parseDuration(v), bound, 'duration');
  } catch (e) {
    if (e instanceof UnitError) {
      problems.at(path, e.message);
      return null;
    }
    throw e;
  }
}

/** Bytes from a number or unit string, with a bound. */
export function size(problems: Problems, path: PathSegments, v: SizeInput, bound: Bound): number | null {
  try {
    return check(problems, path, parseSize(v), bound, 'size');
  } catch (e) {
    if (e instanceof UnitError) {
      problems.at(path, e.message);
      return null;
    }
    throw e;
  }
}

export function positive(problems: Problems, path: PathSegments, v: number, what = 'number'): number | null {
  return check(problems, path, v, 'positive', what);
}

function ok<T>(values: readonly unknown[], build: () => T): T | null {
  return values.every((v) => v !== null) ? build() : null;
}

/** Checks that exactly one parametrisation's keys are present (the schema checks one is complete). */
function exclusiveSets(problems: Problems, path: PathSegments, d: Record<string, unknown>, sets: readonly (readonly string[])[]): number {
  const present = sets.map((s) => s.some((k) => d[k] !== undefined));
  const complete = sets.map((s) => s.every((k) => d[k] !== undefined));
  if (present.filter(Boolean).length > 1) {
    problems.at(path, `expected either {${sets.map((s) => s.join(', ')).join('} or {')}}, not a mix`);
    return -1;
  }
  const i = complete.indexOf(true);
  if (i < 0) problems.at(path, `expected either {${sets.map((s) => s.join(', ')).join('} or {')}}`);
  return i;
}

export function distribution(problems: Problems, path: PathSegments, d: DistributionInput): DistributionSpec | null {
  const at = (k: string): PathSegments => [...path, k];
  switch (d.type) {
    case 'exponential': {
      const mean = duration(problems, at('mean'), d.mean, 'positive');
      return ok([mean], () => ({ type: 'exponential', mean: mean! }));
    }
    case 'deterministic': {
      const value = duration(problems, at('value'), d.value, 'nonneg');
      return ok([value], () => ({ type: 'deterministic', value: value! }));
    }
    case 'uniform': {
      const min = duration(problems, at('min'), d.min, 'nonneg');
      const max = duration(problems, at('max'), d.max, 'positive');
      if (min !== null && max !== null && min >= max) {
        problems.at(at('max'), `expected max > min (${min}), got ${max}`);
        return null;
      }
      return ok([min, max], () => ({ type: 'uniform', min: min!, max: max! }));
    }
    case 'normal': {
      const mean = duration(problems, at('mean'), d.mean, 'positive');
      const sd = duration(problems, at('sd'), d.sd, 'nonneg');
      return ok([mean, sd], () => ({ type: 'normal', mean: mean!, sd: sd! }));
    }
    case 'lognormal': {
      const which = exclusiveSets(problems, path, d, [['mean', 'cv'], ['p50', 'p99']]);
      if (which === 0) {
        const mean = duration(problems, at('mean'), d.mean!, 'positive');
        const cv = positive(problems, at('cv'), d.cv!);
        return ok([mean, cv], () => ({ type: 'lognormal', mean: mean!, cv: cv! }));
      }
      if (which === 1) {
        const p50 = duration(problems, at('p50'), d.p50!, 'positive');
        const p99 = duration(problems, at('p99'), d.p99!, 'positive');
        if (p50 !== null && p99 !== null && p99 <= p50) {
          problems.at(at('p99'), `expected p99 > p50 (${p50}), got ${p99}`);
          return null;
        }
        return ok([p50, p99], () => ({ type: 'lognormal', p50: p50!, p99: p99! }));
      }
      return null;
    }
    case 'gamma': {
      const which = exclusiveSets(problems, path, d, [['shape', 'scale'], ['mean', 'cv']]);
      if (which === 0) {
        const shape = positive(problems, at('shape'), d.shape!);
        const scale = duration(problems, at('scale'), d.scale!, 'positive');
        return ok([shape, scale], () => ({ type: 'gamma', shape: shape!, scale: scale! }));
      }
      if (which === 1) {
        const mean = duration(problems, at('mean'), d.mean!, 'positive');
        const cv = positive(problems, at('cv'), d.cv!);
        return ok([mean, cv], () => ({ type: 'gamma', mean: mean!, cv: cv! }));
      }
      return null;
    }
    case 'empirical': {
      const values = d.values.map((v, i) => duration(problems, [...at('values'), i], v, 'nonneg'));
      if (values.some((v) => v === null)) return null;
      if (!values.some((v) => v! > 0)) {
        problems.at(at('values'), 'expected at least one positive value');
        return null;
      }
      return { type: 'empirical', values: Object.freeze(values as number[]) };
    }
  }
}

export function retries(problems: Problems, path: PathSegments, r: RetriesInput): RetryPolicy | null {
  const backoff = duration(problems, [...path, 'backoff'], r.backoff ?? 0, 'nonneg');
  return ok([backoff], () => ({ max: r.max, backoff: backoff!, jitter: r.jitter ?? 0 }));
}

export function failure(problems: Problems, path: PathSegments, f: NonNullable<NodeFields['failure']>): FailureModel | null {
  const mtbf = duration(problems, [...path, 'mtbf'], f.mtbf, 'positive');
  const mttr = duration(problems, [...path, 'mttr'], f.mttr, 'positive');
  return ok([mtbf, mttr], () => ({ mtbf: mtbf!, mttr: mttr! }));
}

export function resources(problems: Problems, path: PathSegments, r: NonNullable<NodeFields['resources']>): Resources | null {
  const at = (k: string): PathSegments => [...path, k];
  const cores = positive(problems, at('cores'), r.cores, 'core count');
  const cpuPerRequest = duration(problems, at('cpuPerRequest'), r.cpuPerRequest, 'positive');
  const memBase = size(problems, at('memBase'), r.memBase, 'nonneg');
  const memPerInFlight = size(problems, at('memPerInFlight'), r.memPerInFlight, 'nonneg');
  const memLimit = size(problems, at('memLimit'), r.memLimit, 'positive');
  if (memBase !== null && memLimit !== null && memLimit <= memBase) {
    problems.at(at('memLimit'), `expected memLimit > memBase (${memBase} bytes), got ${memLimit}`);
    return null;
  }
  return ok([cores, cpuPerRequest, memBase, memPerInFlight, memLimit], () => ({
    cores: cores!, cpuPerRequest: cpuPerRequest!, memBase: memBase!, memPerInFlight: memPerInFlight!, memLimit: memLimit!,
  }));
}

/** HPA defaults: period 15 s, startup 0 s. */
export function autoscale(problems: Problems, path: PathSegments, a: NonNullable<NodeFields['autoscale']>): Autoscale | null {
  const at = (k: string): PathSegments => [...path, k];
  const target = positive(problems, at('target'), a.target, 'target utilization');
  const period = duration(problems, at('period'), a.period ?? 15, 'positive');
  const startup = duration(problems, at('startup'), a.startup ?? 0, 'nonneg');
  if (a.min > a.max) {
    problems.at(at('max'), `expected max >= min (${a.min}), got ${a.max}`);
    return null;
  }
  return ok([target, period, startup], () => ({ target: target!, min: a.min, max: a.max, period: period!, startup: startup! }));
}

/** Window default 60 s; at least one condition. */
export function slo(problems: Problems, path: PathSegments, s: NonNullable<NodeFields['slo']>): Slo | null {
  const at = (k: string): PathSegments => [...path, k];
  if (s.p99 === undefined && s.errorRate === undefined && s.utilization === undefined) {
    problems.at(path, 'expected at least one of p99, errorRate, utilization');
    return null;
  }
  const p99 = s.p99 === undefined ? null : duration(problems, at('p99'), s.p99, 'positive');
  const window = duration(problems, at('window'), s.window ?? 60, 'positive');
  const utilization = s.utilization === undefined ? null : positive(problems, at('utilization'), s.utilization, 'utilization');
  if ((s.p99 !== undefined && p99 === null) || window === null || (s.utilization !== undefined && utilization === null)) return null;
  return { p99, errorRate: s.errorRate ?? null, utilization, window };
}
