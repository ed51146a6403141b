/**
 * The nightly report as one self-contained HTML page: a table per section of
 * the data contract (runs/nightly/report-data.ts). This is the plain version
 * the nightly pipeline ships with; the charted renderer (vega-lite to inline
 * SVG, runs/report/vega-svg.ts) takes its place with the same signature.
 */
import type { NightlyReportData, ReportInterval } from '../nightly/report-data.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const pct = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)} %`);
const ci = (i: ReportInterval | null): string => (i ? `${pct(i.mean)} [${pct(i.lo)}, ${pct(i.hi)}]` : '–');
const num = (x: number | null | undefined, digits = 2): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const dur = (s: number): string => (s >= 3600 ? `${(s / 3600).toFixed(1)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`);

function tableHtml(caption: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = header.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.length ? rows.map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`).join('\n') : `<tr><td colspan="${header.length}">none</td></tr>`;
  return `<table><caption>${esc(caption)}</caption><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export async function renderNightlyReport(data: NightlyReportData): Promise<string> {
  const r = data.run;
  const sections: string[] = [];
  const atRisk = data.nodes.filter((n) => n.pFail.hi > r.threshold);
  sections.push(`<h1>Nightly report: ${esc(r.twin)}</h1><p>Run ${esc(r.id)}, ${esc(r.createdAt)}: ${r.replications} replications of ${dur(r.horizonSeconds)}, seed ${r.seed}, ${pct(r.level)} intervals. ` +
    `${atRisk.length ? `<strong>${atRisk.length} node(s) above the risk threshold ${pct(r.threshold)}</strong>: ${esc(atRisk.map((n) => n.node).join(', '))}.` : `No node above the risk threshold ${pct(r.threshold)}.`}</p>`);
  sections.push('<h2>Forecasts</h2>');
  for (const f of data.forecasts) {
    sections.push(tableHtml(`${f.series} (${f.unit}), model ${f.model}: forecast bands`, ['time', 'p05', 'p25', 'p50', 'p75', 'p95'], f.bands.map((b) => [b.time, num(b.p05), num(b.p25), num(b.p50), num(b.p75), num(b.p95)])));
    sections.push(tableHtml(`${f.series}: recent history (${f.history.length} points)`, ['time', 'value'], f.history.map((h) => [h.time, num(h.value)])));
  }
  sections.push('<h2>P(fail) per node</h2>', tableHtml('riskiest first', ['node', 'P(fail) [interval]', 'condition', 'TTF P10', 'TTF P50', 'TTF P90', 'utilization', 'p99'], data.nodes.map((n) => [
    n.node, ci(n.pFail), n.mainCondition ?? '–', n.timeToFailure ? dur(n.timeToFailure.p10) : '–', n.timeToFailure ? dur(n.timeToFailure.p50) : '–', n.timeToFailure ? dur(n.timeToFailure.p90) : '–',
    pct(n.utilization), n.p99Seconds === null ? '–' : `${(n.p99Seconds * 1000).toFixed(1)} ms`,
  ])));
  const hours = [...new Set(data.heatmap.map((c) => c.hour))].sort((a, b) => a - b);
  const heatNodes = [...new Set(data.heatmap.map((c) => c.node))];
  sections.push('<h2>P(breach) by node and hour</h2>', tableHtml('share of replications breaching in each hour of the horizon', ['node', ...hours.map((h) => `h${h}`)], heatNodes.map((n) => [n, ...hours.map((h) => pct(data.heatmap.find((c) => c.node === n && c.hour === h)?.pBreach))])));
  const ttf = data.nodes.filter((n) => n.timeToFailure).sort((a, b) => a.timeToFailure!.p50 - b.timeToFailure!.p50);
  sections.push('<h2>Time until failure</h2>', tableHtml('ranked by median time to first failure', ['node', 'P10', 'P50', 'P90', 'P(fail)'], ttf.map((n) => [n.node, dur(n.timeToFailure!.p10), dur(n.timeToFailure!.p50), dur(n.timeToFailure!.p90), ci(n.pFail)])));
  sections.push('<h2>Topology</h2>', tableHtml('nodes by P(fail) upper bound', ['node', 'P(fail) upper bound'], data.topology.nodes.map((n) => [n.id, pct(n.pFailHi)])),
    tableHtml('edges (calls and routes)', ['from', 'to'], data.topology.edges.map((e) => [e.from, e.to])));
  sections.push('<h2>Mitigations</h2>', tableHtml('candidates re-simulated on common random numbers', ['strategy', 'worst P(fail) upper bound', 'extra cost', 'verdict', 'Pareto', 'chosen'], data.mitigations.map((m) => [m.description, pct(m.riskHi), num(m.cost), m.verdict, m.pareto ? 'yes' : 'no', m.chosen ? 'yes' : ''])));
  sections.push('<h2>Calibration</h2>', tableHtml("last nights' forecasts against what happened", ['night', 'series', '80 % coverage', '95 % coverage', 'MASE'], data.calibration.map((c) => [c.night, c.series, pct(c.coverage80), pct(c.coverage95), num(c.mase)])));
  sections.push('<h2>What changed since last night</h2>', data.changes === null ? '<p>First night: nothing to compare with.</p>' : tableHtml('P(fail) last night and tonight', ['node', 'before', 'now', 'change'], data.changes.map((c) => [c.node, ci(c.before), ci(c.now), c.change])));
  if (data.warnings.length) sections.push('<h2>Warnings</h2>', `<ul>${data.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`);
  const style = 'body{font-family:sans-serif;margin:2em;max-width:80em}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}td:first-child{text-align:left}caption{text-align:left;font-weight:bold}';
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>shadowcast nightly: ${esc(r.twin)}</title><style>${style}</style></head><body>\n${sections.join('\n')}\n</body></html>\n`;
}
