/**
 * Waiting and working for a drawn duration (shadow milliseconds).
 *
 * Node's setTimeout truncates its delay to whole milliseconds and fires a
 * little late (about 0.2 to 0.4 ms here, more under load). With service
 * times of a few milliseconds that bias alone would shift utilization by
 * several percent, so the sleeper corrects for it on average: it learns the
 * mean overshoot (an exponentially weighted mean of fired - requested) and
 * subtracts it, and it rounds the fractional remainder by error diffusion
 * (carrying the rounding error to the next sleep), so the *mean* slept time
 * equals the mean requested time. Single sleeps stay within about a
 * millisecond; queueing depends on the mean and the variance of service,
 * which this keeps.
 *
 * Burn makes the drawn duration CPU work: it spins until the process has
 * used that much CPU time (not wall time), so on a contended host the
 * request takes longer, as real CPU-bound work would. It spins in slices of
 * at most 1 ms and yields to the event loop between slices, so a request
 * burning does not stop the process from accepting others. The process is
 * single-threaded: concurrent burning requests share one core (processor
 * sharing), which is the point of burning (CPU contention on the host), not
 * the twin's FCFS workers; use sleep for queueing fidelity.
 */
import { performance } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';

export class CompensatedSleeper {
  /** Mean of (fired - requested) over recent timers, ms. */
  private overshoot = 0.3;
  /** Rounding error carried to the next sleep, ms. */
  private carry = 0;

  /** Resolves after `ms` shadow milliseconds (on average; see above). */
  sleep(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    const wanted = ms - this.overshoot + this.carry;
    const whole = Math.max(0, Math.round(wanted));
    this.carry = wanted - whole;
    // A zero delay would be run as 1 ms by setTimeout; setImmediate is the next turn of the loop.
    if (whole === 0) return new Promise((resolve) => setImmediate(resolve));
    const start = performance.now();
    return new Promise((resolve) => {
      setTimeout(() => {
        const late = performance.now() - start - whole;
        this.overshoot += 0.05 * (Math.min(Math.max(late, 0), 5) - this.overshoot);
        resolve();
      }, whole);
    });
  }

  /** The current overshoot estimate, ms (for tests and /healthz). */
  get learnedOvershootMs(): number {
    return this.overshoot;
  }
}

/** CPU time (user + system) this process has used, ms. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Spins until the process has used `ms` more milliseconds of CPU, in slices of at most 1 ms, yielding between slices. */
export async function burn(ms: number): Promise<void> {
  let remaining = ms;
  while (remaining > 0) {
    const slice = Math.min(1, remaining);
    const start = cpuMs();
    let used = 0;
    while (used < slice) used = cpuMs() - start;
    remaining -= used;
    if (remaining > 0) await yieldToLoop();
  }
}
