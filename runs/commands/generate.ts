/**
 * `shadowcast generate microservices`: a synthetic microservice twin
 * (twins/generate/microservices.ts) written as a twin file, checked by
 * reading it back.
 */
import { generateMicroservices, DEFAULT_MICROSERVICES } from '../../twins/generate/microservices.js';
import { twinFromObject } from '../../twins/definition/load.js';
import { TwinSpecError } from '../../twins/definition/errors.js';
import type { TwinInput } from '../../twins/definition/input.js';
import { defineCommand, parseFlags, usageError } from '../flags.js';
import { runSubcommand, type SubcommandTable } from '../subcommands.js';
import { OUT_FLAG, writeVerifiedTwin } from './import/write.js';

export const GENERATE_MICROSERVICES = defineCommand({
  command: 'generate microservices',
  flags: {
    services: { kind: 'positiveInt', value: 'N', default: String(DEFAULT_MICROSERVICES.services), help: 'services, entry gateways included (2 to 10000)' },
    seed: { kind: 'int', value: 'S', default: '1', help: 'random seed: the same seed gives the same twin' },
    rate: { kind: 'positiveNumber', value: 'R', default: String(DEFAULT_MICROSERVICES.rate), help: 'total entry rate, requests/s, split over the entries' },
    out: OUT_FLAG,
  },
});

/**
 * The generated input as a twin. The user gave only flags, all checked above,
 * so a twin the loader refuses is the generator's fault: say so, with what
 * reproduces it, rather than blame --out as if the user's file were wrong
 * (exit 4, a failed run, not 3, invalid input).
 */
export function generatedTwin(input: TwinInput, services: number, seed: number, rate: number, out: string) {
  try {
    return twinFromObject(input, { source: out });
  } catch (err) {
    if (!(err instanceof TwinSpecError)) throw err;
    const shown = err.problems.slice(0, 3).map((p) => `\n  ${p.path}: ${p.message}`).join('');
    const more = err.problems.length > 3 ? `\n  ... and ${err.problems.length - 3} more` : '';
    throw new Error(
      `internal error: the generator made an invalid twin for --services ${services} --seed ${seed} --rate ${rate} ` +
      `(a bug in shadowcast, not in your input; please report it with these flags); ${out} not written. ` +
      `${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}:${shown}${more}`,
    );
  }
}

async function runMicroservices(argv: string[]): Promise<number> {
  const parsed = parseFlags(GENERATE_MICROSERVICES, argv);
  if (!parsed) return -1;
  const v = parsed.values;
  if (v.services < 2 || v.services > 10_000) throw usageError(GENERATE_MICROSERVICES, `--services: expected a whole number from 2 to 10000, got ${v.services}`);
  if (v.rate > 100_000) throw usageError(GENERATE_MICROSERVICES, `--rate: expected a number <= 100000, got ${v.rate}`);
  const input = generateMicroservices({ services: v.services, seed: v.seed, rate: v.rate });
  const twin = generatedTwin(input, v.services, v.seed, v.rate, v.out);
  const written = await writeVerifiedTwin(v.out, input, twin);
  console.log(`${twin.name}: ${twin.nodes.length} services, ${twin.nodes.reduce((k, n) => k + n.callGroups.reduce((j, g) => j + g.calls.length, 0), 0)} call edges, ${twin.entries.length} entries`);
  console.log(twin.description);
  console.log(written);
  return 0;
}

const SUBCOMMANDS: SubcommandTable = {
  microservices: { spec: GENERATE_MICROSERVICES, summary: 'a synthetic microservice call graph shaped like published production traces', run: runMicroservices },
};

export function run(argv: string[]): Promise<number> {
  return runSubcommand('generate', SUBCOMMANDS, argv);
}
