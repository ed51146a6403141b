import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shopTelemetryCsv, shopTelemetryRows } from './shop-telemetry.js';

const CSV = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'twins', 'examples', 'shop-telemetry.csv');

test('the committed shop-telemetry.csv is what the generator makes (regenerate it with the command in shop-telemetry.ts)', () => {
  assert.ok(readFileSync(CSV, 'utf8') === shopTelemetryCsv(), 'shop-telemetry.csv differs from shopTelemetryCsv()');
});

test('a week of 5-minute points with a daily cycle peaking in the evening and growth from day to day', () => {
  const rate = shopTelemetryRows().filter((r) => r.metric === 'rate');
  assert.is(rate.length, 7 * 288);
  const hourMean = (day: number, h: number) => rate.slice(day * 288 + h * 12, day * 288 + h * 12 + 12).reduce((a, r) => a + r.value, 0) / 12;
  for (let d = 0; d < 7; d++) assert.ok(hourMean(d, 19) > 2 * hourMean(d, 7), `day ${d}: evening above morning`);
  const dayMean = (d: number) => rate.slice(d * 288, (d + 1) * 288).reduce((a, r) => a + r.value, 0) / 288;
  assert.ok(dayMean(6) > dayMean(0), 'growth');
});

test.run();
