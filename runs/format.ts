/** Plain-text tables and interval formatting for terminal output. */
import type { Interval } from '../engine/index.js';

export function formatInterval(ci: Pick<Interval, 'mean' | 'halfWidth'>, digits = 4): string {
  return `${ci.mean.toPrecision(digits)} ± ${ci.halfWidth.toPrecision(2)}`;
}

/** Right-aligned columns under a header, separated by two spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
