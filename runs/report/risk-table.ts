/** The one-screen table at the end of `shadowcast simulate`: nodes by risk, then entries. */
import type { Estimate, RiskReport } from '../../twins/risk.js';
import { table } from '../format.js';
import { duration } from './report-numbers.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const ms = (s: number | null) => (s === null ? '-' : s < 1 ? `${(s * 1000).toFixed(1)}ms` : `${s.toFixed(2)}s`);
const est = (e: Estimate, f: (x: number) => string) => (e.mean === null ? '-' : e.lo === null || e.hi === null ? f(e.mean) : `${f(e.mean)} [${f(e.lo)}, ${f(e.hi)}]`);

export function riskTable(risk: RiskReport): string {
  const ci = `${Math.round(risk.level * 100)}%`;
  const nodes = [...risk.nodes].sort((a, b) => b.pFail.mean - a.pFail.mean || a.id.localeCompare(b.id));
  const nodeRows = nodes.map((n) => [
    n.id,
    `${pct(n.pFail.mean)} [${pct(n.pFail.lo)}, ${pct(n.pFail.hi)}]`,
    n.mainCondition ?? '-',
    n.timeToFailure ? duration(n.timeToFailure.p50) : '-',
    est(n.figures.utilization, pct),
    est(n.figures.errorRate, pct),
    ms(n.latency.p99),
  ]);
  const entryRows = risk.entries.map((e) => [e.id, est(e.successRate, pct), ms(e.latency.p50), ms(e.latency.p99), est(e.arrivals, (x) => x.toFixed(0))]);
  return [
    table(['node', `P(fail) [${ci} Wilson]`, 'condition', 'ttf p50', `utilization [${ci}]`, `error rate [${ci}]`, 'p99'], nodeRows),
    '',
    table(['entry', `success rate [${ci}]`, 'p50', 'p99', 'requests/replication'], entryRows),
  ].join('\n');
}
