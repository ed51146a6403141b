/**
 * `shadowcast calibrate` behind the flags: read the twin (file object and
 * normalized twin) and the telemetry, cut the calibration windows, fit, and
 * write the calibrated twin (verified by reading it back) and the report
 * (JSON), atomically. With a check window, the calibrated twin is also driven
 * by that window's recorded entry rates and compared with what was measured.
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { TwinInput } from '../../twins/definition/input.js';
import { loadTwinFile, readSpecText, twinFromObject, validateTwinInput } from '../../twins/definition/load.js';
import type { RateProfile } from '../../twins/definition/normalize.js';
import { readRateProfile } from '../../twins/definition/profile.js';
import type { Twin } from '../../twins/definition/types.js';
import { calibrateTwin, type CalibrateOptions } from '../../twins/calibrate/calibrate.js';
import { sliceGrid, windowAt, type TelemetryGrid } from '../../twins/calibrate/grid.js';
import { predictHeldOut, type PredictionSummary } from '../../twins/calibrate/predict.js';
import type { CalibrationReport } from '../../twins/calibrate/report.js';
import type { TelemetryLayout } from '../../models/telemetry/read.js';
import { writeFileAtomically } from '../report/atomic-file.js';
import { writeVerifiedTwin } from '../commands/import/write.js';
import { InputError } from '../usage-error.js';
import { readTelemetryGrid } from './telemetry.js';

export interface CalibrateRequest {
  readonly twin: string;
  readonly telemetry: readonly string[];
  readonly layout?: TelemetryLayout;
  readonly out: string;
  readonly report: string;
  /** Epoch seconds; absent = the telemetry's first / last window. */
  readonly from?: number;
  readonly until?: number;
  /** End of the check window [until, checkUntil); absent = no prediction check. */
  readonly checkUntil?: number;
  readonly seed: number;
  readonly replications: number;
  readonly fit: CalibrateOptions;
  /** The twin (and so the calibrated one) may name profiles outside its folder. */
  readonly allowOutsidePaths?: boolean;
}

export interface CalibrateOutcome {
  readonly report: CalibrationReport;
  readonly prediction: PredictionSummary | null;
  readonly readNotes: readonly string[];
  readonly wrote: readonly string[];
}

export async function readTwinWithInput(file: string, allowOutsidePaths = false): Promise<{ twin: Twin; input: TwinInput }> {
  const twin = await loadTwinFile(file, { allowOutsidePaths });
  const { data, locate } = await readSpecText(file);
  return { twin, input: validateTwinInput(data, file, locate) };
}

/** The grid windows [from, until) named by epoch seconds; each bound must fall inside the telemetry. */
export function windowsOf(grid: TelemetryGrid, from: number | undefined, until: number | undefined, what: string): TelemetryGrid {
  const a = from === undefined ? 0 : windowAt(grid, from);
  const b = until === undefined ? grid.length : windowAt(grid, until);
  const span = `${new Date(grid.start * 1000).toISOString()} .. ${new Date((grid.start + grid.length * grid.step) * 1000).toISOString()}`;
  const iso = (t: number | undefined, dflt: string): string => (t === undefined ? dflt : new Date(t * 1000).toISOString());
  const problem = a < 0 ? 'starts before the telemetry' : b > grid.length ? 'ends after the telemetry' : b - a < 2 ? `holds ${Math.max(0, b - a)} window(s), fewer than 2` : null;
  if (problem !== null) throw new InputError(`the ${what} window ${iso(from, 'start')} .. ${iso(until, 'end')} ${problem} (${span}, ${grid.step}-s windows)`);
  return sliceGrid(grid, a, b);
}

/** Profile paths are relative to the twin's folder: re-based on the output's folder, with the profiles the comparison needs. */
async function rebaseProfiles(input: TwinInput, from: string, to: string): Promise<Map<string, RateProfile>> {
  const profiles = new Map<string, RateProfile>();
  for (const e of input.entries) {
    if (e.profile === undefined) continue;
    const abs = isAbsolute(e.profile) ? e.profile : resolve(dirname(from), e.profile);
    e.profile = relative(dirname(resolve(to)), abs) || abs;
    profiles.set(e.profile, await readRateProfile(resolve(dirname(resolve(to)), e.profile)));
  }
  return profiles;
}

export async function calibrateFiles(r: CalibrateRequest): Promise<CalibrateOutcome> {
  const { twin, input } = await readTwinWithInput(r.twin, r.allowOutsidePaths ?? false);
  const { grid, notes } = await readTelemetryGrid(r.telemetry, r.layout);
  const fitGrid = windowsOf(grid, r.from, r.until, 'calibration');
  const { input: calibrated, report } = calibrateTwin(twin, input, fitGrid, r.fit);
  let prediction: PredictionSummary | null = null;
  if (r.checkUntil !== undefined) {
    const heldOut = windowsOf(grid, fitGrid.start + fitGrid.length * fitGrid.step, r.checkUntil, 'check');
    prediction = predictHeldOut(calibrated, heldOut, r.out, { seed: r.seed, replications: r.replications, ...(r.fit.minRequests !== undefined ? { minRequests: r.fit.minRequests } : {}) });
  }
  const profiles = await rebaseProfiles(calibrated, r.twin, r.out);
  const line = await writeVerifiedTwin(r.out, calibrated, twinFromObject(calibrated, { source: r.out, profiles }), { allowOutsidePaths: r.allowOutsidePaths ?? false });
  await writeFileAtomically(r.report, JSON.stringify({ ...report, prediction }, (_, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 1) + '\n');
  return { report, prediction, readNotes: notes, wrote: [line, `wrote ${resolve(r.report)} (calibration report)`] };
}
