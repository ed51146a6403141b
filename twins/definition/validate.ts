/**
 * Schema validation with ajv, and the rewriting of ajv's errors into
 * `path: expected ...` problems (`/nodes/3/service/mean` -> `nodes[3].service.mean`).
 * When an anyOf/oneOf fails, its branches' errors are replaced by one message
 * built from the schema's `description`.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, SchemaObject, ValidateFunction } from 'ajv';
import { shown, type PathSegments, type Problems } from './errors.js';
import { isReservedId, RESERVED_ID_MESSAGE } from './reserved-ids.js';
import { editDistance } from '../../engine/did-you-mean.js';

/** instancePath (JSON pointer) to segments; array indices become numbers. */
export function pointerToSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9][0-9]*)$/.test(s) ? Number(s) : s));
}

function describeSchema(schema: unknown): string | undefined {
  if (schema && typeof schema === 'object' && 'description' in schema) {
    const d = (schema as { description?: unknown }).description;
    if (typeof d === 'string') return d;
  }
  return undefined;
}

function branchTags(schema: unknown, prop: string): string[] {
  const oneOf = (schema as { oneOf?: unknown[] } | undefined)?.oneOf ?? [];
  const out: string[] = [];
  for (const b of oneOf) {
    const c = (b as { properties?: Record<string, { const?: unknown }> }).properties?.[prop]?.const;
    if (typeof c === 'string') out.push(c);
  }
  return out;
}

export { editDistance };

/**
 * Names people write for a field that spelling distance would match to the
 * wrong one (`ratio` is two edits from `rate`, but means calls per request):
 * the hint goes to the field with that meaning, when the object has it.
 */
const SYNONYMS: Readonly<Record<string, readonly string[]>> = Object.assign(Object.create(null) as Record<string, readonly string[]>, {
  ratio: ['perRequest'], callratio: ['perRequest'], callsperrequest: ['perRequest'], per_request: ['perRequest'],
  fanout: ['perRequest'], multiplier: ['perRequest'], weight: ['perRequest'],
  workers: ['servers'], threads: ['servers'], concurrency: ['servers'],
});

function message(e: ErrorObject): { path: PathSegments; text: string } {
  const path = pointerToSegments(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path: [...path, String(p.missingProperty)], text: 'required' };
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      const name = String(p.additionalProperty);
      const near = SYNONYMS[name.toLowerCase()]?.find((a) => allowed.includes(a)) ?? allowed.find((a) => editDistance(a.toLowerCase(), name.toLowerCase()) <= 2);
      const hint = near ? ` (did you mean ${JSON.stringify(near)}?)` : allowed.length ? ` (expected one of: ${allowed.join(', ')})` : '';
      return { path: [...path, name], text: `unknown property${hint}` };
    }
    case 'type': {
      // YAML reads a bare 13 or true as a number or a boolean; an id like an imported router's "13" needs quotes there.
      const quote = p.type === 'string' && (typeof e.data === 'number' || typeof e.data === 'boolean') ? ` (quote it in YAML: "${String(e.data)}")` : '';
      return { path, text: `expected ${String(p.type).replace(',', ' or ')}, got ${shown(e.data)}${quote}` };
    }
    case 'enum':
      return { path, text: `expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${shown(e.data)}` };
    case 'const':
      return { path, text: `expected ${JSON.stringify(p.allowedValue)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, text: `expected a number ${String(p.comparison)} ${String(p.limit)}, got ${shown(e.data)}` };
    case 'minItems':
      return { path, text: `expected at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}` };
    case 'minLength':
      return { path, text: 'expected a non-empty string' };
    case 'pattern':
      return { path, text: `${describeSchema(e.parentSchema) ?? `expected a string matching ${String(p.pattern)}`}, got ${shown(e.data)}` };
    case 'discriminator': {
      const tags = branchTags(e.parentSchema, String(p.tag));
      const what = p.error === 'tag' && e.data && typeof e.data === 'object' && !(String(p.tag) in e.data) ? 'required' : `expected one of ${tags.join(', ')}, got ${shown((e.data as Record<string, unknown> | null)?.[String(p.tag)])}`;
      return { path: [...path, String(p.tag)], text: what };
    }
    case 'anyOf':
    case 'oneOf': {
      const desc = describeSchema(e.parentSchema) ?? 'a valid value';
      const many = e.keyword === 'oneOf' && Array.isArray(p.passingSchemas);
      return { path, text: `expected ${desc}${many ? " (more than one given)" : ""}${typeof e.data !== "object" ? `, got ${shown(e.data)}` : ""}` };
    }
    case 'not':
      if (typeof e.data === 'string' && isReservedId(e.data)) return { path, text: `${shown(e.data)} ${RESERVED_ID_MESSAGE}` };
      return { path, text: `${describeSchema(e.parentSchema) ?? 'a different value'} expected, got ${shown(e.data)}` };
    default:
      return { path, text: e.message ?? `invalid (${e.keyword})` };
  }
}

/** Rewrites ajv errors into problems, collapsing failed anyOf/oneOf branches. */
export function reportAjvErrors(errors: readonly ErrorObject[], problems: Problems): void {
  const combinators = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath + '/');
  const seen = new Set<string>();
  for (const e of errors) {
    if (combinators.some((prefix) => e.schemaPath.startsWith(prefix))) continue;
    const { path, text } = message(e);
    const key = JSON.stringify(path) + '\u0000' + text;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.at(path, text);
  }
}

const compiled = new Map<SchemaObject, ValidateFunction>();

/** Validates `data` against `schema`; adds every problem found. Returns whether it passed. */
export function validateWithSchema(schema: SchemaObject, data: unknown, problems: Problems): boolean {
  let validate = compiled.get(schema);
  if (!validate) {
    const ajv = new Ajv({ allErrors: true, verbose: true, discriminator: true, strict: true, strictRequired: false, allowUnionTypes: true });
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(data)) return true;
  reportAjvErrors(validate.errors ?? [], problems);
  return false;
}
