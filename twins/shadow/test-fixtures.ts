/**
 * Test fixtures of the shadow planner: the shop simulated in-process (short,
 * so tests stay fast) and written as the text of summary.json and
 * windows.csv in the format docs/simulation-output.md documents (twins/
 * cannot import the writer in runs/report/, so the layout is spelt out here).
 */
import { simulateChunk } from '../flow/simulate.js';
import { assessRisk, type Estimate, type RiskReport } from '../risk.js';
import { WINDOW_METRICS } from '../flow/summary.js';
import type { Twin } from '../definition/types.js';
import { loadTwinFile } from '../definition/load.js';
import { exampleFile } from '../examples/paths.js';
import { parseSummary, parseWindows, type SimulationResult } from './result.js';
import { twinContentHash } from '../definition/content-hash.js';
import * as assert from 'uvu/assert';
import { TwinSpecError } from '../definition/errors.js';

export const FIXTURE_SETTINGS = { horizon: 300, reportWindow: 60, seed: 7, replications: 4 } as const;

export function summaryText(twin: Twin, risk: RiskReport, opts: { twinHash?: string | null } = {}): string {
  const run: Record<string, unknown> = {
    twin: twin.name, source: twin.source, seed: FIXTURE_SETTINGS.seed, replications: risk.replications, horizon: risk.horizon, warmup: 0,
    confidence: risk.level, windowSeconds: FIXTURE_SETTINGS.reportWindow, workers: 1, seconds: 1, events: 1, eventsPerSecond: 1,
    forecast: null, state: null, scenario: null, warnings: [],
  };
  if (opts.twinHash !== null) run.twinHash = opts.twinHash ?? twinContentHash(twin);
  const body = {
    format: 'shadowcast-simulation/1',
    run,
    nodes: risk.nodes.map((n) => ({
      id: n.id, pFail: n.pFail, failures: n.failures, replications: n.replications, mainCondition: n.mainCondition,
      conditions: n.conditions, timeToFailure: n.timeToFailure, latency: n.latency, figures: n.figures,
    })),
    entries: risk.entries,
  };
  return JSON.stringify(body, null, 1) + '\n';
}

const cell = (v: string | number | null | undefined): string => (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) ? '' : String(v));

export function windowsText(risk: RiskReport): string {
  const est = (e: Estimate) => [e.mean, e.lo, e.hi];
  const header = ['node', 'window', 'start_s', 'end_s', ...WINDOW_METRICS.flatMap((m) => [m, `${m}_lo`, `${m}_hi`]), 'latency_p50', 'latency_p95', 'latency_p99'];
  const rows = risk.windows.map((w) => [w.node, w.window, w.start, w.end, ...WINDOW_METRICS.flatMap((m) => est(w.figures[m])), w.latency.p50, w.latency.p95, w.latency.p99]);
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
}

export interface ShopFixture {
  readonly twin: Twin;
  readonly risk: RiskReport;
  readonly result: SimulationResult;
}

let cached: Promise<ShopFixture> | null = null;

/** The shop, 4 replications of 5 minutes (under a second on an idle core), parsed back through the reader. Shared by the tests of one process. */
export function shopFixture(): Promise<ShopFixture> {
  cached ??= (async () => {
    const twin = await loadTwinFile(exampleFile('shop.yaml'));
    const s = FIXTURE_SETTINGS;
    const risk = assessRisk(simulateChunk(twin, { horizon: s.horizon, reportWindow: s.reportWindow, seed: s.seed }, 0, s.replications));
    const summary = parseSummary(summaryText(twin, risk), 'sim/summary.json');
    const windows = await parseWindows(windowsText(risk), 'sim/windows.csv');
    return { twin, risk, result: { dir: 'sim', summary, windows } };
  })();
  return cached;
}

/** The located problems a reader reports ("path: message"), or none. */
export function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof TwinSpecError) return e.problems.map((p) => `${p.path}: ${p.message}`);
    throw e;
  }
  return [];
}

/** Asserts that one of the problems contains `fragment`. */
export const has = (list: readonly string[], fragment: string): void => assert.ok(list.some((p) => p.includes(fragment)), `expected "${fragment}" in:\n  ${list.join('\n  ')}`);
