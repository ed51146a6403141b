/**
 * Writes a twin file object (an importer's output, or an edited one) as YAML
 * or JSON by extension, so that `loadTwinFile` reads it back to the same twin.
 * Written to a temporary file and renamed: a reader never sees half a file.
 */
import { rename, writeFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { stringify } from 'yaml';
import { TwinSpecError } from './errors.js';
import type { TwinInput } from './input.js';

export function twinInputToText(input: TwinInput, format: 'yaml' | 'json'): string {
  return format === 'json' ? JSON.stringify(input, null, 1) + '\n' : stringify(input, { lineWidth: 0, aliasDuplicateObjects: false });
}

export async function writeTwinFile(file: string, input: TwinInput): Promise<void> {
  const ext = extname(file).toLowerCase();
  if (!['.yaml', '.yml', '.json'].includes(ext)) {
    throw new TwinSpecError(file, [{ path: '(file)', message: `expected a .yaml, .yml or .json twin file name, got "${ext || 'no extension'}"` }]);
  }
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, twinInputToText(input, ext === '.json' ? 'json' : 'yaml'));
  await rename(tmp, file);
}
