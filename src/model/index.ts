/**
 * `src/model`: the per-cell combine (RUSLE, CSLE) and the block engine (worker threads, streaming over bands).
 * @module
 */
export type { SoilLossStats, BadValueReport, BadValueLocation } from './combine.js';
export {
  runBlocks, RUN_BLOCKS_DEFAULTS,
  type BlockSource, type GeneratorSource, type BlockOutput, type BlockWriteOptions, type Block, type BlockProgress,
  type RunBlocksOptions, type RunBlocksResult,
} from './blocks.js';
export {
  soilLoss, csleSoilLoss, SOIL_LOSS_DEFAULTS,
  type FactorValue, type RusleFactors, type CsleFactors, type SoilLossOptions, type SoilLossResult,
} from './soil-loss.js';
export { closeWorkerPool, sharedArray } from './pool.js';
