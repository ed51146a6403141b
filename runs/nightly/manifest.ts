/**
 * The manifest of a nightly run (DIR/manifest.json) and the step runner that
 * keeps it: per step the hash of its inputs, the files it wrote, its wall
 * time and whether it was resumed. A step whose recorded input hash matches
 * and whose outputs all exist is skipped (its outputs are loaded instead), so
 * an interrupted run picks up at the first step that did not finish; the
 * simulation inside its step resumes from its chunk checkpoints. The
 * manifest is rewritten (atomically) after every step.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { contentHash } from '../../twins/definition/content-hash.js';
import type { StoppingReport } from '../montecarlo/stopping.js';
import { writeFileAtomically } from '../report/atomic-file.js';
import { REPO_ROOT } from '../paths.js';

export const MANIFEST_FORMAT = 'shadowcast-nightly-manifest/1';

export const STEPS = ['telemetry', 'forecast', 'state', 'simulate', 'risk', 'mitigation', 'report', 'store'] as const;
export type StepName = (typeof STEPS)[number];

export interface StepRecord {
  readonly inputHash: string;
  /** Files (relative to DIR) the step wrote. */
  readonly outputs: readonly string[];
  readonly seconds: number;
  /** True when this invocation took the step's outputs from an earlier one. */
  readonly resumed: boolean;
  readonly finishedAt: string;
  /** One line on what it did (skipped: why). */
  readonly note: string;
  /**
   * sha256 of each output that is a file, by path (folders are not hashed: the simulation's has its own
   * checks). A resumed step whose file differs (edited by hand, replaced) is recomputed rather than trusted.
   * Absent in manifests written before it was kept.
   */
  readonly outputHashes?: Readonly<Record<string, string>>;
  /**
   * The warnings the step gave (the state snapshot's clamped values), returned again when it is resumed,
   * so a resumed run reports what an uninterrupted one does. Absent for steps that keep none, and in older manifests.
   */
  readonly warnings?: readonly string[];
}

export interface Manifest {
  readonly format: typeof MANIFEST_FORMAT;
  /**
   * Fixed by the first invocation, kept by the ones that resume it (unfinished, same config and run id); a
   * finished run whose steps are reused, or a changed config, is a new run with its own (and its own versions).
   */
  readonly createdAt: string;
  /** End of the telemetry range asked for (epoch seconds): a resumed (unfinished) run asks Prometheus for the same range. */
  readonly telemetryEnd: number;
  readonly config: { readonly file: string; readonly hash: string };
  readonly versions: { readonly shadowcast: string; readonly node: string; readonly report: string };
  readonly seed: number;
  /** Content hash (sha256) of every input file, by path. */
  inputs: Record<string, string>;
  runId: string | null;
  steps: Partial<Record<StepName, StepRecord>>;
  /** How the simulate step's sequential stopping went (its rule, replications run of the most, why); null: every replication ran. Absent before it ran. */
  simulation?: StoppingReport | null;
  exitCode: number | null;
}

export async function fileHash(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

export const hashOf = (value: unknown): string => contentHash(value);

export function shadowcastVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The manifest of DIR when its run is to be continued, else null: an
 * unfinished run (interrupted, or failed at some step) always; a finished one
 * only when `reusable` (telemetry from files: its inputs are all hashed, so
 * its steps can still be skipped; a Prometheus run that finished is last
 * night's, and tonight asks for a new range).
 */
export async function readManifest(dir: string, reusable: boolean): Promise<Manifest | null> {
  const file = join(dir, 'manifest.json');
  if (!existsSync(file)) return null;
  try {
    const m = JSON.parse(await readFile(file, 'utf8')) as Manifest;
    return m.format === MANIFEST_FORMAT && (m.exitCode === null || reusable) ? m : null;
  } catch {
    return null;
  }
}

export class StepRunner {
  constructor(readonly dir: string, readonly manifest: Manifest, private readonly log: (line: string) => void) {}

  async save(): Promise<void> {
    await writeFileAtomically(join(this.dir, 'manifest.json'), JSON.stringify(this.manifest, null, 1) + '\n');
  }

  /**
   * Runs `work` (which writes `outputs` and returns its value), or, when the
   * manifest says this step finished on the same inputs and its outputs are
   * all there, `load` instead (given the step's record, whose `warnings` are
   * the ones `work` gave).
   */
  async step<T>(name: StepName, inputHash: string, outputs: readonly string[], work: () => Promise<{ value: T; note: string; warnings?: readonly string[] }>, load: (done: StepRecord) => Promise<T>): Promise<T> {
    const done = this.manifest.steps[name];
    const t0 = performance.now();
    if (done && done.inputHash === inputHash && outputs.every((o) => existsSync(join(this.dir, o)))) {
      const changed = await this.changedOutputs(done);
      if (changed.length > 0) this.log(`${name}: recomputed (${changed.join(', ')} changed since the step wrote ${changed.length === 1 ? 'it' : 'them'})`);
      else try {
        const value = await load(done);
        this.manifest.steps[name] = { ...done, resumed: true };
        this.log(`${name}: resumed (inputs unchanged, outputs present)`);
        return value;
      } catch {
        // An output that cannot be read back is recomputed.
      }
    }
    delete this.manifest.steps[name];
    const { value, note, warnings } = await work();
    const seconds = (performance.now() - t0) / 1000;
    this.manifest.steps[name] = {
      inputHash, outputs: [...outputs], seconds, resumed: false, finishedAt: new Date().toISOString(), note, outputHashes: await this.hashes(outputs),
      ...(warnings ? { warnings: [...warnings] } : {}),
    };
    await this.save();
    this.log(`${name}: ${note} (${seconds.toFixed(1)} s)`);
    return value;
  }

  /** sha256 of each of `outputs` that is a file. */
  private async hashes(outputs: readonly string[]): Promise<Record<string, string>> {
    const found: Record<string, string> = {};
    for (const o of outputs) {
      const file = join(this.dir, o);
      if ((await stat(file).catch(() => null))?.isFile()) found[o] = await fileHash(file);
    }
    return found;
  }

  /** The outputs of a finished step whose content is no longer what it wrote (none when it kept no hashes). */
  private async changedOutputs(done: StepRecord): Promise<string[]> {
    if (!done.outputHashes) return [];
    const now = await this.hashes(Object.keys(done.outputHashes));
    return Object.entries(done.outputHashes).filter(([o, h]) => now[o] !== h).map(([o]) => o);
  }

  rel(file: string): string {
    return relative(this.dir, file);
  }
}
