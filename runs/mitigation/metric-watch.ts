/**
 * Where verification (verify.ts) and shadow confirmation (confirm-shadow.ts)
 * read a target's metric: one small interface, `watch(node, metric,
 * windowMs)`, which returns one value per step over the next window. Two
 * adapters:
 *
 *  - the shadow's own Prometheus endpoints (this file): every step the node's
 *    emulator `/metrics` is scraped, and each step's figure is computed from
 *    the difference of two scrapes in production units (telemetry-figures.ts:
 *    a latency quantile of the step's responses, rates × k, latencies / k);
 *    optionally the shadow is driven with its plan's forecast-shaped traffic
 *    (open loop, seeded: the same arrivals in every window) during the window;
 *  - a Prometheus server's HTTP API for production (metric-watch-prometheus.ts).
 *
 * A step without responses has no latency: it is no point, not a zero, so an
 * idle target yields an empty sample (no data ⇒ inconclusive, never a pass).
 */
import { performance } from 'node:perf_hooks';
import { readShadowPlan } from '../commands/shadow/shared.js';
import { MAX_INJECTED_REQUESTS } from '../commands/shadow/traffic.js';
import { injectTraffic } from '../shadow/inject.js';
import { intervalFigures, TELEMETRY_METRICS, type TelemetryMetric } from '../shadow/telemetry-figures.js';
import { ShadowScraper } from '../shadow/telemetry.js';
import { readRunningShadow } from './shadow-restart.js';

export interface MetricWatch {
  /** Where the metric comes from, for the audit log. */
  readonly source: string;
  /** Values of `metric` of `node`, one per step, over the next `windowMs` milliseconds; [] when there were none. */
  watch(node: string, metric: string, windowMs: number): Promise<readonly number[]>;
  /**
   * Values over a past span [fromMs, toMs) (epoch milliseconds), one per step,
   * where the source keeps history (a Prometheus server); absent where it
   * does not (the shadow's live endpoints). `mitigate verify` reads the
   * window before the change was applied with it.
   */
  past?(node: string, metric: string, fromMs: number, toMs: number): Promise<readonly number[]>;
}

export interface ShadowWatchOptions {
  /** The shadow's folder (`shadowcast shadow up --dir`). */
  readonly dir: string;
  /** Wall-clock seconds per point. */
  readonly stepSeconds: number;
  /** Drive the shadow with its plan's traffic during the window ('plan'), or only watch ('none'). */
  readonly traffic: 'plan' | 'none';
  /** Seed of the arrival times (default: the plan's simulation seed). */
  readonly seed?: number | string;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function isShadowMetric(metric: string): metric is TelemetryMetric {
  return (TELEMETRY_METRICS as readonly string[]).includes(metric);
}

export function shadowMetricWatch(o: ShadowWatchOptions): MetricWatch {
  if (!(o.stepSeconds > 0)) throw new RangeError(`the step must be > 0 s, got ${o.stepSeconds}`);
  return {
    source: `shadow ${o.dir} (/metrics every ${o.stepSeconds} s${o.traffic === 'plan' ? ", driven with the plan's traffic" : ''})`,
    async watch(node, metric, windowMs) {
      if (!isShadowMetric(metric)) throw new RangeError(`unknown shadow metric '${metric}' (known: ${TELEMETRY_METRICS.join(', ')})`);
      const shadow = readRunningShadow(o.dir);
      const k = shadow.state.k;
      const base = shadow.state.addresses[node];
      if (base === undefined) throw new RangeError(`${shadow.dir}: the shadow does not run node '${node}'`);
      const scraper = new ShadowScraper({ metricsUrls: { [node]: `${base}/metrics` }, k, intervalSeconds: o.stepSeconds / k, productionStartMs: Date.now() });
      const t0 = performance.now();
      await scraper.start(t0);
      try {
        if (o.traffic === 'plan') {
          const plan = await readShadowPlan(shadow.dir);
          const targets = plan.traffic.map((schedule) => ({ entry: schedule.entry, url: `${shadow.state.addresses[schedule.node]}/n/${encodeURIComponent(schedule.node)}`, schedule }));
          await injectTraffic({ targets, k, durationShadowSeconds: windowMs / 1000, maxRequests: MAX_INJECTED_REQUESTS, seed: o.seed ?? plan.result.seed, graceSeconds: 1 });
        }
        await sleep(Math.max(0, t0 + windowMs + o.stepSeconds * 500 - performance.now()));
      } finally {
        await scraper.stop();
      }
      const samples = (scraper.samples().get(node) ?? []).filter((s) => s.atMs <= windowMs + o.stepSeconds * 500);
      const values: number[] = [];
      for (let i = 1; i < samples.length; i++) {
        const a = samples[i - 1]!.reading, b = samples[i]!.reading;
        if (a === null || b === null) continue;
        const v = intervalFigures(a, b, (samples[i]!.atMs - samples[i - 1]!.atMs) / 1000, k)[metric];
        if (v !== null && Number.isFinite(v)) values.push(v);
      }
      return values;
    },
  };
}
