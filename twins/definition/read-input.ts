/**
 * Input files of the twin family (twins, call graphs, GraphML, traces,
 * snapshots, scenarios, rate profiles) are read through
 * models/telemetry/input-file.ts: regular files only, size-limited, UTF-8
 * without NUL bytes. A problem becomes a TwinSpecError at `(file)`.
 */
import { TwinSpecError } from './errors.js';

export { inputFileProblem, readInputText } from '../../models/telemetry/input-file.js';

/** The error a twin-family reader throws for a file it cannot read. */
export function twinFileError(file: string): (problem: string) => TwinSpecError {
  return (problem) => new TwinSpecError(file, [{ path: '(file)', message: problem }]);
}
