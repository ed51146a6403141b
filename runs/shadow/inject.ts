/**
 * The traffic injector: open-loop arrivals that follow the plan's traffic
 * schedules, dilated by k, sent to loopback shadow nodes. Open loop means a
 * request goes out at its scheduled time whatever is still outstanding, and
 * its latency is measured from that scheduled time, not from when the
 * injector got round to sending it, so a stalled server shows in the tail
 * instead of silently slowing the load (no coordinated omission). Bounded: it
 * sends for at most the duration and at most maxRequests requests, then waits
 * at most a grace period for answers and counts the rest as timeouts.
 */
import { join } from 'node:path';
import { Agent, request, type ClientRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import * as hdr from 'hdr-histogram-js';
import type { TrafficSchedule } from '../../twins/shadow/plan-types.js';
import type { MeasuredNode } from '../../twins/shadow/compare.js';
import { writeFileAtomically } from '../report/atomic-file.js';
import { loopbackUrl } from './inject-loopback.js';
import { planArrivals, shadowRate } from './inject-schedule.js';
import { ShadowScraper, telemetryCsv, telemetryInterval, type TelemetryInterval } from './telemetry.js';

export const INJECT_FORMAT = 'shadowcast-shadow-inject/1';
export const INJECT_FILE = 'inject.json';
export const TELEMETRY_FILE = 'telemetry.csv';
/** Header naming the twin entry a request belongs to (the emulator may use it to pick the entry's path). */
export const ENTRY_HEADER = 'x-shadow-entry';

export interface InjectTarget {
  readonly entry: string;
  /** http://127.0.0.1:PORT/path of the node the entry's requests arrive at. */
  readonly url: string;
  /** Production rates; the injector divides them by k and stretches the steps by k. */
  readonly schedule: TrafficSchedule;
}

export interface InjectOptions {
  readonly targets: readonly InjectTarget[];
  readonly k: number;
  /** Shadow seconds to send for. */
  readonly durationShadowSeconds: number;
  readonly maxRequests: number;
  readonly seed: number | string;
  /** node id → http://127.0.0.1:PORT/metrics, scraped every telemetry interval while sending. */
  readonly metricsUrls?: Readonly<Record<string, string>>;
  /** Where inject.json and telemetry.csv go; nothing is written without it. */
  readonly outDir?: string;
  /** Shadow seconds to wait for outstanding answers after the last send (default 5). */
  readonly graceSeconds?: number;
  /** A send later than this after its scheduled time means the injector cannot keep up (default 10 ms). */
  readonly lagBoundMs?: number;
  /** Sockets of the keep-alive agent (default 512): an open loop needs one per outstanding request. */
  readonly maxSockets?: number;
  readonly method?: 'GET' | 'POST';
  /** Production seconds per telemetry row (default 60: one row per production minute); shortened to tile the window (telemetryInterval). */
  readonly intervalSeconds?: number;
  /** Epoch ms of production time at the shadow's start (default: now). */
  readonly productionStartMs?: number;
}

export interface LatencySummary {
  readonly count: number;
  /** Seconds. */
  readonly mean: number | null;
  readonly p50: number | null;
  readonly p95: number | null;
  readonly p99: number | null;
  readonly max: number | null;
}

export interface TargetReport {
  readonly entry: string;
  readonly url: string;
  readonly scheduled: number;
  readonly sent: number;
  readonly ok: number;
  /** Non-2xx answers. */
  readonly errors: number;
  /** No answer at all (connection refused or reset). */
  readonly failed: number;
  readonly timeouts: number;
  /** Shadow units: latency of every answer (ok and non-2xx) from its scheduled send time. */
  readonly latency: LatencySummary;
}

export interface InjectReport {
  readonly format: typeof INJECT_FORMAT;
  readonly k: number;
  readonly seed: number | string;
  /** Shadow seconds the sends covered (the duration, or less when maxRequests cut it). */
  readonly windowSeconds: number;
  readonly capped: boolean;
  /** Expected requests from the schedule (Σ Λ over the window), and how many the seeded draw scheduled. */
  readonly expected: number;
  readonly scheduled: number;
  readonly sent: number;
  /** Scheduled in the window but not sent by its end (the injector fell behind). */
  readonly unsent: number;
  readonly ok: number;
  readonly errors: number;
  readonly failed: number;
  readonly timeouts: number;
  /** Shadow requests/s: expected (schedule), scheduled (this draw), achieved (sent / window). */
  readonly rate: { readonly expected: number; readonly scheduled: number; readonly achieved: number };
  /** Send lag (actual − scheduled send time), milliseconds. */
  readonly lag: { readonly p50: number; readonly p99: number; readonly max: number; readonly boundMs: number };
  /**
   * Achieved < 99 % of the scheduled rate, or send lag p99 above the bound.
   * `at`: start (shadow s) of the first second in which more than 1 % of sends (at least two) lagged more
   * than the bound, with the target rate (shadow req/s) there; null when no second did.
   */
  readonly saturated: boolean;
  readonly saturation: { readonly reasons: readonly string[]; readonly at: number | null; readonly targetRateAt: number | null };
  /** Shadow units (seconds). */
  readonly latency: LatencySummary;
  /** The same in production units: rates × k, latencies / k. */
  readonly production: { readonly rate: { readonly expected: number; readonly achieved: number }; readonly latency: LatencySummary };
  readonly targets: readonly TargetReport[];
  /** Whole-window figures per scraped node, production units (what `shadow compare` reads). */
  readonly nodes: Readonly<Record<string, MeasuredNode>>;
  /** The rows of telemetry.csv: interval (shorter than requested when the window needed it) and count; null without scraping. */
  readonly telemetry: TelemetryInterval | null;
}

type Histogram = ReturnType<typeof hdr.build>;
const newHistogram = (): Histogram => hdr.build({ useWebAssembly: false, lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });

/** Microseconds histogram → seconds summary, divided by `scale` (k for production units). */
function summarize(h: Histogram, scale = 1): LatencySummary {
  if (h.totalCount === 0) return { count: 0, mean: null, p50: null, p95: null, p99: null, max: null };
  const s = (us: number) => us / 1e6 / scale;
  return { count: h.totalCount, mean: s(h.mean), p50: s(h.getValueAtPercentile(50)), p95: s(h.getValueAtPercentile(95)), p99: s(h.getValueAtPercentile(99)), max: s(h.maxValue) };
}

interface TargetState {
  readonly entry: string;
  readonly url: URL;
  scheduled: number;
  sent: number;
  ok: number;
  errors: number;
  failed: number;
  timeouts: number;
  readonly latency: Histogram;
}

/**
 * The first http.request of a process costs tens of milliseconds (lazy
 * loading), which would make the first scheduled sends late. One request is
 * built and destroyed before the clock starts: no byte of HTTP is sent.
 */
function warmUpClient(url: URL): void {
  const agent = new Agent({ keepAlive: false });
  const req = request(url, { agent, method: 'GET' });
  req.on('error', () => undefined);
  req.destroy();
  agent.destroy();
}

export async function injectTraffic(o: InjectOptions): Promise<InjectReport> {
  if (o.targets.length === 0) throw new RangeError('injectTraffic: no targets');
  const targets: TargetState[] = o.targets.map((t) => ({ entry: t.entry, url: loopbackUrl(t.url), scheduled: 0, sent: 0, ok: 0, errors: 0, failed: 0, timeouts: 0, latency: newHistogram() }));
  const graceMs = (o.graceSeconds ?? 5) * 1000;
  const lagBoundMs = o.lagBoundMs ?? 10;
  const schedules = o.targets.map((t) => t.schedule);
  const arrivals = planArrivals(schedules, o.k, o.durationShadowSeconds, o.maxRequests, o.seed);
  for (const i of arrivals.target) targets[i]!.scheduled++;
  const rates = schedules.map((s) => shadowRate(s, o.k));
  const scraping = o.metricsUrls !== undefined && Object.keys(o.metricsUrls).length > 0;
  // The grid tiles the send window (production seconds), so telemetry.csv has whole rows from start to end.
  const interval = scraping ? telemetryInterval(arrivals.windowSeconds / o.k, o.intervalSeconds ?? 60) : null;
  const scraper = interval ? new ShadowScraper({ metricsUrls: o.metricsUrls!, k: o.k, intervalSeconds: interval.seconds, productionStartMs: o.productionStartMs ?? Date.now() }) : null;
  const productionStartMs = scraper?.options.productionStartMs ?? o.productionStartMs ?? Date.now();

  const agent = new Agent({ keepAlive: true, maxSockets: o.maxSockets ?? 512, maxFreeSockets: o.maxSockets ?? 512 });
  const all = newHistogram();
  const lag = newHistogram();
  /** Outstanding requests, each with what to do if it is still out when the grace period ends. */
  const outstanding = new Map<ClientRequest, () => void>();
  // Sends and late sends per shadow second, to say where the injector fell behind.
  const sendsPerSecond: number[] = [], latePerSecond: number[] = [];
  let onIdle: (() => void) | null = null;
  let draining = false;
  const method = o.method ?? 'GET';

  try {
    warmUpClient(targets[0]!.url);
    const startPerf = performance.now();
    if (scraper) await scraper.start(startPerf);
    // The schedule starts once the first scrape is in, so time 0 of the sends and of the telemetry coincide.
    const t0 = scraper ? performance.now() : startPerf;

    const send = (i: number): void => {
      const target = targets[arrivals.target[i]!]!;
      const scheduledAt = t0 + arrivals.atMs[i]!;
      const late = performance.now() - scheduledAt;
      lag.recordValue(Math.max(1, Math.round(late * 1000)));
      const second = Math.floor(arrivals.atMs[i]! / 1000);
      sendsPerSecond[second] = (sendsPerSecond[second] ?? 0) + 1;
      if (late > lagBoundMs) latePerSecond[second] = (latePerSecond[second] ?? 0) + 1;
      target.sent++;
      let settled = false;
      const settle = () => {
        settled = true;
        outstanding.delete(req);
        if (outstanding.size === 0 && draining) onIdle?.();
      };
      const req = request(target.url, { agent, method, headers: { [ENTRY_HEADER]: target.entry, 'content-length': '0' } }, (res) => {
        res.resume();
        res.on('end', () => {
          if (settled) return;
          const us = Math.max(1, Math.round((performance.now() - scheduledAt) * 1000));
          target.latency.recordValue(us);
          all.recordValue(us);
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) target.ok++;
          else target.errors++;
          settle();
        });
        res.on('error', () => undefined);
      });
      req.on('error', () => {
        if (settled) return;
        target.failed++;
        settle();
      });
      outstanding.set(req, () => {
        settled = true;
        target.timeouts++;
        req.destroy();
      });
      req.end();
    };

    // Sends stop at the end of the window (plus the lag bound, so one late tick does not drop due sends).
    const stopAt = arrivals.windowSeconds * 1000 + lagBoundMs;
    await new Promise<void>((resolve) => {
      let next = 0;
      const pump = (): void => {
        const now = performance.now() - t0;
        while (next < arrivals.atMs.length && arrivals.atMs[next]! <= now && now <= stopAt) send(next++);
        if (next >= arrivals.atMs.length || performance.now() - t0 > stopAt) return resolve();
        const wait = arrivals.atMs[next]! - (performance.now() - t0);
        // setTimeout fires a millisecond or so late; wake early and finish the wait on the check queue.
        if (wait > 2) setTimeout(pump, wait - 1.5);
        else setImmediate(pump);
      };
      const firstWait = arrivals.atMs.length > 0 ? arrivals.atMs[0]! : 0;
      if (arrivals.atMs.length === 0) setTimeout(resolve, arrivals.windowSeconds * 1000);
      else setTimeout(pump, Math.max(0, firstWait - 1.5));
    });
    // Wait out the rest of the window when the last arrival came early, so the rate is measured over the window.
    const windowLeft = arrivals.windowSeconds * 1000 - (performance.now() - t0);
    if (windowLeft > 0) await new Promise((r) => setTimeout(r, windowLeft));
    if (scraper) await scraper.closeWindow();

    if (outstanding.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        draining = true;
        onIdle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    // Whatever is still outstanding after the grace period is a timeout.
    for (const timeOut of [...outstanding.values()]) timeOut();
    outstanding.clear();
  } finally {
    if (scraper) await scraper.stop();
    agent.destroy();
  }

  const sent = targets.reduce((a, t) => a + t.sent, 0);
  const sum = (f: (t: TargetState) => number) => targets.reduce((a, t) => a + f(t), 0);
  const window = arrivals.windowSeconds;
  const achieved = sent / window;
  const scheduledRate = arrivals.atMs.length / window;
  const lagP99 = lag.totalCount > 0 ? lag.getValueAtPercentile(99) / 1000 : 0;
  const reasons: string[] = [];
  if (achieved < 0.99 * scheduledRate) reasons.push(`sent ${achieved.toFixed(1)}/s, ${((1 - achieved / scheduledRate) * 100).toFixed(1)} % short of the scheduled ${scheduledRate.toFixed(1)}/s`);
  if (lagP99 > lagBoundMs) reasons.push(`send lag p99 ${lagP99.toFixed(1)} ms > ${lagBoundMs} ms`);
  // Where: the first shadow second in which more than 1 % of sends (and at least two) lagged beyond the bound.
  const lateSecond = latePerSecond.findIndex((n, s) => n !== undefined && n >= 2 && n > 0.01 * (sendsPerSecond[s] ?? 0));
  const late = lateSecond >= 0 ? { at: lateSecond, rate: rates.reduce((a, r) => a + r.rateAt(lateSecond), 0) } : null;
  const latency = summarize(all);
  const report: InjectReport = {
    format: INJECT_FORMAT, k: o.k, seed: o.seed, windowSeconds: window, capped: arrivals.capped,
    expected: arrivals.expected, scheduled: arrivals.atMs.length, sent, unsent: arrivals.atMs.length - sent,
    ok: sum((t) => t.ok), errors: sum((t) => t.errors), failed: sum((t) => t.failed), timeouts: sum((t) => t.timeouts),
    rate: { expected: arrivals.expected / window, scheduled: scheduledRate, achieved },
    lag: { p50: lag.totalCount > 0 ? lag.getValueAtPercentile(50) / 1000 : 0, p99: lagP99, max: lag.totalCount > 0 ? lag.maxValue / 1000 : 0, boundMs: lagBoundMs },
    saturated: reasons.length > 0,
    saturation: { reasons, at: late?.at ?? null, targetRateAt: late?.rate ?? null },
    latency,
    production: { rate: { expected: (arrivals.expected / window) * o.k, achieved: achieved * o.k }, latency: summarize(all, o.k) },
    targets: targets.map((t) => ({ entry: t.entry, url: t.url.href, scheduled: t.scheduled, sent: t.sent, ok: t.ok, errors: t.errors, failed: t.failed, timeouts: t.timeouts, latency: summarize(t.latency) })),
    nodes: scraper ? Object.fromEntries(scraper.measured()) : {},
    telemetry: interval,
  };
  for (const h of [all, lag, ...targets.map((t) => t.latency)]) h.destroy();
  if (o.outDir) {
    // Telemetry first: inject.json's presence says the pair is complete (compare reads inject.json).
    if (scraper && interval) await writeFileAtomically(join(o.outDir, TELEMETRY_FILE), telemetryCsv(scraper.windowSamples(interval.rows), o.k, productionStartMs, interval.seconds));
    await writeFileAtomically(join(o.outDir, INJECT_FILE), JSON.stringify(report, null, 1) + '\n');
  }
  return report;
}
