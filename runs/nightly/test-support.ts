/** What the nightly tests share: a config file beside generated shop telemetry, with a small run's settings. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { shopTelemetryCsv, type ShopTelemetryOptions } from '../../twins/examples/shop-telemetry.js';
import { REPO_ROOT } from '../paths.js';

export const SHOP_TWIN = join(REPO_ROOT, 'twins', 'examples', 'shop.yaml');

/** A 1-hour nightly of the shop on 4 replications in this thread; `extra` YAML lines replace nothing, they are appended. */
export function smallConfig(telemetry: string, extra = ''): string {
  return [
    `twin: ${JSON.stringify(SHOP_TWIN)}`,
    `telemetry: { files: [${JSON.stringify(telemetry)}] }`,
    'entries: { users: frontend/rate }',
    'forecast: { horizon: 1h, paths: 20, candidates: [snaive] }',
    'simulation: { replications: 4, window: 5m, seed: 3, workers: 0 }',
    'risk: { threshold: 0.2 }',
    'mitigation: { replications: 4, horizon: 20m, maxCandidates: 1 }',
    extra,
  ].join('\n') + '\n';
}

/** Writes `days` of shop telemetry and a small config into dir; returns the config's path. */
export async function writeSmallNight(dir: string, days: number, options: ShopTelemetryOptions = {}, extra = ''): Promise<string> {
  const csv = join(dir, `telemetry-${days}.csv`);
  await writeFile(csv, shopTelemetryCsv({ days, ...options }));
  const config = join(dir, `nightly-${days}.yaml`);
  await writeFile(config, smallConfig(csv, extra));
  return config;
}
