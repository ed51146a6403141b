/**
 * The production adapter of MetricWatch: a Prometheus server's HTTP API.
 * After the window has passed, one range query (`/api/v1/query_range`) over
 * it, one value per step. The query is the operator's PromQL template with
 * `{node}` (and optionally `{metric}`) placeholders, e.g.
 *   histogram_quantile(0.95, sum by (le) (rate(http_server_duration_seconds_bucket{service="{node}"}[1m])))
 * Values are checked against strict patterns before they are put into the
 * query, so a node id cannot change the query's meaning. The query must give
 * one series (aggregate it); none is no data; NaN values are no points.
 */
import type { MetricWatch } from './metric-watch.js';

const NODE = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
const METRIC = /^[A-Za-z_:][A-Za-z0-9_:]*$/;

export interface PrometheusWatchOptions {
  /** Base URL of the server, e.g. http://prometheus:9090 */
  readonly url: string;
  /** PromQL with {node} and optionally {metric}. */
  readonly query: string;
  readonly stepSeconds: number;
  /** Waits out the window (injected in tests; default a timer). */
  readonly wait?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

interface RangeAnswer {
  readonly status?: string;
  readonly error?: string;
  readonly data?: { readonly resultType?: string; readonly result?: ReadonlyArray<{ readonly metric?: Record<string, string>; readonly values?: ReadonlyArray<readonly [number, string]> }> };
}

export function prometheusQuery(template: string, node: string, metric: string): string {
  if (!NODE.test(node)) throw new RangeError(`node id ${JSON.stringify(node)} does not match ${NODE} and is not put into a PromQL query`);
  if (template.includes('{metric}') && !METRIC.test(metric)) throw new RangeError(`metric ${JSON.stringify(metric)} does not match ${METRIC}`);
  return template.replaceAll('{node}', node).replaceAll('{metric}', metric);
}

/** The values of a query_range answer, or an error naming what was wrong with it. */
export function rangeValues(answer: RangeAnswer, query: string): number[] {
  if (answer.status !== 'success') throw new Error(`Prometheus refused the query ${query}: ${answer.error ?? `status ${String(answer.status)}`}`);
  const result = answer.data?.result;
  if (answer.data?.resultType !== 'matrix' || !Array.isArray(result)) throw new Error(`Prometheus answered ${query} with a ${String(answer.data?.resultType)}, expected a matrix`);
  if (result.length > 1) throw new Error(`the query ${query} gives ${result.length} series; verification needs one (aggregate it, e.g. with max or sum)`);
  const values: ReadonlyArray<readonly [number, string]> = result[0]?.values ?? [];
  return values.map(([, v]) => Number(v)).filter(Number.isFinite);
}

export function prometheusMetricWatch(o: PrometheusWatchOptions): MetricWatch {
  const base = new URL(o.url);
  if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new RangeError(`--prometheus must be an http(s) URL, got ${o.url}`);
  if (!o.query.includes('{node}')) throw new RangeError(`the PromQL template must name the node with {node}: ${o.query}`);
  const wait = o.wait ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = o.now ?? Date.now;
  const range = async (node: string, metric: string, startMs: number, endMs: number): Promise<number[]> => {
    const query = prometheusQuery(o.query, node, metric);
    const url = new URL('api/v1/query_range', base.href.endsWith('/') ? base.href : `${base.href}/`);
    url.search = new URLSearchParams({ query, start: String(startMs / 1000), end: String(endMs / 1000), step: String(o.stepSeconds) }).toString();
    const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    let answer: RangeAnswer;
    try {
      answer = JSON.parse(text) as RangeAnswer;
    } catch {
      throw new Error(`Prometheus ${base.origin} answered HTTP ${res.status} with no JSON: ${text.slice(0, 200)}`);
    }
    return rangeValues(answer, query);
  };
  return {
    source: `Prometheus ${base.origin} (${o.query}, step ${o.stepSeconds} s)`,
    async watch(node, metric, windowMs) {
      prometheusQuery(o.query, node, metric); // refused before the window is waited out
      const start = now();
      await wait(windowMs);
      return range(node, metric, start, start + windowMs);
    },
    past: (node, metric, fromMs, toMs) => range(node, metric, fromMs, toMs),
  };
}
