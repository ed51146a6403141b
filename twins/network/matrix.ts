/**
 * Traffic matrix CSV of a routed network: a header `origin,destination,rate`,
 * then one row per ordered router pair (rate >= 0, packets/s or any relative
 * unit: an origin's rows are the weights of its destinations). Blank lines are
 * skipped, `#` lines are comments. Every problem names the CSV file and line:
 * an unknown router, an origin equal to its destination, a pair given twice, a
 * rate that is not a finite number >= 0.
 */
import { TwinSpecError, bounded, type TwinProblem } from '../definition/errors.js';
import { readInputText, twinFileError } from '../definition/read-input.js';
import { csvRowsOf, isBlank } from '../csv.js';
import { parseDecimal } from '../../models/telemetry/decimal.js';

export type MatrixRow = readonly [origin: string, destination: string, rate: number];

export async function readTrafficMatrix(file: string, routers: ReadonlySet<string>): Promise<MatrixRow[]> {
  return parseTrafficMatrix(await readInputText(file, twinFileError(file)), file, routers);
}

const quoted = (s: string): string => JSON.stringify(bounded(s, 60));

export async function parseTrafficMatrix(text: string, file: string, routers: ReadonlySet<string>): Promise<MatrixRow[]> {
  const problems: TwinProblem[] = [];
  const rows = (await csvRowsOf(text, file)).filter((r) => !isBlank(r) && !r.fields[0]!.trim().startsWith('#'));
  const head = rows.shift();
  const names = head?.fields.map((f) => f.trim().toLowerCase()).join(',');
  if (!head || names !== 'origin,destination,rate') {
    throw new TwinSpecError(file, [{ path: '(header)', message: 'expected the header "origin,destination,rate"', ...(head ? { line: head.line } : {}) }]);
  }
  const out: MatrixRow[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (problems.length >= 50) break;
    const at = (path: string, message: string): void => { problems.push({ path, message, line: r.line }); };
    if (r.fields.length !== 3) { at('(row)', `expected 3 fields (origin,destination,rate), got ${r.fields.length}`); continue; }
    const [o, d, v] = r.fields.map((f) => f.trim()) as [string, string, string];
    let ok = true;
    if (!routers.has(o)) { at('origin', `unknown router ${quoted(o)} (expected a router id of the twin)`); ok = false; }
    if (!routers.has(d)) { at('destination', `unknown router ${quoted(d)} (expected a router id of the twin)`); ok = false; }
    if (ok && o === d) { at('destination', `expected a router other than the origin ${quoted(o)}`); ok = false; }
    const rate = parseDecimal(v);
    if (!Number.isFinite(rate) || rate < 0) { at('rate', `expected a finite number >= 0 (decimal), got ${quoted(v)}`); ok = false; }
    if (!ok) continue;
    const key = `${o}\u0000${d}`;
    const first = seen.get(key);
    if (first !== undefined) { at('(row)', `pair ${quoted(o)} -> ${quoted(d)} given twice (first at line ${first})`); continue; }
    seen.set(key, r.line);
    out.push([o, d, rate]);
  }
  if (problems.length > 0) throw new TwinSpecError(file, problems);
  return out;
}
