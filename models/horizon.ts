/**
 * Horizons on the command line: a duration (`90s`, `30m`, `2h`, `1d`, `1w`)
 * converted with the telemetry's step (rounded up to whole steps), or a bare
 * number / `24steps` meaning steps.
 */
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export type HorizonSpec = { readonly steps: number } | { readonly ms: number };

export function parseHorizon(raw: string): HorizonSpec {
  const s = raw.trim().toLowerCase();
  let m = /^(\d+)(?:\s*steps?)?$/.exec(s);
  if (m) {
    const steps = Number(m[1]);
    if (steps >= 1) return { steps };
  }
  m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/.exec(s);
  if (m && Number(m[1]) > 0) return { ms: Number(m[1]) * UNIT_MS[m[2]!]! };
  throw new RangeError(`--horizon: expected a duration such as 30m, 2h, 1d, or a number of steps, got ${JSON.stringify(raw)}`);
}

export function horizonSteps(spec: HorizonSpec, stepMs: number): number {
  return 'steps' in spec ? spec.steps : Math.max(1, Math.ceil(spec.ms / stepMs - 1e-9));
}
