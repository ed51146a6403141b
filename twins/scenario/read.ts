/**
 * Reading a scenario file: JSON (YAML accepted too), parsed with the twin
 * family's reader so that every problem gets a line number. Only the syntax
 * is checked here; the deltas are checked against the twin they modify, all
 * problems at once, by `applyScenario` (apply.ts).
 */
import { readSpecText } from '../definition/load.js';
import type { Locator } from '../definition/errors.js';

/** A parsed scenario file (or a list built in code), not yet checked. */
export interface ScenarioDocument {
  /** File name (or a label), for messages. */
  readonly source: string;
  /** A list of deltas, or {"deltas": [...]}, as parsed. */
  readonly data: unknown;
  /** Line numbers for problems, when read from a file. */
  readonly locate?: Locator;
}

/** Throws TwinSpecError when the file cannot be read or parsed. */
export async function readScenarioFile(file: string): Promise<ScenarioDocument> {
  const { data, locate } = await readSpecText(file);
  return { source: file, data, locate };
}
