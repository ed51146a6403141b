/**
 * The text of a twin file object (an importer's output, or an edited one):
 * YAML or JSON, such that `loadTwinFile` reads it back to the same twin.
 * Writing the file is the caller's side effect (`shadowcast import` writes it
 * atomically and reads it back before renaming it into place).
 * Written for YAML 1.1 readers too (PyYAML, go-yaml v2, kubectl): a string
 * such as a Zoo label "NO", "yes" or "on" is quoted, or they would read it as
 * a boolean; 1.2 readers (ours) read the quoted form as the same string.
 */
import { stringify } from 'yaml';
import type { TwinInput } from './input.js';

export function twinInputToText(input: TwinInput, format: 'yaml' | 'json'): string {
  return format === 'json' ? JSON.stringify(input, null, 1) + '\n' : stringify(input, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' });
}
