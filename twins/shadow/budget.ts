/**
 * What a shadow costs on this machine and the time dilation that makes it
 * fit (docs/shadow.md, "Budget and dilation"). Rates are production
 * requests/s; with dilation k every process sees rate / k, so CPU scales
 * with 1 / k while requests in flight (Little: rate/k × time·k) and hence
 * memory do not change.
 */
import type { Twin } from '../definition/types.js';
import { coreShare } from './fidelity.js';
import type { NodeAction } from './plan-types.js';
import type { NodeFacts } from './sizing.js';

/**
 * Requests/s one core handles in the emulator's sleep mode, and in the
 * stub and the injector: an HTTP request in and out on loopback with Node's
 * http module, plus bookkeeping. Measured order of magnitude; the bench
 * section `shadow` reports the real figure of this machine.
 */
export const EMULATOR_REQUESTS_PER_CORE = 1500;
/** Resident memory of one idle Node process of the shadow (emulator, stub or injector). */
export const PROCESS_MEMORY_BYTES = 80 * 1024 * 1024;
/** Memory per request in flight (sockets, buffers, the request's state). */
export const IN_FLIGHT_MEMORY_BYTES = 64 * 1024;

export interface Budget {
  readonly processes: number;
  readonly cores: number;
  readonly memoryBytes: number;
}

export interface Footprint {
  readonly processes: number;
  /** Production requests/s handled by all the shadow's processes together, at the peak. */
  readonly requestRate: number;
  /** Core-seconds of burned service per production second (0 in sleep mode). */
  readonly burnCores: number;
  readonly memoryBytes: number;
  /** Per duplicated node: its memory. */
  readonly nodeMemory: ReadonlyMap<string, number>;
}

export interface EntryLoad {
  /** Peak production requests/s the injector sends for this entry. */
  readonly peak: number;
  /** End-to-end p99 latency of the entry in the simulation (seconds), or null. */
  readonly latencyP99: number | null;
}

export interface StubLoad {
  readonly id: string;
  /** Pooled p95 latency of the node in the simulation, seconds. */
  readonly latencyP95: number;
}

/** The processes, request rate, CPU and memory a node selection needs. */
export function footprint(twin: Twin, action: ReadonlyMap<string, NodeAction>, facts: ReadonlyMap<string, NodeFacts>, stubs: readonly StubLoad[], entries: readonly EntryLoad[], work: 'sleep' | 'burn'): Footprint {
  const dup = twin.nodes.filter((n) => action.get(n.id) === 'duplicate').map((n) => facts.get(n.id)!);
  if (dup.length === 0) return { processes: 0, requestRate: 0, burnCores: 0, memoryBytes: 0, nodeMemory: new Map() };
  const stubRate = stubs.reduce((s, x) => s + facts.get(x.id)!.peakRate, 0);
  const stubInFlight = stubs.reduce((s, x) => s + facts.get(x.id)!.peakRate * x.latencyP95, 0);
  const injectorRate = entries.reduce((s, e) => s + e.peak, 0);
  const injectorInFlight = entries.reduce((s, e) => s + e.peak * (e.latencyP99 ?? 0), 0);
  const nodeMemory = new Map(dup.map((f) => [f.id, PROCESS_MEMORY_BYTES + f.inFlight * IN_FLIGHT_MEMORY_BYTES]));
  const processes = dup.length + (stubs.length > 0 ? 1 : 0) + 1;
  let memoryBytes = 0;
  for (const m of nodeMemory.values()) memoryBytes += m;
  if (stubs.length > 0) memoryBytes += PROCESS_MEMORY_BYTES + Math.ceil(stubInFlight) * IN_FLIGHT_MEMORY_BYTES;
  memoryBytes += PROCESS_MEMORY_BYTES + Math.ceil(injectorInFlight) * IN_FLIGHT_MEMORY_BYTES;
  return {
    processes,
    requestRate: dup.reduce((s, f) => s + f.peakRate, 0) + stubRate + injectorRate,
    burnCores: work === 'burn' ? dup.reduce((s, f) => s + f.peakRate * f.ownService, 0) : 0,
    memoryBytes,
    nodeMemory,
  };
}

/** Cores the footprint needs at dilation k. */
export function coresAt(fp: Footprint, k: number): number {
  return (fp.requestRate / EMULATOR_REQUESTS_PER_CORE + fp.burnCores) / k;
}

/**
 * k = max(1, cores needed at k = 1 / (u(f) × budget cores)), rounded up to
 * 0.01: the smallest dilation with which the shadow uses at most the share
 * u(f) of the cores.
 */
export function chooseDilation(fp: Footprint, budget: Budget, f: number): { k: number; reason: string } {
  const need = coresAt(fp, 1);
  const allowed = coreShare(f) * budget.cores;
  const raw = need / allowed;
  const k = raw <= 1 ? 1 : Math.ceil(raw * 100 - 1e-9) / 100;
  const burn = fp.burnCores > 0 ? ` + ${fp.burnCores.toFixed(2)} cores of burned service` : '';
  const what = `${fp.requestRate.toFixed(1)} req/s at ${EMULATOR_REQUESTS_PER_CORE} req/s/core${burn} = ${need.toFixed(2)} cores; allowed u(f) × ${budget.cores} = ${allowed.toFixed(2)}`;
  return { k, reason: k === 1 ? `k = 1: ${what}` : `k = ${k}: ${what}, so rates are divided and times multiplied by ${k}` };
}

/** Whether a footprint fits the processes and memory of the budget (cores always fit by dilation). */
export function fits(fp: Footprint, budget: Budget): boolean {
  return fp.processes <= budget.processes && fp.memoryBytes <= budget.memoryBytes;
}
