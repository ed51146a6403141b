/** End-to-end outcomes of one entry: what the entry's clients saw, after their own retries. */
import { LogHistogram } from '../../engine/index.js';

export class EntryObserver {
  arrivals = 0;
  ok = 0;
  failed = 0;
  /** Arrivals refused by the entry's rate limit (also counted in `failed`). */
  shed = 0;
  /** Latency of every answered request, success or error. */
  readonly hist = new LogHistogram(0.01);

  constructor(readonly id: string) {}

  arrival(): void {
    this.arrivals++;
  }

  response(ok: boolean, latency: number): void {
    if (ok) this.ok++;
    else this.failed++;
    this.hist.add(latency);
  }

  /** Warm-up deletion of the whole-run figures. */
  resetRun(): void {
    this.arrivals = 0; this.ok = 0; this.failed = 0; this.shed = 0;
    this.hist.reset();
  }
}
