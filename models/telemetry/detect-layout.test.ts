/**
 * A Nezha metric file whose header spells a column in another case is named
 * at that column, not read as a wide CSV that then fails on another column.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NEZHA_METRIC_DIR, withTempDir, writeTemp } from '../test-support.js';
import { TelemetryError } from './errors.js';
import { detectLayout, readTelemetry } from './read.js';

test('a Nezha header with TimeStamp or PodName in another case is refused at that column', () =>
  withTempDir(async (dir) => {
    const src = await readFile(join(NEZHA_METRIC_DIR, 'front_service.csv'), 'utf8');
    assert.is(await detectLayout(join(NEZHA_METRIC_DIR, 'front_service.csv')), 'nezha');
    const typo = join(dir, 'typo.csv');
    await writeFile(typo, src.replace('TimeStamp', 'Timestamp'));
    try {
      await detectLayout(typo);
      assert.unreachable('refused');
    } catch (e) {
      assert.instance(e, TelemetryError);
      assert.match((e as Error).message, /typo\.csv: line 1: column Timestamp: expected "TimeStamp" as a Nezha metric file spells it/);
    }
    const pod = join(dir, 'pod.csv');
    await writeFile(pod, 'Time,TimeStamp,Podname,Value\n2023-01-29 08:41:09,1674981669,a-1,3\n');
    await detectLayout(pod).then(() => assert.unreachable('refused'), (e: Error) => assert.match(e.message, /column Podname: expected "PodName"/));
  }));

test('a misspelt long CSV header is named at line 1 with a did-you-mean, not blamed on a column spelt right', () =>
  withTempDir(async (dir) => {
    const body = ['1704067200,web,rate,1', '1704067500,web,rate,2', '1704067800,web,rate,3'];
    const cases: Array<[string, RegExp]> = [
      ['timestamp,nodes,metric,value', /h\.csv: line 1: column nodes: expected the header of a long CSV, with the columns timestamp,node,metric,value \(any order\) \(did you mean "node"\?\), got header "timestamp,nodes,metric,value", read as a wide CSV instead, whose column nodes holds text on line 2 \("web"\)/],
      ['timestamp,node,metrc,value', /h\.csv: line 1: column metrc: expected the header of a long CSV.*\(did you mean "metric"\?\), got header "timestamp,node,metrc,value", read as a wide CSV instead, whose column node holds text on line 2/],
      ['timestamp,host,metric,value', /h\.csv: line 1: expected the header of a long CSV.*; it has metric and value but no node column, got header/],
    ];
    for (const [header, want] of cases) {
      const file = await writeTemp(dir, 'h.csv', [header, ...body].join('\n'));
      assert.is(await detectLayout(file), 'wide');
      await readTelemetry([file]).then(() => assert.unreachable(header), (e: Error) => {
        assert.instance(e, TelemetryError);
        assert.match(e.message, want);
      });
    }
    // A wide CSV with text in a value column keeps the wide message.
    const wide = await writeTemp(dir, 'w.csv', 'timestamp,value,web.rate\n1704067200,1,x\n');
    await readTelemetry([wide]).then(() => assert.unreachable('wide'), (e: Error) => assert.match(e.message, /w\.csv: line 2: column web\.rate: expected a number, got "x"/));
  }));

test.run();
