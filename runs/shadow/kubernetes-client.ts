/**
 * The connection of the Kubernetes target to a cluster: the kubeconfig (only
 * an explicit one: a path given, or KUBECONFIG; never ~/.kube/config or the
 * in-cluster service account by accident), a deadline per API call, and
 * errors that say which object, which server and what the server answered.
 */
import { ApiException, KubeConfig, type V1Status } from '@kubernetes/client-node';

export interface KubernetesConnectionOptions {
  /** Path of the kubeconfig; default the KUBECONFIG environment variable (required when this is absent). */
  readonly kubeconfig?: string;
  /** Deadline of one API call (default 30 s): a server that accepts connections but never answers is an error, not a hang. */
  readonly requestTimeoutMs?: number;
}

export class KubernetesTargetError extends Error {
  override readonly name = 'KubernetesTargetError';
  /** Set when objects were applied before the failure: the namespace that holds them (what `shadow down` deletes). */
  readonly partialNamespace: string | null;
  constructor(message: string, partialNamespace: string | null = null) {
    super(message);
    this.partialNamespace = partialNamespace;
  }
}

export interface Connection {
  readonly kc: KubeConfig;
  /** For messages: `server (context C, kubeconfig F)`. */
  readonly where: string;
  readonly timeoutMs: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Loads the kubeconfig; refuses when none is named (the Kubernetes target never guesses a cluster). */
export function connect(options: KubernetesConnectionOptions): Connection {
  const fromEnv = process.env.KUBECONFIG;
  const file = options.kubeconfig ?? (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined);
  if (file === undefined) {
    throw new KubernetesTargetError('KUBECONFIG is not set: the Kubernetes target talks only to a cluster named by a kubeconfig; set KUBECONFIG=/path/to/kubeconfig, or pass --kubeconfig FILE');
  }
  const kc = new KubeConfig();
  try {
    // KUBECONFIG may list several files (path-separated); loadFromDefault merges them as kubectl does.
    if (options.kubeconfig !== undefined) kc.loadFromFile(options.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
    throw new KubernetesTargetError(`cannot read kubeconfig ${file}: ${(e as Error).message}`);
  }
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new KubernetesTargetError(`kubeconfig ${file}: no current context with a cluster (current-context: ${kc.getCurrentContext() || 'none'})`);
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new RangeError(`requestTimeoutMs must be a number > 0, got ${timeoutMs}`);
  return { kc, where: `${cluster.server} (context ${kc.getCurrentContext()}, kubeconfig ${file})`, timeoutMs };
}

/** The Status object of a failed API call, when the server sent one. */
export function statusOf(e: unknown): V1Status | null {
  if (!(e instanceof ApiException)) return null;
  const raw: unknown = e.body;
  let body = raw;
  if (typeof raw === 'string') {
    try {
      body = JSON.parse(raw) as unknown;
    } catch {
      return { code: e.code, message: raw };
    }
  }
  if (typeof body === 'object' && body !== null && (body as { kind?: unknown }).kind === 'Status') return body as V1Status;
  return { code: e.code };
}

/** HTTP status of a failed API call, or null when no answer came (transport error). */
export function httpCode(e: unknown): number | null {
  return e instanceof ApiException ? e.code : null;
}

/** A connection that failed or was refused, as opposed to an answer from the server. */
function isTransportError(e: unknown): boolean {
  if (e instanceof ApiException) return false;
  const err = e as { name?: unknown; type?: unknown; code?: unknown };
  return err?.name === 'FetchError' || err?.type === 'system' || (typeof err?.code === 'string' && /^E[A-Z]+$/.test(err.code));
}

/** `what` failed: what the server answered (code, reason, message), or that it could not be reached. */
export function describeFailure(conn: Connection, what: string, e: unknown): string {
  if (isTransportError(e)) return `${what}: cannot reach the Kubernetes API server at ${conn.where}: ${(e as Error).message}`;
  const status = statusOf(e);
  if (status !== null) return `${what}: the API server answered ${status.code ?? '?'}${status.reason ? ` ${status.reason}` : ''}: ${status.message ?? '(no message)'}`;
  return `${what}: ${(e as Error).message ?? String(e)}`;
}

/** `promise`, or a rejection naming `what` after the connection's deadline. */
export function withDeadline<T>(conn: Connection, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KubernetesTargetError(`${what}: no answer from the Kubernetes API server at ${conn.where} within ${conn.timeoutMs} ms`)), conn.timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
