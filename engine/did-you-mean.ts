/** "Did you mean" hints for unknown keys and names, shared by every reader. */

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}

/** ` (did you mean "x"?)` for the closest name within two edits (case ignored), else ''. */
export function didYouMean(name: string, known: Iterable<string>): string {
  let best: string | null = null;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(k.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best === null ? '' : ` (did you mean ${JSON.stringify(best)}?)`;
}

/** The first key of `obj` not in `allowed`, with a hint, or null. */
export function unknownKey(obj: object, allowed: readonly string[]): string | null {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      const hint = didYouMean(k, allowed);
      return `${JSON.stringify(k.length > 60 ? `${k.slice(0, 60)}...` : k)} is not a known key${hint || ` (expected one of: ${allowed.join(', ')})`}`;
    }
  }
  return null;
}
