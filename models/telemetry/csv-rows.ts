/**
 * Streams a CSV file row by row with fast-csv, keeping the line number of each
 * row so that errors can point at it. Rows are arrays of trimmed strings; the
 * first row is returned as the header.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseStream } from 'fast-csv';
import { TelemetryError } from './errors.js';
import { inputFileProblem } from './input-file.js';

export interface CsvVisitor {
  header(cells: string[]): void;
  /** `line` is 1-based, the header being line 1. */
  row(cells: string[], line: number): void;
}

export async function streamCsv(file: string, visitor: CsvVisitor): Promise<void> {
  const problem = await inputFileProblem(file);
  if (problem !== null) throw new TelemetryError({ file }, 'a readable file', problem);
  const size = (await stat(file)).size;
  if (size === 0) throw new TelemetryError({ file }, 'a CSV header line and data rows', 'an empty file');
  let line = 0;
  let sawHeader = false;
  await new Promise<void>((resolve, reject) => {
    const parser = parseStream<string[], string[]>(createReadStream(file), { headers: false, trim: true, ignoreEmpty: false, strictColumnHandling: false });
    parser.on('data', (cells: string[]) => {
      line++;
      // A blank line (one empty cell) carries nothing; skip it but keep counting.
      if (cells.length === 1 && cells[0] === '') return;
      try {
        if (!sawHeader) {
          sawHeader = true;
          visitor.header(cells);
        } else visitor.row(cells, line);
      } catch (e) {
        parser.destroy();
        reject(e);
      }
    });
    parser.on('error', (e: Error) => reject(new TelemetryError({ file, line: line + 1 }, 'well-formed CSV', e.message.replace(/\b[A-Za-z]*Error:\s*/g, '').slice(0, 200))));
    parser.on('end', () => resolve());
  });
  if (!sawHeader) throw new TelemetryError({ file }, 'a CSV header line', 'no lines');
}
