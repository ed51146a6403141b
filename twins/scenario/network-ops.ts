/**
 * The routed-network deltas (linkDown, linkUp, linkMetric): which link
 * directions of `twin.network.spec` a delta selects, its checks (each problem
 * at the delta's field: a twin without a network, an unknown router or
 * station with "did you mean", two routers with no link between them, a
 * delta that would change nothing, a linkUp with no linkDown of the scenario
 * before it), and the changed rules, applied in time order. Rebuilding the
 * forwarding tables from the changed rules is twins/network/rebuild.ts.
 */
import type { PathSegments, Problems } from '../definition/errors.js';
import type { NetworkLinkSpec, NetworkSpec, Twin } from '../definition/types.js';
import { didYouMean } from '../../engine/did-you-mean.js';
import type { LinkSelector, ScenarioDelta } from './types.js';

export type LinkDelta = Extract<ScenarioDelta, { op: 'linkDown' | 'linkUp' | 'linkMetric' }>;

export const isLinkDelta = (d: ScenarioDelta): d is LinkDelta => d.op === 'linkDown' || d.op === 'linkUp' || d.op === 'linkMetric';

/** When a link delta takes effect: its `at`, else the start. */
export const linkDeltaTime = (d: LinkDelta): number => d.at ?? 0;

/** Indexes into spec.links of the directions the selector names (both ways, parallel links included, for `between`). */
export function selectedLinks(spec: NetworkSpec, sel: LinkSelector): number[] {
  const out: number[] = [];
  spec.links.forEach((l, k) => {
    const hit = 'station' in sel
      ? l.station === sel.station
      : (l.from === sel.between[0] && l.to === sel.between[1]) || (l.from === sel.between[1] && l.to === sel.between[0]);
    if (hit) out.push(k);
  });
  return out;
}

/** How the selector reads in a message. */
export const selectorText = (sel: LinkSelector): string =>
  'station' in sel ? `link direction ${JSON.stringify(sel.station)}` : `the link ${JSON.stringify(sel.between[0])} - ${JSON.stringify(sel.between[1])}`;

/** The key of the selector in the delta (where its problems go). */
export const selectorKey = (sel: LinkSelector): 'station' | 'between' => ('station' in sel ? 'station' : 'between');

/**
 * Imported routers have numeric ids and their names as `label` attributes
 * (Topology Zoo): a selector naming a label gets the id to use, not a
 * "did you mean" among the ids.
 */
function labelHint(twin: Twin, routers: ArrayLike<number>, name: string): string | null {
  const lower = name.toLowerCase();
  const hits = Array.from(routers, (i) => twin.nodes[i]!).filter((n) => String(n.attributes.label ?? '').toLowerCase() === lower);
  if (hits.length === 0) return null;
  return ` (${JSON.stringify(name)} is the label of router ${hits.map((n) => JSON.stringify(n.id)).join(', router ')}: selectors take router ids)`;
}

/** The raw delta as the schema guarantees it. */
export interface RawLinkDelta {
  readonly op: 'linkDown' | 'linkUp' | 'linkMetric';
  readonly between?: readonly string[];
  readonly station?: string;
  readonly metric?: number;
}

/** Checks a link delta against the twin (a linkUp's linkDown before it: checkLinkRepairs); null after reporting its problems. */
export function checkLinkDelta(twin: Twin, d: RawLinkDelta, at: (field: string) => PathSegments, p: Problems): LinkDelta | null {
  const before = p.size;
  const hasBetween = d.between !== undefined;
  const hasStation = d.station !== undefined;
  if (hasBetween === hasStation) {
    p.at(at(hasBetween ? 'station' : 'op'), `a ${d.op} delta takes exactly one of \`between: [A, B]\` (every link direction between routers A and B, both ways) or \`station: ID\` (the one direction that link station carries)`);
    return null;
  }
  const key = hasBetween ? 'between' : 'station';
  const net = twin.network;
  if (!net) {
    p.at(at(key), `the twin has no routed network (a \`network\` section, docs/twin-spec.md "Routed networks"): a ${d.op} delta has no link to act on`);
    return null;
  }
  const spec = net.spec;
  let sel: LinkSelector;
  if (hasStation) {
    const stations = spec.links.map((l) => l.station);
    if (!stations.includes(d.station!)) {
      const kind = twin.indexOf.has(d.station!) ? ` (${JSON.stringify(d.station)} is a node of kind ${twin.nodes[twin.indexOf.get(d.station!)!]!.kind})` : '';
      p.at(at('station'), `${JSON.stringify(d.station)} is not a link station of network.links${kind}${didYouMean(d.station!, stations)}`);
      return null;
    }
    sel = { station: d.station! };
  } else {
    const [a, b] = d.between as [string, string];
    const routers = Array.from(net.routers, (i) => twin.nodes[i]!.id);
    [a, b].forEach((id, j) => {
      const i = twin.indexOf.get(id);
      if (i === undefined) p.at([...at('between'), j], `unknown router id ${JSON.stringify(id)}${labelHint(twin, net.routers, id) ?? didYouMean(id, routers)}`);
      else if (net.routerOf[i]! < 0) p.at([...at('between'), j], `${JSON.stringify(id)} is a ${twin.nodes[i]!.kind}: expected a router of the network`);
    });
    if (p.size > before) return null;
    if (a === b) {
      p.at([...at('between'), 1], `expected a router other than ${JSON.stringify(a)}`);
      return null;
    }
    sel = { between: [a, b] };
    if (selectedLinks(spec, sel).length === 0) {
      const nbrs = [...new Set(spec.links.filter((l) => l.from === a).map((l) => l.to))];
      p.at(at('between'), `no link between ${JSON.stringify(a)} and ${JSON.stringify(b)} in network.links (${JSON.stringify(a)} links to ${nbrs.length > 0 ? nbrs.map((n) => JSON.stringify(n)).join(', ') : 'no router'})`);
      return null;
    }
  }
  const links = selectedLinks(spec, sel);
  if (d.op === 'linkDown') {
    if (links.every((k) => spec.links[k]!.down === true)) {
      p.at(at(key), `${selectorText(sel)} is already down in the twin: this delta would change nothing`);
      return null;
    }
    return { op: 'linkDown', ...sel };
  }
  if (d.op === 'linkUp') {
    const down = links.filter((k) => spec.links[k]!.down === true).map((k) => spec.links[k]!.station);
    if (down.length > 0) {
      // Its traffic was planned without it: the loader gave pairs it cut off no demand, which a repair would not bring back.
      p.at(at(key), `${down.map((s) => JSON.stringify(s)).join(', ')} ${down.length === 1 ? 'is' : 'are'} down in the twin file itself (network.links \`down: true\`): a linkUp repairs only what a linkDown of the scenario took out; to plan with the link up, edit the twin`);
      return null;
    }
    return { op: 'linkUp', ...sel };
  }
  return { op: 'linkMetric', metric: d.metric!, ...sel };
}

/**
 * A linkUp must repair something: replaying the scenario's link deltas of
 * earlier times (in time order, as editNetworkSpec applies them), some
 * direction it selects is down just before its time (a down and an up at
 * one time would change nothing anyone could see). A second linkDown of a
 * link the scenario already took out is no problem: a what-if cell combines
 * the deltas of its axes, and an N-2 grid's diagonal downs a link twice.
 * Problems at the linkUp's selector; returns the indices refused.
 */
export function checkLinkRepairs(twin: Twin, deltas: readonly { readonly index: number; readonly delta: ScenarioDelta }[], at: (index: number, field: string) => PathSegments, p: Problems): Set<number> {
  const refused = new Set<number>();
  const spec = twin.network?.spec;
  if (!spec) return refused;
  const links = deltas.filter((x): x is { index: number; delta: LinkDelta } => isLinkDelta(x.delta));
  for (const x of links) {
    const { index, delta } = x;
    if (delta.op !== 'linkUp') continue;
    const t = linkDeltaTime(delta);
    const before = editNetworkSpec(spec, links.map((y) => y.delta).filter((d) => linkDeltaTime(d) < t));
    if (!selectedLinks(spec, delta).some((k) => before.links[k]!.down === true)) {
      p.at(at(index, selectorKey(delta)), `${selectorText(delta)} is up${t > 0 ? ` just before ${t} s` : ' at the start'}: no linkDown of this scenario takes it out before this linkUp's time, so it would change nothing`);
      refused.add(index);
    }
  }
  return refused;
}

/**
 * The network's rules with the link deltas applied in time order, deltas of
 * one time in list order (the input is not changed): a later change of a
 * link wins, whatever its place in the list.
 */
export function editNetworkSpec(spec: NetworkSpec, deltas: readonly LinkDelta[]): NetworkSpec {
  const links: NetworkLinkSpec[] = [...spec.links];
  const ordered = deltas.map((d, i) => ({ d, i })).sort((a, b) => linkDeltaTime(a.d) - linkDeltaTime(b.d) || a.i - b.i);
  for (const { d } of ordered) {
    for (const k of selectedLinks(spec, d)) {
      const { down: _wasDown, ...up } = links[k]!;
      links[k] = d.op === 'linkDown' ? { ...links[k]!, down: true } : d.op === 'linkUp' ? up : { ...links[k]!, metric: d.metric };
    }
  }
  return { ...spec, links };
}
