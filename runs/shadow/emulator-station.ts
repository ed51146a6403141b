/**
 * The node's replicas as separate worker pools, as the twin models them
 * (twins/flow/model.ts): a request goes to the replica with the fewest
 * requests in flight (ties to the lowest index); each replica has
 * `workers` workers and a FIFO waiting room of `queueCap`; a request that
 * finds its replica's room full (in flight >= workers + queueCap) or no
 * replica at all is rejected (the emulator answers 503). A worker is held
 * from the start of service until the request's calls are over; the link
 * delay after that holds none.
 */
export interface Replica {
  readonly index: number;
  busy: number;
  /** Busy + queued on this replica. */
  inFlight: number;
  readonly waiting: Array<() => void>;
}

/** A request admitted to a replica: wait for `started`, then `release()` exactly once. */
export interface Admission {
  readonly replica: number;
  /** Resolves when a worker of the replica takes the request. */
  readonly started: Promise<void>;
  release(): void;
}

export class Station {
  private readonly replicas: Replica[];
  constructor(replicas: number, readonly workers: number, readonly queueCap: number | null) {
    this.replicas = Array.from({ length: replicas }, (_, index) => ({ index, busy: 0, inFlight: 0, waiting: [] }));
  }

  /** Workers over all replicas. */
  get capacity(): number {
    return this.replicas.length * this.workers;
  }
  get busy(): number {
    let n = 0;
    for (const r of this.replicas) n += r.busy;
    return n;
  }
  get queued(): number {
    let n = 0;
    for (const r of this.replicas) n += r.waiting.length;
    return n;
  }

  /** Admits a request, or returns null when it must be rejected (no replica, or its waiting room is full). */
  admit(): Admission | null {
    let best: Replica | null = null;
    for (const r of this.replicas) if (best === null || r.inFlight < best.inFlight) best = r;
    if (best === null) return null;
    if (this.queueCap !== null && best.inFlight >= this.workers + this.queueCap) return null;
    const rep = best;
    rep.inFlight++;
    let started: Promise<void>;
    if (rep.busy < this.workers) {
      rep.busy++;
      started = Promise.resolve();
    } else {
      // The worker that frees up counts itself busy for us before resolving (see release).
      started = new Promise<void>((resolve) => rep.waiting.push(resolve));
    }
    let released = false;
    return {
      replica: rep.index,
      started,
      release: () => {
        if (released) throw new Error('Station: admission released twice');
        released = true;
        rep.inFlight--;
        const next = rep.waiting.shift();
        if (next) next();
        else rep.busy--;
      },
    };
  }
}
