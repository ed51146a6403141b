/**
 * The runtime configuration of the stub process: every stubbed node's
 * StubSpec (latency quantiles and error rate of that node in the simulation
 * result, production units), k, the seed and where to listen.
 */
import type { StubSpec } from './plan-types.js';
import { checkDilation, checkListen, checkSeed, checkerFor, type ListenAddress } from './emulator-config.js';

export const STUB_CONFIG_FORMAT = 'shadowcast-shadow-stub/1';

export interface StubRuntimeConfig {
  readonly format: typeof STUB_CONFIG_FORMAT;
  /** nodeId -> what `GET /n/<nodeId>` answers. */
  readonly nodes: Readonly<Record<string, StubSpec>>;
  readonly k: number;
  readonly seed: number | string;
  readonly listen: ListenAddress;
}

const nonNeg = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

export function parseStubConfig(data: unknown, source: string): StubRuntimeConfig {
  const check = checkerFor(source);
  check(typeof data === 'object' && data !== null && !Array.isArray(data), '(root)', 'must be an object');
  const d = data as Record<string, unknown>;
  check(d.format === STUB_CONFIG_FORMAT, 'format', `must be ${STUB_CONFIG_FORMAT}, got ${String(d.format)}`);
  checkDilation(check, d.k);
  checkSeed(check, d.seed);
  checkListen(check, d.listen);
  check(typeof d.nodes === 'object' && d.nodes !== null && !Array.isArray(d.nodes), 'nodes', 'must be an object nodeId -> StubSpec');
  for (const [id, s] of Object.entries(d.nodes as Record<string, unknown>)) {
    const spec = s as Record<string, unknown> | null;
    check(typeof spec === 'object' && spec !== null, `nodes.${id}`, 'must be { latency, errorRate }');
    const lat = spec!.latency as Record<string, unknown> | null;
    check(typeof lat === 'object' && lat !== null, `nodes.${id}.latency`, 'must be { p50, p95, p99 }');
    for (const q of ['p50', 'p95', 'p99']) check(nonNeg(lat![q]), `nodes.${id}.latency.${q}`, 'must be a finite number >= 0');
    check(nonNeg(spec!.errorRate) && (spec!.errorRate as number) <= 1, `nodes.${id}.errorRate`, 'must be in [0, 1]');
  }
  return data as unknown as StubRuntimeConfig;
}
