/** The printed form of a shadow plan: what `shadowcast shadow plan` shows (plain text, aligned columns). */
import type { ShadowPlan } from './plan-types.js';

const MIB = 1024 * 1024;
const sig = (x: number, digits = 3) => Number(x.toPrecision(digits)).toString();
const mib = (bytes: number) => `${(bytes / MIB).toFixed(0)} MiB`;

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd());
}

export function formatPlanTable(plan: ShadowPlan): string {
  const f = plan.fidelity;
  const out: string[] = [
    `shadow plan for twin ${plan.twin.name} (${plan.twin.source}), result ${plan.result.dir} (${plan.result.replications} replications, seed ${plan.result.seed})`,
    `fidelity ${sig(f.value)}${f.auto ? ` (auto: ${f.auto.reason})` : ''}: θ = ${sig(f.threshold)}, depth ${f.depth}; mode ${plan.mode}; target ${plan.target}`,
    `start at ${sig(plan.startAt, 6)} s of the simulated horizon, ${sig(plan.duration, 6)} s of traffic; dilation ${plan.dilation.reason}`,
    '',
  ];
  const rows: string[][] = [['node', 'action', 'P(fail) [lo, hi]', 'replicas', 'workers', 'busy', 'queued', 'cores', 'memory', 'why']];
  for (const n of plan.nodes) {
    const p = n.pFail ? `${sig(n.pFail.mean, 2)} [${sig(n.pFail.lo, 2)}, ${sig(n.pFail.hi, 2)}]` : '-';
    const e = n.emulator;
    // The P(fail) column already shows reasons[0]; keep only its verdict.
    const first = n.reasons[0] ?? '';
    const why = [...(first.endsWith(': critical') ? ['critical'] : []), ...n.reasons.slice(1)].join('; ') || first;
    rows.push([
      n.id, n.action, p,
      e ? String(e.replicas) : '', e ? String(e.workersPerReplica) : '', e ? String(e.initial.busy) : '', e ? String(e.initial.queued) : '',
      e ? sig(e.cores, 2) : '', e ? mib(e.memoryBytes) : '',
      n.action === 'stub' && n.stub ? `${why} (p50 ${sig(n.stub.latency.p50 * 1000)} ms, errors ${sig(n.stub.errorRate * 100)} %)` : why,
    ]);
  }
  out.push(...table(rows), '');
  if (plan.traffic.length > 0) {
    const t: string[][] = [['entry', 'node', 'source', 'step s', 'rate req/s (min..max)', 'process']];
    for (const s of plan.traffic) {
      const src = s.source.kind === 'forecast-path' ? `${s.source.series} path ${s.source.path}`
        : s.source.kind === 'forecast-quantile' ? `${s.source.series} q${s.source.quantile}`
        : s.source.kind === 'profile' ? `profile ${s.source.file}` : 'constant';
      t.push([s.entry, s.node, src, sig(s.step, 4), `${sig(Math.min(...s.rates))}..${sig(Math.max(...s.rates))}`, s.process]);
    }
    out.push(...table(t), '');
  }
  const c = plan.cost, b = plan.budget;
  out.push(`cost: ${c.processes}/${b.processes} processes, ${sig(c.cores, 3)}/${sig(b.cores)} cores, ${mib(c.memoryBytes)}/${mib(b.memoryBytes)}, ${sig(c.shadowSeconds, 4)} s of wall time, ${Math.round(c.requests)} requests injected`);
  if (plan.dropped.length > 0) out.push(`DROPPED (budget too small for the critical set): ${plan.dropped.join(', ')}`);
  if (plan.trimmed.length > 0) out.push(`trimmed support nodes (budget): ${plan.trimmed.join(', ')}`);
  for (const w of plan.warnings) out.push(`warning: ${w}`);
  return out.join('\n') + '\n';
}
