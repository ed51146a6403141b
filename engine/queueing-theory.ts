/**
 * Exact results of queueing theory: the yardsticks the engine is validated
 * against, and closed-form checks the twin can use for sanity bounds.
 * Notation: λ arrival rate, μ service rate per server, c servers, a = λ/μ.
 */

/** Erlang B: blocking probability of M/M/c/c (and M/G/c/c, by insensitivity) with offered load a. */
export function erlangB(c: number, a: number): number {
  if (!(Number.isInteger(c) && c >= 1)) throw new RangeError(`erlangB: c must be an integer >= 1, got ${c}`);
  if (!(a > 0)) throw new RangeError(`erlangB: a must be > 0, got ${a}`);
  // The stable recursion B(k) = a·B(k−1) / (k + a·B(k−1)), B(0) = 1.
  let b = 1;
  for (let k = 1; k <= c; k++) b = (a * b) / (k + a * b);
  return b;
}

/** Erlang C: probability that an arrival waits in M/M/c; needs a < c. */
export function erlangC(c: number, a: number): number {
  if (!(a < c)) throw new RangeError(`erlangC: needs a < c for stability, got a=${a}, c=${c}`);
  const b = erlangB(c, a);
  const rho = a / c;
  return b / (1 - rho + rho * b);
}

export interface MMcMetrics {
  readonly rho: number;
  readonly probWait: number;
  readonly wq: number;
  readonly w: number;
  readonly lq: number;
  readonly l: number;
}

/** Steady-state M/M/c figures. */
export function mmc(lambda: number, mu: number, c: number): MMcMetrics {
  const a = lambda / mu;
  const probWait = erlangC(c, a);
  const wq = probWait / (c * mu - lambda);
  const w = wq + 1 / mu;
  return { rho: a / c, probWait, wq, w, lq: lambda * wq, l: lambda * w };
}

/** p-quantile of the M/M/1 sojourn time, which is exponential with rate μ − λ. */
export function mm1SojournQuantile(lambda: number, mu: number, p: number): number {
  if (!(lambda < mu)) throw new RangeError(`mm1SojournQuantile: needs lambda < mu, got ${lambda}, ${mu}`);
  return -Math.log(1 - p) / (mu - lambda);
}

/** M/M/c/K: stationary distribution of the number in system (birth–death chain). */
export function mmckDistribution(lambda: number, mu: number, c: number, K: number): number[] {
  if (!(Number.isInteger(K) && K >= c)) throw new RangeError(`mmck: K must be an integer >= c, got ${K}`);
  const p = [1];
  for (let n = 1; n <= K; n++) p.push((p[n - 1]! * lambda) / (Math.min(n, c) * mu));
  const total = p.reduce((x, y) => x + y, 0);
  return p.map((x) => x / total);
}

/** M/M/c/K blocking probability: the share of arrivals that find K present (PASTA). */
export function mmckBlocking(lambda: number, mu: number, c: number, K: number): number {
  return mmckDistribution(lambda, mu, c, K)[K]!;
}

/**
 * Pollaczek–Khinchine for M/G/1: Wq = λ·E[S²] / (2(1 − ρ)) with
 * E[S²] = Var[S] + E[S]².
 */
export function pollaczekKhinchine(lambda: number, meanService: number, varService: number): { wq: number; w: number; lq: number; l: number; rho: number } {
  const rho = lambda * meanService;
  if (!(rho < 1)) throw new RangeError(`pollaczekKhinchine: needs rho < 1, got ${rho}`);
  const wq = (lambda * (varService + meanService * meanService)) / (2 * (1 - rho));
  const w = wq + meanService;
  return { wq, w, lq: lambda * wq, l: lambda * w, rho };
}

/**
 * Traffic equations of an open Jackson network: λ = γ + λP, solved by
 * Gaussian elimination on (I − Pᵀ)λ = γ.
 */
export function jacksonThroughputs(external: readonly number[], routing: readonly (readonly number[])[]): number[] {
  const n = external.length;
  const m = Array.from({ length: n }, (_, i) => {
    const row = Array.from({ length: n + 1 }, (_, j) => (j === n ? external[i]! : (i === j ? 1 : 0) - routing[j]![i]!));
    return row;
  });
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const d = m[col]![col]!;
    if (Math.abs(d) < 1e-12) throw new RangeError('jacksonThroughputs: singular system (jobs never leave the network)');
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = m[r]![col]! / d;
      for (let k = col; k <= n; k++) m[r]![k]! -= f * m[col]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}
