/** Console tables of a calibration report and of a held-out prediction. */
import type { PredictionSummary } from '../../twins/calibrate/predict.js';
import { LATENCY_TARGET, THROUGHPUT_TARGET } from '../../twins/calibrate/predict.js';
import type { CalibrationReport } from '../../twins/calibrate/report.js';
import { table } from '../format.js';

const ms = (s: number | undefined): string => (s !== undefined && Number.isFinite(s) ? (1000 * s).toPrecision(3) : '-');
const num = (x: number, d = 3): string => (Number.isFinite(x) ? x.toPrecision(d) : '-');
const pct = (x: number): string => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(100 * x).toFixed(1)}%` : '-');

export function calibrationTable(r: CalibrationReport): string {
  const rows = r.services.map((s) => [
    s.id, s.status, s.quality, `${s.windows.used}/${s.windows.total}`, num(s.rate.mean),
    ms(s.response?.mean), `${ms(s.service.before.mean)} -> ${s.service.after ? ms(s.service.after.mean) : 'kept'}`,
    s.service.after ? num(s.service.after.cv, 2) : '-',
    `${s.workers.before} -> ${s.workers.after} (${s.workers.method})`,
    s.cpu ? `${ms(s.cpu.perRequest)} (r2 ${num(s.cpu.r2, 2)})` : '-',
    s.reasons[0] ?? '',
  ]);
  const services = table(['service', 'status', 'quality', 'windows', 'req/s', 'resp ms', 'own ms', 'own cv', 'workers', 'cpu ms/req', 'first reason'], rows);
  const calls = table(['call', 'before', 'after', 'r2', 'quality', 'reason'], r.calls.map((c) => [`${c.from} -> ${c.to}`, num(c.before), num(c.after), num(c.r2, 2), c.quality, c.reason]));
  const entries = r.entries.map((e) => `entry ${e.id} (${e.node}): ${e.before === null ? 'profile/forecast' : num(e.before)} -> ${num(e.after)} req/s`);
  return [services, '', calls, '', ...entries, ...r.notes.map((n) => `note: ${n}`)].join('\n');
}

export function predictionTable(p: PredictionSummary): string {
  const qs = p.latencyShare.map((l) => l.q);
  const header = ['service', 'req/s meas', 'req/s pred', 'err', 'count noise', ...qs.flatMap((q) => [`p${Math.round(100 * q)} ms meas`, 'pred', 'err'])];
  const rows = p.services.map((s) => [
    s.id, num(s.throughput.measured), num(s.throughput.predicted), pct(s.throughput.error), Number.isFinite(s.throughput.noise) ? `±${(100 * s.throughput.noise).toFixed(1)}%` : '-',
    ...qs.flatMap((q) => {
      const l = s.latency.find((x) => x.q === q);
      return l ? [ms(l.measured), ms(l.predicted), pct(l.error)] : ['-', '-', '-'];
    }),
  ]);
  const share = [
    `throughput within ${100 * THROUGHPUT_TARGET} %: ${(100 * p.throughputShare).toFixed(0)} % of services`,
    ...p.latencyShare.map((l) => `p${Math.round(100 * l.q)} within ${100 * LATENCY_TARGET} %: ${(100 * l.share).toFixed(0)} % of ${l.services} services`),
  ];
  const front = p.endToEnd.map((f) => `end to end: ${f.id} latency vs the response of entry ${f.entry}: ${f.latency.map((l) => `p${Math.round(100 * l.q)} ${ms(l.measured)} ms meas, ${ms(l.predicted)} pred, ${pct(l.error)} (${l.windows} windows)`).join('; ')}`);
  return [table(header, rows), ...share, ...front].join('\n');
}
