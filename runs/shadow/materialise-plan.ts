/**
 * What a local materialiser needs from a shadow plan, checked: the duplicated
 * nodes with their EmulatorSpec, the stubbed nodes with their StubSpec, the
 * order to start emulators in (callees before callers, so every caller's
 * configuration can name its callees' addresses) and file-safe names.
 * Pure: no processes, no files.
 */
import { SHADOW_PLAN_FORMAT, type EmulatorSpec, type ShadowPlan, type StubSpec } from '../../twins/shadow/plan-types.js';
import { calleesOf, checkEmulatorSpec, checkerFor, ShadowConfigError } from '../../twins/shadow/emulator-config.js';

export interface LocalLayout {
  readonly emulators: ReadonlyMap<string, EmulatorSpec>;
  readonly stubs: ReadonlyMap<string, StubSpec>;
  /** Emulator start levels: every callee of a node in level i is a stub or in a level < i. */
  readonly levels: readonly (readonly string[])[];
  /** Process name -> file-safe name (logs/<file>.log, config/<file>.json); the stub process is 'stub'. */
  readonly fileNames: ReadonlyMap<string, string>;
}

export class ShadowPlanError extends Error {
  override readonly name = 'ShadowPlanError';
}

export function localLayout(plan: ShadowPlan): LocalLayout {
  if (plan.format !== SHADOW_PLAN_FORMAT) throw new ShadowPlanError(`not a shadow plan: format ${String(plan.format)}, expected ${SHADOW_PLAN_FORMAT}`);
  if (plan.target !== 'local') throw new ShadowPlanError(`the plan targets ${plan.target}; the local materialiser starts only plans with target local`);
  if (!(Number.isFinite(plan.dilation?.k) && plan.dilation.k >= 1)) throw new ShadowPlanError(`dilation.k must be a finite number >= 1, got ${String(plan.dilation?.k)}`);
  const emulators = new Map<string, EmulatorSpec>();
  const stubs = new Map<string, StubSpec>();
  const seen = new Set<string>();
  for (const n of plan.nodes) {
    if (seen.has(n.id)) throw new ShadowPlanError(`node ${n.id} appears twice in the plan`);
    seen.add(n.id);
    if (n.action === 'duplicate') {
      if (n.emulator === null) throw new ShadowPlanError(`node ${n.id} is duplicated but has no emulator spec`);
      emulators.set(n.id, n.emulator);
    } else if (n.action === 'stub') {
      if (n.stub === null) throw new ShadowPlanError(`node ${n.id} is stubbed but has no stub spec`);
      stubs.set(n.id, n.stub);
    }
  }
  for (const [id, spec] of emulators) {
    for (const to of calleesOf(spec)) {
      if (emulators.has(to) || stubs.has(to)) continue;
      const why = seen.has(to) ? 'which the plan omits' : 'which the plan does not name';
      throw new ShadowPlanError(`node ${id} calls ${to}, ${why}`);
    }
  }
  // The emulator would refuse a bad spec at start; refuse it here, before any process exists.
  const addressable = Object.fromEntries([...emulators.keys(), ...stubs.keys()].map((id) => [id, 'known']));
  for (const [id, spec] of emulators) {
    try {
      checkEmulatorSpec(checkerFor('plan'), `nodes[${id}].emulator`, spec, addressable);
    } catch (e) {
      if (e instanceof ShadowConfigError) throw new ShadowPlanError(e.message);
      throw e;
    }
  }
  for (const t of plan.traffic) {
    if (!emulators.has(t.node) && !stubs.has(t.node)) throw new ShadowPlanError(`traffic of entry ${t.entry} arrives at ${t.node}, which is neither duplicated nor stubbed`);
  }
  return { emulators, stubs, levels: startLevels(emulators), fileNames: fileNamesFor([...emulators.keys()]) };
}

/** Kahn's algorithm on the calls between emulated nodes, callees first. */
export function startLevels(emulators: ReadonlyMap<string, EmulatorSpec>): string[][] {
  const waitingOn = new Map<string, Set<string>>();
  for (const [id, spec] of emulators) waitingOn.set(id, new Set(calleesOf(spec).filter((to) => emulators.has(to))));
  const levels: string[][] = [];
  const started = new Set<string>();
  while (started.size < emulators.size) {
    const level = [...waitingOn].filter(([id, callees]) => !started.has(id) && [...callees].every((c) => started.has(c))).map(([id]) => id);
    if (level.length === 0) {
      const rest = [...emulators.keys()].filter((id) => !started.has(id));
      throw new ShadowPlanError(`the calls between ${rest.join(', ')} form a cycle: the local materialiser starts callees before callers and cannot order them`);
    }
    for (const id of level) started.add(id);
    levels.push(level);
  }
  return levels;
}

/** 'stub' for the stub process, then each node's id made file-safe, with a suffix where two would clash. */
export function fileNamesFor(nodeIds: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const used = new Set<string>(['stub']);
  for (const id of nodeIds) {
    const base = id.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_') || '_';
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    names.set(id, name);
  }
  return names;
}
