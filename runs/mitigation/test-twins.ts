/** A small twin for the mitigation tests: a gateway calling one service at ~0.9 utilization with a p99 SLO it breaks in some replications. */
export const SATURATED_TWIN = {
  name: 'saturated',
  nodes: [
    { id: 'web', kind: 'gateway', servers: 32, service: { type: 'exponential', mean: '1ms' } },
    { id: 'rec', servers: 1, queue: 200, service: { type: 'exponential', mean: '20ms' }, timeout: '3s', retries: { max: 1 }, slo: { p99: '800ms', window: '60s' } },
  ],
  edges: [{ type: 'call', from: 'web', to: 'rec', mean: 1 }],
  entries: [{ id: 'users', node: 'web', rate: 45 }],
} as const;
