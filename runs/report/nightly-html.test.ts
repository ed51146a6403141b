import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { NightlyReportData } from '../nightly/report-data.js';
import { CONTENT_SECURITY_POLICY } from './html-page.js';
import { renderNightlyReport } from './nightly-html.js';
import { buildReportData } from './report-test-support.js';

const charts = (html: string) => [...html.matchAll(/<figure class="chart" data-chart="([^"]+)"[^>]*>(<svg[\s\S]*?<\/svg>)<\/figure>/g)].map((m) => ({ name: m[1]!, svg: m[2]! }));
const sectionOf = (html: string, id: string) => {
  const start = html.indexOf(`<section id="${id}">`);
  assert.ok(start >= 0, `section ${id}`);
  return html.slice(start, html.indexOf('</section>', start));
};

test('every section draws its chart, with a table under it, and nothing is loaded from anywhere', async () => {
  const data = buildReportData();
  const html = await renderNightlyReport(data);
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  assert.ok(html.includes(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`));
  assert.ok(CONTENT_SECURITY_POLICY.startsWith("default-src 'none'"));
  const names = charts(html).map((c) => c.name);
  assert.equal(names, ['forecast-0', 'forecast-1', 'forecast-2', 'pfail', 'heatmap', 'time-to-failure', 'topology', 'mitigations', 'calibration', 'changes']);
  for (const c of charts(html)) {
    assert.ok(/class="mark-(rect|symbol|area|line|rule|text)/.test(c.svg), `${c.name} has marks`);
    // The table follows the chart directly.
    const after = html.slice(html.indexOf(`data-chart="${c.name}"`));
    assert.ok(after.indexOf('<table>') < after.indexOf('</section>'), `${c.name} has a table`);
  }
  assert.not.ok(/<script|<iframe|<object|<embed|@import|url\((?!#)/i.test(html), 'no script, frame or CSS load');
  // Attributes that could load: only fragment links and the empty data: icon.
  for (const m of html.matchAll(/\s(?:src|href|xlink:href|action)="([^"]*)"/g)) assert.ok(m[1]!.startsWith('#') || m[1] === 'data:,', `loads ${m[1]}`);
});

test('strings from the data are escaped in text, attributes and the SVG', async () => {
  const html = await renderNightlyReport(buildReportData());
  assert.not.ok(html.includes('<primary>'), 'raw < from a node name');
  assert.not.ok(html.includes('<friends>'), 'raw < from the twin name');
  assert.not.ok(html.includes('<filled'), 'raw < from a warning');
  assert.ok(html.includes('db &lt;primary&gt; &amp; &quot;quoted&quot; &#39;single&#39;'), 'the node name escaped in the tables');
  const heat = charts(html).find((c) => c.name === 'heatmap')!.svg;
  assert.ok(heat.includes('db &lt;primary&gt; &amp;'), 'the node name escaped in the SVG axis');
  assert.ok(html.includes('<h1>Nightly report: shop &amp; &lt;friends&gt;</h1>'));
});

test('P(fail) is listed highest first, the time to failure soonest first, and at-risk nodes are counted', async () => {
  const data = buildReportData();
  const html = await renderNightlyReport(data);
  const risk = sectionOf(html, 'risk');
  const listed = [...risk.matchAll(/<tr><th>[^<]*<\/th><td>(?:&lt;)?([\d.]+)%/g)].map((m) => Number(m[1]));
  assert.is(listed.length, data.nodes.length);
  assert.equal(listed, [...listed].sort((a, b) => b - a));
  const ttf = sectionOf(html, 'time-to-failure');
  const ranks = [...ttf.matchAll(/<tr><th>(\d+)<\/th><td>[^<]*<\/td><td class="num">[^<]*<\/td><td class="num">([\d.]+)h/g)].map((m) => Number(m[2]));
  assert.is(ranks.length, data.nodes.filter((n) => n.timeToFailure).length);
  assert.equal(ranks, [...ranks].sort((a, b) => a - b));
  const atRisk = data.nodes.filter((n) => n.pFail.hi > data.run.threshold).length;
  assert.ok(atRisk > 0);
  assert.ok(html.includes(`${atRisk} of ${data.nodes.length} nodes at risk`));
});

test('the mitigation costs carry their unit: the table header, the chosen line, the chart axis; data without one means core-hours', async () => {
  const data = buildReportData();
  const m = sectionOf(await renderNightlyReport(data), 'mitigations');
  assert.ok(m.includes('<th scope="col">cost (USD)</th>'), 'table header');
  assert.match(m, /cost [\d.]+ USD\)/);
  assert.ok(m.includes('extra cost (USD)'), 'the chart axis title');
  const old = sectionOf(await renderNightlyReport({ ...data, mitigations: data.mitigations.map(({ costUnit: _, ...rest }) => rest) }), 'mitigations');
  assert.ok(old.includes('<th scope="col">cost (core-hours)</th>'));
});

test('the mitigations say why none was chosen, when the replications cannot meet the target, over what horizon, with each paired change and its replications', async () => {
  const base = buildReportData();
  const data: NightlyReportData = {
    ...base,
    run: { ...base.run, horizonSeconds: 86_400, level: 0.95, threshold: 0.3 },
    mitigations: [{ id: 'scale-ad', description: 'scale ad to 3 replicas', riskHi: 0.324, cost: 1.5, costUnit: 'USD', verdict: 'better', pareto: true, chosen: false, change: { node: 'ad', mean: -0.875, lo: -1, hi: -0.6 }, replications: 8 }],
    mitigation: { explanation: 'Objective: the cheapest better strategy under 30.0 %. None met it: the best better one, scale-ad, leaves the upper bound at 32.4 %; nothing is proposed.', horizonSeconds: 6 * 3600, replications: 8, target: 0.3, replicationsNeeded: 9 },
  };
  const m = sectionOf(await renderNightlyReport(data), 'mitigations');
  assert.match(m, 'No candidate was chosen. Objective: the cheapest better strategy under 30.0 %. None met it: the best better one, scale-ad, leaves the upper bound at 32.4 %');
  assert.match(m, 'The target cannot be met with 8 replications');
  assert.match(m, 'about 9 replications are needed');
  assert.match(m, 'mitigation horizon of 6.0h');
  assert.match(m, 'not the night&#39;s P(fail) over the forecast horizon of 24.0h');
  assert.match(m, '<th scope="col">paired change [95 %]</th>');
  assert.match(m, '<th scope="col">replications</th>');
  assert.match(m, '−87.5 pp [−100.0, −60.0] (ad)');
  assert.match(m, '<td class="num">8</td>');
  // Data written before these fields: still drawn, the cells left empty.
  const { mitigation: _, ...old } = data;
  const o = sectionOf(await renderNightlyReport({ ...old, mitigations: old.mitigations.map(({ change: _c, replications: _r, ...rest }) => rest) }), 'mitigations');
  assert.match(o, 'No candidate was chosen.');
  assert.not.match(o, 'cannot be met');
});

test('empty sections say so instead of drawing an empty chart', async () => {
  const full = buildReportData();
  const data: NightlyReportData = {
    ...full, mitigations: [], calibration: [], changes: null, heatmap: [], forecasts: [], warnings: [],
    nodes: full.nodes.map((n) => ({ ...n, timeToFailure: null })),
  };
  const html = await renderNightlyReport(data);
  assert.equal(charts(html).map((c) => c.name), ['pfail', 'topology']);
  assert.ok(sectionOf(html, 'mitigations').includes('No mitigation was evaluated'));
  assert.ok(sectionOf(html, 'calibration').includes('No past night has been scored yet'));
  assert.ok(sectionOf(html, 'changes').includes('First night'));
  assert.ok(sectionOf(html, 'heatmap').includes('No hourly breach figures'));
  assert.ok(sectionOf(html, 'time-to-failure').includes('No node failed'));
  assert.ok(sectionOf(html, 'warnings').includes('No warnings.'));
  const unchanged = await renderNightlyReport({ ...data, changes: full.changes!.map((c) => ({ ...c, change: 'same' as const })) });
  assert.ok(sectionOf(unchanged, 'changes').includes(`Nothing changed: 0 nodes changed; ${full.nodes.length} unchanged`));
  assert.not.ok(sectionOf(unchanged, 'changes').includes('<figure'));
});

test('the same data gives the same bytes', async () => {
  const a = await renderNightlyReport(buildReportData({ nodes: 12, seed: 3 }));
  const b = await renderNightlyReport(buildReportData({ nodes: 12, seed: 3 }));
  assert.ok(a === b);
});

test('100 nodes × 24 h with a week of history per forecast stays under 2 MB', async () => {
  const data = buildReportData({ nodes: 100, hours: 24, forecasts: 8, historyPoints: 7 * 288, mitigations: 30, calibrationNights: 14 });
  assert.is(data.heatmap.length, 2400);
  const html = await renderNightlyReport(data);
  const bytes = Buffer.byteLength(html);
  assert.ok(bytes <= 2 * 1024 * 1024, `${bytes} bytes`);
  const heat = charts(html).find((c) => c.name === 'heatmap')!.svg;
  assert.is((heat.match(/<path d="M[^"]*" fill="rgb/g) ?? []).length, 2400, 'one cell per node and hour');
});

test.run();
