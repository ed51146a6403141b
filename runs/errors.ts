/**
 * Exit codes of every `shadowcast` command, and the one mapping from an error
 * class to its code (README.md, "Exit codes"):
 *
 *   0  done
 *   1  reserved: the risk judged by the command is above its threshold
 *   2  usage error: a flag or argument is missing, unknown or malformed
 *   3  invalid input: a file the command reads is wrong (the message says
 *      where: file, line or field, and what was expected there)
 *   4  the run itself failed (a worker crashed twice, a backend is missing,
 *      anything unexpected)
 *   5  refused: a mitigation step the policy or the approval rules do not
 *      allow (the command was well formed and its inputs were fine; the
 *      refusal is in the audit log)
 *   130 interrupted by Ctrl-C (SIGINT): what finished is checkpointed, and
 *      the message says how to resume
 *
 * This module imports every error class it maps, some with heavy modules
 * (the Monte Carlo runner): the CLI loads it only once a command has failed.
 * Commands throw UsageError and InputError from ./usage-error.js.
 */
import { bounded, TwinSpecError } from '../twins/definition/errors.js';
import { LIMITS } from '../engine/limits.js';
import { UnitError } from '../twins/definition/units.js';
import { ForecastMissingError } from '../twins/flow/arrivals.js';
import { ForecastFormatError } from '../models/forecast-file.js';
import { SeriesSetError, TelemetryError } from '../models/telemetry/errors.js';
import { MonteCarloError } from './montecarlo/runner.js';
import { NotLoopbackError } from './shadow/inject-loopback.js';
import { ShadowManifestError } from '../twins/shadow/manifests.js';
import { ShadowAlreadyRunningError, ShadowPlanError } from './shadow/materialise.js';
import { failedIn, InputError, InterruptedError, UsageError } from './usage-error.js';
import { MitigationRefusedError } from './mitigation/refusal.js';
import { StoreError } from './mitigation/store.js';
import { AuditError } from './mitigation/audit.js';

export { InputError, UsageError };

export const EXIT = { done: 0, riskAboveThreshold: 1, usage: 2, invalidInput: 3, runFailed: 4, refused: 5, interrupted: 130 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Error class -> exit code, first match wins (subclasses such as
 * EmptySeriesError follow their base class). Every input reader of the
 * project reports through one of the classes under `invalidInput`; a state
 * snapshot and an import report through TwinSpecError. Classes not listed
 * (MonteCarloError is listed for the record; BackendUnavailableError is left
 * out so that an error does not load tfjs) are run failures.
 */
/** The project's input problems: a file, flag value or folder the command reads is wrong (each message says where). */
const INVALID_INPUT: readonly ErrorClass[] = [
  TwinSpecError, ForecastFormatError, TelemetryError, SeriesSetError, UnitError, ForecastMissingError, InputError,
  ShadowAlreadyRunningError, ShadowPlanError, NotLoopbackError, ShadowManifestError,
  StoreError, AuditError,
];

const EXIT_BY_CLASS: ReadonlyArray<readonly [ErrorClass, ExitCode]> = [
  [UsageError, EXIT.usage],
  [InterruptedError, EXIT.interrupted],
  [MitigationRefusedError, EXIT.refused],
  ...INVALID_INPUT.map((cls) => [cls, EXIT.invalidInput] as const),
  [MonteCarloError, EXIT.runFailed],
];

export function exitCodeFor(err: unknown): ExitCode {
  for (const [cls, code] of EXIT_BY_CLASS) if (err instanceof cls) return code;
  return EXIT.runFailed;
}

/**
 * What the user sees on stderr for a failed command: `shadowcast <command>:
 * <message>` with no class name (the messages say what and where), the
 * command's usage after a usage error, the stack only when debugging.
 */
export function errorReport(command: string, err: unknown, debug: boolean): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const name = (e instanceof UsageError || e instanceof InputError) && e.command ? e.command : failedIn.get(e) ?? command;
  // Last line of defence: whatever an error carries, the report stays readable (docs/limits.md).
  const parts = [`shadowcast ${name}: ${bounded(e.message, LIMITS.messageChars)}`];
  if (e instanceof UsageError) parts.push('', e.usage);
  if (debug && e.stack) parts.push('', e.stack);
  return parts.join('\n');
}
