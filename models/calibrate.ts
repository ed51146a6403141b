/**
 * Interval calibration on rolling-origin backtests within the history: the
 * factor c that, applied to every error about the per-step median, makes the
 * 80 % and 95 % intervals cover closest to nominal on the held-out windows
 * (least squares over both levels, c on a grid from 0.5 to 3). With fewer
 * than 48 held-out points the estimate is too noisy and c = 1 is kept; the
 * factor is shrunk towards 1 in proportion to the evidence (n / (n + 48)).
 */
export interface HeldOutPoint {
  readonly actual: number;
  readonly median: number;
  readonly lo80: number;
  readonly hi80: number;
  readonly lo95: number;
  readonly hi95: number;
}

export const MIN_CALIBRATION_POINTS = 48;

export function coverageAt(points: readonly HeldOutPoint[], c: number): { c80: number; c95: number } {
  let a = 0, b = 0;
  for (const p of points) {
    const d = p.actual - p.median;
    if (d >= c * (p.lo80 - p.median) && d <= c * (p.hi80 - p.median)) a++;
    if (d >= c * (p.lo95 - p.median) && d <= c * (p.hi95 - p.median)) b++;
  }
  return { c80: a / points.length, c95: b / points.length };
}

export function calibrationFactor(points: readonly HeldOutPoint[]): number {
  const n = points.length;
  if (n < MIN_CALIBRATION_POINTS) return 1;
  let best = 1, bestLoss = Infinity;
  for (let c = 0.5; c <= 3.0001; c += 0.05) {
    const { c80, c95 } = coverageAt(points, c);
    const loss = (c80 - 0.8) ** 2 + (c95 - 0.95) ** 2 + 1e-6 * Math.abs(c - 1);
    if (loss < bestLoss) { bestLoss = loss; best = c; }
  }
  const w = n / (n + MIN_CALIBRATION_POINTS);
  return 1 + (best - 1) * w;
}
