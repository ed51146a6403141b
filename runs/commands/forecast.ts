/**
 * `shadowcast forecast`: telemetry files in, a forecast directory out
 * (forecast.json + paths.f32, read by `shadowcast simulate --forecast`; see
 * docs/formats.md), plus exhaustion.json for metrics with a limit.
 */
import { writeFileAtomically } from '../report/atomic-file.js';
import { join } from 'node:path';
import { exhaustionReport } from '../../models/exhaustion.js';
import { forecastTelemetry } from '../../models/forecast-telemetry.js';
import { writeForecast } from '../../models/forecast-file.js';
import { BACKENDS } from '../../models/forecasters/tf-backend.js';
import { MODEL_NAMES } from '../../models/forecasters/types.js';
import { defineCommand, parseFlags, usageError, usageText } from '../flags.js';
import { LIMITS, overLimit } from '../../engine/limits.js';
import { createProgress } from '../progress.js';
import { forecastSizeProblem, modelParser, readCommandTelemetry, TELEMETRY_FLAGS, unknownLimitProblem } from './telemetry-flags.js';

/** `node/metric=V`: the limit of one series. */
function parseLimit(raw: string): readonly [string, number] {
  const m = /^(.+\/.+)=(.+)$/.exec(raw);
  const v = m ? Number(m[2]) : Number.NaN;
  if (!m || !(v > 0) || !Number.isFinite(v)) throw new Error(`expected node/metric=positive number, got '${raw}'`);
  return [m[1]!, v];
}

export const FORECAST = defineCommand({
  command: 'forecast',
  flags: {
    ...TELEMETRY_FLAGS,
    model: { kind: 'custom', value: 'M', parse: modelParser(MODEL_NAMES), default: 'auto', help: `model: auto|${MODEL_NAMES.join('|')}` },
    backend: { kind: 'choice', value: 'B', choices: BACKENDS, default: 'cpu', help: 'tfjs backend for lstm' },
    epochs: { kind: 'positiveInt', default: '4', help: 'lstm training epochs' },
    paths: { kind: 'positiveInt', default: '100', help: 'sample paths per series' },
    limit: { kind: 'list', value: 'N/M=V', parse: parseLimit, help: 'limit of node N metric M (percentages get 100)' },
    out: { kind: 'path', value: 'DIR', required: true, help: 'output directory' },
  },
});

export async function run(argv: string[]): Promise<number> {
  const parsed = parseFlags(FORECAST, argv);
  if (!parsed) {
    console.log(usageText(FORECAST));
    return 0;
  }
  const values = parsed.values;
  const { model, paths, seed, workers, period, candidates, backend, epochs } = values;
  const horizon = values.horizon;
  const files = values.telemetry;

  const series = await readCommandTelemetry(files, values.layout);
  const problem = (epochs > LIMITS.epochs ? overLimit('--epochs', epochs, LIMITS.epochs) : null) ?? forecastSizeProblem(series, horizon, paths, workers) ?? unknownLimitProblem(series, values.limit);
  if (problem) throw usageError(FORECAST, problem);
  const bar = createProgress('forecast', series.length);
  let result;
  try {
    result = await forecastTelemetry(series, {
      horizon, model, paths, seed, limits: Object.fromEntries(values.limit), calibrate: !values['no-calibrate'],
      ...(period !== undefined ? { period } : {}), ...(candidates ? { candidates } : {}), lstm: { backend, epochs },
    }, { ...(workers !== undefined ? { workers } : {}), onProgress: (d) => bar.update(d) });
  } finally {
    bar.stop();
  }
  await writeForecast(values.out, result.bundle);
  const exhaustion = exhaustionReport(result.bundle);
  const exFile = join(values.out, 'exhaustion.json');
  await writeFileAtomically(exFile, JSON.stringify({ start: new Date(result.bundle.startMs).toISOString(), stepSeconds: result.bundle.stepMs / 1000, steps: result.bundle.steps, paths: result.bundle.paths, series: exhaustion }, null, 1) + '\n');

  console.log(`forecast: ${series.length} series, ${result.bundle.steps} steps of ${result.bundle.stepMs / 1000} s from ${new Date(result.bundle.startMs).toISOString()}, ${paths} paths -> ${values.out}`);
  if (result.lstm) console.log(`lstm: backend ${result.lstm.backend}, ${result.lstm.samples} windows, s/epoch ${result.lstm.secondsPerEpoch.map((s) => s.toFixed(2)).join(' ')}`);
  for (const r of result.results) {
    const fallback = r.series.notes.filter((n) => /fallback|too short|constant|non-seasonal|not calibrated|warning/.test(n));
    console.log(`  ${r.series.node}/${r.series.metric}: ${r.series.model}${r.calibration !== 1 ? ` (intervals x${r.calibration.toFixed(2)})` : ''}${fallback.length ? ` — ${fallback.join('; ')}` : ''}`);
  }
  for (const e of exhaustion) {
    if (e.probability > 0) console.log(`  exhaustion ${e.node}/${e.metric}: P(reach ${e.limit}) = ${(100 * e.probability).toFixed(1)} % [${(100 * e.interval[0]).toFixed(1)}, ${(100 * e.interval[1]).toFixed(1)}]`);
  }
  return 0;
}
