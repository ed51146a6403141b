/**
 * Kubernetes names for a shadow (docs/shadow.md, "Kubernetes target"): node
 * ids are free text ("Foo_Bar", "db/primary"), Kubernetes names are not. A
 * Service's name must be an RFC 1035 label (lower-case letters, digits and
 * '-', starting with a letter, ending with a letter or digit, at most 63
 * characters), the strictest of the kinds a shadow creates, so every name
 * here is one. The mapping is deterministic (the same id always gives the
 * same name, on any machine) and two ids that would share a name are refused
 * with both named, never silently suffixed: a suffix would depend on the
 * order of the nodes and the in-cluster address of a node would change when
 * another node is added.
 */
import { createHash } from 'node:crypto';

/** Longest DNS label. */
export const DNS_LABEL_MAX = 63;

/** Name of the one stub Deployment, Service and ConfigMap; no node may map to it. */
export const STUB_NAME = 'shadowcast-stub';

const RFC1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** A label value (metadata.labels): at most 63 characters, alphanumerics with '-', '_', '.' inside. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

export class ShadowNameError extends Error {
  override readonly name = 'ShadowNameError';
}

export function isDnsLabel(name: string): boolean {
  return name.length <= DNS_LABEL_MAX && RFC1035_LABEL.test(name);
}

export function isLabelValue(value: string): boolean {
  return value.length <= DNS_LABEL_MAX && LABEL_VALUE.test(value);
}

const shortHash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 8);

/**
 * `text` as an RFC 1035 label: lower case, every other character '-', no '-'
 * at either end, 'n-' in front when it starts with a digit, and when longer
 * than 63 characters cut to 54 plus '-' and 8 hex digits of the SHA-256 of
 * the original text (so long ids that share a prefix still differ). Null
 * when nothing of the text is left (an id of only punctuation).
 */
export function dnsLabel(text: string): string | null {
  let s = text.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+/, '').replace(/-+$/, '');
  if (s === '') return null;
  if (/^[0-9]/.test(s)) s = `n-${s}`;
  if (s.length > DNS_LABEL_MAX) s = `${s.slice(0, DNS_LABEL_MAX - 9).replace(/-+$/, '')}-${shortHash(text)}`;
  return s;
}

/**
 * Resource name of every duplicated node (id -> name). Throws
 * ShadowNameError naming the ids when one maps to nothing, two map to the
 * same name, or one maps to the stub's name.
 */
export function nodeResourceNames(ids: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const owner = new Map<string, string>([[STUB_NAME, '(the stub process)']]);
  const problems: string[] = [];
  for (const id of ids) {
    const name = dnsLabel(id);
    if (name === null) {
      problems.push(`node id ${JSON.stringify(id)} has no letter or digit to make a Kubernetes name from`);
      continue;
    }
    const taken = owner.get(name);
    if (taken !== undefined) {
      problems.push(`node ids ${JSON.stringify(taken)} and ${JSON.stringify(id)} both map to the Kubernetes name ${name}`);
      continue;
    }
    owner.set(name, id);
    names.set(id, name);
  }
  if (problems.length > 0) throw new ShadowNameError(`${problems.join('; ')}; rename one of them in the twin`);
  return names;
}

/** The shadow's namespace: the one given (checked) or `shadowcast-shadow-<twin name>`. */
export function shadowNamespace(twinName: string, given?: string): string {
  if (given !== undefined) {
    if (!isDnsLabel(given)) throw new ShadowNameError(`namespace ${JSON.stringify(given)} is not a DNS label (lower-case letters, digits and '-', starting with a letter, at most ${DNS_LABEL_MAX} characters)`);
    return given;
  }
  const name = dnsLabel(`shadowcast-shadow-${twinName}`);
  // The prefix alone is a valid label, so dnsLabel cannot return null here.
  return name!;
}

/** A value for the `shadowcast.dev/node` label: the id itself when it is a valid label value, else the node's resource name. */
export function nodeLabelValue(id: string, resourceName: string): string {
  return isLabelValue(id) ? id : resourceName;
}
