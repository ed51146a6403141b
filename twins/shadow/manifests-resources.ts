/**
 * CPU and memory of a shadow pod (docs/shadow.md, "Kubernetes target").
 *
 * The plan's `cores` and `memoryBytes` are the whole node's (all replicas in
 * one local process, cores already divided by the dilation k). A pod is one
 * replica, so it requests cores / replicas and one process's memory plus its
 * share of the memory of the requests in flight.
 *
 * Limits leave headroom on purpose: the plan's figures are estimates at the
 * peak rate (requests per core measured on one machine), and a limit at the
 * estimate would throttle or OOM-kill the emulator at the edge of it, so the
 * shadow would measure the limit instead of the node. A Node.js process also
 * needs about a core in bursts (start-up, garbage collection) whatever its
 * average, so the CPU limit is never below one core.
 */
import { PROCESS_MEMORY_BYTES } from './budget.js';
import type { EmulatorSpec } from './plan-types.js';

/** Limits = LIMIT_HEADROOM × requests. */
export const LIMIT_HEADROOM = 2;
/** Smallest CPU request, millicores (a request of 0 would leave the HPA's utilization undefined). */
export const MIN_CPU_REQUEST_MILLI = 10;
/** Smallest CPU limit, millicores. */
export const MIN_CPU_LIMIT_MILLI = 1000;
/** The stub pod serves every stubbed node with no work of its own: a fixed request. */
export const STUB_CPU_REQUEST_MILLI = 100;

const MIB = 2 ** 20;

export interface PodResources {
  readonly requests: { readonly cpu: string; readonly memory: string };
  readonly limits: { readonly cpu: string; readonly memory: string };
}

function resources(cpuMilli: number, memoryBytes: number): PodResources {
  const cpu = Math.max(MIN_CPU_REQUEST_MILLI, Math.ceil(cpuMilli - 1e-9));
  const memMi = Math.max(1, Math.ceil(memoryBytes / MIB - 1e-9));
  return {
    requests: { cpu: `${cpu}m`, memory: `${memMi}Mi` },
    limits: { cpu: `${Math.max(MIN_CPU_LIMIT_MILLI, LIMIT_HEADROOM * cpu)}m`, memory: `${LIMIT_HEADROOM * memMi}Mi` },
  };
}

/** Cores and memory of one pod (one replica) of a duplicated node. */
export function podShare(spec: EmulatorSpec): { readonly cores: number; readonly memoryBytes: number } {
  const pods = Math.max(1, spec.replicas);
  const base = Math.min(PROCESS_MEMORY_BYTES, spec.memoryBytes);
  return { cores: spec.cores / pods, memoryBytes: base + (spec.memoryBytes - base) / pods };
}

/** Requests and limits of one pod of a duplicated node. */
export function emulatorPodResources(spec: EmulatorSpec): PodResources {
  const share = podShare(spec);
  return resources(share.cores * 1000, share.memoryBytes);
}

/** Requests and limits of the stub pod. */
export function stubPodResources(): PodResources {
  return resources(STUB_CPU_REQUEST_MILLI, PROCESS_MEMORY_BYTES);
}
