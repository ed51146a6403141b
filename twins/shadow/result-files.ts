/** Reads a simulation result folder (summary.json + windows.csv) with the pure parsers of result.ts. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TwinSpecError } from '../definition/errors.js';
import { checkWindowsAgainstSummary, parseSummary, parseWindows, type SimulationResult } from './result.js';

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    throw new TwinSpecError(file, [{ path: '(file)', message: `cannot read: ${(e as Error).message} (expected the output folder of \`shadowcast simulate\`)` }]);
  }
}

/** Throws TwinSpecError naming the file and field on anything missing or malformed. */
export async function readSimulationResult(dir: string): Promise<SimulationResult> {
  const summaryFile = join(dir, 'summary.json');
  const windowsFile = join(dir, 'windows.csv');
  const summary = parseSummary(await readText(summaryFile), summaryFile);
  const windows = await parseWindows(await readText(windowsFile), windowsFile);
  checkWindowsAgainstSummary(summary, windows, windowsFile);
  return { dir, summary, windows };
}
