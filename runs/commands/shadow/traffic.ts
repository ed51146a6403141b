/**
 * `shadowcast shadow inject` and `shadow compare`: drive a running shadow
 * with the plan's forecast-shaped traffic (open loop, dilated by k, loopback
 * only) while scraping its telemetry, then compare what it measured with the
 * twin's prediction at the same load.
 */
import { readForecast } from '../../../models/forecast-file.js';
import type { ShadowPlan, TrafficSchedule } from '../../../twins/shadow/plan-types.js';
import { trafficSchedules } from '../../../twins/shadow/traffic.js';
import { compareShadowRun, type CompareResult } from '../../shadow/compare.js';
import { injectTraffic, type InjectReport } from '../../shadow/inject.js';
import type { TelemetryInterval } from '../../shadow/telemetry.js';
import { MIN_TIMESTAMPS } from '../../../models/telemetry/clean.js';
import { shadowStatus } from '../../shadow/materialise.js';
import { defineCommand, parseFlags, usageError } from '../../flags.js';
import { formatDuration } from '../../format.js';
import { InputError } from '../../usage-error.js';
import { planTwin, readShadowPlan } from './shared.js';

/** A ceiling on requests per injection whatever the plan says: load tests here are bounded in count. */
export const MAX_INJECTED_REQUESTS = 2_000_000;

export const SHADOW_INJECT = defineCommand({
  command: 'shadow inject',
  flags: {
    dir: { kind: 'path', value: 'DIR', required: true, help: "a running shadow ('shadowcast shadow up')" },
    duration: { kind: 'duration', value: 'DUR', absent: "the plan's duration × k", help: 'wall-clock time to send for (shadow time; production time is DUR / k)' },
    path: { kind: 'nonNegativeInt', value: 'I', help: "forecast entries follow sample path I instead of the plan's choice" },
    quantile: { kind: 'level', value: 'Q', help: "forecast entries follow quantile Q instead of the plan's choice" },
    'max-requests': { kind: 'positiveInt', value: 'N', absent: `the plan's expected requests × 2, at most ${MAX_INJECTED_REQUESTS.toLocaleString('en-US')}`, help: 'stop after N requests' },
    interval: { kind: 'duration', value: 'DUR', default: '60s', help: 'production time per telemetry row (telemetry.csv); shortened, with a warning, so that whole rows (at least 3) fill the window' },
    seed: { kind: 'int', value: 'S', absent: "the plan's simulation seed", help: 'seed of the arrival times' },
  },
  notes: 'Writes DIR/inject.json (rates, latency without coordinated omission, saturation) and DIR/telemetry.csv (per node and interval, production units).',
});

export const SHADOW_COMPARE = defineCommand({
  command: 'shadow compare',
  flags: {
    dir: { kind: 'path', value: 'DIR', required: true, help: "a shadow folder after 'shadowcast shadow inject'" },
    replications: { kind: 'positiveInt', default: '20', help: "replications of the twin's prediction at the injected load" },
  },
  notes: 'Writes DIR/compare.json: per duplicated node, throughput, utilization, mean, p50 and p95 against the twin, in production time. Exit 1 when some node is outside tolerance (the answer is "no"), so that scripts can tell.',
});

async function schedulesFor(plan: ShadowPlan, choice: { kind: 'path'; path: number } | { kind: 'quantile'; quantile: number } | null): Promise<readonly TrafficSchedule[]> {
  if (choice === null) return plan.traffic;
  const twin = await planTwin(plan);
  if (plan.forecast === null) throw new InputError(`the plan has no forecast: --path and --quantile choose among forecast paths (plan with --forecast DIR)`, 'shadow inject');
  const forecast = { bundle: await readForecast(plan.forecast), source: plan.forecast };
  const running = new Set(plan.nodes.filter((n) => n.action !== 'omit').map((n) => n.id));
  return trafficSchedules(twin, running, plan.startAt, plan.duration, forecast, choice);
}

export interface InjectRequest {
  readonly dir: string;
  readonly durationShadowSeconds?: number;
  readonly choice?: { kind: 'path'; path: number } | { kind: 'quantile'; quantile: number } | null;
  readonly maxRequests?: number;
  readonly intervalSeconds?: number;
  readonly seed?: number;
}

export async function inject(req: InjectRequest): Promise<InjectReport> {
  const plan = await readShadowPlan(req.dir);
  const status = await shadowStatus(req.dir);
  if (!status || status.phase !== 'up') throw new InputError(`${req.dir}: no running shadow (start one with 'shadowcast shadow up')`, 'shadow inject');
  const dead = status.processes.filter((p) => !p.alive);
  if (dead.length > 0) throw new InputError(`${req.dir}: process(es) ${dead.map((p) => `${p.name} (pid ${p.pid})`).join(', ')} are not running: see their logs, or restart the shadow`, 'shadow inject');
  const schedules = await schedulesFor(plan, req.choice ?? null);
  const k = plan.dilation.k;
  const targets = schedules.map((schedule) => {
    const base = status.addresses[schedule.node];
    if (!base) throw new InputError(`${req.dir}/state.json: no address for node ${schedule.node} (entry ${schedule.entry})`, 'shadow inject');
    return { entry: schedule.entry, url: `${base}/n/${encodeURIComponent(schedule.node)}`, schedule };
  });
  const metricsUrls = Object.fromEntries(Object.entries(status.addresses).map(([node, base]) => [node, `${base}/metrics`]));
  const startMs = plan.forecast !== null ? (await readForecast(plan.forecast)).startMs + plan.startAt * 1000 : Date.now();
  return injectTraffic({
    targets, k, metricsUrls, outDir: req.dir,
    durationShadowSeconds: req.durationShadowSeconds ?? plan.duration * k,
    maxRequests: Math.min(MAX_INJECTED_REQUESTS, req.maxRequests ?? Math.max(1000, Math.ceil(plan.cost.requests * 2))),
    seed: req.seed ?? plan.result.seed,
    intervalSeconds: req.intervalSeconds ?? 60,
    productionStartMs: startMs,
  });
}

export function injectSummary(r: InjectReport): string {
  const ms = (s: number | null) => (s === null ? '-' : `${(s * 1000).toFixed(1)} ms`);
  return [
    `sent ${r.sent} requests in ${formatDuration(r.windowSeconds)} (k = ${r.k}): ${r.ok} ok, ${r.errors} errors, ${r.failed} failed, ${r.timeouts} timeouts${r.capped ? ' (stopped at --max-requests)' : ''}`,
    `rate: ${r.rate.achieved.toFixed(1)} req/s achieved of ${r.rate.scheduled.toFixed(1)} scheduled (production ${r.production.rate.achieved.toFixed(1)} of ${r.production.rate.expected.toFixed(1)} req/s)`,
    `latency (production time, from the scheduled send): mean ${ms(r.production.latency.mean)}, p50 ${ms(r.production.latency.p50)}, p95 ${ms(r.production.latency.p95)}, p99 ${ms(r.production.latency.p99)}`,
    r.saturated ? `SATURATED: ${r.saturation.reasons.join('; ')}${r.saturation.at !== null ? ` (from shadow second ${r.saturation.at}, target ${r.saturation.targetRateAt?.toFixed(0)} req/s)` : ''}` : `injector kept its schedule (send lag p99 ${r.lag.p99.toFixed(1)} ms)`,
    ...(r.telemetry && r.telemetry.seconds !== r.telemetry.requested ? [telemetryIntervalWarning(r.telemetry, r.windowSeconds / r.k)] : []),
  ].join('\n');
}

/** The telemetry interval had to shrink to give whole rows over the window (runs/shadow/telemetry.ts, telemetryInterval). */
function telemetryIntervalWarning(t: TelemetryInterval, windowSeconds: number): string {
  const d = (s: number) => formatDuration(Number(s.toPrecision(4)));
  const why = windowSeconds < t.requested * MIN_TIMESTAMPS
    ? `hold fewer than ${MIN_TIMESTAMPS} intervals (the fewest timestamps a telemetry reader accepts)`
    : 'are not a whole number of intervals (the last would be cut short)';
  return `warning: telemetry.csv has ${t.rows} rows per node and metric, ${d(t.seconds)} apart instead of --interval ${d(t.requested)}: the ${d(windowSeconds)} of production traffic ${why}`;
}

export async function runInject(argv: string[]): Promise<number> {
  const parsed = parseFlags(SHADOW_INJECT, argv);
  if (!parsed) return -1;
  const v = parsed.values;
  if (v.path !== undefined && v.quantile !== undefined) throw usageError(SHADOW_INJECT, '--path and --quantile exclude each other');
  const r = await inject({
    dir: v.dir, intervalSeconds: v.interval,
    ...(v.duration !== undefined ? { durationShadowSeconds: v.duration } : {}),
    choice: v.path !== undefined ? { kind: 'path', path: v.path } : v.quantile !== undefined ? { kind: 'quantile', quantile: v.quantile } : null,
    ...(v['max-requests'] !== undefined ? { maxRequests: v['max-requests'] } : {}),
    ...(v.seed !== undefined ? { seed: v.seed } : {}),
  });
  console.log(injectSummary(r));
  console.log(`\nwritten: ${v.dir}/inject.json, ${v.dir}/telemetry.csv`);
  return 0;
}

export async function compare(dir: string, replications = 20): Promise<CompareResult> {
  const plan = await readShadowPlan(dir);
  const twin = await planTwin(plan);
  return compareShadowRun({ dir, plan, twin, replications });
}

export async function runCompare(argv: string[]): Promise<number> {
  const parsed = parseFlags(SHADOW_COMPARE, argv);
  if (!parsed) return -1;
  const r = await compare(parsed.values.dir, parsed.values.replications);
  console.log(r.table);
  console.log(`\n${r.comparison.pass ? 'every duplicated node within tolerance' : 'NOT all within tolerance (see above)'}; written: ${r.file}`);
  return compareExitCode(r);
}

/** The answer "no" is exit 1, as nightly's "at risk" (README, Exit codes): a script cannot read the table. Shared by `compare` and `cycle`. */
export function compareExitCode(r: CompareResult): 0 | 1 {
  return r.comparison.pass ? 0 : 1;
}
