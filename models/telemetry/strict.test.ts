import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseCalendarTime } from './calendar-time.js';
import { parseDecimal } from './decimal.js';
import { parseTimestamp } from './timestamps.js';

test('calendar timestamps: valid forms, UTC without a zone, impossible fields refused', () => {
  const ms = (t: string) => { const r = parseCalendarTime(t); return r && 'ms' in r ? r.ms : r; };
  assert.is(ms('2014-04-01 00:05:00'), Date.UTC(2014, 3, 1, 0, 5));
  assert.is(ms('2014/04/01 00:05:00'), Date.UTC(2014, 3, 1, 0, 5));
  assert.is(ms('2014-04-01T00:05:00.250Z'), Date.UTC(2014, 3, 1, 0, 5, 0, 250));
  assert.is(ms('2014-04-01T02:05:00+02:00'), Date.UTC(2014, 3, 1, 0, 5));
  assert.is(ms('2016-02-29'), Date.UTC(2016, 1, 29));
  for (const [bad, why] of [['2014-02-30', /day 30/], ['2015-02-29', /day 29/], ['2014-13-01', /month 13/], ['2014-04-01 25:00', /hour 25/], ['2014-04-01 10:60', /minute 60/], ['2014-04-01 10:00:61', /second 61/]] as const) {
    const r = parseCalendarTime(bad);
    assert.ok(r && 'invalid' in r && why.test(r.invalid), `${bad}: ${JSON.stringify(r)}`);
  }
  assert.is(parseCalendarTime('yesterday'), null);
  assert.is(parseCalendarTime('2014-04-01 00:05:00 +0100x'), null);
});

test('YYYY/MM/DD is UTC whatever the machine time zone', () => {
  const script = `import(${JSON.stringify(new URL('./timestamps.js', import.meta.url).href)}).then((m) => process.stdout.write(String(m.parseTimestamp('2014/04/01 00:05:00', 'f', 2, 'timestamp'))))`;
  for (const tz of ['UTC', 'America/New_York', 'Asia/Kolkata']) {
    const out = execFileSync(process.execPath, ['-e', script], { env: { ...process.env, TZ: tz }, encoding: 'utf8' }).trim();
    assert.is(Number(out), Date.UTC(2014, 3, 1, 0, 5), `${tz}: ${JSON.stringify(out)}`);
  }
  assert.ok(fileURLToPath(import.meta.url));
});

test('numbers are decimal only', () => {
  for (const ok of ['1', '-1.5', '+2', '1e3', '.5', '5.']) assert.ok(Number.isFinite(parseDecimal(ok)), ok);
  for (const bad of ['0x10', '0b11', '0o7', 'Infinity', '', ' ', '1_000', '1e', '--1', ' 1']) assert.ok(Number.isNaN(parseDecimal(bad)), bad);
  assert.throws(() => parseTimestamp('0x10', 'f.csv', 3, 'timestamp'), /f\.csv: line 3: column timestamp: expected a timestamp/);
});

test.run();
