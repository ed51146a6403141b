/**
 * A Nezha metric file whose header spells a column in another case is named
 * at that column, not read as a wide CSV that then fails on another column.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NEZHA_METRIC_DIR, withTempDir } from '../test-support.js';
import { TelemetryError } from './errors.js';
import { detectLayout } from './read.js';

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

test.run();
