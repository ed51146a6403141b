/** `simulate --quiet`: what its help promises is what it prints (no bar, no table; a heartbeat line on stderr during a long run). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { usageText } from '../flags.js';
import { QUIET_PROGRESS_SECONDS, quietProgress, SIMULATE } from './simulate.js';

test('--quiet: the help names the heartbeat line, and the heartbeat keeps to it', () => {
  const help = usageText(SIMULATE).split('\n').find((l) => l.trimStart().startsWith('--quiet'))!;
  assert.match(help, new RegExp(`no progress bar and no table, only the files written, and on stderr a line every ${QUIET_PROGRESS_SECONDS} s while replications still run`));
  assert.not.match(help, /no progress and no table/);
  let now = 0;
  const lines: string[] = [];
  const p = quietProgress(40, (l) => void lines.push(l), () => now);
  now = QUIET_PROGRESS_SECONDS * 1000 - 1;
  p.update(5);
  assert.equal(lines, [], 'nothing before the interval');
  now = QUIET_PROGRESS_SECONDS * 1000;
  p.update(9);
  now += 500;
  p.update(10);
  assert.equal(lines, ['simulate: 9/40 replications\n'], 'one line per interval');
  now += QUIET_PROGRESS_SECONDS * 1000;
  p.update(40);
  assert.is(lines.length, 1, 'no line once every replication is done (the files written follow)');
});

test.run();
