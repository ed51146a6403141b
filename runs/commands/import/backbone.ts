/**
 * `shadowcast import backbone --routers N --model waxman|ba --seed S --out TWIN`:
 * a synthetic ISP backbone (twins/network/generate.ts) as a network twin, with
 * every option of `import zoo` that is not about reading a file. Rules:
 * docs/importers.md.
 */
import { generateBackbone, type BackboneModel } from '../../../twins/network/generate.js';
import { networkTwin, type NetworkOptions } from '../../../twins/import/zoo.js';
import { defineCommand, parseFlags, usageError } from '../../flags.js';
import { fmt } from './report.js';
import type { ImportedTwin } from './write.js';
import { networkImport, networkOptions, ZOO } from './zoo.js';

const { 'default-capacity': _capacity, ...zooFlags } = ZOO.flags;

/** The most routers a generated backbone may have: a routed twin holds R x R tables (about 16 MB at 1000, 64 MB at 2000). */
export const MAX_BACKBONE_ROUTERS = 2000;

function routerCount(raw: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 2 || n > MAX_BACKBONE_ROUTERS) throw new Error(`expected a whole number from 2 to ${MAX_BACKBONE_ROUTERS}, got '${raw}'`);
  return n;
}

export const BACKBONE = defineCommand({
  command: 'import backbone',
  flags: {
    routers: { kind: 'custom', value: 'N', required: true, parse: routerCount, help: 'routers of the generated backbone' },
    model: { kind: 'choice', value: 'M', choices: ['waxman', 'ba'], absent: 'waxman', help: 'Waxman (distance-decaying links) or Barabási–Albert (preferential attachment)' },
    seed: { kind: 'string', value: 'S', absent: '1', help: 'seed: the same seed gives the same backbone' },
    'mean-degree': { kind: 'positiveNumber', value: 'K', absent: '3.5', help: 'target mean router degree' },
    ...zooFlags,
    // No GraphML ids to name in a file: the generated routers are r0 .. r{N-1}.
    weights: { kind: 'choice', value: 'W', choices: ['uniform', 'degree'], absent: 'uniform', help: 'gravity weights: uniform or degree' },
  },
  notes: 'Give --load or --utilization, not both. Router positions, links and capacities: docs/importers.md.',
});

export interface BackboneArgs {
  readonly kind: 'backbone';
  readonly out: string;
  readonly routers: number;
  readonly model: BackboneModel;
  readonly seed: string;
  readonly meanDegree: number | undefined;
  readonly network: NetworkOptions;
}

/** Parses `import backbone` arguments (after the kind); null for --help. */
export async function parseBackboneArgs(argv: readonly string[]): Promise<BackboneArgs | null> {
  const parsed = parseFlags(BACKBONE, argv);
  if (!parsed) return null;
  const v = parsed.values;
  const k = v['mean-degree'];
  // More than a complete graph has cannot be reached by any generator: refused rather than quietly capped.
  if (k !== undefined && k > v.routers - 1) throw usageError(BACKBONE, `--mean-degree: expected at most ${v.routers - 1} for ${v.routers} routers (every router linked to every other), got '${k}'`);
  return {
    kind: 'backbone', out: v.out, routers: v.routers, model: v.model ?? 'waxman', seed: v.seed ?? '1', meanDegree: k,
    network: (await networkOptions({ ...v, 'default-capacity': undefined })).network,
  };
}

export async function importBackbone(args: BackboneArgs): Promise<ImportedTwin> {
  const { topology, meanDegree } = generateBackbone({ routers: args.routers, model: args.model, seed: args.seed, ...(args.meanDegree !== undefined ? { meanDegree: args.meanDegree } : {}) });
  const degree = `  degree       mean ${fmt(meanDegree.reached, 3)} (target ${meanDegree.target}${args.meanDegree === undefined ? ', the default' : ''})`;
  return networkImport(`generated ${args.model} backbone, ${args.routers} routers, seed ${args.seed}`, Promise.resolve().then(() => networkTwin(topology, args.network)), (m) => usageError(BACKBONE, m), [degree]);
}
