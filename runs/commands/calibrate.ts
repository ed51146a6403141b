/**
 * `shadowcast calibrate`: fit a twin's service times, workers, call ratios
 * and entry rates from production telemetry (docs/calibrate.md); prints the
 * per-service table, writes the calibrated twin and a JSON report; with
 * --check-until, predicts the following window from its recorded entry rate
 * and prints measured against predicted.
 */
import { LAYOUTS } from '../../models/telemetry/read.js';
import { calibrateFiles } from '../calibrate/calibrate-files.js';
import { calibrationTable, predictionTable } from '../calibrate/tables.js';
import { parseTime } from '../calibrate/telemetry.js';
import { OUT_FLAG } from './import/write.js';
import { defineCommand, OUTSIDE_PATHS_FLAG, parseFlags, usageError, usageText } from '../flags.js';
import { checkOutputFile } from '../report/atomic.js';

export const CALIBRATE = defineCommand({
  command: 'calibrate',
  flags: {
    twin: { kind: 'path', value: 'TWIN', required: true, help: 'twin file to calibrate (.yaml/.yml/.json), e.g. from `import trace`' },
    telemetry: { kind: 'list', value: 'PATH', required: true, positionals: true, help: 'telemetry files or folders (their .csv/.json): rate, CPU, server-latency quantiles per node' },
    layout: { kind: 'choice', value: 'L', choices: LAYOUTS, absent: 'detected per file', help: 'force the telemetry layout' },
    out: OUT_FLAG,
    report: { kind: 'path', value: 'FILE', absent: 'OUT with .calibration.json', help: 'calibration report (JSON)' },
    from: { kind: 'custom', value: 'TIME', parse: parseTime, absent: 'first window', help: 'calibrate from (epoch seconds or ISO time, UTC)' },
    until: { kind: 'custom', value: 'TIME', parse: parseTime, absent: 'last window', help: 'calibrate until (exclusive)' },
    'check-until': { kind: 'custom', value: 'TIME', parse: parseTime, absent: 'no check', help: 'predict [until, TIME) from its recorded entry rates and compare' },
    replications: { kind: 'positiveInt', value: 'N', default: '2', help: 'replications of the check (pooled per window)' },
    seed: { kind: 'nonNegativeInt', value: 'S', default: '1', help: 'random seed of the check' },
    'min-windows': { kind: 'positiveInt', value: 'N', default: '10', help: 'fewest usable windows for a fit' },
    'min-requests': { kind: 'positiveInt', value: 'N', default: '5', help: 'fewest requests in a window for its latency to count' },
    saturation: { kind: 'level', value: 'SHARE', default: '0.9', help: 'CPU share of the limit from which a window is saturated' },
    ...OUTSIDE_PATHS_FLAG,
  },
  notes: '--check-until needs --until (the check window starts where calibration ends); --from must be earlier than --until, and --check-until later.',
});

export async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(CALIBRATE, argv);
  if (!parsed) {
    console.log(usageText(CALIBRATE));
    return 0;
  }
  const v = parsed.values;
  if (v['check-until'] !== undefined && v.until === undefined) throw usageError(CALIBRATE, '--check-until needs --until');
  // An inverted range is a slip in the flags, not in the telemetry: said before anything is read.
  const iso = (t: number): string => new Date(t * 1000).toISOString();
  if (v.from !== undefined && v.until !== undefined && v.from >= v.until) throw usageError(CALIBRATE, `--from (${iso(v.from)}) must be earlier than --until (${iso(v.until)})`);
  if (v['check-until'] !== undefined && v.until !== undefined && v['check-until'] <= v.until) throw usageError(CALIBRATE, `--check-until (${iso(v['check-until'])}) must be later than --until (${iso(v.until)})`);
  const report = v.report ?? v.out.replace(/\.(ya?ml|json)$/i, '') + '.calibration.json';
  await checkOutputFile(v.out);
  await checkOutputFile(report, v.report ? '--report' : '--out (its .calibration.json report)');
  const out = await calibrateFiles({
    twin: v.twin, telemetry: v.telemetry, ...(v.layout !== undefined ? { layout: v.layout } : {}), out: v.out,
    report,
    ...(v.from !== undefined ? { from: v.from } : {}), ...(v.until !== undefined ? { until: v.until } : {}),
    ...(v['check-until'] !== undefined ? { checkUntil: v['check-until'] } : {}),
    seed: v.seed, replications: v.replications,
    fit: { minWindows: v['min-windows'], minRequests: v['min-requests'], saturation: v.saturation },
    allowOutsidePaths: v['allow-outside-paths'],
  });
  console.log(calibrationTable(out.report));
  for (const n of out.readNotes) console.log(`note: ${n}`);
  if (out.prediction) {
    console.log('\nprediction of the check window from its recorded entry rate:');
    console.log(predictionTable(out.prediction));
  }
  for (const l of out.wrote) console.log(l);
  return 0;
}
