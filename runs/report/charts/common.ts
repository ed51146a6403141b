/**
 * What every chart spec of the HTML reports shares: the size, the font (a
 * generic family, so that the page loads no font), UTC time axes, and the
 * risk colour scale. The builders in this folder are pure functions from
 * report data to a Vega-Lite spec; runs/report/vega-svg.ts draws them.
 */
import type { VegaLiteSpec } from '../vega-svg.js';

export type { VegaLiteSpec };

/** Plot width in pixels (the page is laid out for about 760 px of chart). */
export const CHART_WIDTH = 600;

/** Row height of charts with one row per node (P(fail), heatmap, time to failure). */
export const ROW_STEP = 14;

/**
 * Shared config: a generic font family (nothing to load), no view frame, and
 * no ARIA labels per mark: each chart's figure carries one label and the table
 * under it is the accessible reading, while per-mark labels would triple the
 * size of a 100-node heatmap.
 */
export const CHART_CONFIG = {
  aria: false,
  font: 'sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, labelLimit: 220 },
  legend: { labelFontSize: 11, titleFontSize: 12 },
  title: { fontSize: 14, anchor: 'start' as const },
} as const;

/** Sequential scheme for probabilities of failure or breach, on the fixed domain [0, 1] so that colours mean the same in every chart. */
export const RISK_SCHEME = 'yelloworangered';

/** The upper end of a probability axis: the data's maximum with some room, never above 1, never below a tenth. */
export function probabilityAxisMax(values: readonly number[]): number {
  const top = Math.max(0.1, ...values) * 1.1;
  return Math.min(1, Math.ceil(top * 20) / 20);
}
