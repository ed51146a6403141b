/**
 * The sim-to-real check on the shop, end to end through the CLI (each step a
 * child process, as a user would run it): simulate (REPLICATIONS × 30 min,
 * 2 workers), shadow plan --fidelity 0.2 --duration 60s, up, inject
 * --duration 20s, compare, down. The table is DIR/compare.json: per
 * duplicated node and figure, the shadow's measurement against the twin's
 * prediction at the same load, both in production units, with the plan's
 * dilation k. Every step has a time limit; the shadow is stopped and the
 * temp folder removed whatever happens.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { shadowDown } from '../runs/shadow/materialise.js';
import type { InjectReport } from '../runs/shadow/inject.js';
import { REPO_ROOT } from '../runs/paths.js';
import type { ComparedFigure, ShadowComparison } from '../twins/shadow/compare.js';
import type { BenchSection, Cell } from './table.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'runs', 'cli.js');
const SHOP = join(REPO_ROOT, 'twins', 'examples', 'shop.yaml');
const REPLICATIONS = 20;
const INJECT = '20s';

interface Step {
  readonly step: string;
  readonly seconds: number;
}

/** Runs `shadowcast ARGS` in a child process; rejects with its output when it fails or runs past `timeoutMs`. */
function cli(args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CLI, ...args], { timeout: timeoutMs, maxBuffer: 16 * 2 ** 20, cwd: REPO_ROOT }, (error, stdout, stderr) => {
      if (error) reject(new Error(`shadowcast ${args.join(' ')}: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const UNIT: Record<ComparedFigure, { unit: string; scale: number }> = {
  throughput: { unit: 'req/s', scale: 1 }, utilization: { unit: 'share', scale: 1 },
  meanLatency: { unit: 'ms', scale: 1000 }, p50: { unit: 'ms', scale: 1000 }, p95: { unit: 'ms', scale: 1000 },
};

export async function benchShadowShop(): Promise<BenchSection> {
  const root = await mkdtemp(join(tmpdir(), 'shadowcast-bench-shop-'));
  const sim = join(root, 'sim'), planFile = join(root, 'plan.json'), dir = join(root, 'shadow');
  const steps: Step[] = [];
  const timed = async (step: string, args: readonly string[], timeoutMs: number): Promise<string> => {
    const t0 = performance.now();
    const out = await cli(args, timeoutMs);
    steps.push({ step, seconds: (performance.now() - t0) / 1000 });
    return out;
  };
  let comparison: ShadowComparison;
  let injected: InjectReport;
  try {
    await timed(`simulate (${REPLICATIONS} × 30 min, 2 workers)`, ['simulate', '--twin', SHOP, '--out', sim, '--replications', String(REPLICATIONS), '--horizon', '30m', '--workers', '2', '--quiet'], 180_000);
    await timed('shadow plan --fidelity 0.2 --duration 60s', ['shadow', 'plan', '--twin', SHOP, '--result', sim, '--fidelity', '0.2', '--duration', '60s', '--out', planFile], 30_000);
    try {
      await timed('shadow up', ['shadow', 'up', '--plan', planFile, '--dir', dir], 30_000);
      await timed(`shadow inject --duration ${INJECT}`, ['shadow', 'inject', '--dir', dir, '--duration', INJECT], 60_000);
      await timed('shadow compare', ['shadow', 'compare', '--dir', dir], 60_000);
      await timed('shadow down', ['shadow', 'down', '--dir', dir], 30_000);
    } finally {
      // The CLI's down has run unless a step failed; this stops whatever is still recorded as running.
      await shadowDown(dir);
    }
    comparison = JSON.parse(await readFile(join(dir, 'compare.json'), 'utf8')) as ShadowComparison;
    injected = JSON.parse(await readFile(join(dir, 'inject.json'), 'utf8')) as InjectReport;
  } finally {
    await rm(root, { recursive: true, force: true });
  }

  const rows: Record<string, Cell>[] = [];
  for (const n of comparison.nodes) {
    const m = injected.nodes[n.node];
    const responses = m?.available ? m.responses : null;
    // A count of n responses is itself uncertain by about 1/√n (Poisson): the yardstick for the throughput error.
    const countNoise = responses !== null && responses > 0 ? 1 / Math.sqrt(responses) : null;
    if (!n.figures) {
      rows.push({ node: n.node, responses, 'count noise': countNoise, figure: 'all', unit: null, shadow: null, twin: null, 'rel. error': null, tolerance: null, within: false, notes: n.notes.join('; ') });
      continue;
    }
    for (const [figure, f] of Object.entries(n.figures) as Array<[ComparedFigure, (typeof n.figures)[ComparedFigure]]>) {
      const { unit, scale } = UNIT[figure];
      rows.push({
        node: n.node, responses, 'count noise': countNoise, figure, unit, shadow: f.measured === null ? null : f.measured * scale, twin: f.predicted === null ? null : f.predicted * scale,
        'rel. error': f.relativeError, tolerance: f.tolerance, within: f.pass, notes: null,
      });
    }
  }
  const errorsOf = (figure: ComparedFigure) => comparison.nodes.map((n) => {
    const e = n.figures?.[figure].relativeError;
    return { node: n.node, e: e ?? null };
  });
  const describe = (figure: ComparedFigure) => errorsOf(figure).map(({ node, e }) => `${node} ${e === null ? 'missing' : `${e >= 0 ? '+' : ''}${(e * 100).toFixed(1)} %`}`).join(', ');
  const allWithin = (figure: ComparedFigure, tol: number) => comparison.nodes.length > 0 && errorsOf(figure).every(({ e }) => e !== null && Math.abs(e) <= tol);
  const responsesOf = (node: string): number | null => {
    const m = injected.nodes[node];
    return m?.available ? m.responses : null;
  };
  const counts = comparison.nodes.map((n) => `${n.node} ${responsesOf(n.node) ?? '?'}`).join(', ');
  const noise = comparison.nodes.map((n) => {
    const r = responsesOf(n.node);
    return `${n.node} ±${r ? ((1 / Math.sqrt(r)) * 100).toFixed(1) : '?'} %`;
  }).join(', ');
  return {
    name: 'shadow-shop',
    title: `shadow compare on the shop (fidelity 0.2, dilation k = ${comparison.k}, ${INJECT} injected at ${injected.rate.achieved.toFixed(1)} req/s shadow): shadow vs twin, production units; steps: ${steps.map((s) => `${s.step} ${s.seconds.toFixed(1)} s`).join(', ')}`,
    columns: ['node', 'responses', 'count noise', 'figure', 'unit', 'shadow', 'twin', 'rel. error', 'tolerance', 'within', 'notes'],
    rows,
    targets: [
      { what: 'shop: throughput of every duplicated node within 5 % of the twin', met: allWithin('throughput', 0.05), detail: `k = ${comparison.k}: ${describe('throughput')} (count noise 1/√n of the ${INJECT} window: ${noise})` },
      { what: 'shop: mean response time of every duplicated node within 15 % of the twin', met: allWithin('meanLatency', 0.15), detail: `k = ${comparison.k}: ${describe('meanLatency')} (responses in the window: ${counts})` },
    ],
    extra: { k: comparison.k, pass: comparison.pass, steps, inject: { sent: injected.sent, ok: injected.ok, errors: injected.errors, rate: injected.rate, saturated: injected.saturated } },
  };
}
