/**
 * Where a JSON text stops being valid, as an offset: V8's JSON.parse message
 * in Node 20 no longer carries a position for most errors, and a person
 * fixing a saved Prometheus response needs the line and column. A small
 * recursive-descent scanner (no values built) finds it.
 */
export function jsonErrorOffset(text: string): number | undefined {
  const found = scanJson(text, false);
  return found?.offset;
}

/** Where a JSON text is invalid or, for readers that must refuse them like their YAML twin does, repeats a key of one object. */
export interface JsonProblem {
  readonly offset: number;
  /** Set when the text is valid JSON but an object repeats this key (at `offset`). */
  readonly duplicateKey?: string;
}

/** The first syntax error or (with `uniqueKeys`) repeated key of a JSON text; undefined when it is valid. */
export function jsonProblem(text: string, uniqueKeys: boolean): JsonProblem | undefined {
  return scanJson(text, uniqueKeys);
}

function scanJson(text: string, uniqueKeys: boolean): JsonProblem | undefined {
  let i = 0;
  let duplicate: JsonProblem | undefined;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++; };
  const fail = (): never => { throw i; };
  const lit = (word: string) => { if (text.startsWith(word, i)) i += word.length; else fail(); };
  const str = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') {
        // JSON's escapes only: \" \\ \/ \b \f \n \r \t and \u with four hex digits (JSON.parse throws on any other).
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (i >= text.length || !'"\\/bfnrt'.includes(text[i]!)) fail();
      } else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || m[0] === '') fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; ws();
      if (text[i] === '}') { i++; return; }
      const keys = uniqueKeys ? new Set<string>() : null;
      for (;;) {
        ws();
        const keyStart = i;
        str();
        if (keys !== null && duplicate === undefined) {
          const raw = text.slice(keyStart + 1, i - 1);
          const key = raw.includes('\\') ? (JSON.parse(text.slice(keyStart, i)) as string) : raw;
          if (keys.has(key)) duplicate = { offset: keyStart, duplicateKey: key };
          else keys.add(key);
        }
        ws();
        if (text[i] !== ':') fail();
        i++; value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail();
      }
    } else if (c === '[') {
      i++; ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail();
      }
    } else if (c === '"') str();
    else if (c === 't') lit('true');
    else if (c === 'f') lit('false');
    else if (c === 'n') lit('null');
    else num();
  };
  try {
    value();
    ws();
    return i < text.length ? { offset: i } : duplicate;
  } catch (pos) {
    // Anything else thrown (a key's JSON.parse) still means the text is not what JSON.parse takes: never "valid".
    return { offset: typeof pos === 'number' ? pos : i };
  }
}
