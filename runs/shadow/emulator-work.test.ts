import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CompensatedSleeper, burn } from './emulator-work.js';

test('burn uses the drawn time as CPU time and lets the event loop run between slices', async () => {
  let yielded = false;
  setImmediate(() => (yielded = true));
  const before = process.cpuUsage();
  await burn(30);
  const used = process.cpuUsage(before);
  assert.ok((used.user + used.system) / 1000 >= 30, `used ${(used.user + used.system) / 1000} ms of CPU`);
  assert.ok(yielded, 'a callback queued before the burn ran during it');
  await burn(0);
});

test('sleep waits about the requested time; zero and negative times do not wait', async () => {
  const s = new CompensatedSleeper();
  const t = Date.now();
  await s.sleep(40);
  assert.ok(Date.now() - t >= 35, `slept ${Date.now() - t} ms`);
  const t2 = Date.now();
  await s.sleep(0);
  await s.sleep(-5);
  assert.ok(Date.now() - t2 < 20);
});

test.run();
