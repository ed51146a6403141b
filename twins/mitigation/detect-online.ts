/**
 * An online detector built from the judge: at every step t of a regularly
 * sampled metric, the recent window (the last `recent` steps up to t) is
 * judged against the trailing baseline (the `baseline` steps before it). An
 * alarm is raised at t when the judge fails in the bad direction at t and at
 * the `persistence − 1` steps before it (a one-step blip is not an alarm).
 *
 * Missing values (NaN: an idle window's latency) are dropped by the judge, so
 * a window of idle minutes is inconclusive, never a pass and never an alarm.
 * Pure: arrays in, alarm steps out.
 */
import { judge } from './judge.js';
import type { BadDirection } from './detect.js';
import type { JudgeEvidence } from './types.js';

export interface OnlineParams {
  /** Steps in the recent window. */
  readonly recent: number;
  /** Steps in the trailing baseline window just before it. */
  readonly baseline: number;
  /** Relative tolerance of the judge's band. */
  readonly tolerance: number;
  /** Confidence level of the shift's interval. */
  readonly level: number;
  /** Fewest finite points in the recent window for a fail (the judge never passes below 50). */
  readonly minPoints: number;
  /** Consecutive failing steps before an alarm. */
  readonly persistence: number;
}

export interface OnlineAlarm {
  /** Step index of the alarm (the recent window's last step). */
  readonly step: number;
  readonly evidence: JudgeEvidence;
}

function bad(e: JudgeEvidence, direction: BadDirection): boolean {
  if (e.verdict !== 'fail') return false;
  return direction === 'either' || (direction === 'increase' ? e.shift.lo > 0 : e.shift.hi < 0);
}

/** Alarm steps of one series (absoluteTolerance: the band's floor in the metric's unit); steps before a full baseline + recent window are not judged. */
export function onlineAlarms(values: ArrayLike<number>, params: OnlineParams, direction: BadDirection = 'either', from = 0, to = values.length, absoluteTolerance = 0): OnlineAlarm[] {
  const { recent, baseline, persistence } = params;
  if (!(recent >= 1 && baseline >= 1 && persistence >= 1)) throw new RangeError('onlineAlarms: recent, baseline and persistence must be >= 1');
  const out: OnlineAlarm[] = [];
  const all = Array.from(values);
  let run = 0;
  const start = Math.max(from, recent + baseline - 1);
  for (let t = start; t < to; t++) {
    const base = all.slice(t - recent - baseline + 1, t - recent + 1);
    const cand = all.slice(t - recent + 1, t + 1);
    const e = judge(base, cand, { tolerance: params.tolerance, level: params.level, minPointsToFail: params.minPoints, absoluteTolerance });
    run = bad(e, direction) ? run + 1 : 0;
    if (run >= persistence) out.push({ step: t, evidence: e });
  }
  return out;
}
