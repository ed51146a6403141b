/**
 * Synthetic ISP backbones, seeded: the same (model, routers, seed) gives the
 * same topology. graphology-generators has neither Waxman nor
 * Barabási–Albert, so both are written here.
 *
 *  - Routers are placed uniformly in a latitude/longitude box the size of a
 *    continent (30..48 N, 122..72 W), so link delays follow from distance as
 *    for Topology Zoo files (links.ts: haversine / 2e8 m/s).
 *  - waxman: P(link u-v) = beta * exp(-d(u, v) / (alpha * dmax)), alpha 0.15,
 *    beta chosen so the expected mean degree is `meanDegree` (default 3.5).
 *  - ba: Barabási–Albert preferential attachment, `m` = round(meanDegree / 2)
 *    links per new router (a clique of m + 1 to start).
 *  - Either graph is made connected by joining each smaller component to the
 *    largest through the geographically closest router pair (counted in
 *    `joined`).
 *  - Capacity by the smaller endpoint degree: >= 6 -> 100 Gbit/s, >= 3 ->
 *    40 Gbit/s, else 10 Gbit/s (core links between hubs are the fat ones).
 */
import { createStream, type Rng } from '../../engine/index.js';
import type { ZooLink, ZooRouter, ZooTopology } from '../import/graphml.js';
import { haversine } from '../import/links.js';

export type BackboneModel = 'waxman' | 'ba';

export interface BackboneOptions {
  readonly routers: number;
  readonly model: BackboneModel;
  readonly seed: number | string;
  /** Target mean router degree (default 3.5). */
  readonly meanDegree?: number;
}

const LAT = [30, 48] as const;
const LON = [-122, -72] as const;
const ALPHA = 0.15;

function place(n: number, rng: Rng): ZooRouter[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `r${i}`, label: `r${i}`, internal: true,
    latitude: +(LAT[0] + (LAT[1] - LAT[0]) * rng()).toFixed(5),
    longitude: +(LON[0] + (LON[1] - LON[0]) * rng()).toFixed(5),
  }));
}

type Dist = (a: number, b: number) => number;

function waxman(n: number, dist: Dist, meanDegree: number, rng: Rng): [number, number][] {
  let dmax = 0;
  let sum = 0;
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) dmax = Math.max(dmax, dist(a, b));
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) sum += Math.exp(-dist(a, b) / (ALPHA * dmax));
  const beta = Math.min(1, (meanDegree * n) / 2 / sum);
  const edges: [number, number][] = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) if (rng() < beta * Math.exp(-dist(a, b) / (ALPHA * dmax))) edges.push([a, b]);
  return edges;
}

function barabasiAlbert(n: number, meanDegree: number, rng: Rng): [number, number][] {
  const m = Math.max(1, Math.min(n - 1, Math.round(meanDegree / 2)));
  const edges: [number, number][] = [];
  // Every link end once: drawing from it is drawing proportionally to degree.
  const ends: number[] = [];
  for (let a = 0; a <= m && a < n; a++) for (let b = a + 1; b <= m && b < n; b++) { edges.push([a, b]); ends.push(a, b); }
  for (let v = m + 1; v < n; v++) {
    const chosen = new Set<number>();
    while (chosen.size < m) chosen.add(ends[Math.floor(rng() * ends.length)]!);
    for (const u of [...chosen].sort((x, y) => x - y)) { edges.push([u, v]); ends.push(u, v); }
  }
  return edges;
}

/** Joins every smaller component to the largest by its geographically closest router pair; returns how many links were added. */
function connect(n: number, edges: [number, number][], dist: Dist): number {
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const find = (x: number): number => { while (parent[x] !== x) { parent[x] = parent[parent[x]!]!; x = parent[x]!; } return x; };
  for (const [a, b] of edges) parent[find(a)] = find(b);
  let joined = 0;
  for (;;) {
    const members = new Map<number, number[]>();
    for (let v = 0; v < n; v++) { const r = find(v); const l = members.get(r); if (l) l.push(v); else members.set(r, [v]); }
    if (members.size <= 1) return joined;
    const comps = [...members.values()].sort((x, y) => y.length - x.length || x[0]! - y[0]!);
    const main = comps[0]!;
    const other = comps[1]!;
    let best: [number, number] = [main[0]!, other[0]!];
    let bd = Infinity;
    for (const a of main) for (const b of other) { const d = dist(a, b); if (d < bd) { bd = d; best = [Math.min(a, b), Math.max(a, b)]; } }
    edges.push(best);
    parent[find(best[0])] = find(best[1]);
    joined++;
  }
}

export interface Backbone {
  readonly topology: ZooTopology;
  /** Links added to make the graph connected. */
  readonly joined: number;
}

export function generateBackbone(opts: BackboneOptions): Backbone {
  const n = opts.routers;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`routers: expected an integer >= 2, got ${n}`);
  const meanDegree = opts.meanDegree ?? 3.5;
  const rng = createStream(opts.seed, 0, `backbone:${opts.model}:${n}`);
  const routers = place(n, rng);
  const dist: Dist = (a, b) => haversine(routers[a]!.latitude!, routers[a]!.longitude!, routers[b]!.latitude!, routers[b]!.longitude!);
  const edges = opts.model === 'waxman' ? waxman(n, dist, meanDegree, rng) : barabasiAlbert(n, meanDegree, rng);
  const joined = connect(n, edges, dist);
  const degree = new Int32Array(n);
  for (const [a, b] of edges) { degree[a]!++; degree[b]!++; }
  const links: ZooLink[] = edges.map(([a, b]) => {
    const low = Math.min(degree[a]!, degree[b]!);
    const capacity = low >= 6 ? 100e9 : low >= 3 ? 40e9 : 10e9;
    return { key: `r${a}->r${b}#0`, source: `r${a}`, target: `r${b}`, k: 0, capacity, label: `${capacity / 1e9}G` };
  });
  const name = `${opts.model}-${n}-seed${opts.seed}`;
  const notes = joined > 0 ? [`${joined} link(s) added to join the generated graph's components (closest router pairs)`] : [];
  return { topology: { name, file: `(generated ${opts.model}, ${n} routers, seed ${opts.seed})`, routers, links, notes }, joined };
}
