/**
 * "Did you mean" for ids of an imported file. Topology Zoo ids are short
 * numbers ("0" .. "196"): the shared didYouMean accepts any name within two
 * edits, so "zz" would suggest "0" and "c" would suggest "a", a guess with
 * nothing in common. Here a suggestion must also keep at least one character
 * of the name (fewer edits than the longer of the two has characters).
 */
import { editDistance } from '../../engine/did-you-mean.js';

export function idHint(name: string, known: Iterable<string>): string {
  let best: string | null = null;
  let bestDistance = 3;
  const lower = name.toLowerCase();
  for (const k of known) {
    const d = editDistance(k.toLowerCase(), lower);
    if (d < bestDistance && d < Math.max(k.length, name.length)) [best, bestDistance] = [k, d];
  }
  return best === null ? '' : ` (did you mean ${JSON.stringify(best)}?)`;
}
