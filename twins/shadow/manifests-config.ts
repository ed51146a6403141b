/**
 * The configuration files of the shadow's pods (the ConfigMaps of the
 * Kubernetes target): the same JSON the local emulator and stub processes
 * read (runs/shadow/emulator-config.ts, runs/shadow/stub-config.ts), with
 * callee addresses as in-cluster Service DNS names and the process listening
 * on all interfaces at a fixed container port.
 *
 * The formats and their parsers live beside this file (emulator-config.ts,
 * stub-config.ts); twins/shadow/manifests.test.ts parses what this writes
 * with them.
 *
 * One pod is one replica: the plan's EmulatorSpec describes the whole node
 * (replicas × workers in one local process), while in the cluster the
 * Deployment runs `replicas` pods (and an HPA may change that number), so
 * each pod's spec has replicas 1 and its share of the node's cores and
 * memory (manifests-resources.ts) and of the predicted initial work. Every
 * pod of a Deployment reads the same ConfigMap, so the work share is
 * round(total / replicas) for each and the work injected at t0 over all pods
 * differs from the plan's total by at most replicas / 2 requests (per field).
 * All pods also share the seed: their random streams are the same sequence,
 * drawn by different requests.
 */
import type { EmulatorSpec, StubSpec } from './plan-types.js';
import { podShare } from './manifests-resources.js';
import { EMULATOR_CONFIG_FORMAT, type EmulatorRuntimeConfig } from './emulator-config.js';
import { STUB_CONFIG_FORMAT, type StubRuntimeConfig } from './stub-config.js';

/** Port every shadow container listens on (and its Service exposes). */
export const CONTAINER_PORT = 8080;
/** Where the ConfigMap is mounted in the container. */
export const CONFIG_DIR = '/config';
export const EMULATOR_CONFIG_FILE = 'emulator.json';
export const STUB_CONFIG_FILE = 'stub.json';

const LISTEN = { host: '0.0.0.0', port: CONTAINER_PORT } as const;

/** A pod reads the same configuration as a local process. */
export type PodEmulatorConfig = EmulatorRuntimeConfig;
export type PodStubConfig = StubRuntimeConfig;

/** Base URL of a Service of the shadow, from inside the cluster. */
export function inClusterUrl(service: string, namespace: string): string {
  return `http://${service}.${namespace}.svc.cluster.local:${CONTAINER_PORT}`;
}

/** The spec of one pod of a node's Deployment: one replica, its share of the initial work, cores and memory. */
export function podSpec(spec: EmulatorSpec): EmulatorSpec {
  const pods = Math.max(1, spec.replicas);
  return {
    ...spec,
    ...podShare(spec),
    replicas: 1,
    initial: { busy: Math.round(spec.initial.busy / pods), queued: Math.round(spec.initial.queued / pods) },
  };
}

export function emulatorPodConfig(node: string, spec: EmulatorSpec, k: number, seed: number | string, callees: Readonly<Record<string, string>>): PodEmulatorConfig {
  return { format: EMULATOR_CONFIG_FORMAT, node, spec: podSpec(spec), k, seed, callees, listen: LISTEN };
}

export function stubPodConfig(nodes: Readonly<Record<string, StubSpec>>, k: number, seed: number | string): PodStubConfig {
  return { format: STUB_CONFIG_FORMAT, nodes, k, seed, listen: LISTEN };
}

/** The text of a configuration file, as the local materialiser writes it. */
export function configText(config: PodEmulatorConfig | PodStubConfig): string {
  return `${JSON.stringify(config, null, 2)}\n`;
}
