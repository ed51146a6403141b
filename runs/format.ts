/** Plain-text tables and interval formatting for terminal output. */
import type { Interval } from '../engine/index.js';

export function formatInterval(ci: Pick<Interval, 'mean' | 'halfWidth'>, digits = 4): string {
  return `${ci.mean.toPrecision(digits)} ± ${ci.halfWidth.toPrecision(2)}`;
}

/** Columns under a header, separated by two spaces: the first `leftColumns` (names) left-aligned, the rest (figures) right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Seconds as the shortest duration string the flags read back exactly: 1800 -> 30m, 7200 -> 2h, 90 -> 90s. */
export function formatDuration(seconds: number): string {
  if (seconds > 0 && seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds > 0 && seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}
