/**
 * Bench section `mitigation-detect`: the judge-based online detector on the
 * Nezha Train-Ticket day (bench/mitigation-detect-nezha.ts for the method).
 * Parameters were chosen on the tuning span (08:41–13:00: faults 0–23 and
 * the clean minutes before 13:00) and are reported on both spans.
 */
import type { BenchSection, Cell } from './table.js';
import type { OnlineParams } from '../twins/mitigation/detect-online.js';
import { loadNezhaDay, loadNezhaFaults, nezhaAlarms, scoreNezha, stepAt, type Score } from './mitigation-detect-nezha.js';

/** Chosen on the tuning span: fewest false alarms there (1) among the grid of docs/mitigation-detect.md. */
export const NEZHA_PARAMS: OnlineParams = { recent: 5, baseline: 60, tolerance: 0.5, level: 0.99, minPoints: 3, persistence: 1 };
export const SPLIT_TEXT = '2023-01-29T13:00:00Z';

export async function benchDetect(): Promise<BenchSection[]> {
  const t0 = Date.now();
  const day = await loadNezhaDay();
  const faults = await loadNezhaFaults();
  const alarms = nezhaAlarms(day, NEZHA_PARAMS);
  const split = stepAt(day, Date.parse(SPLIT_TEXT));
  const spans: Array<[string, Score]> = [['tuning 08:41-13:00', scoreNezha(day, faults, alarms, 0, split)], ['test 13:00-23:59', scoreNezha(day, faults, alarms, split, day.steps)]];
  const rows: Array<Record<string, Cell>> = [];
  for (const [span, s] of spans) {
    rows.push({ row: span, faults: s.faults.length, footprint: s.withFootprint, detected: s.detectedWithFootprint, recall: s.recall, falseAlarms: s.falseAlarms, cleanHours: s.cleanHours, perCleanHour: s.falseAlarmsPerCleanHour, detail: null });
  }
  for (const [, s] of spans) for (const f of s.faults) {
    rows.push({ row: `fault ${f.fault.index} ${f.fault.text.slice(11, 16)} ${f.fault.pod} ${f.fault.type}`, faults: null, footprint: f.footprint.status, detected: f.detected ? `+${f.detected.afterMinutes} min ${f.detected.metric}` : 'no', recall: null, falseAlarms: null, cleanHours: null, perCleanHour: null, detail: f.footprint.metric });
  }
  const all = spans.map(([, s]) => s);
  const fp = all.reduce((a, s) => a + s.withFootprint, 0);
  const det = all.reduce((a, s) => a + s.detectedWithFootprint, 0);
  const fa = all.reduce((a, s) => a + s.falseAlarms, 0);
  const hours = all.reduce((a, s) => a + s.cleanHours, 0);
  return [{
    name: 'mitigation-detect',
    title: `Anomaly detection on Nezha Train-Ticket (judge, ${JSON.stringify(NEZHA_PARAMS)}; ${((Date.now() - t0) / 1000).toFixed(1)} s)`,
    columns: ['row', 'faults', 'footprint', 'detected', 'recall', 'falseAlarms', 'cleanHours', 'perCleanHour', 'detail'],
    rows,
    targets: [
      { what: 'recall >= 0.8 on faults with a footprint', met: fp > 0 && det / fp >= 0.8, detail: `${det}/${fp} over the day (${faults.length} faults)` },
      { what: '<= 1 false alarm per clean hour', met: hours > 0 && fa / hours <= 1, detail: `${fa} in ${hours.toFixed(1)} clean hours = ${(fa / hours).toFixed(2)}/h` },
    ],
    extra: { params: NEZHA_PARAMS, falseAlarmPods: all.map((s) => s.falseAlarmPods) },
  }];
}
