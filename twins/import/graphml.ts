/**
 * Internet Topology Zoo GraphML reader (graphology-graphml). Returns routers
 * and links in file order with stable link keys `${source}->${target}#${k}`,
 * k = index among the links joining the same two routers (either direction),
 * in file order: the same file gives the same keys on every run, whatever
 * random keys graphology gives unnamed edges.
 *
 * Fixes applied before parsing (and reported in `notes`):
 *  - `attr.type="integer"` (Uninett) is not a GraphML type graphology-graphml
 *    knows; it is read as `int`.
 */
import { basename, extname } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { MultiGraph } from 'graphology';
import { parse } from 'graphology-graphml';
import { bounded, TwinSpecError, type TwinProblem } from '../definition/errors.js';
import { readInputText, twinFileError } from '../definition/read-input.js';
import { isReservedId, RESERVED_ID_MESSAGE } from '../definition/reserved-ids.js';

export interface ZooRouter {
  /** The GraphML node id. */
  readonly id: string;
  readonly label: string;
  readonly latitude: number | null;
  readonly longitude: number | null;
  /** Zoo's `Internal` flag (1 = the network's own PoP), null when absent. */
  readonly internal: boolean | null;
}

export interface ZooLink {
  /** `${source}->${target}#${k}`, source and target as written in the file. */
  readonly key: string;
  readonly source: string;
  readonly target: string;
  readonly k: number;
  /** LinkSpeedRaw, bits/s; null when absent or not a positive number. */
  readonly capacity: number | null;
  /** LinkLabel, or LinkSpeed + LinkSpeedUnits, when present. */
  readonly label: string | null;
}

export interface ZooTopology {
  readonly name: string;
  readonly file: string;
  readonly routers: readonly ZooRouter[];
  readonly links: readonly ZooLink[];
  readonly notes: readonly string[];
}

type Attrs = Record<string, unknown>;

function num(v: unknown): number | null {
  const x = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(x) ? x : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : typeof v === 'number' ? String(v) : null;
}

/** Where xmldom says an error is: its messages end with `@#[line:L,col:C]`. */
function xmlProblem(message: string): TwinProblem {
  const at = /@#\[line:(\d+),col:(\d+)\]/.exec(message);
  const text = message
    .replace(/@#\[line:\w*,col:\w*\]/g, ' ')
    .replace(/^\[xmldom [a-z]+\]\s*/i, '')
    .replace(/\b[A-Za-z]*Error:\s*/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/:$/, '');
  const problem = { path: '(xml)', message: `malformed XML: ${bounded(text, 200)}` };
  return at && Number(at[1]) > 0 ? { ...problem, line: Number(at[1]), column: Number(at[2]) } : problem;
}

/** Line and column of an element (xmldom's locator sets them). */
function position(el: Element): { line?: number; column?: number } {
  const pos = el as unknown as { lineNumber?: number; columnNumber?: number };
  return pos.lineNumber !== undefined ? { line: pos.lineNumber, ...(pos.columnNumber !== undefined ? { column: pos.columnNumber } : {}) } : {};
}

/**
 * The XML parsed once, quietly: xmldom's own console output is replaced by
 * one located problem (the first error), and the shape graphology-graphml
 * assumes (a <graph> element, node ids that are not reserved names) is checked
 * here, so that garbage gives one message instead of a stack trace.
 */
function parseXml(xml: string, file: string): Document {
  if (xml.trim() === '') throw new TwinSpecError(file, [{ path: '(file)', message: 'expected a GraphML document, got an empty file' }]);
  const errors: string[] = [];
  const keep = (m: string): void => { errors.push(m); };
  const doc = new DOMParser({ locator: {}, errorHandler: { warning: () => undefined, error: keep, fatalError: keep } }).parseFromString(xml, 'application/xml');
  if (errors.length > 0) throw new TwinSpecError(file, [xmlProblem(errors[0]!)]);
  if (!doc || doc.getElementsByTagName('graph').length === 0) {
    throw new TwinSpecError(file, [{ path: '(graphml)', message: 'expected a GraphML document with a <graph> element' }]);
  }
  const problems: TwinProblem[] = [];
  // graphology-graphml files keys, attribute names and ids into plain objects: a value such as
  // `__proto__` in any attribute (<key for="__proto__">) would write into Object.prototype itself.
  const all = doc.getElementsByTagName('*');
  for (let i = 0; i < all.length && problems.length < 20; i++) {
    const el = all.item(i)!;
    for (let j = 0; j < el.attributes.length; j++) {
      const attr = el.attributes.item(j)!;
      if (isReservedId(attr.value) || isReservedId(attr.name)) {
        problems.push({ path: `<${el.tagName}> ${attr.name}`, message: `${JSON.stringify(isReservedId(attr.value) ? attr.value : attr.name)} ${RESERVED_ID_MESSAGE}`, ...position(el) });
      }
    }
  }
  if (problems.length > 0) throw new TwinSpecError(file, problems);
  const nodes = doc.getElementsByTagName('node');
  for (let i = 0; i < nodes.length; i++) {
    const el = nodes.item(i)!;
    const id = el.getAttribute('id');
    const where = position(el);
    if (!id) problems.push({ path: `node[${i}]`, message: 'expected an id attribute', ...where });
  }
  if (problems.length > 0) throw new TwinSpecError(file, problems);
  return doc;
}

/** Parses GraphML text (see the module comment for the fixes). */
export function parseZooGraphml(xml: string, file: string): ZooTopology {
  const notes: string[] = [];
  const integerTypes = (xml.match(/attr\.type="integer"/g) ?? []).length;
  if (integerTypes > 0) {
    xml = xml.replace(/attr\.type="integer"/g, 'attr.type="int"');
    notes.push(`${integerTypes} attribute(s) declared attr.type="integer" were read as "int"`);
  }
  const doc = parseXml(xml, file);
  let graph;
  try {
    graph = parse(MultiGraph, doc);
  } catch (e) {
    throw new TwinSpecError(file, [{ path: '(graphml)', message: `cannot parse GraphML: ${bounded((e as Error).message, 200)}` }]);
  }
  const routers: ZooRouter[] = [];
  graph.forEachNode((id, a: Attrs) => {
    const internal = num(a.Internal);
    routers.push({
      id,
      label: str(a.label) ?? id,
      latitude: num(a.Latitude),
      longitude: num(a.Longitude),
      internal: internal === null ? null : internal !== 0,
    });
  });
  const links: ZooLink[] = [];
  const pairCount = new Map<string, number>();
  let selfLoops = 0;
  // graphology keeps edges in insertion (file) order.
  graph.forEachEdge((_key, a: Attrs, source, target) => {
    if (source === target) {
      selfLoops++;
      return;
    }
    const pair = source < target ? `${source}\u0000${target}` : `${target}\u0000${source}`;
    const k = pairCount.get(pair) ?? 0;
    pairCount.set(pair, k + 1);
    const raw = num(a.LinkSpeedRaw);
    const speed = str(a.LinkSpeed);
    links.push({
      key: `${source}->${target}#${k}`,
      source,
      target,
      k,
      capacity: raw !== null && raw > 0 ? raw : null,
      label: str(a.LinkLabel) ?? (speed ? `${speed}${str(a.LinkSpeedUnits) ?? ''}` : null),
    });
  });
  if (selfLoops > 0) notes.push(`${selfLoops} self-loop edge(s) ignored`);
  const name = str(graph.getAttribute('Network')) ?? str(graph.getAttribute('label')) ?? basename(file, extname(file));
  return { name, file, routers, links, notes };
}

export async function readZooGraphml(file: string): Promise<ZooTopology> {
  return parseZooGraphml(await readInputText(file, twinFileError(file)), file);
}
