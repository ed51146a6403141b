/**
 * `shadowcast import zoo`: an Internet Topology Zoo GraphML network as a twin
 * (routers, one station per link direction, gravity traffic). Rules:
 * docs/importers.md.
 */
import { readInputText } from '../../../models/telemetry/input-file.js';
import { jsonErrorOffset } from '../../../models/telemetry/json-position.js';
import { shown, TwinSpecError } from '../../../twins/definition/errors.js';
import { LIMITS } from '../../../engine/limits.js';
import { importZooTwin, type NetworkImportReport, type NetworkOptions } from '../../../twins/import/zoo.js';
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
    'slo-window': { kind: 'duration', absent: '60s', help: 'link SLO: sliding window' },
  },
  notes: 'Give --load or --utilization, not both.',
});

export interface ZooArgs {
  readonly kind: 'zoo';
  readonly file: string;
  readonly out: string;
  readonly network: NetworkOptions;
}

/** --weights: a rule name, or a JSON file of weights per router id (an input: its problems are input errors). */
async function readWeights(v: string): Promise<NetworkOptions['weights']> {
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
  return data as Record<string, number>;
}

/** The importer's options from the flags: only those given, so the importer's defaults stay the defaults. */
export async function networkOptions(v: FlagValues<typeof ZOO.flags>): Promise<NetworkOptions> {
  if (v.load !== undefined && v.utilization !== undefined) throw usageError(ZOO, '--load and --utilization: expected one of them, not both');
  const slo = v['slo-utilization'] ?? v['slo-error-rate'] ?? v['slo-p99'] ?? v['slo-window'];
  return {
    ...(v.load !== undefined ? { load: v.load } : {}),
    ...(v.utilization !== undefined ? { maxUtilization: v.utilization } : {}),
    ...(v['packet-bytes'] !== undefined ? { packetBytes: v['packet-bytes'] } : {}),
    ...(v['default-capacity'] !== undefined ? { defaultCapacity: v['default-capacity'] } : {}),
    ...(v.weights !== undefined ? { weights: await readWeights(v.weights) } : {}),
    ...(v['path-metric'] !== undefined ? { pathMetric: v['path-metric'] } : {}),
    ...(v.parallel !== undefined ? { parallel: v.parallel } : {}),
    ...(v.ecmp ? { ecmp: true } : {}),
    ...(v['service-model'] !== undefined ? { serviceModel: v['service-model'] } : {}),
    ...(v['buffer-packets'] !== undefined ? { bufferPackets: v['buffer-packets'] } : {}),
    ...(slo !== undefined ? { linkSlo: linkSlo(v) } : {}),
  };
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
  return { kind: 'zoo', file: parsed.positionals[0]!, out: parsed.values.out, network: await networkOptions(parsed.values) };
}

export async function importZoo(args: ZooArgs): Promise<ImportedTwin> {
  return networkImport(`Topology Zoo GraphML ${args.file}`, importZooTwin(args.file, args.network), (m) => usageError(ZOO, m));
}

/** Runs a network import (Zoo file or generated backbone) and words its report; `what` says where the topology came from. */
export async function networkImport(what: string, imported: Promise<{ twin: Twin; input: TwinInput; report: NetworkImportReport }>, usage: (message: string) => Error): Promise<ImportedTwin> {
  const { twin, input, report: rep } = await imported.catch((e: unknown) => {
    // The load comes from the flags: say so rather than blame the GraphML file for rates it does not hold.
    const over = e instanceof TwinSpecError && e.problems.find((p) => /^entries\[\d+\]\.rate$/.test(p.path) && /<=/.test(p.message));
    if (over) throw usage(`--load / --utilization / --packet-bytes: the offered load gives entry rates over the limit of ${LIMITS.entryRate} packets/s per router (docs/limits.md): ${over.path} ${over.message.replace(/^expected a number <= \d+, /, '')}`);
    throw e;
  });
  const c = twinCounts(twin);
  const lines = [
    `imported ${rep.network} (${what})`,
    `  nodes        ${c.nodes}: ${rep.routers} routers, ${rep.stations} link stations (${rep.links} links, full duplex; ${rep.parallelLinks} parallel)`,
    `  routing      ${input.network!.metric} shortest paths${input.network!.ecmp ? ', ECMP' : ''}, parallel links ${input.network!.parallel}: forwarding tables built when the twin is read`,
    `  entries      ${c.entries} (one per origin router), gravity traffic over ${rep.flows} routed router pairs`,
    `  unroutable   ${rep.unroutablePairs} pair(s), ${fmt(rep.unroutableLoad)} packets/s not offered${rep.unroutableExamples.length > 0 ? ` (${rep.unroutableExamples.slice(0, 10).join(', ')}${rep.unroutablePairs > 10 ? ', ...' : ''})` : ''}`,
    `  load         ${fmt(rep.load)} packets/s; busiest ${rep.busiest.station} at utilization ${fmt(rep.busiest.utilization)}`,
    `  capacity     ${rep.capacityKnown} links with ${what.startsWith('generated') ? 'a generated capacity' : 'LinkSpeedRaw'}, ${rep.capacityFallback} fallback (${rep.fallbackRule}${rep.capacityFallback > 0 ? `: ${fmt(rep.fallbackCapacity)} bits/s` : ''})`,
    `  delay        ${rep.delayFallback} link(s) with the median-delay fallback`,
    `  components   ${rep.components.length} (sizes ${rep.components.map((x) => x.length).join(', ')})`,
    ...warningLines(twin),
  ];
  return { twin, input, lines };
}
