/**
 * The strict JSON scanner agrees with JSON.parse: every text it calls valid
 * parses, and every text JSON.parse refuses gets an offset (the fuzz suite
 * found a bad escape, `"fac1mS\Ttor"`, that passed the scanner and crashed
 * JSON.parse behind it).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonProblem } from './json-position.js';

const parses = (t: string): boolean => { try { JSON.parse(t); return true; } catch { return false; } };

test('escapes: only the JSON ones pass, at the offset of the bad one', () => {
  for (const ok of ['"a\\"b"', '"\\\\"', '"\\/"', '"\\b\\f\\n\\r\\t"', '"\\u00e9\\uD83D\\uDE00"', '{"k\\u0041": 1}']) {
    assert.is(jsonProblem(ok, true), undefined, ok);
    assert.ok(parses(ok), ok);
  }
  for (const [bad, at] of [['"fac1mS\\Ttor"', 8], ['"\\x41"', 2], ['"\\u12G4"', 2], ['"\\u12"', 2], ['{"k\\q": 1}', 4], ['"ends with \\', 12]] as const) {
    assert.not.ok(parses(bad), bad);
    assert.equal(jsonProblem(bad, true), { offset: at }, bad);
  }
});

test('control characters in strings, trailing text and repeated keys', () => {
  assert.equal(jsonProblem('"a\tb"', false), { offset: 2 });
  assert.equal(jsonProblem('{"a": 1} x', false), { offset: 9 });
  assert.equal(jsonProblem('{"a": 1, "a": 2}', true), { offset: 9, duplicateKey: 'a' });
  assert.is(jsonProblem('{"a": 1, "a": 2}', false), undefined);
});

test.run();
