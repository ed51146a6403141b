/**
 * `shadowcast import zoo`: an Internet Topology Zoo GraphML network as a twin
 * (routers, one station per link direction, gravity traffic). Rules:
 * docs/importers.md.
 */
import { readInputText } from '../../../models/telemetry/input-file.js';
import { jsonErrorOffset } from '../../../models/telemetry/json-position.js';
import { shown } from '../../../twins/definition/errors.js';
import { LIMITS } from '../../../engine/limits.js';
import { readZooGraphml, type ZooTopology } from '../../../twins/import/graphml.js';
import { networkTwin, OfferedLoadError, type NetworkImportReport, type NetworkOptions } from '../../../twins/import/zoo.js';
import { routerIdList, unknownWeightIds } from '../../../twins/import/zoo-options.js';
import type { TwinInput } from '../../../twins/definition/input.js';
import type { Twin } from '../../../twins/definition/types.js';
import { parsePositiveDuration } from '../../../twins/definition/units.js';
import { InputError } from '../../usage-error.js';
import { defineCommand, parseFlags, usageError, type FlagValues } from '../../flags.js';
import { fmt, twinCounts, warningLines } from './report.js';
import { OUT_FLAG, type ImportedTwin } from './write.js';

/** A link SLO limit in [0, 1], or 'off' to drop that condition. */
function shareOrOff(raw: string): number | 'off' {
  const n = Number(raw);
  if (raw === 'off') return 'off';
  if (raw.trim() === '' || !(Number.isFinite(n) && n >= 0 && n <= 1)) throw new Error(`expected a number in [0, 1] or 'off', got '${raw}'`);
  return n;
}

function durationOrOff(raw: string): number | 'off' {
  if (raw === 'off') return 'off';
  try {
    return parsePositiveDuration(raw);
  } catch {
    throw new Error(`expected a positive duration like 5ms, 60s or 2m, or 'off', got '${raw}'`);
  }
}

export const ZOO = defineCommand({
  command: 'import zoo',
  positionals: [{ name: 'FILE.graphml', help: 'Internet Topology Zoo network: routers, one station per link direction, gravity traffic' }],
  flags: {
    out: OUT_FLAG,
    load: { kind: 'positiveNumber', value: 'PKTS_PER_S', help: 'total offered load, packets/s' },
    utilization: { kind: 'level', value: 'U', absent: '0.7', help: 'scale the load so the busiest link direction runs at U, 0 < U < 1' },
    'packet-bytes': { kind: 'positiveNumber', value: 'N', absent: '1500', help: 'packet size, bytes' },
    'default-capacity': { kind: 'positiveNumber', value: 'BPS', absent: '1e9', help: 'capacity of links without LinkSpeedRaw when no link has one, bits/s' },
    weights: { kind: 'string', value: 'W', absent: 'uniform', help: 'gravity weights: uniform, degree, or a JSON file {"<router id>": weight}' },
    'path-metric': { kind: 'choice', value: 'M', choices: ['delay', 'hops'], absent: 'delay', help: 'shortest paths by delay (propagation + 1 us per hop) or hops' },
    parallel: { kind: 'choice', value: 'P', choices: ['split', 'best'], absent: 'split', help: 'parallel links: split (by capacity) or best (highest capacity)' },
    ecmp: { kind: 'boolean', help: 'split over every equal-cost next router (default: the first in router order)' },
    'service-model': { kind: 'choice', value: 'M', choices: ['exponential', 'deterministic'], absent: 'exponential', help: 'link service time' },
    'buffer-packets': { kind: 'positiveInt', value: 'N', absent: '1000', help: 'tail-drop buffer per link direction, packets' },
    'slo-utilization': { kind: 'custom', value: 'U', parse: shareOrOff, absent: '0.9', help: "link SLO: utilization limit, or 'off'" },
    'slo-error-rate': { kind: 'custom', value: 'E', parse: shareOrOff, absent: '0.001', help: "link SLO: loss limit, or 'off'" },
    'slo-p99': { kind: 'custom', value: 'DUR', parse: durationOrOff, absent: 'off', help: "link SLO: p99 latency limit, e.g. 5ms, or 'off'" },
    'slo-window': { kind: 'duration', absent: '60s', help: 'link SLO: window length (consecutive windows from time 0)' },
  },
  notes: 'Give --load or --utilization, not both.',
});

/** A --weights JSON file as read: its path, its weights, and the line of each key (for messages about it). */
export interface WeightsFile {
  readonly path: string;
  readonly weights: Readonly<Record<string, number>>;
  readonly lines: ReadonlyMap<string, number>;
}

export interface ZooArgs {
  readonly kind: 'zoo';
  readonly file: string;
  readonly out: string;
  readonly network: NetworkOptions;
  /** Set when --weights named a file: its keys are checked against the GraphML's router ids once the file is read. */
  readonly weightsFile?: WeightsFile;
}

/** The line of each key of a flat JSON object (weights hold numbers only, so every key is a top-level one; a repeated key: its last line, as JSON.parse keeps the last value). */
function keyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let line = 1;
  let from = 0;
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"\s*:/g)) {
    for (let i = from; i < m.index!; i++) if (text.charCodeAt(i) === 10) line++;
    from = m.index!;
    try {
      lines.set(JSON.parse(`"${m[1]}"`) as string, line);
    } catch {
      // Not a valid JSON string: JSON.parse of the whole file has already refused it.
    }
  }
  return lines;
}

/** --weights: a rule name, or a JSON file of weights per router id (an input: its problems are input errors). */
async function readWeights(v: string): Promise<'uniform' | 'degree' | WeightsFile> {
  if (v === 'uniform' || v === 'degree') return v;
  const text = await readInputText(v, (problem) => new InputError(`--weights: expected 'uniform', 'degree' or a readable JSON file of {"router id": weight}, got '${v}' (${problem})`, ZOO.command));
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // The parser's own message quotes the file; the position is enough.
    const at = jsonErrorOffset(text);
    throw new InputError(`${v}: expected a JSON object {"router id": weight}: invalid JSON${at !== undefined ? ` at character ${at + 1}` : ''}`, ZOO.command);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new InputError(`${v}: expected a JSON object {"router id": weight}`, ZOO.command);
  for (const [id, w] of Object.entries(data)) {
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) throw new InputError(`${v}: ${JSON.stringify(id.slice(0, 60))}: expected a finite number >= 0, got ${shown(w)}`, ZOO.command);
  }
  return { path: v, weights: data as Record<string, number>, lines: keyLines(text) };
}

/**
 * Weight keys that are not router ids of the GraphML file, reported against
 * the weights file (its path, the key's line), with a hint and the router ids
 * there are: the problem is in the JSON, and the GraphML is what it must match.
 */
function checkWeightsFile(w: WeightsFile, topo: ZooTopology): void {
  const unknown = unknownWeightIds(w.weights, topo.routers);
  if (unknown.length === 0) return;
  const listed = unknown.slice(0, 10).map((u) => `  ${w.path}${w.lines.has(u.id) ? `:${w.lines.get(u.id)}` : ''}: ${shown(u.id)}: unknown router id${u.hint}`);
  const more = unknown.length > 10 ? [`  ... and ${unknown.length - 10} more`] : [];
  throw new InputError([
    `--weights ${w.path}: ${unknown.length} key(s) are not router ids of ${topo.file} (weights are keyed by the GraphML node id)`,
    ...listed,
    ...more,
    `  the router ids are ${routerIdList(topo.routers)}`,
  ].join('\n'), ZOO.command);
}

/** The importer's options from the flags: only those given, so the importer's defaults stay the defaults; and the --weights file, if one was read. */
export async function networkOptions(v: FlagValues<typeof ZOO.flags>): Promise<{ network: NetworkOptions; weightsFile?: WeightsFile }> {
  if (v.load !== undefined && v.utilization !== undefined) throw usageError(ZOO, '--load and --utilization: expected one of them, not both');
  const slo = v['slo-utilization'] ?? v['slo-error-rate'] ?? v['slo-p99'] ?? v['slo-window'];
  const weights = v.weights !== undefined ? await readWeights(v.weights) : undefined;
  const network: NetworkOptions = {
    ...(v.load !== undefined ? { load: v.load } : {}),
    ...(v.utilization !== undefined ? { maxUtilization: v.utilization } : {}),
    ...(v['packet-bytes'] !== undefined ? { packetBytes: v['packet-bytes'] } : {}),
    ...(v['default-capacity'] !== undefined ? { defaultCapacity: v['default-capacity'] } : {}),
    ...(weights !== undefined ? { weights: typeof weights === 'string' ? weights : weights.weights } : {}),
    ...(v['path-metric'] !== undefined ? { pathMetric: v['path-metric'] } : {}),
    ...(v.parallel !== undefined ? { parallel: v.parallel } : {}),
    ...(v.ecmp ? { ecmp: true } : {}),
    ...(v['service-model'] !== undefined ? { serviceModel: v['service-model'] } : {}),
    ...(v['buffer-packets'] !== undefined ? { bufferPackets: v['buffer-packets'] } : {}),
    ...(slo !== undefined ? { linkSlo: linkSlo(v) } : {}),
  };
  return typeof weights === 'object' ? { network, weightsFile: weights } : { network };
}

/** The importer's default link SLO with the conditions given changed. */
function linkSlo(v: FlagValues<typeof ZOO.flags>): NonNullable<NetworkOptions['linkSlo']> {
  const slo: { utilization?: number; errorRate?: number; p99?: number; window?: number } = { utilization: 0.9, errorRate: 0.001, window: 60 };
  const u = v['slo-utilization'];
  if (u === 'off') delete slo.utilization; else if (u !== undefined) slo.utilization = u;
  const er = v['slo-error-rate'];
  if (er === 'off') delete slo.errorRate; else if (er !== undefined) slo.errorRate = er;
  const p99 = v['slo-p99'];
  if (p99 !== undefined && p99 !== 'off') slo.p99 = p99;
  if (v['slo-window'] !== undefined) slo.window = v['slo-window'];
  if (slo.utilization === undefined && slo.errorRate === undefined && slo.p99 === undefined) {
    throw usageError(ZOO, "--slo-utilization, --slo-error-rate, --slo-p99: expected at least one link SLO condition, all are 'off'");
  }
  return slo;
}

/** Parses `import zoo` arguments (after the kind); null for --help. */
export async function parseZooArgs(argv: readonly string[]): Promise<ZooArgs | null> {
  const parsed = parseFlags(ZOO, argv);
  if (!parsed) return null;
  return { kind: 'zoo', file: parsed.positionals[0]!, out: parsed.values.out, ...(await networkOptions(parsed.values)) };
}

export async function importZoo(args: ZooArgs): Promise<ImportedTwin> {
  const imported = readZooGraphml(args.file).then((topo) => {
    if (args.weightsFile) checkWeightsFile(args.weightsFile, topo);
    return networkTwin(topo, args.network);
  });
  return networkImport(`Topology Zoo GraphML ${args.file}`, imported, (m) => usageError(ZOO, m));
}

/**
 * An offered load over the entry-rate limit, as flags: the one that scaled it
 * (named as the default when the user gave none: the rates then come from a
 * flag they never typed) and the values that fit.
 */
function offeredLoadMessage(e: OfferedLoadError): string {
  const flag = e.scaledBy.option === 'load' ? '--load' : '--utilization';
  const cause = `${e.scaledBy.given ? '' : 'the default '}${flag} ${e.scaledBy.value}${e.packetBytes.given ? ` with --packet-bytes ${e.packetBytes.value}` : ''}`;
  const fix = e.fits.packetBytes !== null
    ? `lower ${flag} to ${e.fits.scaledBy} or less, or raise --packet-bytes to ${e.fits.packetBytes} or more (the same utilization in fewer, larger packets)`
    : `lower ${flag} to ${e.fits.scaledBy} or less`;
  return `${cause} gives ${e.entry} an entry rate of ${Math.round(e.rate)} packets/s on this topology, over the limit of ${LIMITS.entryRate} packets/s per router (docs/limits.md): ${fix}`;
}

/** Runs a network import (Zoo file or generated backbone) and words its report; `what` says where the topology came from, `extra` lines follow the nodes line. */
export async function networkImport(what: string, imported: Promise<{ twin: Twin; input: TwinInput; report: NetworkImportReport }>, usage: (message: string) => Error, extra: readonly string[] = []): Promise<ImportedTwin> {
  const { twin, input, report: rep } = await imported.catch((e: unknown) => {
    // The load comes from the flags: say which, rather than blame the GraphML file for rates it does not hold.
    if (e instanceof OfferedLoadError) throw usage(offeredLoadMessage(e));
    throw e;
  });
  const c = twinCounts(twin);
  const lines = [
    `imported ${rep.network} (${what})`,
    `  nodes        ${c.nodes}: ${rep.routers} routers, ${rep.stations} link stations (${rep.links} links, full duplex; ${rep.parallelLinks} parallel)`,
    ...extra,
    `  routing      ${input.network!.metric} shortest paths${input.network!.ecmp ? ', ECMP' : ''}, parallel links ${input.network!.parallel}: forwarding tables built when the twin is read`,
    `  entries      ${c.entries} (one per origin router), gravity traffic over ${rep.flows} routed router pairs`,
    `  unroutable   ${rep.unroutablePairs} pair(s), ${fmt(rep.unroutableLoad)} packets/s not offered${rep.unroutableExamples.length > 0 ? ` (${rep.unroutableExamples.slice(0, 10).join(', ')}${rep.unroutablePairs > 10 ? ', ...' : ''})` : ''}`,
    `  load         ${fmt(rep.load)} packets/s; busiest ${rep.busiest.station} at utilization ${fmt(rep.busiest.utilization)}`,
    `  capacity     ${rep.capacityKnown} links with ${what.startsWith('generated') ? 'a generated capacity' : 'LinkSpeedRaw'}, ${rep.capacityFallback} fallback (${rep.fallbackRule}${rep.capacityFallback > 0 ? `: ${fmt(rep.fallbackCapacity)} bits/s` : ''})`,
    rep.delayRule === 'no link has a length: 0'
      ? `  delay        ${rep.delayFallback} link(s) without a length: propagation delay 0 s (no link has coordinates at both routers to take a median of)`
      : `  delay        ${rep.delayFallback} link(s) with the median-delay fallback`,
    `  components   ${rep.components.length} (sizes ${rep.components.map((x) => x.length).join(', ')})`,
    ...warningLines(twin),
  ];
  return { twin, input, lines };
}
