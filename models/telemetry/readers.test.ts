import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NAB_DIR, NEZHA_METRIC_DIR, withTempDir, writeTemp } from '../test-support.js';
import { cleanSeries } from './clean.js';
import { TelemetryError } from './errors.js';
import { detectLayout, readRaw, readTelemetry } from './read.js';

async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.instance(e, TelemetryError, `expected a TelemetryError, got ${(e as Error).name}: ${(e as Error).message}`);
    assert.match((e as Error).message, pattern);
    return (e as Error).message;
  }
  assert.unreachable(`expected a rejection matching ${pattern}`);
  return '';
}

test('NAB file: one series on a 5-minute grid, CPU bounded by 100', async () => {
  const file = join(NAB_DIR, 'ec2_cpu_utilization_24ae8d.csv');
  assert.is(await detectLayout(file), 'nab');
  const [s, ...rest] = await readTelemetry([file]);
  assert.is(rest.length, 0);
  assert.is(s!.node, 'ec2_cpu_utilization_24ae8d');
  assert.is(s!.metric, 'cpu_utilization');
  assert.is(s!.limit, 100);
  assert.is(s!.stepMs, 300_000);
  assert.is(s!.values.length, 4032);
  assert.is(s!.startMs, Date.UTC(2014, 1, 14, 14, 30));
  assert.ok(Math.abs(s!.values[0]! - 0.132) < 1e-12);
});

test('Nezha per-pod file: service name without hashes, workload becomes rate, success rate skipped', async () => {
  const file = join(NEZHA_METRIC_DIR, 'ts-route-service-b6c59fb57-zv8dt_metric.csv');
  assert.is(await detectLayout(file), 'nezha');
  const series = await readTelemetry([file]);
  assert.ok(series.every((s) => s.node === 'ts-route-service'));
  const metrics = series.map((s) => s.metric);
  assert.ok(metrics.includes('rate'));
  assert.ok(metrics.includes('cpu_usage_rate_pct'));
  assert.ok(metrics.includes('memory_usage_mib'));
  assert.not.ok(metrics.some((m) => /success/.test(m)));
  const rate = series.find((s) => s.metric === 'rate')!;
  assert.is(rate.stepMs, 60_000);
  assert.is(rate.values.length, 919);
  assert.ok(rate.notes.some((n) => /PodSuccessRate/.test(n)));
  assert.is(series.find((s) => s.metric === 'cpu_usage_rate_pct')!.limit, 100);
});

test('long and wide CSV give the same series; duplicates and gaps are counted', () =>
  withTempDir(async (dir) => {
    const long = await writeTemp(dir, 'long.csv', [
      'timestamp,node,metric,value',
      '2024-01-01T00:00:00Z,api,rate,10', '2024-01-01T00:01:00Z,api,rate,12', '2024-01-01T00:01:00Z,api,rate,13',
      '2024-01-01T00:04:00Z,api,rate,16', '2024-01-01T00:02:00Z,api,rate,14',
    ].join('\n'));
    const wide = await writeTemp(dir, 'wide.csv', ['timestamp,api.rate', '1704067200,10', '1704067260,13', '1704067320,14', '1704067440,16'].join('\n'));
    assert.is(await detectLayout(long), 'long');
    assert.is(await detectLayout(wide), 'wide');
    const [a] = await readTelemetry([long]);
    const [b] = await readTelemetry([wide]);
    for (const s of [a!, b!]) {
      assert.is(s.node, 'api');
      assert.is(s.metric, 'rate');
      assert.is(s.stepMs, 60_000);
      // 00:03 is missing: linear between 14 and 16.
      assert.equal(Array.from(s.values), [10, 13, 14, 15, 16]);
      assert.equal(Array.from(s.filled), [0, 0, 0, 1, 0]);
    }
    assert.ok(a!.notes.some((n) => /1 duplicate timestamps dropped \(kept the last/.test(n)), a!.notes.join('|'));
    assert.ok(a!.notes.some((n) => /1 rows were out of time order/.test(n)));
    assert.ok(a!.notes.some((n) => /1 of 5 points filled/.test(n)));
  }));

test('Prometheus query_range: labels map to node and metric, clashes keep other labels', () =>
  withTempDir(async (dir) => {
    const body = {
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          { metric: { __name__: 'http_requests', pod: 'web-1', code: '200' }, values: [[1700000000, '5'], [1700000015, '6'], [1700000030, 'NaN'], [1700000045, '8']] },
          { metric: { __name__: 'http_requests', pod: 'web-1', code: '500' }, values: [[1700000000, '1'], [1700000015, '1'], [1700000030, '2']] },
          { metric: { __name__: 'mem_bytes', instance: 'db:9100' }, values: [[1700000000, '100'], [1700000015, '110'], [1700000030, '120']] },
        ],
      },
    };
    const file = await writeTemp(dir, 'prom.json', JSON.stringify(body));
    const series = await readTelemetry([file]);
    assert.equal(series.map((s) => `${s.node}/${s.metric}`), ['web-1/http_requests{code=200}', 'web-1/http_requests{code=500}', 'db:9100/mem_bytes']);
    assert.equal(Array.from(series[0]!.values), [5, 6, 7, 8]);
    assert.is(series[0]!.stepMs, 15_000);
    const bad = await writeTemp(dir, 'bad.json', '{"status": "success",\n "data": {"resultType": "matrix", "result": [}\n}');
    await rejects(readRaw(bad), /bad\.json: line 2: column \d+: expected valid JSON/);
    const badValue = await writeTemp(dir, 'bad-value.json', JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [{ metric: {}, values: [[1, '+Inf']] }] } }));
    await rejects(readRaw(badValue), /column data\.result\[0\]\.values\[0\]\[1\]: expected a finite number/);
  }));

test('bad input: each case names the file, line and column and what was expected', () =>
  withTempDir(async (dir) => {
    const empty = await writeTemp(dir, 'empty.csv', '');
    await rejects(readTelemetry([empty]), /empty\.csv: expected a CSV header line and data rows, got an empty file/);
    const headerOnly = await writeTemp(dir, 'header-only.csv', 'timestamp,value\n');
    await rejects(readTelemetry([headerOnly]), /header-only\.csv: expected data rows after the header, got none/);
    const noTs = await writeTemp(dir, 'no-ts.csv', 'when,api.rate\n1,2\n');
    await rejects(readTelemetry([noTs]), /no-ts\.csv: line 1: expected a timestamp column/);
    const badTs = await writeTemp(dir, 'bad-ts.csv', 'timestamp,value\n2024-01-01 00:00:00,1\nyesterday,2\n');
    await rejects(readTelemetry([badTs]), /bad-ts\.csv: line 3: column timestamp: expected a timestamp .* got "yesterday"/);
    const badNum = await writeTemp(dir, 'bad-num.csv', 'timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,abc\n');
    await rejects(readTelemetry([badNum]), /bad-num\.csv: line 3: column value: expected a number, got "abc"/);
    const rows = ['timestamp,value'];
    for (let i = 0; i < 20; i++) rows.push(`${1704067200 + i * 300},${i}`);
    for (let i = 0; i < 20; i++) rows.push(`${1704067200 + 20 * 300 + i * 60},${i}`);
    const mixed = await writeTemp(dir, 'mixed.csv', rows.join('\n'));
    await rejects(readTelemetry([mixed]), /mixed\.csv: line \d+: column timestamp: expected a regular step of (300|60) s.*mixed steps/);
    const neg = await writeTemp(dir, 'neg.csv', 'timestamp,node,metric,value\n1704067200,a,cpu,1\n1704067260,a,cpu,-2\n1704067320,a,cpu,3\n');
    await rejects(readTelemetry([neg]), /neg\.csv: line 3: column value: expected a non-negative value \(series a\/cpu is non-negative by its name; if it can go below 0, declare it signed: --bounds a\/cpu=signed, or telemetry.bounds in nightly.yaml\), got -2/);
    const nan = await writeTemp(dir, 'nan.csv', 'timestamp,value\n1704067200,NaN\n1704067500,\n1704067800,nan\n');
    await rejects(readTelemetry([nan]), /nan\.csv: column value: expected at least one numeric value .* got all 3 values NaN or empty/);
    const ragged = await writeTemp(dir, 'ragged.csv', 'timestamp,a.x,b.x\n1704067200,1,2\n1704067260,1\n');
    await rejects(readTelemetry([ragged]), /ragged\.csv: line 3: expected 3 cells like the header, got 2/);
    await rejects(readTelemetry([join(dir, 'missing.csv')]), /missing\.csv: expected a readable file/);
  }));

test('an all-empty column is skipped with a report when asked, and fails otherwise', () =>
  withTempDir(async (dir) => {
    const file = await writeTemp(dir, 'idle.csv', 'timestamp,web.latency,web.rate\n1704067200,,1\n1704067260,NaN,2\n1704067320,,3\n');
    await rejects(readTelemetry([file]), /idle\.csv: column web\.latency: expected at least one numeric value for series web\/latency/);
    const skipped: string[] = [];
    const series = await readTelemetry([file], { skipEmpty: true, onSkip: (e) => skipped.push(e.message) });
    assert.equal(series.map((s) => s.metric), ['rate']);
    assert.is(skipped.length, 1);
    assert.match(skipped[0]!, /web\/latency/);
  }));

test('cleaning: a negative value is fine for a metric that measures a change', () => {
  const s = cleanSeries({ node: 'n', metric: 'temp_delta', file: 'f', times: [0, 1000, 2000], values: [1, -1, 2], lines: [2, 3, 4], column: 'v', allowNegative: true, notes: [] });
  assert.equal(Array.from(s.values), [1, -1, 2]);
});

test('a long CSV limit column that contradicts itself within a series is refused at the line that differs', () =>
  withTempDir(async (dir) => {
    const rows = ['timestamp,node,metric,value,limit'];
    for (let i = 0; i < 6; i++) rows.push(`${1704067200 + i * 300},web,mem,${50 + i},${i % 2 === 0 ? 80 : 100}`);
    const file = await writeTemp(dir, 'lim.csv', rows.join('\n'));
    await rejects(readTelemetry([file]), /lim\.csv: line 3: column limit: expected the limit 80 of series web\/mem given on line 2 \(one limit per series\), got 100/);
    // Empty cells take the limit the other rows give; equal values are fine.
    const ok = await writeTemp(dir, 'ok.csv', ['timestamp,node,metric,value,limit', '1704067200,web,mem,1,', '1704067500,web,mem,2,80', '1704067800,web,mem,3,80', '1704068100,api,mem,3,'].join('\n'));
    const raws = await readRaw(ok);
    assert.equal(raws.map((r) => [r.node, r.limit]), [['web', 80], ['api', undefined]]);
  }));

test('step and gap problems are named at the timestamp column (by its header name), a timestamp typo before mixed steps', () =>
  withTempDir(async (dir) => {
    const rows = ['Time,node,metric,value'];
    for (let i = 0; i < 20; i++) rows.push(`${1704067200 + i * 300 + (i === 3 ? 90 : 0)},web,rate,${i}`);
    const moved = await writeTemp(dir, 'moved.csv', rows.join('\n'));
    await rejects(readTelemetry([moved]), /moved\.csv: line 5: column Time: expected a regular step of 300 s .* got 390 s since line 4 \(mixed steps\)/);
    // A Nezha TimeStamp cell with a digit too many (epoch ms 500 years on): the typo hint, at the TimeStamp column.
    const src = (await readFile(join(NEZHA_METRIC_DIR, 'ts-auth-service-7f8d7d756d-k7b9j_metric.csv'), 'utf8')).split('\n');
    const cells = src[4]!.split(',');
    cells[1] = '16749818500000';
    src[4] = cells.join(',');
    const typo = await writeTemp(dir, 'ts-auth-service-7f8d7d756d-k7b9j_metric.csv', src.join('\n'));
    const msg = await rejects(readTelemetry([typo]), /_metric\.csv: line 5: column TimeStamp: expected timestamps within \d+ steps of 60 s .* \(is one of these timestamps a typo\?\)/);
    assert.not.match(msg, /mixed steps/);
  }));

test('Prometheus: two results with the same labels are named by their data.result indices, not as a second file', () =>
  withTempDir(async (dir) => {
    const values = [[1700000000, '1'], [1700000060, '2'], [1700000120, '3']];
    const doc = (result: unknown[]) => JSON.stringify({ status: 'success', data: { resultType: 'matrix', result } });
    const dup = await writeTemp(dir, 'dup.json', doc([
      { metric: { __name__: 'http_requests', pod: 'web' }, values },
      { metric: { __name__: 'up', pod: 'web' }, values },
      { metric: { pod: 'web', __name__: 'http_requests' }, values },
    ]));
    const msg = await rejects(readTelemetry([dup]), /dup\.json: column data\.result\[2\]\.metric: expected each series once in a query_range response, got labels identical to data\.result\[0\]'s: \{__name__="http_requests",pod="web"\}/);
    assert.not.match(msg, /also in/);
    // Different labels that map to one node and metric say so.
    const clash = await writeTemp(dir, 'clash.json', doc([{ metric: { pod: 'web' }, values }, { metric: { service: 'web' }, values }]));
    await rejects(readTelemetry([clash]), /clash\.json: column data\.result\[1\]\.metric: expected each series once .*, got labels \{service="web"\} that name the same series web\/value as data\.result\[0\]'s \{pod="web"\}/);
  }));

test.run();
