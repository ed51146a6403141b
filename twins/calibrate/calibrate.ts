/**
 * Calibration of a twin from telemetry: call ratios from rates, each
 * service's own time from its latency (callees first, so a caller's calls
 * can be subtracted), workers, and entry rates; the calibrated twin file and
 * the report of what was fitted, how well, and why not. Pure: the telemetry
 * arrives on a grid (runs/calibrate reads the files).
 */
import { Problems } from '../definition/errors.js';
import type { CallEdgeInput, TwinInput } from '../definition/input.js';
import type { Twin } from '../definition/types.js';
import { didYouMean } from '../../engine/did-you-mean.js';
import { finiteMean, serviceOf, type TelemetryGrid } from './grid.js';
import { fitCallRatios } from './ratios.js';
import type { CalibrationReport, CallCalibration, EntryCalibration, ServiceCalibration } from './report.js';
import { fitServiceTime, type ChildCall, type Moments, type ServiceTimeOptions } from './service-time.js';
import { fitWorkers } from './workers.js';

export interface CalibrateOptions extends Partial<Omit<ServiceTimeOptions, 'step'>> {
  /** Fewest windows for a call-ratio fit (default 10). */
  readonly minRatioWindows?: number;
}

/** Nodes in an order where every synchronous callee comes before its callers (cycles broken where met). */
export function calleesFirst(twin: Twin): number[] {
  const order: number[] = [];
  const state = new Uint8Array(twin.nodes.length); // 0 new, 1 on the stack, 2 done
  const visit = (i: number): void => {
    if (state[i] !== 0) return;
    state[i] = 1;
    for (const g of twin.nodes[i]!.callGroups) for (const c of g.calls) if (c.mode === 'sync') visit(c.to);
    state[i] = 2;
    order.push(i);
  };
  twin.nodes.forEach((_, i) => visit(i));
  return order;
}

/** The twin with every fitted value set, and the report. Throws TwinSpecError when an entry node has no rate telemetry. */
export function calibrateTwin(twin: Twin, input: TwinInput, grid: TelemetryGrid, opts: CalibrateOptions = {}): { input: TwinInput; report: CalibrationReport } {
  const stOpts: ServiceTimeOptions = { minWindows: opts.minWindows ?? 10, minRequests: opts.minRequests ?? 5, saturation: opts.saturation ?? 0.9, step: grid.step };
  const p = new Problems();
  const twinIds = new Set(twin.nodes.map((n) => n.id));
  // Telemetry nodes the twin does not have: where an entry node spelt otherwise (S1 for s1) would be.
  const extra = grid.services.filter((s) => !twinIds.has(s.id)).map((s) => s.id);
  const entries: EntryCalibration[] = twin.entries.map((e, k) => {
    const node = twin.nodes[e.node]!.id;
    const service = serviceOf(grid, node);
    const mean = finiteMean(service?.rate ?? []);
    if (!(mean > 0)) p.raw(`entries[${k}]`, `expected rate telemetry with traffic for entry node ${JSON.stringify(node)} in the calibration windows (its arrival rate is fitted from it)${service ? '' : didYouMean(node, extra)}`);
    return { id: e.id, node, before: e.arrival.kind === 'constant' ? e.arrival.rate : null, after: mean };
  });
  p.throwIfAny(twin.source);

  const calls = fitCallRatios(twin, grid, { minWindows: opts.minRatioWindows ?? stOpts.minWindows });
  const scale = new Map<string, number>(calls.map((c) => [`${c.from}>${c.to}`, c.before > 0 ? c.after / c.before : 1]));
  const responses: Moments[] = new Array(twin.nodes.length);
  const services: ServiceCalibration[] = new Array(twin.nodes.length);
  for (const i of calleesFirst(twin)) {
    const node = twin.nodes[i]!;
    const children: ChildCall[] = [];
    for (const g of node.callGroups) {
      for (const c of g.calls) {
        if (c.mode !== 'sync') continue;
        // A callee on a cycle not yet visited adds nothing (its moments are unknown here).
        const child = responses[c.to] ?? { mean: 0, variance: 0 };
        children.push({ meanCalls: c.meanCalls * (scale.get(`${node.id}>${twin.nodes[c.to]!.id}`) ?? 1), child });
      }
    }
    const t = serviceOf(grid, node.id);
    const fit = fitServiceTime(node, t, children, stOpts);
    responses[i] = fit.response;
    const reasons = [...fit.record.reasons];
    const workers = node.service === null
      ? { before: node.servers, after: node.servers, method: 'kept' as const }
      : fitWorkers({ before: node.servers, replicas: node.replicas, held: fit.response.mean, heldFitted: fit.record.status === 'fitted', peakRate: fit.record.rate.max, saturatedRates: fit.saturatedRates, cpu: fit.cpu }, reasons);
    services[i] = { ...fit.record, reasons, cpu: fit.cpu, workers };
  }

  const notes: string[] = [];
  if (extra.length > 0) notes.push(`telemetry for node(s) not in the twin, not used: ${extra.join(', ')}`);
  const missing = twin.nodes.filter((n) => !serviceOf(grid, n.id)).map((n) => n.id);
  if (missing.length > 0) notes.push(`twin node(s) without telemetry keep their values: ${missing.map((id) => id + didYouMean(id, extra)).join(', ')}`);
  const report: CalibrationReport = {
    twin: twin.name,
    window: { from: grid.start, to: grid.start + grid.length * grid.step, step: grid.step, windows: grid.length },
    entries, services, calls, notes,
  };
  // applyCalibration adds its notes (entries it leaves alone) to the same array the report holds.
  return { input: applyCalibration(input, report, notes), report };
}


/** Lowest cv written for a lognormal (the engine needs cv > 0). */
const MIN_CV = 0.01;

/** The twin file with the report's values set; entries driven by a profile or forecast keep them (noted). */
export function applyCalibration(input: TwinInput, report: CalibrationReport, notes: string[] = []): TwinInput {
  const out = structuredClone(input);
  const byId = new Map(report.services.map((s) => [s.id, s]));
  for (const n of out.nodes) {
    const s = byId.get(n.id);
    if (!s) continue;
    if (s.service.after) n.service = { type: 'lognormal', mean: s.service.after.mean, cv: Math.max(MIN_CV, s.service.after.cv) };
    if (s.workers.method !== 'kept' || s.workers.after !== s.workers.before) n.servers = s.workers.after;
    const attributes: Record<string, string | number | boolean> = { ...(n.attributes ?? {}), calibrated: s.quality };
    if (s.cpu) {
      attributes.cpuPerRequest = s.cpu.perRequest;
      if (s.cpu.limit !== null) attributes.cpuLimit = s.cpu.limit;
    }
    n.attributes = attributes;
  }
  const calls = new Map<string, CallCalibration>(report.calls.map((c) => [`${c.from}>${c.to}`, c]));
  for (const e of out.edges ?? []) {
    if (e.type !== 'call') continue;
    const c = calls.get(`${e.from}>${e.to}`);
    if (!c || c.after === c.before) continue;
    const edge = e as CallEdgeInput;
    const before = edge.mean ?? edge.probability ?? 0;
    // Several edges between the same pair (call groups) keep their shares of the fitted total.
    edge.mean = c.before > 0 ? before * (c.after / c.before) : c.after;
    delete edge.probability;
  }
  out.entries.forEach((e, k) => {
    const r = report.entries[k];
    if (!r) return;
    if (e.rate !== undefined) e.rate = r.after;
    else notes.push(`entries[${k}] (${r.id}) is driven by a ${e.profile !== undefined ? 'rate profile' : 'forecast'}: its rate is left as is`);
  });
  out.description = `${input.description ?? input.name} (calibrated on ${report.window.windows} windows of ${report.window.step} s from ${new Date(report.window.from * 1000).toISOString()})`;
  return out;
}
