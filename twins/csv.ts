/**
 * CSV rows with their line numbers (fast-csv, no header handling, blank lines
 * kept as empty rows so that row i is line i + 1 for files without multi-line
 * quoted fields, which is every file the twin readers take).
 */
import { parseString } from 'fast-csv';
import { TwinSpecError } from './definition/errors.js';

export interface CsvRow {
  readonly line: number;
  readonly fields: readonly string[];
}

export function readCsvRows(text: string): Promise<CsvRow[]> {
  return new Promise((resolve, reject) => {
    const rows: CsvRow[] = [];
    parseString<string[], string[]>(text, { headers: false, ignoreEmpty: false, trim: true })
      .on('data', (fields: string[]) => rows.push({ line: rows.length + 1, fields }))
      // The line where parsing stopped, for the caller's message.
      .on('error', (e: Error) => reject(Object.assign(e, { line: rows.length + 1 })))
      .on('end', () => resolve(rows));
  });
}

/** True for a row that is empty or only commas/spaces. */
export function isBlank(row: CsvRow): boolean {
  return row.fields.every((f) => f === '');
}

/**
 * The rows of a CSV input, or a TwinSpecError naming the line where the CSV
 * syntax breaks (an unclosed quote). fast-csv's own message quotes the row;
 * only its reason is kept.
 */
export async function csvRowsOf(text: string, file: string): Promise<CsvRow[]> {
  try {
    return await readCsvRows(text);
  } catch (e) {
    const reason = (e as Error).message.replace(/^Parse Error:\s*/i, '').split(/ in line:/)[0]!.slice(0, 80);
    const line = (e as { line?: number }).line;
    throw new TwinSpecError(file, [{ path: line !== undefined ? `line ${line}` : '(file)', message: `malformed CSV: ${reason} (an unclosed quote?)` }]);
  }
}
