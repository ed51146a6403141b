/**
 * Forecast fan chart: recent history, the p05–p95 and p25–p75 bands and the
 * median of one forecast series, on a UTC time axis.
 */
import type { ReportForecast } from '../../nightly/report-data.js';
import { CHART_CONFIG, CHART_WIDTH, type VegaLiteSpec } from './common.js';

export type FanChartInput = Pick<ReportForecast, 'series' | 'unit' | 'history' | 'bands' | 'model'>;

const BAND_COLOUR = '#4c78a8';

export function fanChartSpec(f: FanChartInput): VegaLiteSpec {
  const x = { field: 'time', type: 'temporal' as const, scale: { type: 'utc' as const }, title: 'time (UTC)' };
  const bands = { values: f.bands.map((b) => ({ ...b })) };
  return {
    width: CHART_WIDTH,
    height: 200,
    config: CHART_CONFIG,
    title: { text: f.series, subtitle: `model ${f.model}: shaded p05–p95 and p25–p75, line the median; grey the recent history` },
    layer: [
      {
        data: bands,
        mark: { type: 'area', color: BAND_COLOUR, opacity: 0.22 },
        encoding: { x, y: { field: 'p05', type: 'quantitative', title: f.unit }, y2: { field: 'p95' } },
      },
      {
        data: bands,
        mark: { type: 'area', color: BAND_COLOUR, opacity: 0.45 },
        encoding: { x, y: { field: 'p25', type: 'quantitative' }, y2: { field: 'p75' } },
      },
      {
        data: bands,
        mark: { type: 'line', color: BAND_COLOUR, strokeWidth: 2 },
        encoding: { x, y: { field: 'p50', type: 'quantitative' } },
      },
      {
        data: { values: f.history.map((h) => ({ ...h })) },
        mark: { type: 'line', color: '#555', strokeWidth: 1.2 },
        encoding: { x, y: { field: 'value', type: 'quantitative' } },
      },
    ],
  };
}
