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
 *    When that would need beta > 1 (a dense target: with alpha 0.15 even
 *    beta = 1 expects only about 3 links per router on 20 routers), beta is 1
 *    and alpha is raised until the expected mean degree is the target (a
 *    note says so): capping beta alone gave the same graph for every target.
 *  - ba: Barabási–Albert preferential attachment, `m` = round(meanDegree / 2)
 *    links per new router (a clique of m + 1 to start), so its mean degree is
 *    near 2m whatever the fraction.
 *  - meanDegree is at most routers - 1 (every router linked to every other):
 *    more is a RangeError, and the default 3.5 is lowered to routers - 1 on
 *    fewer than 5 routers.
 *  - The mean degree reached is returned; when it is more than 10 % from the
 *    target, a note gives it and why (BA's 2m, Waxman's random draw, the
 *    links that joined the components).
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

interface Waxman {
  readonly edges: [number, number][];
  /** The alpha used: ALPHA, or more when beta = 1 could not reach the target with it. */
  readonly alpha: number;
  /** Links expected before the components are joined. */
  readonly expected: number;
  /** Mean degree expected with alpha ALPHA and beta 1: the most that alpha allows. */
  readonly degreeAtAlpha: number;
}

function waxman(n: number, dist: Dist, meanDegree: number, rng: Rng): Waxman {
  // Distances per pair in (a, b) order: computed once, as alpha may be searched for.
  const d = new Float64Array((n * (n - 1)) / 2);
  let dmax = 0;
  for (let a = 0, k = 0; a < n; a++) for (let b = a + 1; b < n; b++, k++) { d[k] = dist(a, b); dmax = Math.max(dmax, d[k]!); }
  /** Expected links with beta = 1. */
  const mass = (alpha: number): number => { let sum = 0; for (let k = 0; k < d.length; k++) sum += Math.exp(-d[k]! / (alpha * dmax)); return sum; };
  const target = (meanDegree * n) / 2;
  let alpha = ALPHA;
  const atAlpha = mass(alpha);
  let beta = target / atAlpha;
  if (beta > 1) {
    // mass grows with alpha towards n(n-1)/2 (every pair): search alpha (geometrically) for mass = target, with beta = 1.
    beta = 1;
    let lo = ALPHA;
    let hi = ALPHA;
    while (mass(hi) < target && hi < 1e6) { lo = hi; hi *= 2; }
    if (mass(hi) < target) alpha = Infinity; // target = every pair (meanDegree = n - 1): P = 1 for all
    else {
      for (let i = 0; i < 60 && hi / lo > 1 + 1e-9; i++) { const mid = Math.sqrt(lo * hi); if (mass(mid) < target) lo = mid; else hi = mid; }
      alpha = hi;
    }
  }
  const edges: [number, number][] = [];
  for (let a = 0, k = 0; a < n; a++) for (let b = a + 1; b < n; b++, k++) if (rng() < beta * Math.exp(-d[k]! / (alpha * dmax))) edges.push([a, b]);
  return { edges, alpha, expected: beta * mass(alpha), degreeAtAlpha: (2 * atAlpha) / n };
}

/** Links per new router of Barabási–Albert for a target mean degree. */
function baLinksPerRouter(n: number, meanDegree: number): number {
  return Math.max(1, Math.min(n - 1, Math.round(meanDegree / 2)));
}

/** A mean degree for a note: 3 significant digits. */
const fmtDegree = (x: number): string => String(Number(x.toPrecision(3)));

function barabasiAlbert(n: number, meanDegree: number, rng: Rng): [number, number][] {
  const m = baLinksPerRouter(n, meanDegree);
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
  /** The target mean degree (meanDegree, or the default) and the one reached, 2 x links / routers. */
  readonly meanDegree: { readonly target: number; readonly reached: number };
}

export const DEFAULT_MEAN_DEGREE = 3.5;

/** Relative gap between the mean degree reached and the target beyond which a note says so. */
const DEGREE_TOLERANCE = 0.1;

export function generateBackbone(opts: BackboneOptions): Backbone {
  const n = opts.routers;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`routers: expected an integer >= 2, got ${n}`);
  if (opts.meanDegree !== undefined && !(opts.meanDegree > 0 && opts.meanDegree <= n - 1)) {
    throw new RangeError(`meanDegree: expected a number > 0 and at most ${n - 1} for ${n} routers (every router linked to every other), got ${opts.meanDegree}`);
  }
  const notes: string[] = [];
  // The default is a backbone's typical degree; on fewer than 5 routers it is more than a complete graph has.
  const meanDegree = opts.meanDegree ?? Math.min(DEFAULT_MEAN_DEGREE, n - 1);
  if (opts.meanDegree === undefined && meanDegree < DEFAULT_MEAN_DEGREE) notes.push(`mean degree ${meanDegree} (every router linked to every other), the most ${n} routers allow, instead of the default ${DEFAULT_MEAN_DEGREE}`);
  const rng = createStream(opts.seed, 0, `backbone:${opts.model}:${n}`);
  const routers = place(n, rng);
  const dist: Dist = (a, b) => haversine(routers[a]!.latitude!, routers[a]!.longitude!, routers[b]!.latitude!, routers[b]!.longitude!);
  const wax = opts.model === 'waxman' ? waxman(n, dist, meanDegree, rng) : null;
  if (wax !== null && wax.alpha !== ALPHA) {
    notes.push(`Waxman alpha ${Number.isFinite(wax.alpha) ? `raised from ${ALPHA} to ${Number(wax.alpha.toPrecision(3))}` : 'made infinite (every pair linked)'} to reach mean degree ${meanDegree}: with alpha ${ALPHA} even beta = 1 expects a mean degree of only ${fmtDegree(wax.degreeAtAlpha)} (distant routers rarely link)`);
  }
  const edges = wax !== null ? wax.edges : barabasiAlbert(n, meanDegree, rng);
  const drawn = edges.length;
  const joined = connect(n, edges, dist);
  const reached = (2 * edges.length) / n;
  if (Math.abs(reached - meanDegree) > DEGREE_TOLERANCE * meanDegree) {
    const why: string[] = [];
    if (wax !== null) why.push(`Waxman draws each router pair at random: ${fmtDegree(wax.expected)} links expected, ${drawn} drawn`);
    else {
      const m = baLinksPerRouter(n, meanDegree);
      why.push(`Barabási–Albert gives every new router m = round(${meanDegree} / 2) = ${m} link(s), so its mean degree is near 2m = ${2 * m} (an even target is what it reaches)`);
    }
    if (joined > 0) why.push(`${joined} link(s) joined the components`);
    if ((2 * (n - 1)) / n > meanDegree) why.push(`a connected graph of ${n} routers has a mean degree of at least ${fmtDegree(2 * (n - 1) / n)}`);
    notes.push(`mean degree ${fmtDegree(reached)} (${edges.length} links), not the target ${meanDegree}: ${why.join('; ')}`);
  }
  const degree = new Int32Array(n);
  for (const [a, b] of edges) { degree[a]!++; degree[b]!++; }
  const links: ZooLink[] = edges.map(([a, b]) => {
    const low = Math.min(degree[a]!, degree[b]!);
    const capacity = low >= 6 ? 100e9 : low >= 3 ? 40e9 : 10e9;
    return { key: `r${a}->r${b}#0`, source: `r${a}`, target: `r${b}`, k: 0, capacity, label: `${capacity / 1e9}G` };
  });
  const name = `${opts.model}-${n}-seed${opts.seed}`;
  if (joined > 0) notes.push(`${joined} link(s) added to join the generated graph's components (closest router pairs)`);
  return { topology: { name, file: `(generated ${opts.model}, ${n} routers, seed ${opts.seed})`, routers, links, notes }, joined, meanDegree: { target: meanDegree, reached } };
}
