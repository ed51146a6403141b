/**
 * `shadowcast shadow up | status | down`: start the planned processes on
 * loopback (runs/shadow/materialise*.ts), show where they are and whether they
 * live, and stop exactly the recorded ones.
 */
import { join, resolve } from 'node:path';
import { shadowDown, shadowStatus, shadowUp, type ShadowStatus } from '../../shadow/materialise.js';
import { defineCommand, parseFlags, usageError } from '../../flags.js';
import { applyLines, downOnKubernetes, hasKubernetesRecord, KUBECONFIG_FLAG, KUBERNETES_RECORD, upOnKubernetes } from './kubernetes.js';
import { table } from '../../format.js';
import { writeFileAtomically } from '../../report/atomic-file.js';
import type { ShadowPlan } from '../../../twins/shadow/plan-types.js';
import { PLAN_FILE, readPlanWithTwin } from './shared.js';

const DIR_FLAG = { kind: 'path', value: 'DIR', required: true, help: 'the shadow folder (state.json, plan.json, logs/)' } as const;

export const SHADOW_UP = defineCommand({
  command: 'shadow up',
  flags: {
    plan: { kind: 'path', value: 'FILE', required: true, help: "plan.json from 'shadowcast shadow plan'" },
    dir: DIR_FLAG,
    seed: { kind: 'int', value: 'S', absent: "the plan's simulation seed", help: "seed of the emulators' random streams" },
    'dry-run': { kind: 'boolean', help: 'kubernetes plans: only the server-side dry run, nothing applied' },
    ...KUBECONFIG_FLAG,
  },
  notes: 'Refuses (exit 3) when DIR already holds a running shadow, naming its PIDs. A plan made with --target kubernetes is applied to the cluster --kubeconfig (or KUBECONFIG) names (its manifests.yaml beside the plan), after a server-side dry run of every object.',
});
export const SHADOW_STATUS = defineCommand({ command: 'shadow status', flags: { dir: DIR_FLAG } });
export const SHADOW_DOWN = defineCommand({
  command: 'shadow down',
  flags: { dir: DIR_FLAG, grace: { kind: 'duration', value: 'DUR', default: '5s', help: 'time between SIGTERM and SIGKILL' }, ...KUBECONFIG_FLAG },
  notes: 'Stops exactly the processes recorded in DIR/state.json; safe to repeat, and after a killed `up`. A shadow started on the Kubernetes target: deletes its namespace on the cluster --kubeconfig (or KUBECONFIG) names.',
});

export function statusTable(s: ShadowStatus): string {
  // After `down` a gone process is the expected outcome; while up it is a crash.
  const gone = s.phase === 'up' ? 'DEAD' : 'stopped';
  const rows = s.processes.map((p) => [p.name, p.role, p.nodes.join(' '), String(p.pid), p.url ?? '-', p.alive ? (p.healthy ? 'healthy' : 'alive, not healthy') : gone]);
  return `shadow in ${s.dir}: phase ${s.phase}, k = ${s.k}\n\n${table(['process', 'role', 'serves', 'pid', 'url', 'state'], rows, 6)}`;
}

/** Starts the plan's processes (checked against its twin by the caller) and copies the plan into DIR (inject, compare and cycle read it there). */
export async function up(plan: ShadowPlan, dir: string, seed?: number): Promise<ShadowStatus> {
  await shadowUp(plan, dir, seed !== undefined ? { seed } : {});
  await writeFileAtomically(join(dir, PLAN_FILE), JSON.stringify(plan, null, 1) + '\n');
  return (await shadowStatus(dir))!;
}

export async function runUp(argv: string[]): Promise<number> {
  const parsed = parseFlags(SHADOW_UP, argv);
  if (!parsed) return -1;
  const v = parsed.values;
  const { plan } = await readPlanWithTwin(v.plan);
  if (plan.target === 'kubernetes') {
    console.log(applyLines(await upOnKubernetes(v.plan, v.dir, v['dry-run'], v.kubeconfig), v['dry-run']));
    return 0;
  }
  if (v['dry-run']) throw usageError(SHADOW_UP, '--dry-run is for plans made with --target kubernetes');
  if (v.kubeconfig !== undefined) throw usageError(SHADOW_UP, '--kubeconfig is for plans made with --target kubernetes; this plan runs on loopback');
  const s = await up(plan, v.dir, v.seed);
  console.log(statusTable(s));
  console.log(`\nlogs in ${resolve(v.dir, 'logs')}; stop with: shadowcast shadow down --dir ${v.dir}`);
  return 0;
}

export async function runStatus(argv: string[]): Promise<number> {
  const parsed = parseFlags(SHADOW_STATUS, argv);
  if (!parsed) return -1;
  const s = await shadowStatus(parsed.values.dir);
  if (!s) {
    console.log(`no shadow in ${parsed.values.dir} (no state.json)`);
    return 0;
  }
  console.log(statusTable(s));
  return 0;
}

export async function runDown(argv: string[]): Promise<number> {
  const parsed = parseFlags(SHADOW_DOWN, argv);
  if (!parsed) return -1;
  if (parsed.values.kubeconfig !== undefined && !(await hasKubernetesRecord(parsed.values.dir))) {
    throw usageError(SHADOW_DOWN, `--kubeconfig is for a shadow started on the Kubernetes target, and ${parsed.values.dir} holds none (no ${KUBERNETES_RECORD})`);
  }
  const cluster = await downOnKubernetes(parsed.values.dir, parsed.values.kubeconfig);
  if (cluster) console.log(`namespace ${cluster.namespace} ${cluster.deleted ? 'deleted' : 'was already gone'}`);
  const r = await shadowDown(parsed.values.dir, { graceMs: parsed.values.grace * 1000 });
  const names = (list: readonly { name: string; pid: number }[]) => list.map((p) => `${p.name} (${p.pid})`).join(', ') || 'none';
  console.log(`stopped: ${names(r.stopped)}${r.killed.length ? `; needed SIGKILL: ${names(r.killed)}` : ''}; already gone: ${names(r.alreadyGone)}`);
  return 0;
}
