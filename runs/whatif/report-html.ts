/**
 * report.html of a what-if batch: one self-contained file (inline SVG drawn
 * by vega-lite through runs/report/vega-svg.ts, no script, no network), with
 * a plain table under each chart:
 *  - the worst P(fail) upper bound of each cell over the first two axes
 *    (further axes join the row label), the cells under the target marked;
 *  - P(fail) upper bound against cost (core-hours), one point per cell;
 *  - P(fail) per node and cell;
 *  - the --find decision in words.
 */
import type { CellFigures } from '../../twins/whatif/figures.js';
import { cellVerdict, meetsTarget, type FindResult } from '../../twins/whatif/find.js';
import type { Batch } from '../../twins/whatif/types.js';
import { renderVegaLiteSvg, type VegaLiteSpec } from '../report/vega-svg.js';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const pct = (x: number | null): string => (x === null || !Number.isFinite(x) ? '–' : `${(100 * x).toFixed(1)} %`);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const tr = (cells: readonly string[], tag: 'th' | 'td') => `<tr>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  return `<table>${tr(header, 'th')}${rows.map((r) => tr(r, 'td')).join('')}</table>`;
}

/** Row and column of a cell in the heatmap: the first axis across, the others joined down. */
function heatPlace(batch: Batch, c: CellFigures): { x: string; y: string } {
  const [first, ...rest] = batch.axes;
  // One further axis: its value alone (the axis title names it); several: name=value each.
  const y = rest.length === 1 ? c.values[rest[0]!.name]! : rest.map((a) => `${a.name}=${c.values[a.name]}`).join(' ');
  return { x: c.values[first!.name]!, y: y || first!.name };
}

async function worstHeatmap(batch: Batch, cells: readonly CellFigures[]): Promise<string> {
  const target = batch.settings.target;
  const values = cells.map((c) => ({ ...heatPlace(batch, c), hi: c.worst.hi, node: c.worst.node, label: `${pct(c.worst.hi)}${meetsTarget(c, target) ? ' ✓' : cellVerdict(c, target) === 'undecided' ? ' ?' : ''}` }));
  const [first, ...rest] = batch.axes;
  const ySort = [...new Set(values.map((v) => v.y))];
  const spec: VegaLiteSpec = {
    title: `Worst P(fail) upper bound per cell (✓ = every node under ${pct(target)}, ? = undecided: an interval holds it)`,
    data: { values },
    encoding: {
      x: { field: 'x', type: 'ordinal', title: first!.name, sort: first!.values.map((v) => v.label) },
      y: { field: 'y', type: 'ordinal', title: rest.map((a) => a.name).join(' × ') || ' ', sort: ySort, axis: { labelLimit: 400 } },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'hi', type: 'quantitative', title: 'upper bound', scale: { domain: [0, 1], scheme: 'reds' } } } },
      { mark: { type: 'text', fontSize: 11 }, encoding: { text: { field: 'label', type: 'nominal' }, color: { condition: { test: 'datum.hi > 0.5', value: 'white' }, value: 'black' } } },
    ],
    width: Math.max(200, 70 * first!.values.length),
    height: Math.max(60, 28 * ySort.length),
  };
  return renderVegaLiteSvg(spec);
}

async function riskVsCost(batch: Batch, cells: readonly CellFigures[], find: FindResult | null): Promise<string> {
  const target = batch.settings.target;
  const values = cells.map((c) => ({ cell: c.id, coreHours: c.coreHours, hi: c.worst.hi, status: find?.chosen?.index === c.index ? 'chosen' : meetsTarget(c, target) ? 'under target' : 'over target' }));
  const spec: VegaLiteSpec = {
    title: 'Worst P(fail) upper bound against cost',
    layer: [
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 80 },
        encoding: {
          x: { field: 'coreHours', type: 'quantitative', title: 'core-hours', scale: { zero: false } },
          y: { field: 'hi', type: 'quantitative', title: 'worst P(fail) upper bound', scale: { domain: [0, 1] } },
          color: { field: 'status', type: 'nominal', scale: { domain: ['chosen', 'under target', 'over target'], range: ['#1a9850', '#91bfdb', '#d73027'] } },
        },
      },
      { data: { values: [{ target }] }, mark: { type: 'rule', strokeDash: [4, 4] }, encoding: { y: { field: 'target', type: 'quantitative' } } },
    ],
    width: 420, height: 260,
  };
  return renderVegaLiteSvg(spec);
}

async function nodeHeatmap(cells: readonly CellFigures[]): Promise<string> {
  const values = cells.flatMap((c) => c.nodes.map((n) => ({ cell: c.id, node: n.node, p: n.pFail.mean })));
  const nodes = cells[0]?.nodes.map((n) => n.node) ?? [];
  const spec: VegaLiteSpec = {
    title: 'P(fail) per node and cell',
    data: { values },
    mark: 'rect',
    encoding: {
      x: { field: 'node', type: 'nominal', sort: nodes, title: null },
      y: { field: 'cell', type: 'nominal', sort: cells.map((c) => c.id), title: null, axis: { labelLimit: 400 } },
      color: { field: 'p', type: 'quantitative', title: 'P(fail)', scale: { domain: [0, 1], scheme: 'reds' } },
    },
    width: Math.max(240, 40 * nodes.length), height: Math.max(60, 18 * cells.length),
  };
  return renderVegaLiteSvg(spec);
}

/**
 * vega numbers its gradient and clip ids from a counter of the process, so
 * the same chart renders with other ids the second time: the ids are
 * renumbered in order of appearance, so the file depends only on its data.
 */
export function renumberSvgIds(html: string): string {
  const ids = new Map<string, string>();
  const counters = new Map<string, number>();
  for (const [, id] of html.matchAll(/\bid="([A-Za-z_-]+?\d+)"/g)) {
    if (ids.has(id!)) continue;
    const prefix = /^(.*?)\d+$/.exec(id!)![1]!;
    const n = counters.get(prefix) ?? 0;
    counters.set(prefix, n + 1);
    ids.set(id!, `wi-${prefix}${n}`);
  }
  return html.replace(/(\bid="|url\(#|href="#)([A-Za-z_-]+?\d+)(?=[")])/g, (m, lead: string, id: string) => (ids.has(id) ? lead + ids.get(id)! : m));
}

export async function reportHtml(batch: Batch, twin: string, cells: readonly CellFigures[], find: FindResult | null, warnings: readonly string[] = []): Promise<string> {
  const s = batch.settings;
  const [heat, scatter, perNode] = await Promise.all([worstHeatmap(batch, cells), riskVsCost(batch, cells, find), nodeHeatmap(cells)]);
  const cellRows = cells.map((c) => [
    c.id, c.worst.node, pct(c.worst.hi), c.coreHours.toFixed(2), c.replicaHours.toFixed(2), cellVerdict(c, s.target),
    String(c.replications) + (c.stopping ? (c.stopping.stoppedEarly ? ' (stopped early)' : ' (the most)') : ''),
  ]);
  const nodeRows = cells.flatMap((c) => c.nodes.map((n) => [
    c.id, n.node, `${pct(n.pFail.mean)} [${pct(n.pFail.lo)}, ${pct(n.pFail.hi)}]`, n.condition ?? '',
    n.utilization.mean === null ? '–' : n.utilization.mean.toFixed(3), n.p99.mean === null ? '–' : `${(1000 * n.p99.mean).toFixed(1)} ms`,
    `${n.vsBase.pFail.mean.toFixed(3)} [${n.vsBase.pFail.lo.toFixed(3)}, ${n.vsBase.pFail.hi.toFixed(3)}]`,
  ]));
  const findSection = find
    ? `<h2>--find: ${find.chosen ? escapeHtml(find.chosen.id) : 'none'}</h2><p>${escapeHtml(find.explanation)}</p>` +
      (find.searches.length ? table(['row', 'fewest replicas', 'cells run', 'why'], find.searches.map((r) => [Object.entries(r.row).map(([a, v]) => `${a}=${v}`).join(' ') || '(all)', r.replicas === null ? 'none' : String(r.replicas), r.evaluated.join('; '), r.explanation])) : '')
    : '';
  return renumberSvgIds(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>what-if: ${escapeHtml(twin)}</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0 2em}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;font-size:13px}figure{margin:1em 0}</style>
</head><body>
<h1>What-if batch: ${escapeHtml(twin)}</h1>
<p>${escapeHtml(batch.source)}: ${cells.length} cells run, ${s.stopping ? `at most ${s.replications} replications (sequential stopping: a cell stops once every node's P(fail) interval is ${[s.stopping.whenClear ? 'clear of the target' : '', s.stopping.precision !== null ? `within ±${pct(s.stopping.precision)}` : ''].filter(Boolean).join(' or ')} at a look)` : `${s.replications} replications`} × ${s.horizon} s each, seed ${s.seed}, every cell on the same random streams (common random numbers); intervals at ${pct(s.confidence)}; target ${pct(s.target)} for every node's P(fail) upper bound. Changes against the base cell are paired replication by replication.</p>
${findSection}
${warnings.length ? `<h2>Warnings</h2><ul>${warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul>` : ''}
<figure>${heat}</figure>
${table(['cell', 'worst node', 'upper bound', 'core-hours', 'replica-hours', 'against the target', 'replications'], cellRows)}
<figure>${scatter}</figure>
${table(['cell', 'core-hours', 'worst upper bound'], cells.map((c) => [c.id, c.coreHours.toFixed(2), pct(c.worst.hi)]))}
<figure>${perNode}</figure>
${table(['cell', 'node', 'P(fail) [interval]', 'condition', 'utilization', 'p99', 'P(fail) change vs base [paired]'], nodeRows)}
</body></html>
`);
}
