/**
 * `src/jobs`: a run as stages of tile jobs — the manifest, the pure job functions, the local worker-pool runner —
 * and the file-level entry points built on them (`fillDepressionsToFile`).
 * @module
 */
export { MANIFEST_VERSION, type JobManifest, type StageManifest, type SourceRaster, type WorkManifest, type DoneMarker, type JobIO, type JobContext, type JobFunction, type JobProgressEvent } from './types.js';
export { validateManifest, readManifest, writeManifest, MANIFEST_FILE } from './manifest.js';
export { runStages, createJobPool, RUNNER_DEFAULTS, type RunnerOptions, type JobPool } from './runner.js';
export { runJob, isJobFinished, doneMarkerPath, type SourceCache } from './run-job.js';
export { encodeArrays, decodeArrays, type ArrayRecord } from '../io/array-file.js';
export { registerJobKind, jobKind, jobKindNames } from './registry.js';
export { fillDepressionsToFile, FILL_TO_FILE_DEFAULTS, type FillToFileOptions, type FillToFileResult, MIN_FILL_TILE_SIZE, planFill, type FillPlan } from './fill-run.js';
export { FILL_JOB_KINDS, fillFirstStages, fillEpsilonStage, fillLastStages, fillResultStage, manifestTiling, neighbourTiles } from './fill-jobs.js';
export { FLATS_JOB_KINDS, flatsStages, tilesOverlapping } from './flats-jobs.js';
export { lsFactorToFile, type LsToFileOptions, type LsToFileResult, LS_STATE_BYTES_PER_CELL } from './ls-run.js';
export { LS_JOB_KINDS, lsVisitStage, lsRouteStage } from './ls-jobs.js';
export { flowAccumulationToFile, type FlowToFileOptions, type FlowToFileResult, FLOW_STATE_BYTES_PER_CELL } from './flow-run.js';
export { FLOW_JOB_KINDS, flowVisitStage, flowRouteStage } from './flow-jobs.js';
