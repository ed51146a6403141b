/**
 * CSV rows with their line numbers (fast-csv, no header handling, blank lines
 * kept as empty rows so that row i is line i + 1 for files without multi-line
 * quoted fields, which is every file the twin readers take).
 */
import { parseString } from 'fast-csv';

export interface CsvRow {
  readonly line: number;
  readonly fields: readonly string[];
}

export function readCsvRows(text: string): Promise<CsvRow[]> {
  return new Promise((resolve, reject) => {
    const rows: CsvRow[] = [];
    parseString<string[], string[]>(text, { headers: false, ignoreEmpty: false, trim: true })
      .on('data', (fields: string[]) => rows.push({ line: rows.length + 1, fields }))
      .on('error', reject)
      .on('end', () => resolve(rows));
  });
}

/** True for a row that is empty or only commas/spaces. */
export function isBlank(row: CsvRow): boolean {
  return row.fields.every((f) => f === '');
}
