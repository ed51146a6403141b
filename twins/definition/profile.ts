/**
 * Rate profile CSV: a header `time,rate`, then rows of seconds from the start
 * of the simulation and requests/s. Times strictly increasing, the first >= 0;
 * rates finite and >= 0. Blank lines are skipped; `#` lines are comments.
 * Every problem names the line.
 */
import { Problems, shown } from './errors.js';
import { readInputText, twinFileError } from './read-input.js';
import { csvRowsOf, isBlank } from '../csv.js';
import type { RateProfile } from './normalize.js';
import { parseDecimal } from '../../models/telemetry/decimal.js';

export async function readRateProfile(file: string): Promise<RateProfile> {
  return parseRateProfile(await readInputText(file, twinFileError(file)), file);
}

export async function parseRateProfile(text: string, file: string): Promise<RateProfile> {
  const p = new Problems();
  const rows = (await csvRowsOf(text, file)).filter((r) => !isBlank(r) && !r.fields[0]!.startsWith('#'));
  const head = rows.shift();
  if (!head || head.fields.length !== 2 || head.fields[0]!.toLowerCase() !== 'time' || head.fields[1]!.toLowerCase() !== 'rate') {
    // The first row is not quoted back: a profile path pointed at a secret must not print it.
    p.raw(head ? `line ${head.line}` : '(file)', `expected the header "time,rate"${head ? `, got a first row of ${head.fields.length} field(s) that is not it` : ' (the file is empty)'}`);
    p.throwIfAny(file);
  }
  const times: number[] = [];
  const rates: number[] = [];
  for (const r of rows) {
    const where = `line ${r.line}`;
    if (r.fields.length !== 2) {
      p.raw(where, `expected 2 fields (time,rate), got ${r.fields.length}`);
      continue;
    }
    const t = parseDecimal(r.fields[0]!.trim());
    const v = parseDecimal(r.fields[1]!.trim());
    if (!Number.isFinite(t) || t < 0) p.raw(`${where} time`, `expected a finite number of seconds >= 0 (decimal), got ${shown(r.fields[0])}`);
    else if (times.length > 0 && t <= times[times.length - 1]!) p.raw(`${where} time`, `expected times strictly increasing, got ${t} after ${times[times.length - 1]}`);
    if (!Number.isFinite(v) || v < 0) p.raw(`${where} rate`, `expected a finite rate >= 0 (requests/s, decimal), got ${shown(r.fields[1])}`);
    if (Number.isFinite(t) && Number.isFinite(v)) {
      times.push(t);
      rates.push(v);
    }
  }
  if (p.size === 0 && times.length === 0) p.raw('(file)', 'expected at least one row after the header');
  if (p.size === 0 && !rates.some((v) => v > 0)) p.raw('(file)', 'expected at least one positive rate');
  p.throwIfAny(file);
  return { file, times: Float64Array.from(times), rates: Float64Array.from(rates) };
}
