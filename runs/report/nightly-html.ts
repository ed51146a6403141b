/**
 * The nightly report as one self-contained HTML file: every chart a Vega-Lite
 * spec (runs/report/charts/) drawn to inline SVG (vega-svg.ts), a plain table
 * under each, every string from the data escaped, and a Content-Security-Policy
 * that forbids all loads (html-page.ts). A section with nothing to draw says so
 * instead of drawing an empty chart. Pure: the same data gives the same bytes.
 */
import type { NightlyReportData, ReportChange, ReportForecast } from '../nightly/report-data.js';
import { calibrationChartSpec } from './charts/calibration.js';
import { changesChartSpec, movedNodes } from './charts/changes.js';
import { fanChartSpec } from './charts/fan.js';
import { breachHeatmapSpec, nodesByPeakBreach } from './charts/heatmap.js';
import { paretoChartSpec } from './charts/pareto.js';
import { pFailChartSpec, sortByRisk } from './charts/pfail.js';
import { rankTimeToFailure, timeToFailureSpec } from './charts/time-to-failure.js';
import { topologyChartSpec } from './charts/topology.js';
import { chartFigure, emptyNote, escapeHtml, htmlPage, htmlTable, section, type Cell } from './html-page.js';
import { duration, figure, latency, percent, percentInterval } from './report-numbers.js';
import { renderVegaLiteSvg, type VegaLiteSpec } from './vega-svg.js';

/** History rows in the table under a fan chart (the chart draws all of it). */
const HISTORY_TABLE_ROWS = 24;

async function chart(name: string, label: string, spec: VegaLiteSpec): Promise<string> {
  return chartFigure(name, await renderVegaLiteSvg(spec), label);
}

function header(d: NightlyReportData, atRisk: number): string {
  const r = d.run;
  const ci = `${Math.round(r.level * 100)} %`;
  const verdict = atRisk === 0
    ? `No node's P(fail) upper bound is above the threshold of ${percent(r.threshold)}.`
    : `<span class="risk">${atRisk} of ${d.nodes.length} node${d.nodes.length === 1 ? '' : 's'} at risk</span>: P(fail) upper bound above the threshold of ${percent(r.threshold)}.`;
  return [
    `<h1>Nightly report: ${escapeHtml(r.twin)}</h1>`,
    `<p class="meta">run ${escapeHtml(r.id)} · ${escapeHtml(r.createdAt)} · seed ${r.seed} · ${r.replications} replications · horizon ${duration(r.horizonSeconds)} · ${ci} intervals</p>`,
    `<p>${verdict}</p>`,
  ].join('\n');
}

const SECTIONS: readonly (readonly [string, string])[] = [
  ['warnings', 'Warnings'], ['forecasts', 'Forecasts'], ['risk', 'P(fail) per node'], ['heatmap', 'P(breach) by hour'],
  ['time-to-failure', 'Time until failure'], ['topology', 'Topology by risk'], ['mitigations', 'Mitigations'],
  ['calibration', 'Calibration of past forecasts'], ['changes', 'What changed since last night'],
];

function contents(): string {
  return `<nav><ul>${SECTIONS.map(([id, title]) => `<li><a href="#${id}">${escapeHtml(title)}</a></li>`).join('')}</ul></nav>`;
}

function warnings(d: NightlyReportData): string {
  const body = d.warnings.length === 0 ? emptyNote('No warnings.') : `<ul class="warnings">${d.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('\n')}</ul>`;
  return section('warnings', 'Warnings', body);
}

async function forecast(f: ReportForecast, i: number): Promise<string> {
  const hist = f.history.slice(-HISTORY_TABLE_ROWS);
  const rows: Cell[][] = [
    ...hist.map((h) => [h.time, figure(h.value), null, null, null, null, null]),
    ...f.bands.map((b) => [b.time, null, figure(b.p05), figure(b.p25), figure(b.p50), figure(b.p75), figure(b.p95)]),
  ];
  const caption = `${f.series} (${f.unit}): ${hist.length < f.history.length ? `the last ${hist.length} of ${f.history.length} history points` : `${hist.length} history points`}, then ${f.bands.length} forecast steps`;
  const drawn = f.bands.length + f.history.length > 0
    ? await chart(`forecast-${i}`, `forecast fan chart of ${f.series}`, fanChartSpec(f))
    : emptyNote(`${f.series}: no history and no forecast points.`);
  return `<h3>${escapeHtml(f.series)}</h3>\n${drawn}\n${htmlTable(['time', 'actual', 'p05', 'p25', 'p50', 'p75', 'p95'], rows, caption)}`;
}

async function forecasts(d: NightlyReportData): Promise<string> {
  if (d.forecasts.length === 0) return section('forecasts', 'Forecasts', emptyNote('This run had no forecast: the load came from the twin file.'));
  const parts: string[] = [];
  for (const [i, f] of d.forecasts.entries()) parts.push(await forecast(f, i));
  return section('forecasts', 'Forecasts', parts.join('\n'));
}

async function risk(d: NightlyReportData): Promise<string> {
  if (d.nodes.length === 0) return section('risk', 'P(fail) per node', emptyNote('The run reported no nodes.'));
  const ci = `${Math.round(d.run.level * 100)} %`;
  const rows = sortByRisk(d.nodes).map((n) => [
    n.node, percentInterval(n.pFail), n.pFail.hi > d.run.threshold ? 'at risk' : 'below', n.mainCondition,
    n.utilization === null ? null : percent(n.utilization), n.p99Seconds === null ? null : latency(n.p99Seconds),
  ]);
  return section('risk', 'P(fail) per node', [
    await chart('pfail', 'P(fail) per node with intervals', pFailChartSpec(d.nodes, d.run.threshold, d.run.level)),
    htmlTable(['node', `P(fail) [${ci}]`, `vs ${percent(d.run.threshold)}`, 'condition first triggered', 'utilization', 'p99'], rows, undefined, 4),
  ].join('\n'));
}

async function heatmap(d: NightlyReportData): Promise<string> {
  if (d.heatmap.length === 0) return section('heatmap', 'P(breach) by hour', emptyNote('No hourly breach figures in this run.'));
  const hours = Math.max(...d.heatmap.map((c) => c.hour)) + 1;
  const byNode = new Map<string, (number | undefined)[]>();
  for (const c of d.heatmap) {
    const row = byNode.get(c.node) ?? new Array<number | undefined>(hours);
    row[c.hour] = c.pBreach;
    byNode.set(c.node, row);
  }
  const rows = nodesByPeakBreach(d.heatmap).map((node) => [node, ...Array.from(byNode.get(node)!, (p) => (p === undefined ? null : percent(p)))]);
  return section('heatmap', 'P(breach) by hour', [
    // The two figures judge different windows; without this a breach at P(fail) 0 reads as a contradiction.
    `<p>${escapeHtml('A breach is judged per report window of the simulation (utilization over the SLO, or an error rate over it across at least 20 outcomes) and counts the hour of a first failure; P(fail) is judged per SLO window. The two can differ: a node may breach in some hour while its P(fail) is 0 %, for instance when its report windows are long enough to reach 20 outcomes and its SLO windows are not.')}</p>`,
    await chart('heatmap', 'heatmap of P(breach) per node and hour', breachHeatmapSpec(d.heatmap)),
    htmlTable(['node', ...Array.from({ length: hours }, (_, h) => `h${h}`)], rows, 'share of replications breaching in each hour of the horizon'),
  ].join('\n'));
}

async function timeToFailure(d: NightlyReportData): Promise<string> {
  const ranked = rankTimeToFailure(d.nodes);
  if (ranked.length === 0) return section('time-to-failure', 'Time until failure', emptyNote('No node failed in any replication: nothing fills up within the horizon.'));
  const rows = ranked.map((r, i) => [String(i + 1), r.node, duration(r.p10), duration(r.p50), duration(r.p90)]);
  return section('time-to-failure', 'Time until failure', [
    await chart('time-to-failure', 'time to failure P10, P50, P90 per node', timeToFailureSpec(ranked, d.run.horizonSeconds)),
    htmlTable(['rank', 'node', 'P10', 'P50', 'P90'], rows, 'time to first failure over the failing replications, soonest median first', 2),
  ].join('\n'));
}

async function topology(d: NightlyReportData): Promise<string> {
  if (d.topology.nodes.length === 0) return section('topology', 'Topology by risk', emptyNote('The run carried no topology.'));
  const calls = new Map<string, string[]>();
  for (const e of d.topology.edges) calls.set(e.from, [...(calls.get(e.from) ?? []), e.to]);
  const rows = [...d.topology.nodes]
    .sort((a, b) => b.pFailHi - a.pFailHi || a.id.localeCompare(b.id))
    .map((n) => [n.id, percent(n.pFailHi), (calls.get(n.id) ?? []).join(', ') || null]);
  return section('topology', 'Topology by risk', [
    await chart('topology', 'topology coloured by P(fail) upper bound', topologyChartSpec(d.topology, d.run.threshold)),
    htmlTable(['node', 'P(fail) upper bound', 'calls'], rows, 'callers are drawn left of the nodes they call; a dark ring marks a node above the threshold'),
  ].join('\n'));
}

/** The candidates' cost unit (the policy's); data written before costs were priced has none and means core-hours. */
const costUnitOf = (ms: NightlyReportData['mitigations']): string => [...new Set(ms.map((m) => m.costUnit ?? 'core-hours'))].join(' / ');

/** A paired change in percentage points with its interval: "−12.5 pp [−25.0, −2.1]". */
const pointsInterval = (c: { mean: number; lo: number; hi: number }): string => {
  const pp = (x: number) => (100 * x).toFixed(1).replace(/^-/, '−');
  return `${pp(c.mean)} pp [${pp(c.lo)}, ${pp(c.hi)}]`;
};

/** What the candidates' figures are about: the horizon they ran (not the night's), the pairing, the level; and a target this count cannot reach. */
function mitigationContext(d: NightlyReportData): string {
  const m = d.mitigation;
  const ci = `${Math.round(d.run.level * 100)} %`;
  const parts: string[] = [];
  if (m) {
    parts.push(`Each candidate was simulated over the mitigation horizon of ${duration(m.horizonSeconds)} from the start, on up to ${m.replications} replications paired with the baseline's (common random numbers): its P(fail) is within those ${duration(m.horizonSeconds)}, not the night's P(fail) over the forecast horizon of ${duration(d.run.horizonSeconds)} in the sections above.`);
  } else {
    parts.push("Each candidate was simulated over the config's mitigation horizon, paired with the baseline (common random numbers): its P(fail) is within that horizon, not over the night's forecast horizon.");
  }
  parts.push(`The paired change is candidate − baseline P(fail) of its least improving addressed node, with its ${ci} interval (negative is better).`);
  if (m && m.replicationsNeeded !== null) {
    parts.push(`The target cannot be met with ${m.replications} replications: a candidate that removes every failure (0 failures in ${m.replications}) still has a ${ci} upper bound at or above the target of ${percent(m.target)}; about ${m.replicationsNeeded} replications are needed (mitigation.replications).`);
  }
  return `<p>${escapeHtml(parts.join(' '))}</p>`;
}

async function mitigations(d: NightlyReportData): Promise<string> {
  if (d.mitigations.length === 0) {
    return section('mitigations', 'Mitigations', emptyNote(d.mitigation ? `No mitigation was evaluated in this run: ${d.mitigation.explanation}` : 'No mitigation was evaluated in this run.'));
  }
  const rows = [...d.mitigations]
    .sort((a, b) => Number(b.chosen) - Number(a.chosen) || a.riskHi - b.riskHi || a.cost - b.cost || a.id.localeCompare(b.id))
    .map((m) => [
      m.id, m.description, percent(m.riskHi), m.change ? `${pointsInterval(m.change)} (${m.change.node})` : null,
      m.replications === undefined ? null : String(m.replications), figure(m.cost), m.verdict, m.pareto ? 'yes' : 'no', m.chosen ? 'chosen' : null,
    ]);
  const chosen = d.mitigations.find((m) => m.chosen);
  const unit = costUnitOf(d.mitigations);
  const horizon = d.mitigation ? ` within ${duration(d.mitigation.horizonSeconds)}` : '';
  const lead = chosen
    ? `<p>Chosen: <strong>${escapeHtml(chosen.id)}</strong>: ${escapeHtml(chosen.description)} (worst P(fail) upper bound${horizon} ${percent(chosen.riskHi)}${chosen.change ? `, paired change ${pointsInterval(chosen.change)}` : ''}, cost ${figure(chosen.cost)} ${escapeHtml(unit)}).</p>`
    : emptyNote(d.mitigation ? `No candidate was chosen. ${d.mitigation.explanation}` : 'No candidate was chosen.');
  return section('mitigations', 'Mitigations', [
    lead,
    mitigationContext(d),
    await chart('mitigations', 'mitigation candidates: risk against cost, Pareto front', paretoChartSpec(d.mitigations, d.run.threshold, `extra cost (${unit})`)),
    htmlTable(['candidate', 'what it does', `worst P(fail) upper${horizon}`, `paired change [${Math.round(d.run.level * 100)} %]`, 'replications', `cost (${unit})`, 'verdict', 'Pareto', ''], rows, undefined, 2),
  ].join('\n'));
}

async function calibration(d: NightlyReportData): Promise<string> {
  if (d.calibration.length === 0) return section('calibration', 'Calibration of past forecasts', emptyNote('No past night has been scored yet: calibration shows from the second night on.'));
  const rows = [...d.calibration]
    .sort((a, b) => b.night.localeCompare(a.night) || a.series.localeCompare(b.series))
    .map((c) => [c.night, c.series, percent(c.coverage80), percent(c.coverage95), c.mase === null ? null : c.mase.toFixed(3)]);
  return section('calibration', 'Calibration of past forecasts', [
    await chart('calibration', 'forecast interval coverage per night against the nominal 80 % and 95 %', calibrationChartSpec(d.calibration)),
    htmlTable(['night', 'series', 'inside 80 % (nominal 80 %)', 'inside 95 % (nominal 95 %)', 'MASE'], rows, undefined, 2),
  ].join('\n'));
}

function changeCell(i: ReportChange['before']): string | null {
  return i === null ? null : percentInterval(i);
}

async function changes(d: NightlyReportData): Promise<string> {
  const title = 'What changed since last night';
  if (d.changes === null) return section('changes', title, emptyNote('First night: there is no previous run to compare with.'));
  const moved = movedNodes(d.changes);
  const same = d.changes.length - moved.length;
  const bound = d.changes.filter((c) => c.change === 'bound moved').map((c) => c.node);
  const levels = d.changes.some((c) => c.change === 'levels differ');
  const note = `${moved.length} node${moved.length === 1 ? '' : 's'} changed; ${same} unchanged (last night's and tonight's intervals, both at tonight's ${percent(d.run.level)} level from their failure counts, overlap).`
    + (bound.length ? ` Unchanged although the upper bound crossed the threshold (the bound moved with the replication count or the level, not with evidence): ${bound.join(', ')}.` : '')
    + (levels ? " Last night's intervals were at another level than tonight's: they are shown as recorded, and compared at tonight's level." : '');
  if (moved.length === 0) return section('changes', title, emptyNote(`Nothing changed: ${note}`));
  const rows = moved.map((c) => [c.node, c.change, changeCell(c.before), percentInterval(c.now)]);
  return section('changes', title, [
    `<p>${escapeHtml(note)}</p>`,
    await chart('changes', "P(fail) last night and tonight for the nodes that changed", changesChartSpec(moved)),
    htmlTable(['node', 'change', 'P(fail) last night', 'P(fail) tonight'], rows, undefined, 2),
  ].join('\n'));
}

export async function renderNightlyReport(data: NightlyReportData): Promise<string> {
  const atRisk = data.nodes.filter((n) => n.pFail.hi > data.run.threshold).length;
  const body = [
    header(data, atRisk),
    contents(),
    warnings(data),
    await forecasts(data),
    await risk(data),
    await heatmap(data),
    await timeToFailure(data),
    await topology(data),
    await mitigations(data),
    await calibration(data),
    await changes(data),
  ].join('\n');
  return htmlPage(`shadowcast nightly: ${data.run.twin} ${data.run.createdAt}`, body);
}
