/**
 * A benchmark section: named rows of figures, printed as a table and written
 * as JSON to bench/results/<name>.json (temp file + rename).
 */
import { writeFileAtomically } from '../runs/report/atomic-file.js';
import { join } from 'node:path';
import { REPO_ROOT } from '../runs/paths.js';

export type Cell = string | number | boolean | null;
export interface BenchSection {
  /** File stem under bench/results/. */
  readonly name: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<Record<string, Cell>>;
  /** Targets and whether they were met, printed under the table. */
  readonly targets?: ReadonlyArray<{ readonly what: string; readonly met: boolean; readonly detail: string }>;
  readonly extra?: Record<string, unknown>;
}

export const RESULTS_DIR = join(REPO_ROOT, 'bench', 'results');

function fmt(v: Cell): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return String(v);
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    const a = Math.abs(v);
    return a >= 1000 ? v.toLocaleString('en-US', { maximumFractionDigits: 0 }) : a >= 1 ? v.toFixed(3) : v.toPrecision(3);
  }
  return v === null ? '-' : String(v);
}

export function formatTable(section: BenchSection): string {
  const cells = section.rows.map((r) => section.columns.map((c) => fmt(r[c] ?? null)));
  const widths = section.columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (vals: readonly string[]) => vals.map((v, i) => v.padStart(widths[i]!)).join('  ');
  const out = [`\n## ${section.title}`, line(section.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)];
  for (const t of section.targets ?? []) out.push(`${t.met ? 'MET ' : 'MISS'}  ${t.what}: ${t.detail}`);
  return out.join('\n');
}

export async function writeSection(section: BenchSection): Promise<string> {
  const body = { ...section, node: process.version, cpus: (await import('node:os')).cpus().length, at: new Date().toISOString() };
  return writeFileAtomically(join(RESULTS_DIR, `${section.name}.json`), JSON.stringify(body, null, 2) + '\n');
}
