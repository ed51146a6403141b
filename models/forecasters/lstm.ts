/**
 * A global LSTM over all series (@tensorflow/tfjs, backend chosen by
 * tf-backend.ts): one network learns the shape shared by many series, each
 * series standardised by its own mean and sd (in the pipeline's transformed
 * space, log1p for rates). Input: the last `window` standardised values with
 * the sine and cosine of their seasonal phase; output: a Gaussian (mean, log
 * sd) for the next value, trained by negative log-likelihood. Sample paths
 * are drawn autoregressively (each draw is fed back), so they are correlated
 * in time the way the network believes; the point forecast is the rollout of
 * the means. Deterministic: weights initialised from the seed, windows
 * shuffled by seedrandom, normal draws from the pipeline's stream.
 */
import seedrandom from 'seedrandom';
import type { PRNG } from 'seedrandom';
import type * as tfTypes from '@tensorflow/tfjs';
import type { ExternalModel, SeriesHistory } from '../pipeline.js';
import { normalDraw } from '../quantile.js';
import { detectSeasonality } from '../seasonality.js';
import { inferredBounds } from '../telemetry/bounds.js';
import { chooseTransform, forward } from '../transform.js';
import { useBackendChoice } from './tf-backend.js';
import type { BackendChoice } from './tf-backend-names.js';
import type { FitContext, FittedModel } from './types.js';

export interface LstmOptions {
  readonly backend: BackendChoice;
  readonly window: number;
  readonly units: number;
  readonly epochs: number;
  readonly batchSize: number;
  /** Training windows drawn per series per epoch. */
  readonly windowsPerSeries: number;
  readonly learningRate: number;
  readonly seed: number;
}

export const DEFAULT_LSTM: LstmOptions = { backend: 'auto', window: 48, units: 16, epochs: 4, batchSize: 128, windowsPerSeries: 256, learningRate: 0.01, seed: 1 };

export interface LstmTrainReport {
  readonly backend: string;
  readonly samples: number;
  readonly secondsPerEpoch: readonly number[];
  readonly loss: readonly number[];
  /** Set when backend auto fell back from wasm to cpu. */
  readonly note?: string;
}

const FEATURES = 3;
const LOGSIG_MIN = -7, LOGSIG_MAX = 3;

function standardise(y: Float64Array): { z: Float32Array; mu: number; sd: number } {
  let mu = 0;
  for (const v of y) mu += v;
  mu /= y.length;
  let ss = 0;
  for (const v of y) ss += (v - mu) ** 2;
  const sd = Math.sqrt(ss / Math.max(1, y.length - 1)) || 1;
  return { z: Float32Array.from(y, (v) => (v - mu) / sd), mu, sd };
}

/** Writes the features of `window` values vals[from..] (time index of the first: `time0`) into out at offset. */
function fillWindow(out: Float32Array, offset: number, vals: ArrayLike<number>, from: number, time0: number, window: number, period: number): void {
  for (let j = 0; j < window; j++) {
    const t = time0 + j;
    const phase = period > 1 ? (2 * Math.PI * (t % period)) / period : 0;
    out[offset + j * FEATURES] = vals[from + j]!;
    out[offset + j * FEATURES + 1] = period > 1 ? Math.sin(phase) : 0;
    out[offset + j * FEATURES + 2] = period > 1 ? Math.cos(phase) : 0;
  }
}

export class GlobalLstm implements ExternalModel {
  readonly name = 'lstm';
  private constructor(private readonly tf: typeof tfTypes, private readonly net: tfTypes.LayersModel, readonly options: LstmOptions) {}

  minLength(): number {
    return this.options.window + 2;
  }

  /** Trains on every history long enough for one window (others are skipped). */
  static async train(histories: readonly SeriesHistory[], options: Partial<LstmOptions> = {}): Promise<{ model: GlobalLstm; report: LstmTrainReport }> {
    const o: LstmOptions = { ...DEFAULT_LSTM, ...options };
    const { tf, note: backendNote } = await useBackendChoice(o.backend);
    const rng = seedrandom(`lstm\u0000${o.seed}`);
    const prepared = histories
      .map((s) => {
        const y = forward(chooseTransform(s.metric, s.values, s.bounds ?? inferredBounds(s.metric, s.allowNegative, s.limit), s.bounds !== undefined), s.values);
        return { z: standardise(y).z, period: detectSeasonality(s.values, s.stepMs).period };
      })
      .filter((p) => p.z.length > o.window + 1);
    if (prepared.length === 0) throw new RangeError(`LSTM: no series longer than the window of ${o.window} steps`);
    const samples = prepared.length * o.windowsPerSeries;
    const xs = new Float32Array(samples * o.window * FEATURES);
    const ys = new Float32Array(samples);
    let k = 0;
    for (const p of prepared) {
      for (let w = 0; w < o.windowsPerSeries; w++, k++) {
        const end = o.window + Math.floor(rng() * (p.z.length - o.window));
        fillWindow(xs, k * o.window * FEATURES, p.z, end - o.window, end - o.window, o.window, p.period);
        ys[k] = p.z[end]!;
      }
    }
    // Shuffle sample order with the seeded stream (tfjs's own shuffle uses Math.random).
    const order = Array.from({ length: samples }, (_, i) => i);
    for (let i = samples - 1; i > 0; i--) { const j = Math.floor(rng() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
    const xsS = new Float32Array(xs.length), ysS = new Float32Array(samples * 2);
    order.forEach((src, dst) => { xsS.set(xs.subarray(src * o.window * FEATURES, (src + 1) * o.window * FEATURES), dst * o.window * FEATURES); ysS[2 * dst] = ys[src]!; });

    const net = tf.sequential();
    net.add(tf.layers.lstm({ units: o.units, inputShape: [o.window, FEATURES], kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed }), recurrentInitializer: tf.initializers.orthogonal({ seed: o.seed + 1, gain: 1 }) }));
    net.add(tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: o.seed + 2 }) }));
    const nll = (yTrue: tfTypes.Tensor, yPred: tfTypes.Tensor): tfTypes.Tensor => tf.tidy(() => {
      const target = yTrue.slice([0, 0], [-1, 1]);
      const mu = yPred.slice([0, 0], [-1, 1]);
      const logSig = yPred.slice([0, 1], [-1, 1]).clipByValue(LOGSIG_MIN, LOGSIG_MAX);
      return logSig.add(target.sub(mu).div(logSig.exp()).square().mul(0.5)).mean();
    });
    net.compile({ optimizer: tf.train.adam(o.learningRate), loss: nll });
    const x = tf.tensor3d(xsS, [samples, o.window, FEATURES]);
    // Targets are padded to the output's width (mean, log sd); the loss reads column 0 only.
    const y = tf.tensor2d(ysS, [samples, 2]);
    const secondsPerEpoch: number[] = [], loss: number[] = [];
    let began = 0;
    try {
      await net.fit(x, y, {
        epochs: o.epochs, batchSize: o.batchSize, shuffle: false, verbose: 0,
        callbacks: {
          onEpochBegin: async () => { began = performance.now(); },
          onEpochEnd: async (_e, logs) => { secondsPerEpoch.push((performance.now() - began) / 1000); loss.push(Number(logs?.loss ?? Number.NaN)); },
        },
      });
    } finally {
      x.dispose();
      y.dispose();
    }
    return { model: new GlobalLstm(tf, net, o), report: { backend: tf.getBackend(), samples, secondsPerEpoch, loss, ...(backendNote ? { note: backendNote } : {}) } };
  }

  /** Conditions the trained network on one history (no retraining). */
  fit(y: Float64Array, ctx: FitContext): FittedModel {
    const { tf, net, options: o } = this;
    if (y.length < o.window + 1) throw new RangeError(`LSTM needs ${o.window + 1} points, got ${y.length}`);
    const { z, mu, sd } = standardise(y);
    const n = z.length;
    const period = ctx.period;
    /** Rolls `paths` trajectories forward h steps; eps = null rolls the means. */
    const roll = (h: number, paths: number, draw: (() => number) | null): Float64Array => {
      const hist = Array.from({ length: paths }, () => Array.from(z.subarray(n - o.window)));
      const out = new Float64Array(paths * h);
      for (let k = 0; k < h; k++) {
        const buf = new Float32Array(paths * o.window * FEATURES);
        for (let p = 0; p < paths; p++) {
          // The last `window` values of path p; their time indices end at n + k.
          fillWindow(buf, p * o.window * FEATURES, hist[p]!, 0, n + k - o.window, o.window, period);
        }
        const pred = tf.tidy(() => (net.predict(tf.tensor3d(buf, [paths, o.window, FEATURES])) as tfTypes.Tensor).dataSync());
        for (let p = 0; p < paths; p++) {
          const m = pred[2 * p]!;
          const s = Math.exp(Math.min(LOGSIG_MAX, Math.max(LOGSIG_MIN, pred[2 * p + 1]!)));
          const v = draw ? m + s * draw() : m;
          hist[p]!.push(v);
          hist[p]!.shift();
          out[p * h + k] = mu + sd * v;
        }
      }
      return out;
    };
    return {
      name: 'lstm',
      notes: [`global LSTM (${o.units} units, window ${o.window}) on backend ${tf.getBackend()}`],
      point: (h) => roll(h, 1, null),
      samplePaths: (h: number, paths: number, rng: PRNG) => roll(h, paths, () => normalDraw(rng)),
    };
  }

  dispose(): void {
    this.net.dispose();
  }
}
