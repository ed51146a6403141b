/**
 * The nightly run, step by step (docs/nightly.md):
 *   telemetry -> forecast -> state -> simulate -> risk -> mitigation -> report -> store
 * Each step goes through the StepRunner (manifest.ts): skipped with its
 * outputs loaded when an earlier, interrupted invocation finished it on the
 * same inputs. Outputs are written whole (atomic files or folder swaps), so
 * a failure leaves DIR with what the finished steps wrote and no half file;
 * report.html is written only once everything before it succeeded.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readForecast, writeForecast } from '../../models/forecast-file.js';
import type { ForecastBundle } from '../../models/forecast.js';
import { forecastTelemetry } from '../../models/forecast-telemetry.js';
import { SeriesSetError } from '../../models/telemetry/errors.js';
import { InputError } from '../usage-error.js';
import { formatDuration } from '../format.js';
import { targetLook } from '../../twins/mitigation/race.js';
import { twinContentHash } from '../../twins/definition/content-hash.js';
import type { Twin } from '../../twins/definition/types.js';
import { bindForecast } from '../../twins/forecast-refs.js';
import { assessRisk, type RiskReport } from '../../twins/risk.js';
import { stateFromObject, type StateSnapshot } from '../../twins/state.js';
import { runMonteCarlo } from '../montecarlo/runner.js';
import { openExecutor, type ExecutorChoice } from '../executors/choose.js';
import { createProgress } from '../progress.js';
import { writeFileAtomically } from '../report/atomic-file.js';
import { writeFilesAtomically } from '../report/atomic.js';
import { renderNightlyReport } from '../report/nightly-html.js';
import { nodesCsv, SIMULATION_FILES, summaryJson, windowsCsv } from '../report/simulation-files.js';
import { RunStore, type ScoreRecord } from '../store/run-store.js';
import { changesSince, scoreForecast, storedForecast } from './compare-nights.js';
import type { NightlyConfig } from './config.js';
import { breachHeatmap } from './heatmap.js';
import { fileHash, hashOf, MANIFEST_FORMAT, readManifest, shadowcastVersion, StepRunner, type Manifest } from './manifest.js';
import { mitigateNight, mitigationSummary, type NightlyMitigation } from './mitigation.js';
import { buildReportData } from './report-build.js';
import { REPORT_DATA_FORMAT, type NightlyReportData, type ReportCalibrationNight, type ReportHeatCell } from './report-data.js';
import { stateFromTelemetry } from './state-from-telemetry.js';
import { entrySeries, gatherTelemetry } from './telemetry.js';

/**
 * The files the steps write into DIR, relative to it (simulation/ is swapped in whole, as simulate's --out): the
 * command refuses, before the run, a folder standing where one of them goes (runs/commands/nightly.ts).
 */
export const NIGHTLY_FILES: readonly string[] = [
  'manifest.json', 'forecast/forecast.json', 'forecast/paths.f32', 'state.json',
  ...[...SIMULATION_FILES, 'risk.json', 'heatmap.json'].map((f) => `simulation/${f}`),
  'risk.json', 'mitigation.json', 'report-data.json', 'report.html',
];

export interface NightlyOptions {
  readonly config: NightlyConfig;
  /** Output folder (created; an interrupted run of the same config there is resumed). */
  readonly out: string;
  /** Run store file. */
  readonly store: string;
  /** Worker threads (overrides the config); undefined: the config's, else all cores. */
  readonly workers?: number;
  /** Where replications run; default local threads (`workers`). */
  readonly executor?: ExecutorChoice;
  /** "Now" for a new run (the end of the Prometheus range); default the clock. */
  readonly now?: Date;
  readonly log?: (line: string) => void;
  readonly progress?: boolean;
}

export interface NightlyResult {
  readonly exitCode: 0 | 1;
  readonly dir: string;
  readonly report: string;
  readonly data: NightlyReportData;
  readonly atRisk: readonly string[];
  readonly manifest: Manifest;
}

/** The twin with each configured entry driven by its forecast series (a scale the twin file gave a profile or forecast entry is kept). */
export function forecastDriven(twin: Twin, entries: NightlyConfig['entries']): Twin {
  const scaleOf = (a: Twin['entries'][number]['arrival']) => (a.kind === 'constant' ? 1 : a.scale);
  return { ...twin, entries: twin.entries.map((e) => (entries[e.id] ? { ...e, arrival: { kind: 'forecast' as const, ...entries[e.id]!, scale: scaleOf(e.arrival) } } : e)) };
}

const readJson = async <T>(file: string): Promise<T> => JSON.parse(await readFile(file, 'utf8')) as T;

/**
 * The hash of what in a parsed config can change a night's results: its twin (by content), telemetry source,
 * bounds, entries, forecast, horizon, simulation, risk and mitigation. Left out: where files are (the
 * telemetry files count by content, in the run id), the run store and output folder, the Prometheus
 * timeout and the simulation's worker count, none of which changes a figure; comments and layout of the
 * files are not in a parsed config at all.
 */
export function nightlyConfigHash(config: NightlyConfig): string {
  const simulation = simulationContent(config);
  const telemetry = config.telemetry.kind === 'files' ? { kind: 'files' } : (({ timeout: _timeout, ...t }) => t)(config.telemetry);
  return hashOf({
    twin: twinContentHash(config.twin), telemetry, bounds: config.bounds, entries: config.entries, forecast: config.forecast, horizon: config.horizon,
    simulation, risk: config.risk, mitigation: config.mitigation,
  });
}

/** The simulation settings that can change its results (the worker count cannot). */
const simulationContent = (config: NightlyConfig): Omit<NightlyConfig['simulation'], 'workers'> => {
  const { workers: _workers, ...rest } = config.simulation;
  return rest;
};

/**
 * A night's id in the run store: its config (nightlyConfigHash), its telemetry,
 * its seed and the settings a flag may override (--replications), so that
 * one id never names two different results.
 */
export function nightlyRunId(configHash: string, telemetryHash: string, config: Pick<NightlyConfig, 'simulation' | 'mitigation'>): string {
  return hashOf({ config: configHash, telemetry: telemetryHash, seed: config.simulation.seed, replications: [config.simulation.replications, config.mitigation.replications] }).slice(0, 12);
}

/**
 * The warning for nodes "at risk" with no failure at all: with n replications
 * a node that never failed still has a Wilson upper bound of z²/(n + z²), so
 * below the count that brings it under the threshold every node is "at risk".
 */
export function tooFewReplications(nodes: readonly { readonly id: string; readonly replications: number; readonly pFail: { readonly hi: number } }[], threshold: number, level: number): string {
  const n = nodes[0]!.replications;
  // The first count at which a node that never failed gets its upper bound under the threshold (the race's target look).
  const enough = targetLook(threshold, level);
  const names = nodes.slice(0, 5).map((x) => x.id).join(', ') + (nodes.length > 5 ? ` and ${nodes.length - 5} more` : '');
  return `${nodes.length} node(s) are above the risk threshold ${threshold} without a single failure (${names}): with ${n} replications a node that never fails still has a ${(100 * level).toFixed(0)} % upper bound of ${(100 * nodes[0]!.pFail.hi).toFixed(1)} %; about ${enough} replications would bound it under the threshold`;
}

export async function runNightly(o: NightlyOptions): Promise<NightlyResult> {
  const { config, out } = o;
  const log = o.log ?? (() => undefined);
  const workers = o.workers ?? config.simulation.workers ?? undefined;
  const configHash = nightlyConfigHash(config);
  const now = o.now ?? new Date();
  const found = await readManifest(out, config.telemetry.kind === 'files');
  // What a new run gets. An unfinished run being resumed keeps its own (the Prometheus range it asked for, above all);
  // a finished one reused for its steps is a new run, and so is an unfinished one whose config or run id changed (below).
  const newRun = { createdAt: now.toISOString(), versions: { shadowcast: shadowcastVersion(), node: process.version, report: REPORT_DATA_FORMAT } };
  const telemetryEnd = Math.floor(now.getTime() / 1000);
  const resuming = found !== null && found.exitCode === null;
  const manifest: Manifest = found ? {
    ...found, ...(resuming && found.config.hash === configHash ? {} : newRun), ...(resuming ? {} : { telemetryEnd }),
    config: { file: config.file, hash: configHash }, seed: config.simulation.seed, exitCode: null,
  } : {
    format: MANIFEST_FORMAT, ...newRun, telemetryEnd, config: { file: config.file, hash: configHash },
    seed: config.simulation.seed, inputs: {}, runId: null, steps: {}, exitCode: null,
  };
  const runner = new StepRunner(out, manifest, log);
  const warnings: string[] = [];

  // 1. Telemetry: files, or Prometheus answers saved under DIR/telemetry.
  const telemetryIn = hashOf({ source: config.telemetry, end: config.telemetry.kind === 'prometheus' ? manifest.telemetryEnd : null });
  const savedAnswers = config.telemetry.kind === 'prometheus' ? manifest.steps.telemetry?.outputs : undefined;
  const telemetry = await runner.step('telemetry', telemetryIn, savedAnswers ?? [], async () => {
    const t = await gatherTelemetry(config, out, manifest.telemetryEnd);
    const outputs = config.telemetry.kind === 'prometheus' ? t.files.map((f) => runner.rel(f)) : [];
    return { value: { ...t, outputs }, note: `${t.series.length} series from ${t.files.length} file(s)` };
  }, async () => ({ ...(await gatherTelemetry(config, out, manifest.telemetryEnd, savedAnswers?.map((f) => join(out, f)))), outputs: savedAnswers ?? [] }));
  if (config.telemetry.kind === 'prometheus') manifest.steps.telemetry = { ...manifest.steps.telemetry!, outputs: telemetry.outputs };
  warnings.push(...telemetry.warnings);
  manifest.inputs = { [config.file]: await fileHash(config.file), [config.twinFile]: await fileHash(config.twinFile) };
  for (const f of telemetry.files) manifest.inputs[f] = await fileHash(f);
  const telemetryHash = hashOf(telemetry.files.map((f) => manifest.inputs[f]));
  const runId = nightlyRunId(configHash, telemetryHash, config);
  // Resumed on other telemetry or replications: not the run that was interrupted.
  if (resuming && found.runId !== null && found.runId !== runId) Object.assign(manifest, newRun);
  manifest.runId = runId;
  const history = entrySeries(config, telemetry.series);

  // 2. Forecast of the series that drive entries.
  const forecastDir = join(out, 'forecast');
  const forecastIn = hashOf({ telemetryHash, entries: config.entries, forecast: config.forecast, horizon: config.horizon, seed: config.simulation.seed });
  const bundle = await runner.step('forecast', forecastIn, ['forecast/forecast.json', 'forecast/paths.f32'], async () => {
    const r = await forecastTelemetry(history, {
      horizon: { ms: config.horizon * 1000 }, model: config.forecast.model, paths: config.forecast.paths, seed: config.simulation.seed,
      ...(config.forecast.candidates ? { candidates: config.forecast.candidates } : {}),
    }, workers !== undefined ? { workers } : {}).catch((e: unknown) => {
      // The setting to change is in the config: say so, with the telemetry file the message names.
      if (e instanceof SeriesSetError && e.about === 'horizon') throw new InputError(`${config.file}: forecast.horizon: ${formatDuration(config.horizon)} is longer than the telemetry allows: ${e.message}`);
      throw e;
    });
    await writeForecast(forecastDir, r.bundle);
    return { value: r.bundle, note: r.results.map((x) => `${x.series.node}/${x.series.metric}: ${x.series.model}`).join(', ') };
  }, () => readForecast(forecastDir));
  const twin = forecastDriven(config.twin, config.entries);
  warnings.push(...twin.warnings, ...bindForecast(twin, bundle, forecastDir).warnings);
  const night = new Date(bundle.startMs).toISOString().slice(0, 10);

  // 3. State snapshot from the latest telemetry.
  const takenAtMs = bundle.startMs - bundle.stepMs;
  const stateIn = hashOf({ telemetryHash, twin: twinContentHash(twin), takenAtMs });
  const state = await runner.step('state', stateIn, ['state.json'], async () => {
    const s = stateFromTelemetry(twin, telemetry.series, takenAtMs);
    await writeFileAtomically(join(out, 'state.json'), JSON.stringify(s.document, null, 1) + '\n');
    return { value: { snapshot: s.snapshot, warnings: s.warnings }, note: `${Object.keys(s.document.nodes).length} node(s) from telemetry at ${s.document.takenAt}`, warnings: s.warnings };
  }, async (done) => ({
    snapshot: stateFromObject(await readJson(join(out, 'state.json')), twin, join(out, 'state.json')) as StateSnapshot,
    // The clamped values it warned about, as the step recorded them (a manifest from before they were kept: found again).
    warnings: done.warnings ?? stateFromTelemetry(twin, telemetry.series, takenAtMs).warnings,
  }));
  warnings.push(...state.warnings);

  // 4. Monte Carlo of the forecast future from that state (chunk checkpoints in DIR/.chunks while it runs).
  const settings = { seed: config.simulation.seed, horizon: config.horizon, reportWindow: config.simulation.window, warmup: 0, state: state.snapshot, forecast: bundle as ForecastBundle | null };
  const simIn = hashOf({ forecastIn, stateIn, twin: twinContentHash(twin), simulation: simulationContent(config), horizon: config.horizon, level: config.risk.level });
  const simDir = join(out, 'simulation');
  const sim = await runner.step('simulate', simIn, ['simulation/summary.json', 'simulation/risk.json', 'simulation/heatmap.json'], async () => {
    const bar = o.progress ? createProgress('simulate', config.simulation.replications) : null;
    const chunks = join(out, '.chunks');
    const executor = await openExecutor(o.executor ?? { kind: 'local', workers });
    const stop = config.simulation.stopping;
    // Clear of the risk threshold: a node's at-risk verdict (upper bound above it) would not change with more replications.
    const stopping = stop && { threshold: stop.whenClear ? config.risk.threshold : null, precision: stop.precision, level: config.risk.level };
    const r = await runMonteCarlo(twin, {
      replications: config.simulation.replications, settings, checkpointDir: chunks, onProgress: (d) => bar?.update(d), executor, stopping,
    }).finally(() => Promise.all([bar?.stop(), executor.close()]));
    manifest.simulation = r.stopping;
    const risk = assessRisk(r.summary, config.risk.level);
    const heatmap = breachHeatmap(r.summary, twin);
    const info = {
      twin: twin.name, source: twin.source, twinHash: twinContentHash(twin), seed: config.simulation.seed, replications: r.replications, stopping: r.stopping,
      horizon: config.horizon, warmup: 0, confidence: config.risk.level, windowSeconds: config.simulation.window,
      workers: r.workers, seconds: r.seconds, events: r.summary.events, resumedChunks: r.resumedChunks, forecast: forecastDir, state: join(out, 'state.json'), scenario: null, warnings,
    };
    await writeFilesAtomically(simDir, {
      'summary.json': summaryJson(info, risk), 'nodes.csv': nodesCsv(risk), 'windows.csv': windowsCsv(risk),
      'risk.json': JSON.stringify(risk), 'heatmap.json': JSON.stringify(heatmap),
    });
    // The outputs now stand for the run; the checkpoints would only grow night after night.
    await rm(chunks, { recursive: true, force: true });
    const ran = r.stopping ? `${r.replications} of ${r.stopping.maxReplications} replications (${r.stopping.stoppedEarly ? 'stopped early' : 'all run'}: ${r.stopping.reason})` : `${r.replications} replications`;
    const note = `${ran} x ${config.horizon} s, ${r.workers} worker(s), ${r.summary.events.toLocaleString('en-US')} events${r.resumedChunks ? `, ${r.resumedChunks} chunk(s) from checkpoints` : ''}`;
    return { value: { risk, heatmap }, note };
  }, async () => ({ risk: await readJson<RiskReport>(join(simDir, 'risk.json')), heatmap: await readJson<ReportHeatCell[]>(join(simDir, 'heatmap.json')) }));

  // 5. Risk: the nodes whose P(fail) upper bound is above the threshold.
  const riskIn = hashOf({ simIn, threshold: config.risk.threshold });
  const atRisk = await runner.step('risk', riskIn, ['risk.json'], async () => {
    const ids = sim.risk.nodes.filter((n) => n.pFail.hi > config.risk.threshold).map((n) => n.id);
    await writeFileAtomically(join(out, 'risk.json'), JSON.stringify({ threshold: config.risk.threshold, level: config.risk.level, atRisk: ids }, null, 1) + '\n');
    return { value: ids, note: ids.length ? `above ${config.risk.threshold}: ${ids.join(', ')}` : `no node above ${config.risk.threshold}` };
  }, async () => (await readJson<{ atRisk: string[] }>(join(out, 'risk.json'))).atRisk);

  // Nodes above the threshold that never failed are there for want of replications, not for what they did: say so.
  const unbounded = sim.risk.nodes.filter((n) => atRisk.includes(n.id) && n.failures === 0);
  if (unbounded.length > 0) warnings.push(tooFewReplications(unbounded, config.risk.threshold, config.risk.level));

  // 6. Mitigation proposals for those nodes, re-simulated on common random numbers.
  const mitigationIn = hashOf({ riskIn, mitigation: config.mitigation, atRisk });
  const mitigation = await runner.step('mitigation', mitigationIn, ['mitigation.json'], async () => {
    let m: NightlyMitigation;
    if (!config.mitigation.enabled) m = { candidates: [], proposal: null, explanation: 'mitigation is disabled in the config', runs: 0 };
    else if (atRisk.length === 0) m = { candidates: [], proposal: null, explanation: 'no node above the risk threshold: nothing to mitigate', runs: 0 };
    else m = await mitigateNight(twin, settings, sim.risk.nodes.filter((n) => atRisk.includes(n.id)), config, o.executor ?? { kind: 'local', workers });
    await writeFileAtomically(join(out, 'mitigation.json'), JSON.stringify(m, null, 1) + '\n');
    return { value: m, note: m.candidates.length ? `${m.candidates.length} candidate(s) in ${m.runs} run(s); ${m.proposal ? `proposed: ${m.proposal.strategy}` : `no proposal: ${m.explanation}`}` : m.explanation };
  }, () => readJson<NightlyMitigation>(join(out, 'mitigation.json')));
  // The report's mitigation section is empty then: say why there.
  if (mitigation.candidates.length === 0 && atRisk.length > 0 && config.mitigation.enabled) warnings.push(`mitigation: ${mitigation.explanation}`);

  // 7. Report, with last night's forecast scored against tonight's telemetry and the risk compared.
  const store = new RunStore(o.store);
  try {
    const previous = store.previousRun(twin.name, night, runId);
    const scores: ScoreRecord[] = [];
    if (previous) {
      for (const f of store.forecasts(previous.id)) {
        const actual = telemetry.series.find((s) => `${s.node}/${s.metric}` === f.series);
        const sc = actual ? scoreForecast(f, actual) : null;
        if (sc) scores.push({ runId, night, scoredRunId: previous.id, scoredNight: previous.night, series: f.series, ...sc });
      }
    }
    const calibration: ReportCalibrationNight[] = [
      ...scores,
      ...store.scores({ twin: twin.name, limit: 60 }).filter((s) => s.runId !== runId),
    ].map((s) => ({ night: s.scoredNight, series: s.series, coverage80: s.coverage80, coverage95: s.coverage95, mase: s.mase }));
    const changes = changesSince(
      previous ? { nodes: store.nodeRisk({ runId: previous.id }), replications: previous.replications, level: previous.level } : null,
      sim.risk.nodes.map((n) => ({ node: n.id, pFail: n.pFail, failures: n.failures, replications: n.replications })), config.risk.threshold, sim.risk.level);
    const reportIn = hashOf({ mitigationIn, previous: previous?.id ?? null, scores, calibration, warnings, createdAt: manifest.createdAt });
    const data = await runner.step('report', reportIn, ['report-data.json', 'report.html'], async () => {
      const d = buildReportData({
        runId, twin, createdAt: manifest.createdAt, seed: config.simulation.seed, threshold: config.risk.threshold, bundle, history,
        risk: sim.risk, heatmap: sim.heatmap, mitigations: mitigation.candidates,
        ...(config.mitigation.enabled ? { mitigation: mitigationSummary(mitigation, config) } : {}), calibration, changes, warnings,
      });
      const html = await renderNightlyReport(d);
      await writeFileAtomically(join(out, 'report-data.json'), JSON.stringify(d) + '\n');
      await writeFileAtomically(join(out, 'report.html'), html);
      return { value: d, note: `report.html ${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB` };
    }, () => readJson<NightlyReportData>(join(out, 'report-data.json')));

    // 8. Store: the run, its node risk, its forecasts (for tomorrow's score), tonight's scores.
    const exitCode = atRisk.length > 0 ? 1 : 0;
    manifest.exitCode = exitCode;
    await runner.step('store', hashOf({ reportIn, store: store.file }), [], async () => {
      store.recordNight(
        { id: runId, night, twin: twin.name, createdAt: manifest.createdAt, seed: config.simulation.seed, replications: sim.risk.replications, horizonSeconds: config.horizon, threshold: config.risk.threshold, level: sim.risk.level, atRisk: atRisk.length, exitCode, outDir: out, manifest: JSON.stringify(manifest) },
        sim.risk.nodes.map((n) => ({ runId, night, node: n.id, pFail: n.pFail.mean, lo: n.pFail.lo, hi: n.pFail.hi, condition: n.mainCondition, timeToFailure: n.timeToFailure })),
        bundle.series.map((s) => storedForecast(runId, s, bundle.startMs, bundle.stepMs, history.find((h) => h.node === s.node && h.metric === s.metric)!)),
        scores,
      );
      return { value: null, note: `night ${night} recorded in ${store.file}` };
    }, async () => null);
    await runner.save();
    return { exitCode, dir: out, report: join(out, 'report.html'), data, atRisk, manifest };
  } finally {
    store.close();
  }
}
