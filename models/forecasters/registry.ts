/** The per-series forecasters by name (the LSTM is global and lives apart: forecasters/lstm.ts). */
import { ets } from './ets.js';
import { mstl } from './mstl.js';
import { sarima } from './sarima.js';
import { seasonalNaive } from './snaive.js';
import type { Forecaster, ModelName } from './types.js';

export type LocalModelName = Exclude<ModelName, 'lstm'>;
export const LOCAL_FORECASTERS: Readonly<Record<LocalModelName, Forecaster>> = { snaive: seasonalNaive, ets, mstl, sarima };
