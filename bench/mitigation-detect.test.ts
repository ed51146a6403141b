import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NEZHA_PARAMS } from './mitigation-detect.js';
import { detectionWindow, loadNezhaDay, loadNezhaFaults, nezhaAlarms, stepAt } from './mitigation-detect-nezha.js';

test('judge-based detector on ts-contacts-service: finds the 13:31 CPU contention, quiet 17:00-20:00', async () => {
  const day = await loadNezhaDay(['ts-contacts-service']);
  const faults = await loadNezhaFaults();
  const fault = faults.find((f) => f.text === '2023-01-29 13:31:54' && f.pod === 'ts-contacts-service')!;
  assert.ok(fault, 'fault 13:31:54 on ts-contacts-service in fault_list.json');
  const from = stepAt(day, Date.parse('2023-01-29T12:00:00Z'));
  const to = stepAt(day, Date.parse('2023-01-29T20:00:00Z'));
  const alarms = nezhaAlarms(day, NEZHA_PARAMS, from, to);
  const [s, e] = detectionWindow(day, fault);
  assert.ok(alarms.some((a) => a.step >= s && a.step <= e && a.metric === 'cpu_usage_rate_pct'), `alarms ${JSON.stringify(alarms)}`);
  const clean = [stepAt(day, Date.parse('2023-01-29T17:00:00Z')), to];
  assert.equal(alarms.filter((a) => a.step >= clean[0]! && a.step < clean[1]!), []);
});

test.run();
