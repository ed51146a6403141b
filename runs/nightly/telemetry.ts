/**
 * The nightly's first step: telemetry from files or from Prometheus, read and
 * cleaned by the project's readers (models/telemetry), and checked against
 * what the config needs (every entry's series present).
 */
import { expandTelemetryPaths } from '../calibrate/telemetry.js';
import { join } from 'node:path';
import { readTelemetry } from '../../models/telemetry/read.js';
import type { Series } from '../../models/telemetry/series.js';
import { editDistance } from '../../twins/definition/validate.js';
import { InputError } from '../usage-error.js';
import type { NightlyConfig } from './config.js';
import { fetchPrometheus, queryWindow } from './prometheus-client.js';

export interface NightlyTelemetry {
  readonly series: readonly Series[];
  /** The files read (the configured ones, or the saved Prometheus answers): the step's inputs. */
  readonly files: readonly string[];
  readonly warnings: readonly string[];
}

const nameOf = (s: { node: string; metric: string }) => `${s.node}/${s.metric}`;

/**
 * `dir`: where Prometheus answers are saved; `endSeconds`: the end of the
 * range asked for (now, or the interrupted run's end when resuming);
 * `saved`: answers an earlier invocation of this run saved (not asked again).
 */
export async function gatherTelemetry(config: NightlyConfig, dir: string, endSeconds: number, saved?: readonly string[]): Promise<NightlyTelemetry> {
  const warnings: string[] = [];
  let files: string[];
  const src = config.telemetry;
  // A folder stands for its .csv and .json files, as on the command line.
  if (src.kind === 'files') files = await expandTelemetryPaths(src.files);
  else if (saved) files = [...saved];
  else {
    const fetched = await fetchPrometheus(src, config.file, join(dir, 'telemetry'), queryWindow(src, endSeconds));
    const needed = new Set(Object.values(config.entries).map(nameOf));
    for (const [k, f] of fetched.entries()) {
      if (f.file !== null) continue;
      const { start, end } = queryWindow(src, endSeconds);
      const span = `${new Date(start * 1000).toISOString()} .. ${new Date(end * 1000).toISOString()}`;
      const msg = `${config.file}: telemetry.prometheus.queries[${k}]: the query for ${f.query.series} returned no series over ${span}`;
      if (needed.has(f.query.series)) throw new InputError(`${msg}; an entry is driven by it, so the nightly cannot run: check the query (try it in Prometheus' own page) and that the series was scraped in that range`);
      warnings.push(`${msg}: left out`);
    }
    files = fetched.flatMap((f) => (f.file === null ? [] : [f.file]));
    if (files.length === 0) throw new InputError(`${config.file}: telemetry.prometheus: no query returned a series`);
  }
  const series = await readTelemetry(files, { bounds: config.bounds, skipEmpty: true, onSkip: (e) => warnings.push(`skipped ${e.message}`) });
  const have = series.map(nameOf);
  for (const name of config.bounds.keys()) {
    if (have.includes(name)) continue;
    const near = have.find((h) => editDistance(h, name) <= 2);
    throw new InputError(`${config.at(['telemetry', 'bounds', name])}telemetry.bounds["${name}"]: no telemetry series ${name}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}; the telemetry has: ${have.join(', ')}`);
  }
  for (const [entry, want] of Object.entries(config.entries)) {
    const name = nameOf(want);
    if (have.includes(name)) continue;
    const near = have.find((h) => editDistance(h, name) <= 2);
    throw new InputError(`${config.at(['entries', entry])}entries.${entry}: no telemetry series ${name}${near ? ` (did you mean ${JSON.stringify(near)}?)` : ''}; the telemetry has: ${have.join(', ')}`);
  }
  return { series, files, warnings };
}

/** The series that drive entries (the ones forecast), in entry order, each once. */
export function entrySeries(config: NightlyConfig, series: readonly Series[]): Series[] {
  const names = [...new Set(Object.values(config.entries).map(nameOf))];
  return names.map((n) => series.find((s) => nameOf(s) === n)!);
}
