/**
 * Calibration over the last nights: each series' share of actual points
 * inside its 80 % and 95 % forecast intervals (dots), the mean over series per
 * night (lines), and the nominal levels as dashed rules of the same colour. A
 * calibrated forecast keeps the lines on their rules.
 */
import type { ReportCalibrationNight } from '../../nightly/report-data.js';
import { CHART_CONFIG, CHART_WIDTH, type VegaLiteSpec } from './common.js';

export type CalibrationInput = Pick<ReportCalibrationNight, 'night' | 'series' | 'coverage80' | 'coverage95'>;

const LEVELS = [
  { level: '80 % interval', nominal: 0.8, field: 'coverage80' },
  { level: '95 % interval', nominal: 0.95, field: 'coverage95' },
] as const;

export function calibrationChartSpec(nights: readonly CalibrationInput[]): VegaLiteSpec {
  const values = nights.flatMap((n) => LEVELS.map((l) => ({ night: n.night, series: n.series, level: l.level, coverage: n[l.field] })));
  const order = [...new Set(nights.map((n) => n.night))].sort();
  const color = { field: 'level', type: 'nominal' as const, scale: { domain: LEVELS.map((l) => l.level), range: ['#1f77b4', '#ff7f0e'] }, title: 'coverage of the forecast', legend: { orient: 'top' } };
  const x = { field: 'night', type: 'ordinal' as const, sort: order, title: 'night', axis: { labelAngle: -30 } };
  const y = { type: 'quantitative' as const, scale: { domain: [0, 1] }, axis: { format: '.0%' }, title: 'share of actuals inside' };
  return {
    width: CHART_WIDTH,
    height: 220,
    config: CHART_CONFIG,
    layer: [
      { data: { values }, mark: { type: 'point', size: 25, opacity: 0.6 }, encoding: { x, y: { ...y, field: 'coverage' }, color } },
      { data: { values }, mark: { type: 'line', point: false }, encoding: { x, y: { ...y, field: 'coverage', aggregate: 'mean' }, color } },
      {
        data: { values: LEVELS.map((l) => ({ level: l.level, nominal: l.nominal })) },
        mark: { type: 'rule', strokeDash: [5, 4] },
        encoding: { y: { ...y, field: 'nominal' }, color },
      },
    ],
  };
}
