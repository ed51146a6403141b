/**
 * Every telemetry problem is reported as a TelemetryError naming where it is
 * (file, line, column or JSON path) and what was expected there, so that a
 * person can open the file at that spot and fix it.
 */
export interface Location {
  readonly file: string;
  /** 1-based line in the file (the header is line 1); absent for whole-file problems. */
  readonly line?: number;
  /** Column name or 1-based index, or a JSON path for JSON inputs. */
  readonly column?: string;
}

/** `file: line N: column C`, as every telemetry message starts. */
export function locationText(location: Location): string {
  return [location.file, location.line !== undefined ? `line ${location.line}` : '', location.column !== undefined ? `column ${location.column}` : '']
    .filter(Boolean)
    .join(': ');
}

export class TelemetryError extends Error {
  readonly location: Location;
  constructor(location: Location, expected: string, got?: string) {
    super(`${locationText(location)}: expected ${expected}${got !== undefined ? `, got ${got}` : ''}`);
    this.name = 'TelemetryError';
    this.location = location;
  }
}

/**
 * The series given cannot be forecast together as asked: different steps,
 * ends too far apart, or too little history for the horizon. Each file is
 * fine on its own; the request is not (an input problem, not a failure of
 * the run). `about` says which setting the user can change.
 */
export class SeriesSetError extends Error {
  constructor(message: string, readonly about: 'step' | 'ends' | 'horizon' | 'empty') {
    super(message);
    this.name = 'SeriesSetError';
  }
}

/** Shows a raw cell in an error message without flooding it. */
export function shown(raw: string): string {
  const s = raw.length > 40 ? `${raw.slice(0, 40)}...` : raw;
  return JSON.stringify(s);
}

/** A series with no numeric value at all (e.g. latency of a pod that served nothing): callers may skip it. */
export class EmptySeriesError extends TelemetryError {
  constructor(location: Location, expected: string, got: string) {
    super(location, expected, got);
    this.name = 'EmptySeriesError';
  }
}
