/**
 * Synthetic telemetry with a known structure (a daily sine plus AR(1) noise),
 * for tests and the speed benchmark: deterministic from the seed.
 */
import seedrandom from 'seedrandom';

/** level + amplitude * sin(daily phase) + AR(1) noise, deterministic from the seed. */
export function seasonalSeries(n: number, period: number, seed: string, opts: { level?: number; amplitude?: number; noise?: number; ar?: number } = {}): Float64Array {
  const rng = seedrandom(seed);
  const { level = 50, amplitude = 10, noise = 1, ar = 0.5 } = opts;
  const y = new Float64Array(n);
  let e = 0;
  for (let i = 0; i < n; i++) {
    const u = Math.max(rng(), 1e-12);
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
    e = ar * e + noise * z;
    y[i] = level + amplitude * Math.sin((2 * Math.PI * i) / period) + e;
  }
  return y;
}
