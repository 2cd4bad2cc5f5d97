/**
 * `src/model`: the per-cell combine (RUSLE, CSLE) and the block engine (worker threads, streaming over bands).
 * @module
 */
export type { SoilLossStats, BadValueReport, BadValueLocation } from './combine.js';
export * from './blocks.js';
export * from './soil-loss.js';
export { closeWorkerPool, sharedArray } from './pool.js';
export { sedimentDelivery, SDR_DEFAULTS, type SedimentDeliveryOptions, type SedimentDeliveryResult } from './sdr.js';
