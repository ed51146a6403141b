/**
 * Regression: an imported twin names its entry after its node, and request
 * keys for entries and for snapshot work at nodes once came from streams with
 * the same name, so both drew the very same keys.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Simulator, StreamFactory, createStream, type Rng } from '../../engine/index.js';
import { twinFromObject } from '../definition/load.js';
import { callGraphTwinInput } from '../import/callgraph.js';
import { stateFromObject } from '../state.js';
import { FlowModel } from './model.js';

/**
 * Hands the model the streams it asks for and records what each draws. It
 * deliberately skips the factory's duplicate-name guard, so this test sees
 * what like-named streams would draw even if the guard were gone.
 */
class RecordingStreams extends StreamFactory {
  readonly used: Array<{ name: string; draws: number[] }> = [];
  override stream(name: string): Rng {
    const rng = createStream(this.seed, this.replication, name);
    const record = { name, draws: [] as number[] };
    this.used.push(record);
    return () => {
      const u = rng();
      record.draws.push(u);
      return u;
    };
  }
}

test('imported call graph: entry and snapshot work on the same-named node draw distinct request keys', () => {
  const graph = {
    name: 'alike',
    services: [
      { id: 'web', rate: 50, servers: 4, service: { type: 'exponential', mean: 0.01 } },
      { id: 'api', servers: 4, service: { type: 'exponential', mean: 0.005 } },
    ],
    calls: [{ from: 'web', to: 'api', perRequest: 1 }],
  };
  const twin = twinFromObject(callGraphTwinInput(graph, 'alike.json').input, { source: 'alike.json' });
  const entry = twin.entries[0]!;
  assert.is(entry.id, twin.nodes[entry.node]!.id, 'precondition: the importer names the entry after its node');
  const state = stateFromObject({ format: 'shadowcast-state/1', takenAt: '2024-01-01T00:00:00Z', nodes: { web: { replicasUp: 1, busy: 4, queue: 2 } } }, twin, 'state.json');

  const sim = new Simulator();
  const streams = new RecordingStreams(11, 0);
  const model = new FlowModel(twin, { sim, streams, replication: 0 }, { horizon: 2, reportWindow: 2, state });
  sim.run(2);
  model.finish();
  // Both kinds of key were drawn: 6 snapshot requests (node keys) and the entry's arrivals (entry keys).
  assert.ok(model.entries[0]!.arrivals > 20, `entry arrivals ${model.entries[0]!.arrivals}`);
  assert.ok(model.nodes[entry.node]!.obs.arrivals >= 6 + model.entries[0]!.arrivals, 'snapshot work arrived at web');

  const drawn = streams.used.filter((s) => s.draws.length > 0);
  assert.ok(drawn.length >= 3, `streams drawn from: ${drawn.map((s) => s.name).join(', ')}`);
  // No value drawn by one stream shows up in another (32-bit draws: a chance repeat among ~100 values is ~1e-6).
  const owner = new Map<number, string>();
  for (const s of drawn) {
    for (const u of s.draws) {
      const other = owner.get(u);
      assert.ok(other === undefined, `streams "${other}" and "${s.name}" drew the same value ${u}`);
      owner.set(u, s.name);
    }
  }
});

test.run();
