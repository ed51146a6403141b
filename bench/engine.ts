/**
 * Engine speed: events per second for M/M/1 (rho 0.8), M/M/4 (rho 0.9) and
 * a 3-station Jackson network with statistics on, against a bare heap loop
 * (pop, draw, push on the same calendar: the fastest a single JS thread can
 * go through events), plus the heap size along a 10^8-event run.
 * "Events" = arrivals + service completions.
 */
import { EventCalendar, Exponential, OpenNetwork, Simulator, StreamFactory, type NetworkSpec } from '../engine/index.js';
import type { BenchSection, Cell } from './table.js';
import { jacksonExample } from '../engine/examples.js';

const EVENTS_PER_MODEL = Number(process.env.BENCH_ENGINE_EVENTS ?? 1e7);
/** Each figure is the median of this many runs: single runs of a JIT-compiled loop vary by ±10 %. */
const REPEATS = 3;

function median<T extends Measured>(runs: T[]): T {
  return [...runs].sort((a, b) => a.events / a.seconds - b.events / b.seconds)[runs.length >> 1]!;
}
const MEMORY_EVENTS = Number(process.env.BENCH_ENGINE_MEMORY_EVENTS ?? 1e8);

function mmc(c: number, rho: number): NetworkSpec {
  const mu = 1;
  return { stations: [{ name: `M/M/${c}`, servers: c, service: new Exponential(mu), arrivals: rho * c * mu }] };
}

interface Measured { events: number; seconds: number }

/** Runs the network until about `events` events have been processed. */
function runNetwork(spec: NetworkSpec, events: number, seed: number): Measured & { net: OpenNetwork; sim: Simulator } {
  const sim = new Simulator();
  const net = new OpenNetwork(sim, spec, new StreamFactory(seed, 0));
  // Simulated time for the requested events: arrivals + completions ≈ 2 × total arrival rate × time (with feedback, more).
  const rate = spec.stations.reduce((a, s) => a + (typeof s.arrivals === 'number' ? s.arrivals : 0), 0);
  const horizon = events / (2 * rate);
  const t0 = process.hrtime.bigint();
  sim.run(horizon);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const r = net.results();
  const counted = r.stations.reduce((a, s) => a + s.arrivals + s.completed, 0);
  return { events: counted, seconds, net, sim };
}

/** The bare loop: `pending` events in the calendar, each pop re-schedules one exponential step ahead. */
export function heapBaseline(events: number, pending: number, seed: number): Measured {
  const cal = new EventCalendar(64);
  const rng = new StreamFactory(seed, 0).stream('baseline');
  for (let i = 0; i < pending; i++) cal.push(-Math.log(1 - rng()), 0, i);
  let sink = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < events; i++) {
    const now = cal.pop();
    sink += cal.lastArg;
    cal.push(now - Math.log(1 - rng()), 0, cal.lastArg);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (sink < 0) console.log(sink); // keeps the loop observable to the optimiser
  return { events, seconds };
}

function heapMiB(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

export async function benchEngine(): Promise<BenchSection[]> {
  const rows: Record<string, Cell>[] = [];
  // Warm the JIT on every path once so the timed runs compare steady states.
  heapBaseline(2e6, 5, 1);
  runNetwork(mmc(4, 0.9), 2e6, 1);
  const baseline = median(Array.from({ length: REPEATS }, (_, k) => heapBaseline(EVENTS_PER_MODEL, 5, 2 + k)));
  const baseRate = baseline.events / baseline.seconds;
  rows.push({ model: `bare heap loop (5 pending), median of ${REPEATS}`, events: baseline.events, seconds: baseline.seconds, 'events/s': baseRate, 'vs baseline': 1 });
  const models: Array<[string, NetworkSpec]> = [
    ['M/M/1 rho 0.8', mmc(1, 0.8)],
    ['M/M/4 rho 0.9', mmc(4, 0.9)],
    ['Jackson 3 stations', jacksonExample()],
  ];
  const rates: Record<string, number> = {};
  for (const [name, spec] of models) {
    const m = median(Array.from({ length: REPEATS }, (_, k) => runNetwork(spec, EVENTS_PER_MODEL, 3 + k)));
    const rate = m.events / m.seconds;
    rates[name] = rate;
    rows.push({ model: `${name}, median of ${REPEATS}`, events: m.events, seconds: m.seconds, 'events/s': rate, 'vs baseline': rate / baseRate });
  }

  // Memory: one long M/M/4 run in ten slices; the heap after each slice should not grow.
  const sim = new Simulator();
  const net = new OpenNetwork(sim, mmc(4, 0.9), new StreamFactory(7, 0));
  const slice = MEMORY_EVENTS / 10 / (2 * 3.6);
  const heap: number[] = [];
  const t0 = process.hrtime.bigint();
  for (let k = 1; k <= 10; k++) {
    sim.run(k * slice);
    heap.push(heapMiB());
  }
  const memSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const memEvents = net.results().stations[0]!.arrivals + net.results().stations[0]!.completed;
  const growth = heap[heap.length - 1]! - heap[0]!;

  const mm4 = rates['M/M/4 rho 0.9']!;
  return [{
    name: 'engine',
    title: 'Engine: events per second on one thread (events = arrivals + completions, statistics on)',
    columns: ['model', 'events', 'seconds', 'events/s', 'vs baseline'],
    rows,
    targets: [
      { what: 'M/M/4 rho 0.9 >= 5 M events/s', met: mm4 >= 5e6, detail: `${(mm4 / 1e6).toFixed(2)} M events/s` },
      { what: 'M/M/4 >= 0.5 x bare heap loop', met: mm4 / baseRate >= 0.5, detail: `${(mm4 / baseRate).toFixed(2)} x` },
      {
        what: `memory flat over a ${MEMORY_EVENTS.toExponential(0)}-event run`,
        met: Math.abs(growth) < 8 && sim.calendarCapacity <= 1024,
        detail: `heap ${heap[0]!.toFixed(1)} -> ${heap[heap.length - 1]!.toFixed(1)} MiB over ${memEvents.toLocaleString('en-US')} events in ${memSeconds.toFixed(1)} s; calendar slots ${sim.calendarCapacity}, job ids ${net.jobsAllocated}`,
      },
    ],
    extra: { heapMiBBySlice: heap, memoryRunEvents: memEvents, memoryRunSeconds: memSeconds, calendarSlots: sim.calendarCapacity, jobIds: net.jobsAllocated },
  }];
}
