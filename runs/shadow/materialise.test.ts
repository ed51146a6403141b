import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shadowDown, shadowStatus, shadowUp, ShadowAlreadyRunningError } from './materialise.js';
import { readState, type ShadowStateFile } from './materialise-state.js';
import { isPortFree } from './ports.js';
import { liveness } from './process-liveness.js';
import { testPlan } from './materialise-test-plan.js';
import { httpStatus } from './inject-test-support.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const status = httpStatus;

/** PIDs of live (non-zombie) processes whose command line mentions `text`. */
async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3))) continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids.filter((p) => p !== process.pid);
}

/** Nothing of the shadow in `dir` runs and no recorded port is bound (waits a little for self-exiting orphans). */
async function assertNothingLeft(dir: string, state: ShadowStateFile): Promise<void> {
  let left: number[] = [];
  for (let i = 0; i < 100; i++) {
    left = await processesMentioning(dir);
    if (left.length === 0) break;
    await sleep(30);
  }
  assert.equal(left, [], `processes still running for ${dir}`);
  for (const p of state.processes) {
    assert.is.not(liveness(p.pid, p.config), 'running', `${p.name} pid ${p.pid}`);
    if (p.port !== null) assert.ok(await isPortFree(p.port), `port ${p.port} of ${p.name} is still bound`);
  }
}

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'shadow-up-'));
  try {
    await body(dir);
  } finally {
    await shadowDown(dir, { graceMs: 500 }).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  }
}

test('up starts stub and emulators on loopback, records them, serves requests; down stops them all and is idempotent', async () => {
  await withDir(async (dir) => {
    const t0 = Date.now();
    const state = await shadowUp(testPlan(2), dir);
    const upMs = Date.now() - t0;
    assert.is(state.phase, 'up');
    assert.equal(state.processes.map((p) => p.name), ['stub', 'B', 'A']);
    assert.equal(Object.keys(state.addresses).sort(), ['A', 'B', 'S']);
    for (const url of Object.values(state.addresses)) assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.is(state.addresses.S, state.processes[0]!.url);
    assert.equal(await readState(dir), state);
    const config = JSON.parse(await readFile(state.processes[2]!.config, 'utf8')) as { callees: Record<string, string>; k: number };
    assert.equal(config.callees, { B: state.addresses.B, S: state.addresses.S });
    assert.is(config.k, 2);
    // A -> B -> S and A -> S answer through real processes.
    for (let i = 0; i < 5; i++) assert.is(await status(`${state.addresses.A}/n/A`), 200);
    assert.is(await status(`${state.addresses.S}/n/S`), 200);
    const st = await shadowStatus(dir);
    assert.ok(st !== null && st.processes.every((p) => p.alive && p.healthy), JSON.stringify(st));
    assert.ok(upMs < 10_000, `up took ${upMs} ms`);
    const down = await shadowDown(dir);
    assert.is(down.stopped.length, 3);
    await assertNothingLeft(dir, state);
    const again = await shadowDown(dir);
    assert.is(again.stopped.length, 0);
    assert.is(again.alreadyGone.length, 3);
    assert.is((await readState(dir))!.phase, 'down');
    const after = await shadowStatus(dir);
    assert.ok(after!.processes.every((p) => !p.alive && !p.healthy));
  });
});

test('up refuses a DIR holding a running shadow and names its PIDs; a crashed emulator shows dead and down still cleans up', async () => {
  await withDir(async (dir) => {
    const state = await shadowUp(testPlan(1), dir);
    try {
      await shadowUp(testPlan(1), dir);
      assert.unreachable('a second up should be refused');
    } catch (e) {
      assert.instance(e, ShadowAlreadyRunningError);
      for (const p of state.processes) assert.match((e as Error).message, `pid ${p.pid}`);
    }
    const b = state.processes.find((p) => p.name === 'B')!;
    process.kill(b.pid, 'SIGKILL');
    let st = await shadowStatus(dir);
    for (let i = 0; i < 50 && st!.processes.find((p) => p.name === 'B')!.alive; i++) {
      await sleep(20);
      st = await shadowStatus(dir);
    }
    const bStatus = st!.processes.find((p) => p.name === 'B')!;
    assert.is(bStatus.alive, false);
    assert.is(bStatus.healthy, false);
    assert.ok(st!.processes.filter((p) => p.name !== 'B').every((p) => p.alive && p.healthy));
    // A's mandatory call to B now fails: the caller answers an error.
    assert.is(await status(`${state.addresses.A}/n/A`), 500);
    const down = await shadowDown(dir);
    assert.equal(down.stopped.map((p) => p.name).sort(), ['A', 'stub']);
    assert.equal(down.alreadyGone.map((p) => p.name), ['B']);
    await assertNothingLeft(dir, state);
  });
});

test('down works after up was killed with SIGKILL, during start-up and after it', async () => {
  await withDir(async (work) => {
    const planPath = join(work, 'plan.json');
    await writeFile(planPath, JSON.stringify(testPlan(1)));
    const script = join(work, 'up.mjs');
    await writeFile(script, [
      "import { readFileSync } from 'node:fs';",
      'const { shadowUp } = await import(process.argv[2]);',
      "await shadowUp(JSON.parse(readFileSync(process.argv[3], 'utf8')), process.argv[4]);",
      "console.log('UP');",
      'setInterval(() => {}, 1 << 30);',
    ].join('\n'));
    const lib = new URL('./materialise.js', import.meta.url).href;

    for (const when of ['starting', 'up'] as const) {
      const dir = join(work, when);
      const up = spawn(process.execPath, [script, lib, planPath, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      up.stdout.on('data', (c: Buffer) => (out += c.toString()));
      try {
        const deadline = Date.now() + 15_000;
        for (;;) {
          assert.ok(Date.now() < deadline, `up (${when}) made no progress`);
          const s = await readState(dir).catch(() => null);
          if (when === 'starting' ? (s?.processes.length ?? 0) >= 1 : out.includes('UP')) break;
          await sleep(when === 'starting' ? 2 : 20);
        }
      } finally {
        up.kill('SIGKILL');
      }
      await new Promise((r) => (up.exitCode !== null || up.signalCode !== null ? r(null) : up.once('exit', r)));
      const recorded = (await readState(dir))!;
      assert.ok(recorded.processes.length >= 1);
      if (when === 'up') {
        assert.is(recorded.processes.length, 3);
        const st = await shadowStatus(dir);
        assert.ok(st!.processes.every((p) => p.alive), 'the shadow outlives a killed up');
      }
      if (when === 'starting') console.log(`  killed during start-up with ${recorded.processes.length} recorded: ${recorded.processes.map((p) => `${p.name} port ${p.port}`).join(', ')}`);
      await shadowDown(dir);
      await assertNothingLeft(dir, (await readState(dir))!);
      assert.is((await shadowDown(dir)).stopped.length, 0);
    }
  });
});

test('a process that is not ready in time fails up, which stops what it had started and names the log', async () => {
  await withDir(async (dir) => {
    try {
      await shadowUp(testPlan(1), dir, { readyTimeoutMs: 1 });
      assert.unreachable('up should fail');
    } catch (e) {
      assert.match((e as Error).message, /shadow up failed; what had started was stopped: stub stub \(pid \d+, log .*stub\.log\) was not ready after 1 ms/);
    }
    const state = (await readState(dir))!;
    assert.is(state.phase, 'down');
    assert.match(state.error ?? '', /not ready/);
    await assertNothingLeft(dir, state);
  });
});

test('down of a DIR without a shadow does nothing; status says there is none', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'shadow-none-'));
  try {
    assert.equal(await shadowDown(dir), { stopped: [], killed: [], alreadyGone: [] });
    assert.is(await shadowStatus(dir), null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
