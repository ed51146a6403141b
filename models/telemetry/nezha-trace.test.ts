import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withTempDir, writeTemp } from '../test-support.js';
import { TelemetryError } from './errors.js';
import { callersOf, readNezhaCallGraph } from './nezha-trace.js';

const HEADER = 'TraceID,SpanID,ParentID,PodName,OperationName,StartTimeUnixNano,EndTimeUnixNano,Duration';

test('call graph: cross-service parent links are edges, in-service ones are not, unknown parents are counted', async () => {
  await withTempDir(async (dir) => {
    const file = await writeTemp(dir, 't.csv', [HEADER,
      't1,a,root,ts-gateway-service-6f6cfc45b-h5m2n,/*,1,2,1',
      't1,b,a,ts-travel-service-64469b5b48-25zj6,q,1,2,1',
      't1,c,b,ts-travel-service-64469b5b48-25zj6,inner,1,2,1',
      't1,d,c,ts-basic-service-5dc8d4f9fd-46997,q,1,2,1',
      't1,e,a,ts-travel-service-64469b5b48-25zj6,q,1,2,1',
      't1,f,zz,ts-route-service-b6c59fb57-zv8dt,q,1,2,1',
    ].join('\n') + '\n');
    const g = await readNezhaCallGraph(file);
    assert.equal(g.edges, [
      { caller: 'ts-gateway-service', callee: 'ts-travel-service', calls: 2 },
      { caller: 'ts-travel-service', callee: 'ts-basic-service', calls: 1 },
    ]);
    assert.is(g.spans, 6);
    assert.is(g.unresolved, 1);
    assert.equal(callersOf(g).get('ts-basic-service'), ['ts-travel-service']);
  });
});

test('call graph: a missing column or an empty span id is reported with its place', async () => {
  await withTempDir(async (dir) => {
    const noParent = await writeTemp(dir, 'a.csv', 'TraceID,SpanID,PodName\nt,a,p\n');
    const e1 = await readNezhaCallGraph(noParent).catch((e: unknown) => e);
    assert.instance(e1, TelemetryError);
    assert.match((e1 as Error).message, /line 1.*"ParentID"/);
    const empty = await writeTemp(dir, 'b.csv', `${HEADER}\nt1,a,root,p-abcdef123-abcde,x,1,2,1\nt1,,a,p-abcdef123-abcde,x,1,2,1\n`);
    const e2 = await readNezhaCallGraph(empty).catch((e: unknown) => e);
    assert.instance(e2, TelemetryError);
    assert.match((e2 as Error).message, /line 3: column SpanID: expected a span id/);
  });
});

test.run();
