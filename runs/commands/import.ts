/**
 * `shadowcast import`: a twin file from a topology or a trace.
 *
 *   shadowcast import zoo       FILE.graphml --out twin.yaml [network options]
 *   shadowcast import callgraph FILE.json    --out twin.yaml [--name NAME]
 *   shadowcast import trace     FILE.csv     --out twin.yaml [--name NAME]
 *
 * The importers (twins/import/) build and validate the twin; this command
 * writes it (YAML or JSON by the name of --out) to a temporary file beside the
 * target, reads that file back with loadTwinFile, checks that it gives the same
 * twin (node ids and fields, routes, calls, entries and paths), and only then
 * renames it into place. It prints a short report of what was imported.
 * Rules of each importer: docs/importers.md and docs/twin-spec.md.
 */
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { importCallGraphFile, type CallGraphOptions } from '../../twins/import/callgraph.js';
import { importZooTwin, type NetworkOptions } from '../../twins/import/zoo.js';
import { importTraceFile } from '../../twins/import/trace.js';
import type { TwinInput } from '../../twins/definition/input.js';
import { loadTwinFile, twinFromObject } from '../../twins/definition/load.js';
import type { Twin } from '../../twins/definition/types.js';
import { parsePositiveDuration } from '../../twins/definition/units.js';
import { twinInputToText } from '../../twins/definition/write.js';

export const USAGE = `usage: shadowcast import <zoo|callgraph|trace> FILE --out TWIN [options]

  zoo FILE.graphml        Internet Topology Zoo network: routers, one station per link direction, gravity traffic
  callgraph FILE.json     call-graph JSON: services and calls per request (or calls/s)
  trace FILE.csv          span trace CSV (Nezha Train-Ticket layout): call graph, service times, entry rate

  --out TWIN              twin file to write: .yaml / .yml (YAML) or .json (JSON); written atomically
  --name NAME             (callgraph, trace) twin name when the input has none

network options (zoo only; defaults in parentheses):
  --load PKTS_PER_S       total offered load, packets/s
  --utilization U         scale the load so the busiest link direction runs at U, 0 < U < 1 (0.7)
                          (give --load or --utilization, not both)
  --packet-bytes N        packet size, bytes (1500)
  --default-capacity BPS  capacity of links without LinkSpeedRaw when no link has one, bits/s (1e9)
  --weights W             gravity weights: uniform, degree, or a JSON file {"<router id>": weight} (uniform)
  --path-metric M         shortest paths by delay (propagation + 1 us per hop) or hops (delay)
  --parallel P            parallel links: split (by capacity) or best (highest capacity) (split)
  --service-model M       link service time: exponential or deterministic (exponential)
  --buffer-packets N      tail-drop buffer per link direction, packets (1000)
  --slo-utilization U     link SLO: utilization limit, or 'off' (0.9)
  --slo-error-rate E      link SLO: loss limit, or 'off' (0.001)
  --slo-p99 DUR           link SLO: p99 latency limit, e.g. 5ms, or 'off' (off)
  --slo-window DUR        link SLO: sliding window (60s)`;

export type ImportKind = 'zoo' | 'callgraph' | 'trace';
const KINDS: readonly ImportKind[] = ['zoo', 'callgraph', 'trace'];

export interface ImportArgs {
  readonly kind: ImportKind;
  readonly file: string;
  readonly out: string;
  readonly network: NetworkOptions;
  readonly callgraph: CallGraphOptions;
}

const NETWORK_FLAGS = [
  'load', 'utilization', 'packet-bytes', 'default-capacity', 'weights', 'path-metric', 'parallel', 'service-model', 'buffer-packets',
  'slo-utilization', 'slo-error-rate', 'slo-p99', 'slo-window',
] as const;

function argError(flag: string, expected: string, got: string | undefined): Error {
  return new Error(`import: ${flag}: expected ${expected}${got === undefined ? '' : `, got '${got}'`}`);
}

function positiveNumber(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0) throw argError(`--${flag}`, 'a finite positive number', v);
  return n;
}

function positiveInt(flag: string, v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isInteger(n) || n < 1) throw argError(`--${flag}`, 'a positive integer', v);
  return n;
}

function share(flag: string, v: string, open: boolean): number {
  const n = Number(v);
  const ok = v.trim() !== '' && Number.isFinite(n) && (open ? n > 0 && n < 1 : n >= 0 && n <= 1);
  if (!ok) throw argError(`--${flag}`, open ? 'a number between 0 and 1 (exclusive)' : 'a number in [0, 1]', v);
  return n;
}

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw argError(`--${flag}`, allowed.map((a) => `'${a}'`).join(' or '), v);
  return v as T;
}

function duration(flag: string, v: string): number {
  try {
    return parsePositiveDuration(v);
  } catch {
    throw argError(`--${flag}`, 'a positive duration like 5ms, 60s or 2m', v);
  }
}

async function readWeights(v: string): Promise<NetworkOptions['weights']> {
  if (v === 'uniform' || v === 'degree') return v;
  let data: unknown;
  try {
    data = JSON.parse(await readFile(v, 'utf8'));
  } catch (e) {
    throw argError('--weights', `'uniform', 'degree' or a readable JSON file of {"router id": weight} (${(e as Error).message})`, v);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw argError('--weights', 'a JSON object {"router id": weight}', v);
  for (const [id, w] of Object.entries(data)) {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw argError('--weights', `a finite number >= 0 for router "${id}" in ${v}`, String(w));
  }
  return data as Record<string, number>;
}

/** Parses the command line; null when --help was asked. Throws an Error naming the flag and what was expected. */
export async function parseImportArgs(argv: string[]): Promise<ImportArgs | null> {
  let parsed: ReturnType<typeof parseArgsStrict>;
  try {
    parsed = parseArgsStrict(argv);
  } catch (e) {
    throw new Error(`import: ${(e as Error).message}\n\n${USAGE}`);
  }
  const { values: v, positionals } = parsed;
  if (v.help) return null;
  const [kindArg, file, ...extra] = positionals;
  if (kindArg === undefined) throw new Error(`import: expected a kind (zoo, callgraph or trace) and an input FILE\n\n${USAGE}`);
  if (!(KINDS as readonly string[]).includes(kindArg)) throw new Error(`import: unknown kind '${kindArg}': expected zoo, callgraph or trace`);
  const kind = kindArg as ImportKind;
  const ext = { zoo: '.graphml', callgraph: '.json', trace: '.csv' }[kind];
  if (file === undefined) throw new Error(`import ${kind}: expected an input FILE (a ${ext} file) after '${kind}'`);
  if (extra.length > 0) throw new Error(`import ${kind}: expected one input FILE, got also ${extra.map((x) => `'${x}'`).join(', ')}`);
  try {
    await access(file);
  } catch (e) {
    throw new Error(`import ${kind}: input FILE '${file}' cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }

  if (v.out === undefined) throw argError('--out', 'the twin file to write (a .yaml, .yml or .json name)', undefined);
  const outExt = extname(v.out).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(outExt)) {
    throw argError('--out', `a file name ending .yaml, .yml or .json (the only twin files loadTwinFile reads), got '${v.out}' with ${outExt ? `extension '${outExt}'` : 'no extension'}`, undefined);
  }

  if (kind !== 'zoo') {
    const wrong = NETWORK_FLAGS.filter((f) => v[f] !== undefined);
    if (wrong.length > 0) throw new Error(`import ${kind}: ${wrong.map((f) => `--${f}`).join(', ')}: network option(s), only for 'import zoo'`);
  } else if (v.name !== undefined) {
    throw new Error(`import zoo: --name: only for 'import callgraph' and 'import trace' (a network twin is named by its GraphML file)`);
  }

  const network: {
    -readonly [K in keyof NetworkOptions]: NetworkOptions[K];
  } = {};
  if (kind === 'zoo') {
    if (v.load !== undefined && v.utilization !== undefined) throw new Error(`import zoo: --load and --utilization: expected one of them, not both`);
    if (v.load !== undefined) network.load = positiveNumber('load', v.load);
    if (v.utilization !== undefined) network.maxUtilization = share('utilization', v.utilization, true);
    if (v['packet-bytes'] !== undefined) network.packetBytes = positiveNumber('packet-bytes', v['packet-bytes']);
    if (v['default-capacity'] !== undefined) network.defaultCapacity = positiveNumber('default-capacity', v['default-capacity']);
    if (v.weights !== undefined) network.weights = await readWeights(v.weights);
    if (v['path-metric'] !== undefined) network.pathMetric = oneOf('path-metric', v['path-metric'], ['delay', 'hops'] as const);
    if (v.parallel !== undefined) network.parallel = oneOf('parallel', v.parallel, ['split', 'best'] as const);
    if (v['service-model'] !== undefined) network.serviceModel = oneOf('service-model', v['service-model'], ['exponential', 'deterministic'] as const);
    if (v['buffer-packets'] !== undefined) network.bufferPackets = positiveInt('buffer-packets', v['buffer-packets']);
    const sloFlags = ['slo-utilization', 'slo-error-rate', 'slo-p99', 'slo-window'] as const;
    if (sloFlags.some((f) => v[f] !== undefined)) {
      // Start from the importer's default link SLO and change only what was given.
      const slo: { utilization?: number; errorRate?: number; p99?: number; window?: number } = { utilization: 0.9, errorRate: 0.001, window: 60 };
      const u = v['slo-utilization'];
      if (u !== undefined) if (u === 'off') delete slo.utilization; else slo.utilization = share('slo-utilization', u, false);
      const er = v['slo-error-rate'];
      if (er !== undefined) if (er === 'off') delete slo.errorRate; else slo.errorRate = share('slo-error-rate', er, false);
      const p99 = v['slo-p99'];
      if (p99 !== undefined && p99 !== 'off') slo.p99 = duration('slo-p99', p99);
      if (v['slo-window'] !== undefined) slo.window = duration('slo-window', v['slo-window']);
      if (slo.utilization === undefined && slo.errorRate === undefined && slo.p99 === undefined) {
        throw new Error(`import zoo: --slo-utilization, --slo-error-rate, --slo-p99: expected at least one link SLO condition, all are 'off'`);
      }
      network.linkSlo = slo;
    }
  }
  const callgraph: CallGraphOptions = v.name !== undefined ? { name: v.name } : {};
  return { kind, file, out: v.out, network, callgraph };
}

function parseArgsStrict(argv: string[]) {
  const str = { type: 'string' } as const;
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      out: str, name: str,
      load: str, utilization: str, 'packet-bytes': str, 'default-capacity': str, weights: str, 'path-metric': str,
      parallel: str, 'service-model': str, 'buffer-packets': str,
      'slo-utilization': str, 'slo-error-rate': str, 'slo-p99': str, 'slo-window': str,
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}

/** Counts of a twin for the report: route edges, call edges, fixed paths. */
export function twinCounts(twin: Twin): { nodes: number; routes: number; calls: number; entries: number; paths: number } {
  let routes = 0;
  let calls = 0;
  for (const n of twin.nodes) {
    routes += n.routes.length;
    for (const g of n.callGroups) calls += g.calls.length;
  }
  const paths = twin.entries.reduce((s, e) => s + (e.paths?.length ?? 0), 0);
  return { nodes: twin.nodes.length, routes, calls, entries: twin.entries.length, paths };
}

/** The parts of two twins that must agree after a write and a read. */
function sameTwin(a: Twin, b: Twin): string | null {
  if (a.name !== b.name) return `name ${JSON.stringify(a.name)} became ${JSON.stringify(b.name)}`;
  if (a.nodes.length !== b.nodes.length) return `${a.nodes.length} nodes became ${b.nodes.length}`;
  for (let i = 0; i < a.nodes.length; i++) {
    if (!isDeepStrictEqual(a.nodes[i], b.nodes[i])) return `node ${a.nodes[i]!.id} differs`;
  }
  if (a.entries.length !== b.entries.length) return `${a.entries.length} entries became ${b.entries.length}`;
  for (let i = 0; i < a.entries.length; i++) {
    if (!isDeepStrictEqual(a.entries[i], b.entries[i])) return `entry ${a.entries[i]!.id} differs`;
  }
  return null;
}

/**
 * Writes the twin file atomically: a temporary file beside the target (same
 * extension, so loadTwinFile reads it), read back and compared with the
 * imported twin, then renamed into place. Nothing is left behind on failure.
 */
export async function writeVerifiedTwin(out: string, input: TwinInput, twin: Twin): Promise<void> {
  const ext = extname(out).toLowerCase();
  const dir = dirname(out);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(out, extname(out))}.${process.pid}.${Date.now()}.tmp${ext}`);
  try {
    await writeFile(tmp, twinInputToText(input, ext === '.json' ? 'json' : 'yaml'));
    const back = await loadTwinFile(tmp);
    const diff = sameTwin(twin, back);
    if (diff !== null) throw new Error(`import: the written twin does not read back the same (${diff}); ${out} not written`);
    await rename(tmp, out);
  } finally {
    await rm(tmp, { force: true });
  }
}

const fmt = (x: number, digits = 4): string => (Number.isInteger(x) ? String(x) : Number(x.toPrecision(digits)).toString());

/** Runs one import and returns the report lines (also used by tests). */
export async function importToFile(args: ImportArgs): Promise<string[]> {
  const lines: string[] = [];
  let twin: Twin;
  let input: TwinInput;
  if (args.kind === 'zoo') {
    const r = await importZooTwin(args.file, args.network);
    ({ twin, input } = r);
    const rep = r.report;
    const c = twinCounts(twin);
    lines.push(`imported ${rep.network} (Topology Zoo GraphML ${args.file})`);
    lines.push(`  nodes        ${c.nodes}: ${rep.routers} routers, ${rep.stations} link stations (${rep.links} links, full duplex; ${rep.parallelLinks} parallel)`);
    lines.push(`  edges        ${c.routes} route, ${c.calls} call (traffic follows fixed paths)`);
    lines.push(`  entries      ${c.entries} (one per origin router), ${c.paths} paths for ${rep.flows} flows (${rep.flowsSplit} split over parallel links, ${rep.flowsNotSplit} not split)`);
    lines.push(`  load         ${fmt(rep.load)} packets/s; busiest ${rep.busiest.station} at utilization ${fmt(rep.busiest.utilization)}`);
    lines.push(`  capacity     ${rep.capacityKnown} links with LinkSpeedRaw, ${rep.capacityFallback} fallback (${rep.fallbackRule}${rep.capacityFallback > 0 ? `: ${fmt(rep.fallbackCapacity)} bits/s` : ''})`);
    lines.push(`  delay        ${rep.delayFallback} link(s) with the median-delay fallback`);
    lines.push(`  components   ${rep.components.length} (sizes ${rep.components.map((x) => x.length).join(', ')})`);
  } else if (args.kind === 'callgraph') {
    ({ twin, input } = await importCallGraphFile(args.file, args.callgraph));
    const c = twinCounts(twin);
    lines.push(`imported call graph ${twin.name} (${args.file})`);
    lines.push(`  nodes        ${c.nodes} services`);
    lines.push(`  edges        ${c.calls} call, ${c.routes} route`);
    lines.push(`  entries      ${c.entries}: ${twin.entries.map((e) => `${twin.nodes[e.node]!.id} at ${e.arrival.kind === 'constant' ? fmt(e.arrival.rate) : '?'} req/s`).join(', ')}`);
  } else {
    const r = await importTraceFile(args.file, args.callgraph);
    ({ twin, input } = r);
    if (args.callgraph.name !== undefined && input.name !== args.callgraph.name) {
      // importTraceFile names its call graph 'trace', which wins over opts.name: apply --name here and
      // re-validate, carrying the importer's notes (the reachability warning is recomputed).
      input = { ...input, name: args.callgraph.name };
      const notes = twin.warnings.filter((w) => !/node\(s\) receive no traffic from any entry/.test(w));
      twin = twinFromObject(input, { source: args.file, warnings: notes });
    }
    const rep = r.report;
    const c = twinCounts(twin);
    lines.push(`imported trace ${args.file} as twin ${twin.name}`);
    lines.push(`  spans        ${rep.spans} in ${rep.traces} traces, ${rep.roots} root spans over ${fmt(rep.window)} s, ${rep.orphans} orphan(s)`);
    lines.push(`  nodes        ${c.nodes} services`);
    lines.push(`  edges        ${c.calls} call, ${c.routes} route`);
    lines.push(`  entries      ${c.entries}: ${twin.entries.map((e) => `${twin.nodes[e.node]!.id} at ${e.arrival.kind === 'constant' ? fmt(e.arrival.rate) : '?'} req/s`).join(', ')}`);
  }
  lines.push(`  warnings     ${twin.warnings.length}`);
  for (const w of twin.warnings) lines.push(`    - ${w}`);
  await writeVerifiedTwin(args.out, input, twin);
  lines.push(`wrote ${resolve(args.out)} (${extname(args.out).toLowerCase() === '.json' ? 'JSON' : 'YAML'}; read back with loadTwinFile: same twin)`);
  return lines;
}

export async function run(argv: string[]): Promise<number> {
  const args = await parseImportArgs(argv);
  if (args === null) {
    console.log(USAGE);
    return 0;
  }
  for (const line of await importToFile(args)) console.log(line);
  return 0;
}
