/**
 * What changed since last night: for each node whose risk moved (intervals
 * that no longer overlap, new or resolved risks), last night's P(fail) as a
 * hollow dot, tonight's as a filled dot coloured by the kind of change, and a
 * line between them.
 */
import type { ReportChange } from '../../nightly/report-data.js';
import { CHART_CONFIG, CHART_WIDTH, probabilityAxisMax, ROW_STEP, type VegaLiteSpec } from './common.js';

const KINDS = ['new risk', 'higher', 'lower', 'resolved'] as const;
const KIND_COLOURS = ['#d62728', '#ff7f0e', '#2ca02c', '#17becf'];

/** The changes worth drawing (unchanged ones left out: 'same', 'bound moved', 'levels differ'), largest move first; ties by name. */
export function movedNodes(changes: readonly ReportChange[]): ReportChange[] {
  const move = (c: ReportChange) => Math.abs(c.now.mean - (c.before?.mean ?? 0));
  return changes.filter((c) => (KINDS as readonly string[]).includes(c.change)).sort((a, b) => move(b) - move(a) || a.node.localeCompare(b.node));
}

export function changesChartSpec(moved: readonly ReportChange[]): VegaLiteSpec {
  const values = moved.map((c) => ({ node: c.node, change: c.change, before: c.before?.mean ?? null, now: c.now.mean }));
  const xMax = probabilityAxisMax(values.flatMap((v) => [v.now, v.before ?? 0]));
  const x = { type: 'quantitative' as const, scale: { domain: [0, xMax], clamp: true }, axis: { format: '.0%' }, title: 'P(fail): last night (hollow) → tonight (filled)' };
  const y = { field: 'node', type: 'nominal' as const, sort: moved.map((c) => c.node), title: null };
  const withBefore = values.filter((v) => v.before !== null);
  return {
    width: CHART_WIDTH,
    height: { step: ROW_STEP + 4 },
    config: CHART_CONFIG,
    layer: [
      { data: { values: withBefore }, mark: { type: 'rule', color: '#999' }, encoding: { y, x: { ...x, field: 'before' }, x2: { field: 'now' } } },
      { data: { values: withBefore }, mark: { type: 'point', filled: false, size: 50, color: '#555' }, encoding: { y, x: { ...x, field: 'before' } } },
      {
        data: { values },
        mark: { type: 'point', filled: true, size: 60 },
        encoding: { y, x: { ...x, field: 'now' }, color: { field: 'change', type: 'nominal', scale: { domain: [...KINDS], range: KIND_COLOURS }, title: 'change' } },
      },
    ],
  };
}
