/**
 * Numbers as people write them in data files and on the command line: decimal
 * digits with an optional sign, fraction and exponent. Number() also takes
 * `0x10`, `0b11`, `0o7`, `Infinity` and surrounding blanks; a reader that
 * used it would take a hex typo as 16 without a word.
 */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number, or NaN when `text` is not a plain decimal number. */
export function parseDecimal(text: string): number {
  return DECIMAL.test(text) ? Number(text) : Number.NaN;
}
