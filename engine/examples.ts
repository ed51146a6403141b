/**
 * Small reference networks used by the demo, the validation tests and the
 * bench, with the exact solution of their traffic equations.
 */
import { Exponential } from './distributions.js';
import type { NetworkSpec } from './network.js';

/**
 * Three stations with feedback: external arrivals to A (rate 1) and B (0.5);
 * A → B 0.5, A → C 0.3; B → A 0.2, B → C 0.4; C → A 0.1; the rest leaves.
 */
export function jacksonExample(): NetworkSpec {
  return {
    stations: [
      { name: 'A', servers: 1, service: new Exponential(3.0), arrivals: 1.0 },
      { name: 'B', servers: 2, service: new Exponential(1.4), arrivals: 0.5 },
      { name: 'C', servers: 1, service: new Exponential(2.0) },
    ],
    routing: [
      [0, 0.5, 0.3],
      [0.2, 0, 0.4],
      [0.1, 0, 0],
    ],
  };
}
