/**
 * Link parameters of a network twin: capacity (LinkSpeedRaw, or the documented
 * fallback) and propagation delay (haversine distance / 2e8 m/s, or the median
 * delay of the other links when a router has no coordinates, or 0 when no link
 * has both routers located: there is no length to take a median of).
 */
import type { ZooRouter, ZooTopology } from './graphml.js';

export interface LinkRules {
  /** Capacity for links without LinkSpeedRaw when no link of the network has one, bits/s (default 1e9). */
  readonly defaultCapacity?: number;
}

export type FallbackRule = 'median of known links' | 'defaultCapacity' | 'none needed';

/** How links without a length get their propagation delay: the median of the others, or 0 when no link has a length. */
export type DelayRule = 'median of known links' | 'no link has a length: 0' | 'none needed';

const LIGHT_IN_FIBRE = 2e8; // m/s
const EARTH_RADIUS = 6371e3; // m

export function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180;
  const dLat = (lat2 - lat1) * r;
  const dLon = (lon2 - lon1) * r;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS * Math.asin(Math.min(1, Math.sqrt(a)));
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export interface LinkInfo {
  key: string;
  source: string;
  target: string;
  k: number;
  capacity: number;
  capacitySource: string;
  delay: number;
  distanceKm: number | null;
  label: string | null;
}

export interface LinkTable {
  readonly infos: LinkInfo[];
  readonly capacityKnown: number;
  readonly capacityFallback: number;
  readonly fallbackCapacity: number;
  readonly fallbackRule: FallbackRule;
  readonly delayFallback: number;
  /** Propagation delay given to those links, s, and why. */
  readonly fallbackDelay: number;
  readonly delayRule: DelayRule;
}

/** Capacity and delay of every link (file order); fallbacks are described in `notes`. */
export function linkInfos(topo: ZooTopology, opts: LinkRules, notes: string[]): LinkTable {
  const byId = new Map<string, ZooRouter>(topo.routers.map((r) => [r.id, r]));
  const known = topo.links.map((l) => l.capacity).filter((c): c is number => c !== null);
  const missing = topo.links.length - known.length;
  const fallbackRule: FallbackRule = missing === 0 ? 'none needed' : known.length > 0 ? 'median of known links' : 'defaultCapacity';
  const fallbackCapacity = known.length > 0 ? median(known) : opts.defaultCapacity ?? 1e9;
  if (missing > 0) notes.push(`${missing} of ${topo.links.length} links have no LinkSpeedRaw: given ${fallbackCapacity} bits/s (${fallbackRule})`);
  const distances = topo.links.map((l) => {
    const a = byId.get(l.source)!;
    const b = byId.get(l.target)!;
    return a.latitude !== null && a.longitude !== null && b.latitude !== null && b.longitude !== null ? haversine(a.latitude, a.longitude, b.latitude, b.longitude) : null;
  });
  const knownDelays = distances.filter((d): d is number => d !== null).map((d) => d / LIGHT_IN_FIBRE);
  const fallbackDelay = knownDelays.length > 0 ? median(knownDelays) : 0;
  const delayFallback = distances.filter((d) => d === null).length;
  const delayRule: DelayRule = delayFallback === 0 ? 'none needed' : knownDelays.length > 0 ? 'median of known links' : 'no link has a length: 0';
  if (delayRule === 'median of known links') notes.push(`${delayFallback} link(s) touch a router without coordinates: given the median propagation delay ${fallbackDelay.toExponential(3)} s`);
  // A median of no lengths is no delay at all: say so, and what it does to routing, rather than print a median of 0.
  if (delayRule === 'no link has a length: 0') {
    notes.push(`no link has a length (no link has Latitude and Longitude at both routers): propagation delay 0 s on all ${delayFallback} links, so routes by delay are routes by hop count; to model distance, give the nodes Latitude and Longitude in the GraphML file, or set the link stations' delay in the written twin`);
  }
  const infos: LinkInfo[] = topo.links.map((l, i) => ({
    key: l.key, source: l.source, target: l.target, k: l.k,
    capacity: l.capacity ?? fallbackCapacity,
    capacitySource: l.capacity !== null ? 'LinkSpeedRaw' : fallbackRule,
    delay: distances[i] !== null ? distances[i]! / LIGHT_IN_FIBRE : fallbackDelay,
    distanceKm: distances[i] !== null ? distances[i]! / 1000 : null,
    label: l.label,
  }));
  return { infos, capacityKnown: known.length, capacityFallback: missing, fallbackCapacity, fallbackRule, delayFallback, fallbackDelay, delayRule };
}

