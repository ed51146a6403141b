/**
 * Peers of `auto` on the NAB accuracy origins (issue 12): other libraries'
 * models, run raw — on the original scale, no log/logit space, no conformal
 * calibration, their own prediction intervals:
 *  - augurs AutoETS (non-seasonal search `ZZN`: the seasonal search at period
 *    288 took 33 s per fit here and chose the same model);
 *  - augurs MSTL + AutoETS at the detected periods (the daily one where none
 *    is detected);
 *  - statsmodels ETS(A,Ad,A) at the detected period (ETS(A,Ad,N) where none
 *    is detected) via python3 (bench/peers/statsmodels_ets.py),
 *    when python3 can import statsmodels; otherwise its row says why.
 * Each is scored on a subset of the accuracy bench's origins (every
 * PEER_EVERY-th of them): augurs and statsmodels fit in 1-6 s per origin, and
 * all 20 origins would take a quarter of an hour. MASE scores the point
 * forecast (auto: the median); coverage the 80 % and 95 % intervals.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as etsModule from '@bsull/augurs/ets';
import * as mstlModule from '@bsull/augurs/mstl';
import { maseScale } from '../models/metrics.js';
import type { SeriesHistory } from '../models/pipeline.js';
import { reasonOf } from '../models/pipeline.js';
import { detectSeasonality } from '../models/seasonality.js';
import { REPO_ROOT } from '../runs/paths.js';

/** Peers run at every PEER_EVERY-th origin of the accuracy bench (5 of 20). */
export const PEER_EVERY = 4;

/** One window's forecast: a point forecast and the 80 % and 95 % intervals. */
interface PeerWindow {
  readonly point: ArrayLike<number>;
  readonly lo80: ArrayLike<number>;
  readonly hi80: ArrayLike<number>;
  readonly lo95: ArrayLike<number>;
  readonly hi95: ArrayLike<number>;
}

export interface PeerScores {
  readonly name: string;
  /** Per series: mean over its scored windows; NaN when every window failed. */
  readonly perSeries: ReadonlyArray<{ readonly mase: number; readonly cover80: number; readonly cover95: number }>;
  readonly failed: number;
  readonly windows: number;
  readonly seconds: number;
  /** Why the peer did not run (then perSeries is empty). */
  readonly unavailable?: string;
  readonly firstFailure?: string;
}

/** Origins (index into the values) of the peer windows, earliest first, with their index among the bench's windows. */
export function peerOrigins(n: number, h: number, windows: number): Array<{ readonly origin: number; readonly index: number }> {
  const out: Array<{ origin: number; index: number }> = [];
  for (let w = 0; w < windows; w += PEER_EVERY) out.push({ origin: n - (windows - w) * h, index: w });
  return out;
}

function wasm(name: 'ets' | 'mstl'): Buffer {
  const js = fileURLToPath(import.meta.resolve(`@bsull/augurs/${name}`));
  return readFileSync(js.replace(/\.js$/, '_bg.wasm'));
}

let ready = false;
function initAugurs(): void {
  if (ready) return;
  etsModule.initSync({ module: wasm('ets') });
  mstlModule.initSync({ module: wasm('mstl') });
  ready = true;
}

interface Predictor {
  fit(y: Float64Array): void;
  predict(h: number, level?: number | null): { point: number[]; intervals?: { lower: number[]; upper: number[] } };
  free(): void;
}

function predictWith(make: () => Predictor, y: Float64Array, h: number): PeerWindow {
  const m = make();
  try {
    m.fit(y);
    const a = m.predict(h, 0.8), b = m.predict(h, 0.95);
    if (!a.intervals || !b.intervals) throw new Error('no prediction intervals');
    const w = { point: a.point, lo80: a.intervals.lower, hi80: a.intervals.upper, lo95: b.intervals.lower, hi95: b.intervals.upper };
    if (![w.point, w.lo80, w.hi80, w.lo95, w.hi95].every((v) => v.length === h && v.every(Number.isFinite))) throw new Error('non-finite forecast');
    return w;
  } finally {
    m.free();
  }
}

interface Scored { mase: number; cover80: number; cover95: number }

function scorePeer(w: PeerWindow, actual: ArrayLike<number>, scale: number): Scored {
  let ae = 0, c80 = 0, c95 = 0;
  const h = actual.length;
  for (let k = 0; k < h; k++) {
    const a = actual[k]!;
    ae += Math.abs(a - w.point[k]!);
    if (a >= w.lo80[k]! && a <= w.hi80[k]!) c80++;
    if (a >= w.lo95[k]! && a <= w.hi95[k]!) c95++;
  }
  return { mase: ae / h / scale, cover80: c80 / h, cover95: c95 / h };
}

function meanOf(xs: readonly Scored[]): Scored {
  const n = xs.length;
  const m = (f: (s: Scored) => number) => (n ? xs.reduce((a, s) => a + f(s), 0) / n : Number.NaN);
  return { mase: m((s) => s.mase), cover80: m((s) => s.cover80), cover95: m((s) => s.cover95) };
}

/** Scores a peer given its forecast (or failure) per series and origin. */
function scoreAll(name: string, used: readonly SeriesHistory[], h: number, windows: number, seconds: number, forecast: (i: number, origin: number) => PeerWindow | string): PeerScores {
  let failed = 0, total = 0;
  let firstFailure: string | undefined;
  const perSeries = used.map((s, i) => {
    const scored: Scored[] = [];
    for (const { origin } of peerOrigins(s.values.length, h, windows)) {
      total++;
      const f = forecast(i, origin);
      if (typeof f === 'string') { failed++; firstFailure ??= `${s.node} at ${origin}: ${f}`; continue; }
      const hist = s.values.subarray(0, origin);
      const scale = maseScale(hist, detectSeasonality(hist, s.stepMs).period);
      scored.push(scorePeer(f, s.values.subarray(origin, origin + h), scale));
    }
    return meanOf(scored);
  });
  return { name, perSeries, failed, windows: total, seconds, ...(firstFailure ? { firstFailure } : {}) };
}

function augursPeer(name: string, used: readonly SeriesHistory[], h: number, windows: number, make: (hist: Float64Array, s: SeriesHistory) => Predictor): PeerScores {
  initAugurs();
  const t = performance.now();
  const results = used.map((s) => new Map<number, PeerWindow | string>(peerOrigins(s.values.length, h, windows).map(({ origin }) => {
    const hist = s.values.slice(0, origin);
    try {
      return [origin, predictWith(() => make(hist, s), hist, h)] as [number, PeerWindow | string];
    } catch (e) {
      return [origin, reasonOf(e)] as [number, PeerWindow | string];
    }
  })));
  return scoreAll(name, used, h, windows, (performance.now() - t) / 1000, (i, o) => results[i]!.get(o)!);
}

/**
 * The seasonal periods a peer is given: those the pipeline detects, or the
 * daily period where it detects none (as a person fitting MSTL on 5-minute
 * telemetry would), each with two cycles in the history.
 */
export function peerPeriods(hist: Float64Array, stepMs: number): number[] {
  const season = detectSeasonality(hist, stepMs);
  const detected = [season.period, ...season.extraPeriods].filter((p) => p > 1);
  const daily = Math.round(86_400_000 / stepMs);
  return (detected.length > 0 ? detected : [daily]).filter((p) => p > 1 && hist.length >= 2 * p);
}

/** augurs AutoETS (non-seasonal search) and MSTL + AutoETS, raw. */
export function augursPeers(used: readonly SeriesHistory[], h: number, windows: number): PeerScores[] {
  return [
    augursPeer('augurs AutoETS (raw)', used, h, windows, () => new etsModule.AutoETS(1, 'ZZN') as unknown as Predictor),
    augursPeer('augurs MSTL+AutoETS (raw)', used, h, windows, (hist, s) => {
      const periods = peerPeriods(hist, s.stepMs);
      if (periods.length === 0) throw new Error('no seasonal period with two cycles');
      return mstlModule.MSTL.ets(periods) as unknown as Predictor;
    }),
  ];
}

interface PyWindow { origin: number; error?: string; point?: number[]; lo80?: number[]; hi80?: number[]; lo95?: number[]; hi95?: number[] }
interface PyAnswer { version: string; series: Array<{ node: string; windows: PyWindow[] }> }

function runPython(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn('python3', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    p.on('error', (e) => resolve({ code: -1, stdout, stderr: e.message }));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.on('error', () => undefined);
    p.stdin.end(input);
  });
}

/**
 * statsmodels ETS through python3, started at once so that it runs beside the
 * augurs peers; resolves to its scores, or to a row that says why it did not run.
 */
export async function statsmodelsPeer(used: readonly SeriesHistory[], h: number, windows: number): Promise<PeerScores> {
  const name = 'statsmodels ETS(A,Ad,A|N) (raw)';
  const none = (why: string): PeerScores => ({ name, perSeries: [], failed: 0, windows: 0, seconds: 0, unavailable: why });
  const probe = await runPython(['-c', 'import statsmodels'], '');
  if (probe.code !== 0) return none(`not available: python3 cannot import statsmodels (${(probe.stderr.trim().split('\n').pop() ?? 'no python3').slice(0, 100)})`);
  const t = performance.now();
  const request = {
    h,
    series: used.map((s) => ({
      node: s.node, values: Array.from(s.values),
      // The detected period (1 where none: a seasonal ETS at a period the data lacks did worse, MASE 5.2 against 2.4 on one series).
      period: detectSeasonality(s.values.subarray(0, peerOrigins(s.values.length, h, windows)[0]!.origin), s.stepMs).period,
      origins: peerOrigins(s.values.length, h, windows).map((o) => o.origin),
    })),
  };
  const r = await runPython([join(REPO_ROOT, 'bench', 'peers', 'statsmodels_ets.py')], JSON.stringify(request));
  const seconds = (performance.now() - t) / 1000;
  if (r.code !== 0) return none(`failed: ${r.stderr.trim().split('\n').pop()?.slice(0, 120) ?? `exit ${r.code}`}`);
  const answer = JSON.parse(r.stdout) as PyAnswer;
  const byNode = new Map(answer.series.map((s) => [s.node, new Map(s.windows.map((w) => [w.origin, w]))]));
  const scores = scoreAll(`statsmodels ${answer.version} ETS(A,Ad,A|N) (raw)`, used, h, windows, seconds, (i, o) => {
    const w = byNode.get(used[i]!.node)?.get(o);
    if (!w) return 'no answer for this origin';
    if (w.error !== undefined || !w.point || !w.lo80 || !w.hi80 || !w.lo95 || !w.hi95) return w.error ?? 'incomplete answer';
    return { point: w.point, lo80: w.lo80, hi80: w.hi80, lo95: w.lo95, hi95: w.hi95 };
  });
  return scores;
}
