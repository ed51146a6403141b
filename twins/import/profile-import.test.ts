/**
 * Imported entries driven by a rate profile (issue 12): `services[i].profile`
 * in a call graph, or --profile ENTRY=FILE.csv for callgraph and trace.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TwinSpecError } from '../definition/errors.js';
import { loadTwinFile } from '../definition/load.js';
import type { Twin } from '../definition/types.js';
import { errorReport, exitCodeFor } from '../../runs/errors.js';
import { run as importCommand } from '../../runs/commands/import/index.js';
import { importCallGraphFile } from './callgraph.js';
import { importTraceFile } from './trace.js';

const PROFILE = 'time,rate\n0,10\n600,40\n1200,15\n';

const graph = (web: Record<string, unknown> = {}): string => JSON.stringify({
  name: 'shop',
  services: [{ id: 'web', rate: 20, ...web }, { id: 'db' }],
  calls: [{ from: 'web', to: 'db', perRequest: 2 }],
}, null, 1);

async function inTemp(use: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'shadowcast-import-profile-'));
  try {
    await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function profileOf(twin: Twin, entry: string): { times: number[]; rates: number[] } {
  const e = twin.entries.find((x) => x.id === entry)!;
  assert.is(e.arrival.kind, 'profile', JSON.stringify(e.arrival));
  if (e.arrival.kind !== 'profile') throw new Error('unreachable');
  return { times: [...e.arrival.times], rates: [...e.arrival.rates] };
}

async function problemsOf(f: () => Promise<unknown>): Promise<string[]> {
  try {
    await f();
  } catch (e) {
    assert.ok(e instanceof TwinSpecError, String(e));
    return e.problems.map((p) => `${p.line ?? '-'} ${p.path}: ${p.message}`);
  }
  assert.unreachable('no problem reported');
  return [];
}

test('a call-graph entry with `profile` is driven by it; the path is written relative to the twin folder', () => inTemp(async (dir) => {
  await writeFile(join(dir, 'web.csv'), PROFILE);
  await writeFile(join(dir, 'g.json'), graph({ profile: 'web.csv' }));
  const { twin, input } = await importCallGraphFile(join(dir, 'g.json'), { twinDir: dir });
  assert.equal(profileOf(twin, 'web'), { times: [0, 600, 1200], rates: [10, 40, 15] });
  assert.equal(input.entries, [{ id: 'web', node: 'web', profile: 'web.csv' }]);
}));

test('--profile overrides the constant rate (and the JSON profile, with a note)', () => inTemp(async (dir) => {
  await mkdir(join(dir, 'p'));
  await writeFile(join(dir, 'p', 'peak.csv'), 'time,rate\n0,5\n60,50\n');
  await writeFile(join(dir, 'web.csv'), PROFILE);
  await writeFile(join(dir, 'g.json'), graph({ profile: 'web.csv' }));
  const { twin, input } = await importCallGraphFile(join(dir, 'g.json'), { twinDir: dir, profiles: new Map([['web', join(dir, 'p', 'peak.csv')]]) });
  assert.equal(profileOf(twin, 'web').rates, [5, 50]);
  assert.equal(input.entries[0]!.profile, 'p/peak.csv');
  assert.ok(twin.warnings.some((w) => /--profile .*peak\.csv replaces the profile/.test(w)), twin.warnings.join('\n'));
}));

test('a profile on a service that is not an entry, an unknown entry, a bad CSV, a CSV outside the twin folder: each located', () => inTemp(async (dir) => {
  await writeFile(join(dir, 'bad.csv'), 'time,rate\n0,10\n60,-3\n');
  await writeFile(join(dir, 'ok.csv'), PROFILE);
  const g = JSON.stringify({ services: [{ id: 'web', rate: 20 }, { id: 'db', profile: 'ok.csv' }], calls: [{ from: 'web', to: 'db', perRequest: 1 }] }, null, 1);
  await writeFile(join(dir, 'g.json'), g);
  assert.equal(await problemsOf(() => importCallGraphFile(join(dir, 'g.json'), { twinDir: dir })), [
    '9 services[1].profile: only an entry point (a service no call reaches) takes a rate profile; "db" is called by another service (entries: web)',
  ]);
  await writeFile(join(dir, 'g.json'), graph());
  const bad = await problemsOf(() => importCallGraphFile(join(dir, 'g.json'), { twinDir: dir, profiles: new Map([['wbe', join(dir, 'ok.csv')], ['db', join(dir, 'ok.csv')]]) }));
  assert.equal(bad, ['- --profile wbe: no service "wbe"; the entries are: web', '- --profile db: "db" is called by another service, not an entry point; the entries are: web']);
  const csv = await problemsOf(() => importCallGraphFile(join(dir, 'g.json'), { twinDir: dir, profiles: new Map([['web', join(dir, 'bad.csv')]]) }));
  assert.is(csv.length, 1);
  assert.match(csv[0]!, /^- --profile web: .*bad\.csv: line 3 rate: expected a finite rate >= 0/);
  const outside = await problemsOf(() => importCallGraphFile(join(dir, 'g.json'), { twinDir: join(dir, 'sub'), profiles: new Map([['web', join(dir, 'ok.csv')]]) }));
  assert.match(outside[0]!, /--profile web: .*ok\.csv" is outside the folder of the twin to be written .*put the CSV there/);
}));

test('an entry with a profile needs no rate', () => inTemp(async (dir) => {
  await writeFile(join(dir, 'web.csv'), PROFILE);
  await writeFile(join(dir, 'g.json'), JSON.stringify({ services: [{ id: 'web', profile: 'web.csv' }, { id: 'db' }], calls: [{ from: 'web', to: 'db', perRequest: 1 }] }));
  const { twin } = await importCallGraphFile(join(dir, 'g.json'), { twinDir: dir });
  assert.is(profileOf(twin, 'web').rates.length, 3);
  await writeFile(join(dir, 'g.json'), JSON.stringify({ services: [{ id: 'web' }, { id: 'db' }], calls: [{ from: 'web', to: 'db', perRequest: 1 }] }));
  const [msg] = await problemsOf(() => importCallGraphFile(join(dir, 'g.json'), { twinDir: dir }));
  assert.match(msg!, /services\[0\]\.rate: required .* unless it takes a rate profile/);
}));

// Two traces through gateway -> order, one span each.
const TRACE = [
  'TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano',
  't1,a,root,ts-gateway-service-5b67c48447-mv5hb,GET,1000000000,1050000000',
  't1,b,a,ts-order-service-5b67c48447-abcde,get,1010000000,1030000000',
  't2,c,root,ts-gateway-service-5b67c48447-mv5hb,GET,3000000000,3040000000',
  't2,d,c,ts-order-service-5b67c48447-abcde,get,3005000000,3020000000',
].join('\n') + '\n';

test('trace: --profile drives the root service instead of the rate the trace shows, with a note', () => inTemp(async (dir) => {
  await writeFile(join(dir, 'trace.csv'), TRACE);
  await writeFile(join(dir, 'gw.csv'), PROFILE);
  const r = await importTraceFile(join(dir, 'trace.csv'), { twinDir: dir, profiles: new Map([['ts-gateway-service', join(dir, 'gw.csv')]]) });
  assert.equal(profileOf(r.twin, 'ts-gateway-service').rates, [10, 40, 15]);
  assert.ok(r.twin.warnings.some((w) => /entry ts-gateway-service: driven by the rate profile gw\.csv instead of the rate the trace shows \(0\.500 req\/s\)/.test(w)), r.twin.warnings.join('\n'));
}));

test('import callgraph --profile: the written twin loads back with the profile; a repeated entry is a usage error', () => inTemp(async (dir) => {
  await writeFile(join(dir, 'web.csv'), PROFILE);
  await writeFile(join(dir, 'g.json'), graph());
  const out = join(dir, 'twin.yaml');
  const log = console.log;
  const printed: string[] = [];
  console.log = (...xs: unknown[]) => void printed.push(xs.join(' '));
  try {
    assert.is(await importCommand(['callgraph', join(dir, 'g.json'), '--out', out, '--profile', `web=${join(dir, 'web.csv')}`]), 0);
  } finally {
    console.log = log;
  }
  // The report gives the profile's range, not "?".
  assert.match(printed.join('\n'), /entries {6}1: web at 10-40 req\/s \(profile .*web\.csv, 3 points\)/);
  assert.equal(profileOf(await loadTwinFile(out), 'web').rates, [10, 40, 15]);
  try {
    await importCommand(['callgraph', join(dir, 'g.json'), '--out', out, '--profile', 'web=a.csv', '--profile', 'web=b.csv']);
    assert.unreachable('a repeated --profile entry was accepted');
  } catch (e) {
    assert.match(errorReport('import', e, false), /--profile: entry web is given twice/);
    assert.is(exitCodeFor(e), 2);
  }
}));

test.run();
