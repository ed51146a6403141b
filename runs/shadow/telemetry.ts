/**
 * Shadow telemetry: scrapes every node's /metrics on a grid of one production
 * interval (interval·k shadow seconds) while the injector runs, and writes the
 * result as a long CSV (`timestamp,node,metric,value`, docs/formats.md) that
 * models/telemetry reads like production data: timestamps in production time
 * (t0 + shadow elapsed / k), rates × k, latencies / k.
 */
import { request, Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import { loopbackUrl } from './inject-loopback.js';
import { intervalFigures, measuredNode, readingOf, TELEMETRY_METRICS, type NodeSample } from './telemetry-figures.js';
import { Scrape } from './telemetry-prom.js';
import type { MeasuredNode } from '../../twins/shadow/compare.js';
import { MIN_TIMESTAMPS } from '../../models/telemetry/clean.js';

export interface TelemetryInterval {
  /** Production seconds per row. */
  readonly seconds: number;
  /** Rows per node and metric: the window is exactly rows × seconds. */
  readonly rows: number;
  /** The interval asked for (--interval). */
  readonly requested: number;
}

/**
 * The row interval of telemetry.csv over a send window of `windowSeconds`
 * (production): the requested one when the window holds a whole number of
 * them, at least MIN_TIMESTAMPS; else the largest shorter one that does.
 * Rows then tile the window on one regular step: none is dropped at the end
 * (a partial last interval, or a window shorter than one interval, used to
 * leave it out: a header-only file), and no short last row breaks the step
 * the telemetry readers infer, while the readers' minimum of timestamps per
 * series is met.
 */
export function telemetryInterval(windowSeconds: number, requested: number): TelemetryInterval {
  if (!(windowSeconds > 0) || !Number.isFinite(windowSeconds)) throw new RangeError(`send window must be > 0 s, got ${windowSeconds}`);
  if (!(requested > 0) || !Number.isFinite(requested)) throw new RangeError(`telemetry interval must be > 0 s, got ${requested}`);
  // A window of k·duration / k is not always the duration to the last bit: whole within a relative 1e-9.
  const whole = windowSeconds / requested;
  const rows = Math.max(MIN_TIMESTAMPS, Math.ceil(whole - 1e-9));
  const seconds = Math.abs(whole - rows) <= 1e-9 * rows ? requested : windowSeconds / rows;
  return { seconds, rows, requested };
}

/** GET a loopback /metrics and parse it; rejects on a non-200, a timeout or a parse error. */
export function fetchMetrics(url: URL, agent: Agent, timeoutMs: number): Promise<Scrape> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode}`));
        try {
          resolve(Scrape.parse(body));
        } catch (e) {
          reject(e as Error);
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

export interface ScraperOptions {
  /** node id → http://127.0.0.1:PORT/metrics (loopback only). */
  readonly metricsUrls: Readonly<Record<string, string>>;
  readonly k: number;
  /** Production seconds per telemetry row (the shadow scrapes every interval·k seconds). */
  readonly intervalSeconds: number;
  /** Epoch ms of production time at the shadow's start. */
  readonly productionStartMs: number;
}

/** Scrapes on the grid from start() until stop(); grid samples make the telemetry rows, the window-end sample closes the measured window. */
export class ShadowScraper {
  private readonly urls: Array<[string, URL]>;
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 4 });
  private readonly grid = new Map<string, NodeSample[]>();
  private readonly windowEnd = new Map<string, NodeSample>();
  private timer: NodeJS.Timeout | null = null;
  private startPerf = 0;
  private tick = 0;
  private readonly pending = new Set<Promise<void>>();
  private readonly intervalMs: number;

  constructor(readonly options: ScraperOptions) {
    if (!(options.intervalSeconds > 0)) throw new RangeError(`telemetry interval must be > 0 s, got ${options.intervalSeconds}`);
    this.urls = Object.entries(options.metricsUrls).map(([node, u]) => [node, loopbackUrl(u)]);
    for (const [node] of this.urls) this.grid.set(node, []);
    this.intervalMs = options.intervalSeconds * options.k * 1000;
  }

  private timeoutMs(): number {
    return Math.max(200, Math.min(2000, this.intervalMs / 2));
  }

  private scrapeAll(into: (node: string, s: NodeSample) => void): Promise<void> {
    const atMs = performance.now() - this.startPerf;
    const p = Promise.all(this.urls.map(async ([node, url]) => {
      try {
        into(node, { atMs, reading: readingOf(await fetchMetrics(url, this.agent, this.timeoutMs()), node), failure: null });
      } catch (e) {
        into(node, { atMs, reading: null, failure: (e as Error).message });
      }
    })).then(() => undefined);
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
    return p;
  }

  /** Takes the first grid sample now (time 0 of the run) and schedules the rest. */
  async start(startPerf: number): Promise<void> {
    this.startPerf = startPerf;
    await this.scrapeAll((node, s) => this.grid.get(node)!.push(s));
    this.schedule();
  }

  private schedule(): void {
    this.tick++;
    const due = this.startPerf + this.tick * this.intervalMs;
    this.timer = setTimeout(() => {
      void this.scrapeAll((node, s) => this.grid.get(node)!.push(s));
      this.schedule();
    }, Math.max(0, due - performance.now()));
  }

  /** Sample at the end of the send window (closes the measured window). */
  async closeWindow(): Promise<void> {
    await this.scrapeAll((node, s) => this.windowEnd.set(node, s));
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await Promise.all([...this.pending]);
    this.agent.destroy();
  }

  /** Grid samples per node, in time order. */
  samples(): ReadonlyMap<string, readonly NodeSample[]> {
    const out = new Map<string, NodeSample[]>();
    for (const [node, list] of this.grid) out.set(node, [...list].sort((a, b) => a.atMs - b.atMs));
    return out;
  }

  /**
   * The samples that bound `rows` intervals of a window the grid tiles
   * (telemetryInterval): grid samples 0 .. rows − 1, then the window-end
   * sample, which closes the last interval whether or not the grid's own
   * sample there came before it. Grid samples after the window (while
   * answers drain) make no rows.
   */
  windowSamples(rows: number): ReadonlyMap<string, readonly NodeSample[]> {
    const out = new Map<string, NodeSample[]>();
    for (const [node, list] of this.samples()) {
      const end = this.windowEnd.get(node);
      out.set(node, end ? [...list.filter((s) => s.atMs < end.atMs).slice(0, rows), end] : list.slice(0, rows + 1));
    }
    return out;
  }

  /** Whole-window figures per node: grid samples up to the window end, plus the window-end sample. */
  measured(): Map<string, MeasuredNode> {
    const out = new Map<string, MeasuredNode>();
    for (const [node, list] of this.samples()) {
      const end = this.windowEnd.get(node);
      const inside = end ? [...list.filter((s) => s.atMs < end.atMs), end] : list;
      out.set(node, measuredNode(node, inside, this.options.k));
    }
    return out;
  }
}

function cell(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '' : String(Number(v.toPrecision(9)));
}

/**
 * Long-CSV text of the grid samples: one row per node, interval and metric,
 * stamped with the interval's end on the production grid (t0 + i·interval;
 * the rates use the actual scrape times, so timer slack does not jitter the
 * step the reader infers). An interval whose ends
 * are not both readable (or across a restart) has empty cells, which the
 * reader treats as missing and fills.
 */
export function telemetryCsv(samples: ReadonlyMap<string, readonly NodeSample[]>, k: number, productionStartMs: number, intervalSeconds: number): string {
  const lines = ['timestamp,node,metric,value'];
  const rows: Array<{ t: number; node: string; text: string[] }> = [];
  for (const [node, list] of samples) {
    if (/[",\n]/.test(node)) throw new RangeError(`node id ${JSON.stringify(node)} cannot go into a CSV cell unquoted`);
    for (let i = 1; i < list.length; i++) {
      const a = list[i - 1]!, b = list[i]!;
      const figures = a.reading && b.reading ? intervalFigures(a.reading, b.reading, (b.atMs - a.atMs) / 1000, k) : null;
      const t = productionStartMs + i * intervalSeconds * 1000;
      const stamp = new Date(Math.round(t)).toISOString();
      rows.push({ t, node, text: TELEMETRY_METRICS.map((m) => `${stamp},${node},${m},${cell(figures ? figures[m] : null)}`) });
    }
  }
  rows.sort((x, y) => x.t - y.t || (x.node < y.node ? -1 : x.node > y.node ? 1 : 0));
  for (const r of rows) lines.push(...r.text);
  return lines.join('\n') + '\n';
}
