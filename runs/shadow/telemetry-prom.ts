/**
 * A minimal reader of the Prometheus text exposition format (what prom-client
 * serves on /metrics), and what the shadow scraper needs from it: counters,
 * gauges and cumulative histogram buckets, looked up by name and labels.
 * prom-client has no parser, and the subset here is all its output uses:
 * `name{label="value",...} number` lines, `#` comments, no timestamps needed.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export class PromParseError extends Error {
  constructor(line: number, message: string) {
    super(`metrics line ${line}: ${message}`);
    this.name = 'PromParseError';
  }
}

function parseValue(text: string, line: number): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const v = Number(text);
  if (text === '' || !Number.isFinite(v)) throw new PromParseError(line, `expected a number, got "${text}"`);
  return v;
}

/** Parses `{a="x",b="y\"z"}` starting at `open` (the brace); returns the labels and the index after the closing brace. */
function parseLabels(s: string, open: number, line: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = open + 1;
  for (;;) {
    while (s[i] === ' ' || s[i] === ',') i++;
    if (s[i] === '}') return { labels, end: i + 1 };
    const eq = s.indexOf('=', i);
    if (eq < 0 || s[eq + 1] !== '"') throw new PromParseError(line, 'expected label="value"');
    const key = s.slice(i, eq).trim();
    let value = '';
    let j = eq + 2;
    for (; j < s.length && s[j] !== '"'; j++) {
      if (s[j] === '\\') {
        j++;
        value += s[j] === 'n' ? '\n' : s[j];
      } else value += s[j];
    }
    if (j >= s.length) throw new PromParseError(line, 'unterminated label value');
    labels[key] = value;
    i = j + 1;
  }
}

export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const s = lines[n]!.trim();
    if (s === '' || s.startsWith('#')) continue;
    const brace = s.indexOf('{');
    const space = s.indexOf(' ');
    let name: string, labels: Record<string, string> = {}, rest: string;
    if (brace >= 0 && (space < 0 || brace < space)) {
      name = s.slice(0, brace);
      const parsed = parseLabels(s, brace, n + 1);
      labels = parsed.labels;
      rest = s.slice(parsed.end).trim();
    } else {
      if (space < 0) throw new PromParseError(n + 1, `expected "name value", got "${s}"`);
      name = s.slice(0, space);
      rest = s.slice(space + 1).trim();
    }
    // An optional timestamp may follow the value.
    out.push({ name, labels, value: parseValue(rest.split(/\s+/)[0] ?? '', n + 1) });
  }
  return out;
}

/** Metric names declared by `# TYPE name kind` lines (a labelled counter never incremented has no sample, only this line). */
export function declaredMetrics(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/^#\s*TYPE\s+(\S+)\s/gm)) out.add(m[1]!);
  return out;
}

/** The samples of one scrape, looked up by name and (a subset of) labels. */
export class Scrape {
  constructor(readonly samples: readonly Sample[], readonly declared: ReadonlySet<string> = new Set()) {}

  static parse(text: string): Scrape {
    return new Scrape(parsePrometheusText(text), declaredMetrics(text));
  }

  /** Sum of every sample named `name` whose labels include `match`: 0 when the metric is declared but has no such sample, null when it is absent. */
  sum(name: string, match: Readonly<Record<string, string>> = {}): number | null {
    let total: number | null = this.declared.has(name) ? 0 : null;
    for (const s of this.samples) {
      if (s.name !== name) continue;
      if (!Object.entries(match).every(([k, v]) => s.labels[k] === v)) continue;
      total = (total ?? 0) + s.value;
    }
    return total;
  }

  /** Cumulative histogram `name` over the series whose labels include `match`: buckets sorted by upper bound (summed over other labels), with _sum and _count. */
  histogram(name: string, match: Readonly<Record<string, string>> = {}): CumulativeHistogram | null {
    const byLe = new Map<number, number>();
    for (const s of this.samples) {
      if (s.name !== `${name}_bucket` || s.labels.le === undefined) continue;
      if (!Object.entries(match).every(([k, v]) => s.labels[k] === v)) continue;
      const le = parseValue(s.labels.le, 0);
      byLe.set(le, (byLe.get(le) ?? 0) + s.value);
    }
    const sum = this.sum(`${name}_sum`, match);
    const count = this.sum(`${name}_count`, match);
    if (byLe.size === 0 || sum === null || count === null) return null;
    const buckets = [...byLe.entries()].sort((a, b) => a[0] - b[0]).map(([le, cumulative]) => ({ le, cumulative }));
    return { buckets, sum, count };
  }
}

export interface CumulativeHistogram {
  /** Upper bounds ascending (the last is +Inf) with cumulative counts. */
  readonly buckets: ReadonlyArray<{ readonly le: number; readonly cumulative: number }>;
  readonly sum: number;
  readonly count: number;
}

/** later − earlier, bucket by bucket; null when the bucket layouts differ or a count went down (a restarted process). */
export function histogramIncrease(later: CumulativeHistogram, earlier: CumulativeHistogram | null): CumulativeHistogram | null {
  if (earlier === null) return later;
  if (later.buckets.length !== earlier.buckets.length || later.count < earlier.count) return null;
  const buckets = [];
  for (let i = 0; i < later.buckets.length; i++) {
    const a = later.buckets[i]!, b = earlier.buckets[i]!;
    if (a.le !== b.le || a.cumulative < b.cumulative) return null;
    buckets.push({ le: a.le, cumulative: a.cumulative - b.cumulative });
  }
  return { buckets, sum: later.sum - earlier.sum, count: later.count - earlier.count };
}

/**
 * Quantile q of a cumulative histogram the way PromQL's histogram_quantile
 * does it: linear interpolation inside the bucket holding rank q·count (from 0
 * for the first bucket); in the +Inf bucket, the largest finite bound.
 * null when the histogram is empty.
 */
export function histogramQuantile(h: CumulativeHistogram, q: number): number | null {
  const total = h.buckets.length > 0 ? h.buckets[h.buckets.length - 1]!.cumulative : 0;
  if (!(total > 0)) return null;
  const rank = q * total;
  let prevLe = 0, prevCum = 0;
  for (const b of h.buckets) {
    if (b.cumulative >= rank && b.cumulative > prevCum) {
      if (!Number.isFinite(b.le)) return prevLe;
      return prevLe + ((b.le - prevLe) * (rank - prevCum)) / (b.cumulative - prevCum);
    }
    prevLe = Number.isFinite(b.le) ? b.le : prevLe;
    prevCum = b.cumulative;
  }
  return prevLe;
}
