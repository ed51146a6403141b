/**
 * Telemetry from a live Prometheus server, over its HTTP API
 * (`GET /api/v1/query_range`). Each configured query must answer with one
 * series; its answer is saved as a query_range JSON file (labels rewritten to
 * the configured node/metric) so the project's own Prometheus reader
 * (models/telemetry/prometheus.ts) reads and cleans it like any file, and so
 * the run's inputs can be hashed and a resumed run reads the same data.
 *
 * Failures say what to check: an unreachable server or a server error is a
 * run failure (exit 4), a query Prometheus rejects or one that returns no
 * series or several is an input problem of the config (exit 3).
 */
import { join } from 'node:path';
import type { PrometheusQuery, TelemetrySource } from './config.js';
import { writeFileAtomically } from '../report/atomic-file.js';
import { InputError } from '../usage-error.js';

type PromSource = Extract<TelemetrySource, { kind: 'prometheus' }>;

/** Prometheus refuses a query_range of more points than this per series. */
export const MAX_POINTS = 11_000;

/** The server could not be asked, or failed to answer (not the query's fault). */
export class PrometheusUnavailableError extends Error {
  override readonly name = 'PrometheusUnavailableError';
}

interface PromAnswer {
  status?: string;
  errorType?: string;
  error?: string;
  data?: { resultType?: string; result?: Array<{ metric?: Record<string, string>; values?: unknown }> };
}

export interface FetchedSeries {
  readonly query: PrometheusQuery;
  /** The saved response; null when the query returned no series. */
  readonly file: string | null;
}

/** The time range a run asks for: `range` seconds ending at `endSeconds` (aligned to the step). */
export function queryWindow(source: PromSource, endSeconds: number): { start: number; end: number } {
  const end = Math.floor(endSeconds / source.step) * source.step;
  return { start: end - source.range, end };
}

async function ask(source: PromSource, q: PrometheusQuery, at: string, start: number, end: number): Promise<PromAnswer> {
  const params = new URLSearchParams({ query: q.query, start: String(start), end: String(end), step: String(source.step) });
  const url = `${source.url}/api/v1/query_range?${params}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(source.timeout * 1000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = (e as Error).name === 'TimeoutError' ? `no answer within ${source.timeout} s` : cause?.code ?? cause?.message ?? (e as Error).message;
    throw new PrometheusUnavailableError(`Prometheus at ${source.url} is unreachable (${why}) asking for ${q.series}; check telemetry.prometheus.url, or that the server is up`);
  }
  const text = await res.text();
  let body: PromAnswer;
  try {
    body = JSON.parse(text) as PromAnswer;
  } catch {
    throw new PrometheusUnavailableError(`Prometheus at ${source.url} answered HTTP ${res.status} with something that is not its JSON API (${JSON.stringify(text.slice(0, 80))}) for ${q.series}; is the url that of a Prometheus server?`);
  }
  if (!res.ok || body.status !== 'success') {
    const what = `${body.errorType ?? `HTTP ${res.status}`}: ${body.error ?? 'no detail'}`;
    // bad_data: the query or its parameters are wrong, which only the config can fix.
    if (body.errorType === 'bad_data') throw new InputError(`${at}: Prometheus refused the query for ${q.series} (${what})`);
    throw new PrometheusUnavailableError(`Prometheus at ${source.url} failed the query for ${q.series} (${what})`);
  }
  return body;
}

/**
 * Runs every query over [start, end] and saves each answer under `dir`
 * (q<k>.json). A query with no series is returned with `file: null` (the
 * caller decides whether it mattered); several series is an input problem.
 */
export async function fetchPrometheus(source: PromSource, configFile: string, dir: string, window: { start: number; end: number }): Promise<FetchedSeries[]> {
  const points = Math.floor((window.end - window.start) / source.step) + 1;
  if (points > MAX_POINTS) throw new InputError(`${configFile}: telemetry.prometheus: range / step gives ${points} points per series, more than Prometheus answers (${MAX_POINTS}); widen the step or shorten the range`);
  const out: FetchedSeries[] = [];
  for (const [k, q] of source.queries.entries()) {
    const at = `${configFile}: telemetry.prometheus.queries[${k}].query`;
    const body = await ask(source, q, at, window.start, window.end);
    if (body.data?.resultType !== 'matrix') throw new PrometheusUnavailableError(`Prometheus at ${source.url} answered the query for ${q.series} with a ${body.data?.resultType ?? 'missing'} result, not a range (matrix)`);
    const result = body.data.result ?? [];
    if (result.length === 0) {
      out.push({ query: q, file: null });
      continue;
    }
    if (result.length > 1) {
      const labels = result.slice(0, 3).map((r) => JSON.stringify(r.metric ?? {})).join(', ');
      throw new InputError(`${at}: the query for ${q.series} returned ${result.length} series (${labels}${result.length > 3 ? ', ...' : ''}); it must return one: aggregate it, e.g. sum(...)`);
    }
    const slash = q.series.indexOf('/');
    const named = { status: 'success', data: { resultType: 'matrix', result: [{ metric: { __name__: q.series.slice(slash + 1), service: q.series.slice(0, slash) }, values: result[0]!.values }] } };
    const file = join(dir, `q${k}.json`);
    await writeFileAtomically(file, JSON.stringify(named));
    out.push({ query: q, file });
  }
  return out;
}
