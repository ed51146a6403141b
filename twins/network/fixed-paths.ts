/**
 * Fixed paths (an entry's `paths`) on a network twin follow its links: a
 * router is followed by one of the link stations leaving it, a link station
 * by the router it leads to. The flow model visits a path's nodes in order
 * whatever they are, so a path that jumps (a link to B, then C) would run and
 * load stations no packet of that flow could reach. Checked when a twin is
 * read (normalize.ts), with the file's paths and lines.
 *
 * Where the links come from: the `network` section's `links` (station, from,
 * to) when the twin has one; else link stations whose id has the importer's
 * form `${from}->${to}#${k}` with both ends routers of the twin (the
 * hand-written network.yaml). Steps at nodes of other kinds, and at link
 * stations known neither way, are not checked.
 */
import type { PathSegments, Problems } from '../definition/errors.js';
import type { TwinInput } from '../definition/input.js';
import type { NodeKind } from '../definition/types.js';

interface LinkEnds {
  readonly from: string;
  readonly to: string;
}

/** The routers each known link station joins, and the stations leaving each router, in file order. */
export interface LinkTopology {
  readonly ends: ReadonlyMap<string, LinkEnds>;
  readonly out: ReadonlyMap<string, readonly string[]>;
  readonly kindOf: (id: string) => NodeKind | undefined;
}

/** The link topology of a twin's input; null when it has no known link station (nothing to check a path against). */
export function linkTopology(input: TwinInput): LinkTopology | null {
  const kinds = new Map<string, NodeKind>();
  for (const n of input.nodes) if (!kinds.has(n.id)) kinds.set(n.id, n.kind ?? input.defaults?.kind ?? 'service');
  const isRouter = (id: string): boolean => kinds.get(id) === 'router';
  const ends = new Map<string, LinkEnds>();
  if (input.network) {
    // Links the network builder refuses (unknown ids, wrong kinds, listed twice) are reported there, not here.
    for (const l of input.network.links) {
      if (!ends.has(l.station) && kinds.get(l.station) === 'link' && isRouter(l.from) && isRouter(l.to) && l.from !== l.to) ends.set(l.station, { from: l.from, to: l.to });
    }
  } else {
    for (const [id, kind] of kinds) {
      if (kind !== 'link') continue;
      const body = /^(.+)#\d+$/.exec(id)?.[1];
      // Every split at "->" is tried: a router id may itself contain one.
      for (let i = body ? body.indexOf('->') : -1; body && i >= 0; i = body.indexOf('->', i + 1)) {
        const from = body.slice(0, i);
        const to = body.slice(i + 2);
        if (isRouter(from) && isRouter(to) && from !== to) {
          ends.set(id, { from, to });
          break;
        }
      }
    }
  }
  if (ends.size === 0) return null;
  const out = new Map<string, string[]>();
  for (const [station, { from }] of ends) {
    const list = out.get(from);
    if (list) list.push(station);
    else out.set(from, [station]);
  }
  return { ends, out, kindOf: (id) => kinds.get(id) };
}

/** The stations leaving a router, as a message lists them (the first few). */
function linksOut(topo: LinkTopology, router: string): string {
  const list = topo.out.get(router) ?? [];
  if (list.length === 0) return `router ${JSON.stringify(router)} has no link out`;
  const shown = list.slice(0, 8).map((s) => JSON.stringify(s)).join(', ');
  return `links out of ${JSON.stringify(router)}: ${shown}${list.length > 8 ? `, ... (${list.length} in all)` : ''}`;
}

/**
 * Reports every step of `path` (node ids as written, at `at`) that leaves the
 * topology, at the node that breaks it. Unknown ids are the caller's to
 * report; they are skipped here.
 */
export function checkPathSteps(path: readonly string[], at: PathSegments, topo: LinkTopology, p: Problems): void {
  for (let m = 1; m < path.length; m++) {
    const u = path[m - 1]!;
    const v = path[m]!;
    if (v === u) continue; // "repeated back to back", said by the caller
    const link = topo.ends.get(u);
    if (link) {
      if (v !== link.to && topo.kindOf(v) !== undefined) {
        p.at([...at, m], `${JSON.stringify(v)} cannot follow link station ${JSON.stringify(u)}: that link leads to router ${JSON.stringify(link.to)} (a path goes router -> link station -> the router it leads to)`);
      }
      continue;
    }
    if (topo.kindOf(u) !== 'router') continue;
    const next = topo.ends.get(v);
    if (next && next.from !== u) {
      p.at([...at, m], `${JSON.stringify(v)} does not leave router ${JSON.stringify(u)} (it is the link from ${JSON.stringify(next.from)} to ${JSON.stringify(next.to)}); ${linksOut(topo, u)}`);
    } else if (topo.kindOf(v) === 'router') {
      const between = (topo.out.get(u) ?? []).find((s) => topo.ends.get(s)!.to === v);
      p.at([...at, m], `router ${JSON.stringify(v)} cannot follow router ${JSON.stringify(u)} directly: routers are joined by link stations${between ? ` (did you mean ${JSON.stringify(u)}, ${JSON.stringify(between)}, ${JSON.stringify(v)}?)` : `; ${linksOut(topo, u)}`}`);
    }
  }
}
