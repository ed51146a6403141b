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
 *
 * Checked before graphology builds the graph (checkElements), every problem
 * with its line: node ids present and unique, edge ends that are node ids,
 * edge ids unique, and Latitude, Longitude and LinkSpeedRaw, when written,
 * possible values.
 */
import { basename, extname } from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import { MultiGraph } from 'graphology';
import { parse } from 'graphology-graphml';
import { bounded, shown, TwinSpecError, type TwinProblem } from '../definition/errors.js';
import { readInputText, twinFileError } from '../definition/read-input.js';
import { isReservedId, RESERVED_ID_MESSAGE } from '../definition/reserved-ids.js';
import { idHint } from './hints.js';

export interface ZooRouter {
  /** The GraphML node id. */
  readonly id: string;
  readonly label: string;
  /** Degrees; null when absent (a written value outside [-90, 90] / [-180, 180] is refused). */
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
  /** LinkSpeedRaw, bits/s; null when absent (a written value that is not a positive number is refused). */
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

/**
 * An element never closed (the first in the file): the document element
 * (a file cut short, where every open element lacks its end tag) is reported
 * at the last line, as the end of the document came before its end tag; an
 * element inside, at its own start tag.
 */
function unclosedProblem(xml: string, doc: Document | undefined, warning: string): TwinProblem {
  const at = /@#\[line:(\d+),col:(\d+)\]/.exec(warning);
  const line = at ? Number(at[1]) : 0;
  const column = at ? Number(at[2]) : 0;
  const lines = xml.split(/\r\n?|\n/);
  const name = /^<([^\s/>]+)/.exec(lines[line - 1]?.slice(column - 1) ?? '')?.[1];
  if (!name) return { path: '(xml)', message: 'malformed XML: an element is never closed' };
  const root = doc?.documentElement ? position(doc.documentElement) : {};
  if (root.line === line && root.column === column) {
    const last = xml.replace(/\s+$/, '').split(/\r\n?|\n/).length;
    return { path: '(xml)', message: `malformed XML: the document ends before </${name}> (the <${name}> at line ${line}, column ${column} is never closed: is the file cut short?)`, line: last };
  }
  return { path: `<${name}>`, message: `malformed XML: <${name}> is never closed (no </${name}> follows it)`, line, column };
}

/** Line and column of an element (xmldom's locator sets them). */
function position(el: Element): { line?: number; column?: number } {
  const pos = el as unknown as { lineNumber?: number; columnNumber?: number };
  return pos.lineNumber !== undefined ? { line: pos.lineNumber, ...(pos.columnNumber !== undefined ? { column: pos.columnNumber } : {}) } : {};
}

/**
 * The XML parsed once, quietly: xmldom's own console output is replaced by
 * one located problem (the first error), and the shape graphology-graphml
 * assumes (a <graph> element, attribute values that are not reserved names)
 * is checked here, so that garbage gives one message instead of a stack trace.
 */
function parseXml(xml: string, file: string): Document {
  if (xml.trim() === '') throw new TwinSpecError(file, [{ path: '(file)', message: 'expected a GraphML document, got an empty file' }]);
  const errors: string[] = [];
  const unclosed: string[] = [];
  const keep = (m: string): void => { errors.push(m); };
  // xmldom's warning "unclosed xml attribute" means: a start tag with no end tag anywhere after it.
  const warn = (m: string): void => { if (/unclosed xml attribute/.test(m)) unclosed.push(m); };
  const doc = new DOMParser({ locator: {}, errorHandler: { warning: warn, error: keep, fatalError: keep } }).parseFromString(xml, 'application/xml');
  // Checked first: xmldom then closes the element on the spot and its errors that follow are about
  // what comes after it ("Only one element can be added ..."), not about the cause.
  if (unclosed.length > 0) throw new TwinSpecError(file, [unclosedProblem(xml, doc, unclosed[0]!)]);
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
  return doc;
}

/** A value as written in the file: its text and where it stands. */
interface Written {
  readonly text: string;
  readonly at: { line?: number; column?: number };
}

/**
 * Finds the text of a named attribute (`Latitude`, `LinkSpeedRaw`) of a
 * <node> or <edge> the way graphology-graphml does (a <data> whose key is a
 * <key for="node|edge" attr.name=NAME>, or an undeclared key spelled NAME;
 * the last one wins; else the key's <default>), but as written: graphology
 * casts a `double` with `+text`, so an empty <data> would read as 0 (a router
 * on the equator) and its line would be lost.
 */
function attributeReader(doc: Document, kind: 'node' | 'edge', name: string): (el: Element) => Written | undefined {
  const ids = new Set<string>();
  const declared = new Set<string>();
  let fallback: Written | undefined;
  const keys = doc.getElementsByTagName('key');
  for (let i = 0; i < keys.length; i++) {
    const key = keys.item(i)!;
    if ((key.getAttribute('for') || 'node') !== kind) continue;
    const id = key.getAttribute('id') ?? '';
    declared.add(id);
    if (key.getAttribute('attr.name') !== name) continue;
    ids.add(id);
    const def = key.getElementsByTagName('default').item(0);
    if (def) fallback = { text: def.textContent ?? '', at: position(def) };
  }
  return (el) => {
    let found: Written | undefined;
    const data = el.getElementsByTagName('data');
    for (let i = 0; i < data.length; i++) {
      const d = data.item(i)!;
      const key = d.getAttribute('key') ?? '';
      if (ids.has(key) || (!declared.has(key) && key === name)) found = { text: d.textContent ?? '', at: position(d) };
    }
    return found ?? fallback;
  };
}

/** What the checks of the node and edge elements give the importer, per node id and per <edge> in file order. */
interface CheckedElements {
  readonly coordinates: ReadonlyMap<string, { latitude: number | null; longitude: number | null }>;
  readonly edges: readonly { source: string; target: string; capacity: number | null }[];
}

const LIMIT = { Latitude: 90, Longitude: 180 } as const;

/** A written value in a message: a number-like text as it is (-5, 1e99), anything else quoted ("fast"). */
function asWritten(text: string): string {
  return text !== '' && !Number.isNaN(Number(text)) ? bounded(text, 40) : shown(text);
}

/** Hints are for the first problems only: a file of thousands of bad edges should not cost thousands of edit-distance scans. */
const HINTED_PROBLEMS = 20;

/**
 * Checks every <node> and <edge> before graphology builds the graph, so that
 * each problem is ours, located, and listed with the others instead of being
 * graphology's first exception without a line:
 *  - node ids: present and unique (graphology throws "node already exist");
 *  - edges: a source and a target that are node ids (graphology throws
 *    "points to an inexisting node"), ids unique (graphology would merge two
 *    edges with one id into one link, silently);
 *  - Latitude in [-90, 90], Longitude in [-180, 180], LinkSpeedRaw > 0, each
 *    finite. Absent (or empty) is allowed and means "unknown" (links.ts has a
 *    fallback for each); a value that is written but impossible is refused,
 *    because it is a typo, and a fallback in its place would silently change
 *    the delays or the capacities of the twin.
 */
function checkElements(doc: Document, file: string): CheckedElements {
  const problems: TwinProblem[] = [];
  const nodeAt = new Map<string, { line?: number; column?: number }>();
  const coordinates = new Map<string, { latitude: number | null; longitude: number | null }>();
  const readCoordinate = { Latitude: attributeReader(doc, 'node', 'Latitude'), Longitude: attributeReader(doc, 'node', 'Longitude') };
  const readSpeed = attributeReader(doc, 'edge', 'LinkSpeedRaw');
  const lineOf = (at: { line?: number; column?: number }): string => (at.line !== undefined ? `line ${at.line}${at.column !== undefined ? `, column ${at.column}` : ''}` : 'an earlier element');

  const nodes = doc.getElementsByTagName('node');
  for (let i = 0; i < nodes.length; i++) {
    const el = nodes.item(i)!;
    const id = el.getAttribute('id');
    const where = position(el);
    if (!id) {
      problems.push({ path: `node[${i}]`, message: 'expected an id attribute', ...where });
      continue;
    }
    const first = nodeAt.get(id);
    if (first) {
      problems.push({ path: `node[${i}] id`, message: `${JSON.stringify(bounded(id, 60))} is already the id of the node at ${lineOf(first)}: node ids must be unique`, ...where });
      continue;
    }
    nodeAt.set(id, where);
    const value = (name: keyof typeof LIMIT): number | null => {
      const w = readCoordinate[name](el);
      if (w === undefined || w.text.trim() === '') return null;
      const x = Number(w.text.trim());
      if (Number.isFinite(x) && Math.abs(x) <= LIMIT[name]) return x;
      problems.push({
        path: `node ${JSON.stringify(bounded(id, 60))} ${name}`,
        message: `invalid ${name} ${asWritten(w.text.trim())}: expected degrees, a number from ${-LIMIT[name]} to ${LIMIT[name]} (leave it out if unknown: links to the router then get the median delay)`,
        ...(w.at.line !== undefined ? w.at : where),
      });
      return null;
    };
    coordinates.set(id, { latitude: value('Latitude'), longitude: value('Longitude') });
  }

  const edgeAt = new Map<string, { line?: number; column?: number }>();
  const edges: { source: string; target: string; capacity: number | null }[] = [];
  const els = doc.getElementsByTagName('edge');
  for (let i = 0; i < els.length; i++) {
    const el = els.item(i)!;
    const where = position(el);
    const ends = (['source', 'target'] as const).map((end) => {
      const id = el.getAttribute(end);
      if (!id) {
        problems.push({ path: `edge[${i}]`, message: `expected a ${end} attribute (the id of a <node>)`, ...where });
        return null;
      }
      if (!nodeAt.has(id)) {
        const hint = problems.length < HINTED_PROBLEMS ? idHint(id, nodeAt.keys()) : '';
        problems.push({ path: `edge[${i}] ${end}`, message: `${JSON.stringify(bounded(id, 60))} is not the id of any <node> in the file${hint}`, ...where });
        return null;
      }
      return id;
    });
    const key = el.getAttribute('id');
    if (key) {
      const first = edgeAt.get(key);
      if (first) problems.push({ path: `edge[${i}] id`, message: `${JSON.stringify(bounded(key, 60))} is already the id of the edge at ${lineOf(first)}: edge ids must be unique (graphology would merge the two links into one)`, ...where });
      else edgeAt.set(key, where);
    }
    const [source, target] = ends;
    if (!source || !target) continue;
    let capacity: number | null = null;
    const w = source === target ? undefined : readSpeed(el); // a self-loop is ignored, whatever it carries
    if (w !== undefined && w.text.trim() !== '') {
      const x = Number(w.text.trim());
      if (Number.isFinite(x) && x > 0) capacity = x;
      else {
        problems.push({
          path: `edge[${i}] (${bounded(source, 60)} -> ${bounded(target, 60)})`,
          message: `invalid LinkSpeedRaw ${asWritten(w.text.trim())}: expected the link's capacity in bits/s, a number > 0 (leave it out if unknown: the link then gets the median capacity of the others)`,
          ...(w.at.line !== undefined ? w.at : where),
        });
      }
    }
    edges.push({ source, target, capacity });
  }
  if (problems.length > 0) throw new TwinSpecError(file, problems);
  return { coordinates, edges };
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
  const checked = checkElements(doc, file);
  let graph;
  try {
    graph = parse(MultiGraph, doc);
  } catch (e) {
    throw new TwinSpecError(file, [{ path: '(graphml)', message: `cannot parse GraphML: ${bounded((e as Error).message, 200)}` }]);
  }
  const routers: ZooRouter[] = [];
  graph.forEachNode((id, a: Attrs) => {
    const internal = num(a.Internal);
    const at = checked.coordinates.get(id)!;
    routers.push({
      id,
      label: str(a.label) ?? id,
      latitude: at.latitude,
      longitude: at.longitude,
      internal: internal === null ? null : internal !== 0,
    });
  });
  const links: ZooLink[] = [];
  const pairCount = new Map<string, number>();
  let selfLoops = 0;
  // graphology keeps edges in insertion (file) order, one per <edge> now that ids are unique:
  // the i-th edge is the i-th <edge> element checked above.
  let index = 0;
  graph.forEachEdge((_key, a: Attrs, source, target) => {
    const written = checked.edges[index++];
    if (!written || written.source !== source || written.target !== target) {
      throw new Error(`graphml: edge ${index - 1} (${source} -> ${target}) does not match the <edge> elements of ${file}`);
    }
    if (source === target) {
      selfLoops++;
      return;
    }
    const pair = source < target ? `${source}\u0000${target}` : `${target}\u0000${source}`;
    const k = pairCount.get(pair) ?? 0;
    pairCount.set(pair, k + 1);
    const speed = str(a.LinkSpeed);
    links.push({
      key: `${source}->${target}#${k}`,
      source,
      target,
      k,
      capacity: written.capacity,
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
