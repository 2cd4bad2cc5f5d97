/**
 * `src/factors/ls`: the LS factor — S, m, L formulas (registered), `lsFactor` from a DEM, `lsFromSlopeAndArea`
 * from slope and upslope-area rasters, and presets mirroring other tools.
 * @module
 */
export {
  sMcCool1987, sMcCool1987Short, sLiu1994, sCsle, sNearing1997, sWischmeierSmith1978, mMcCool1989, mUsle, mCsle,
  lRusle, lSegment, flowWidthFactor, lDesmetGovers1996, lsMooreBurch1986, UNIT_PLOT_LENGTH_M, SLOPE_9_PERCENT_RAD,
} from './formulas.js';
export {
  mInvest, LS_PRESETS,
  type LsPresetName, type LsLengthMethod, type LsSFormula, type LsMFormula, type LsLFormula, type LsSlopeSource,
  type LsFlowWidth, type LsRouting, type LsPresetOptions,
} from './presets.js';
export {
  lsFactor, lsFromSlopeAndArea, LS_FACTOR_DEFAULTS,
  type LsFactorOptions, type LsFactorResult, type LsSlopeUnits, type LsAreaUnits, type LsFromSlopeAndAreaOptions,
} from './ls-factor.js';
export {
  lsFactorTiled, lsPlan, LS_TILED_PRESETS, LS_IN_MEMORY_BYTES_PER_CELL, slopeLengthLsTileVisit, slopeLengthLsTileOutput,
  slopeLengthLsParams, routeLsExits, LsCellMemo,
  type LsFactorTiledOptions, type SlopeLengthLsTileInput, type SlopeLengthLsTileState, type SlopeLengthLsExits,
} from './ls-tiled.js';
export {
  grassLsTileVisit, grassLsTileOutput, routeGrassLsExits,
  type GrassLsTileInput, type GrassLsTileState, type GrassLsExits,
} from './grass-tiled.js';
export { type SlopeLengthLsParams } from './slope-length-ls.js';
