/**
 * Text mutations of a valid input, as fast-check arbitraries: the shapes of
 * mistake the hostile-user pass of issue 13 made by hand (a number made
 * extreme, an id made a reserved name, a key misspelt, a value nulled, a date
 * made impossible, a line lost or doubled, the file cut short, stray bytes,
 * deep nesting), applied one to three at a time at places fast-check picks,
 * so a failing case shrinks to the smallest edit that breaks a reader.
 */
import fc from 'fast-check';

/** Values that sit at or past the edge of what a field can hold. */
export const EXTREME_NUMBERS: readonly string[] = [
  '0', '-1', '-0', '1e9', '1e12', '1e300', '-1e300', '1e-300', '4294967296', '9007199254740993', '3.4028235e38',
  '0x10', '0b11', '1_000', '.inf', '-.inf', '.nan', 'NaN', 'Infinity', '""', 'null', '[]', '{}', '1e6', '0.5', '2.5',
];
export const RESERVED_WORDS: readonly string[] = ['__proto__', 'constructor', 'toString', 'prototype', 'hasOwnProperty', 'valueOf'];
export const BAD_DATES: readonly string[] = [
  '2014-02-30 00:00:00', '2014-13-01 00:00:00', '2014-01-01 25:00:00', '2014-01-01 00:61:00', '9014-04-01 00:00:00',
  '1970-01-01 00:00:00', '2014/04/01 00:05:00', '0', '-5', 'yesterday', '2014-04-01T00:00:00+25:00',
];

export type Mutation =
  | { readonly kind: 'number'; readonly at: number; readonly value: string }
  | { readonly kind: 'word'; readonly at: number; readonly value: string }
  | { readonly kind: 'date'; readonly at: number; readonly value: string }
  | { readonly kind: 'key'; readonly at: number; readonly edit: number }
  | { readonly kind: 'dropLine'; readonly at: number }
  | { readonly kind: 'dupLine'; readonly at: number }
  | { readonly kind: 'truncate'; readonly at: number }
  | { readonly kind: 'insert'; readonly at: number; readonly text: string }
  | { readonly kind: 'nest'; readonly at: number; readonly depth: number };

const NUMBER = /-?\d+(\.\d+)?([eE][-+]?\d+)?/g;
const WORD = /[A-Za-z_][\w-]*/g;
const DATE = /\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(\.\d+)?Z?/g;
const KEY = /([A-Za-z_]\w*)(?="?\s*:)/g;

/** The `k mod n`-th match of `re` in `text`, or null. */
function nth(text: string, re: RegExp, k: number): RegExpExecArray | null {
  const all = [...text.matchAll(re)];
  if (all.length === 0) return null;
  return all[k % all.length] as RegExpExecArray;
}

function replaceAt(text: string, m: RegExpExecArray, value: string): string {
  return text.slice(0, m.index) + value + text.slice(m.index + m[0].length);
}

/** Applies one mutation; positions are taken modulo what the text has, so every mutation applies to every text. */
export function applyMutation(text: string, mu: Mutation): string {
  const lines = text.split('\n');
  switch (mu.kind) {
    case 'number': {
      const m = nth(text, NUMBER, mu.at);
      return m ? replaceAt(text, m, mu.value) : text + mu.value;
    }
    case 'word': {
      const m = nth(text, WORD, mu.at);
      return m ? replaceAt(text, m, mu.value) : text;
    }
    case 'date': {
      const m = nth(text, DATE, mu.at);
      return m ? replaceAt(text, m, mu.value) : applyMutation(text, { kind: 'number', at: mu.at, value: mu.value });
    }
    case 'key': {
      const m = nth(text, KEY, mu.at);
      if (!m) return text;
      const key = m[1]!;
      const i = mu.edit % (key.length + 1);
      // Three edits people make: a changed case, a dropped letter, a doubled letter.
      const typo = mu.edit % 3 === 0 ? key.charAt(0).toUpperCase() + key.slice(1) : mu.edit % 3 === 1 ? key.slice(0, i) + key.slice(i + 1) : key.slice(0, i) + key.charAt(i) + key.slice(i);
      return replaceAt(text, m, typo || 'x');
    }
    case 'dropLine':
      return lines.filter((_, i) => i !== mu.at % lines.length).join('\n');
    case 'dupLine': {
      const i = mu.at % lines.length;
      return [...lines.slice(0, i + 1), lines[i]!, ...lines.slice(i + 1)].join('\n');
    }
    case 'truncate':
      return text.slice(0, mu.at % (text.length + 1));
    case 'insert': {
      const i = mu.at % (text.length + 1);
      return text.slice(0, i) + mu.text + text.slice(i);
    }
    case 'nest': {
      const i = mu.at % (text.length + 1);
      return text.slice(0, i) + '['.repeat(mu.depth) + ']'.repeat(mu.depth) + text.slice(i);
    }
  }
}

const position = fc.nat({ max: 100_000 });

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('number' as const), at: position, value: fc.constantFrom(...EXTREME_NUMBERS) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('word' as const), at: position, value: fc.constantFrom(...RESERVED_WORDS, 'null', '~', '[]', '{}', '"', "'", '&a', '*a', '!!binary', 'ü') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('date' as const), at: position, value: fc.constantFrom(...BAD_DATES) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('key' as const), at: position, edit: fc.nat({ max: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dropLine' as const), at: position }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dupLine' as const), at: position }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: position }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, text: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('\u0000', ',', ',,', '\n', '\t', '"', '\uFEFF', '\r\n', '- ', ': ', '#')) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('nest' as const), at: position, depth: fc.constantFrom(2, 70, 5000) }) },
);

/** A seed text with one to three mutations. */
export function mutatedArb(seeds: readonly string[]): fc.Arbitrary<{ seed: number; mutations: Mutation[]; text: string }> {
  return fc.record({ seed: fc.nat({ max: seeds.length - 1 }), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) })
    .map(({ seed, mutations }) => ({ seed, mutations, text: mutations.reduce(applyMutation, seeds[seed]!) }));
}
