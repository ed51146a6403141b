/**
 * Bench section `shadow`: the dynamic shadow's targets, measured side by side
 * in one run, one table each (bench/results/shadow-*.json):
 *   shadow-injector  the rate the injector holds and where it saturates
 *   shadow-startup   `shadow up` of 10 processes, and `shadow down`
 *   shadow-emulator  what the emulator adds to p50 at 100 req/s
 *   shadow-fidelity  M/M/c reproduction at two dilations
 *   shadow-shop      `shadow compare` on the shop through the CLI
 * Loopback only; every part is bounded in time and stops its processes and
 * removes its temp folders. A part that fails becomes a section naming the
 * error (its targets missed), so the others' figures are still written.
 * Each section records the host's load average before and after it: the
 * figures are wall-clock and move with whatever else the machine runs.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { BenchSection } from './table.js';
import { benchShadowInjector } from './shadow-injector.js';
import { benchShadowStartup } from './shadow-startup.js';
import { benchShadowEmulator } from './shadow-emulator.js';
import { benchShadowFidelity } from './shadow-fidelity.js';
import { benchShadowShop } from './shadow-shop.js';

const PARTS: ReadonlyArray<{ name: string; what: string; run: () => Promise<BenchSection> }> = [
  { name: 'shadow-injector', what: 'injector rate', run: benchShadowInjector },
  { name: 'shadow-startup', what: 'shadow up of 10 nodes', run: benchShadowStartup },
  { name: 'shadow-emulator', what: 'emulator overhead', run: benchShadowEmulator },
  { name: 'shadow-fidelity', what: 'M/M/c reproduction', run: benchShadowFidelity },
  { name: 'shadow-shop', what: 'shadow compare on the shop', run: benchShadowShop },
];

const load = (): string => loadavg().map((v) => v.toFixed(2)).join(' ');

export async function benchShadow(): Promise<BenchSection[]> {
  const sections: BenchSection[] = [];
  for (const part of PARTS) {
    const before = load();
    const t0 = performance.now();
    let section: BenchSection;
    try {
      section = await part.run();
    } catch (e) {
      const message = (e as Error).message;
      section = {
        name: part.name, title: `${part.what}: FAILED`, columns: ['error'], rows: [{ error: message }],
        targets: [{ what: part.what, met: false, detail: `the measurement failed: ${message.split('\n')[0]}` }],
      };
    }
    const seconds = (performance.now() - t0) / 1000;
    const host = { loadAverageBefore: before, loadAverageAfter: load(), seconds };
    sections.push({ ...section, title: `${section.title} [${seconds.toFixed(1)} s; load average 1/5/15 min: ${before} before, ${host.loadAverageAfter} after]`, extra: { ...section.extra, host } });
  }
  return sections;
}
