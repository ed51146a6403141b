/**
 * Flags of `forecast` and `backtest` that only one model uses are refused
 * with the others (a flag parsed and then ignored would mislead), before any
 * telemetry is read.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NAB_DIR } from '../../models/test-support.js';
import { UsageError } from '../usage-error.js';
import { run as backtest } from './backtest.js';
import { run as forecast } from './forecast.js';

const series = join(NAB_DIR, 'ec2_cpu_utilization_24ae8d.csv');

async function refusal(run: () => Promise<number>): Promise<string> {
  try {
    await run();
  } catch (e) {
    assert.instance(e, UsageError);
    return (e as Error).message;
  }
  assert.unreachable('expected a usage error');
  return '';
}

test('--candidates needs --model auto; --epochs and --backend need --model lstm', async () => {
  const out = ['--out', '/nonexistent/never-written'];
  assert.match(await refusal(() => forecast(['--telemetry', series, '--horizon', '1h', '--model', 'ets', '--candidates', 'snaive', ...out])), /^--candidates lists the models auto chooses from: it needs --model auto, not ets$/);
  assert.match(await refusal(() => forecast(['--telemetry', series, '--horizon', '1h', '--epochs', '50', '--backend', 'cpu', ...out])), /^--epochs and --backend set the LSTM's training: they need --model lstm, not auto$/);
  assert.match(await refusal(() => forecast(['--telemetry', series, '--horizon', '1h', '--model', 'ets', '--epochs', '5', ...out])), /^--epochs sets the LSTM's training: it needs --model lstm, not ets$/);
  assert.match(await refusal(() => backtest(['--telemetry', series, '--horizon', '1h', '--model', 'ets', '--candidates', 'snaive'])), /^--candidates lists the models auto chooses from: it needs --model auto, not ets$/);
});

test.run();
