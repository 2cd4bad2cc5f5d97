/**
 * `src/terrain`: slope and aspect, depression filling, flats, flow routing, accumulation, slope length.
 * @module
 */
export { D8_CODES, D8_NONE, D8_NODATA } from './d8codes.js';
export { slope, aspect, slopeAspect, SLOPE_DEFAULTS, type SlopeUnits, type AspectUnits, type SlopeMethod, type SlopeEdgeRule, type GradientOptions, type SlopeOptions, type AspectOptions } from './slope.js';
export { fillDepressions, fillDepressionsWithStats, FILL_DEFAULTS, type FillOptions, type FillStats, type FillPriorityQueue } from './fill.js';
export { resolveFlats, RESOLVE_FLATS_DEFAULTS, type ResolveFlatsOptions, type FlatResolution } from './flats.js';
export { d8Directions, d8Routing, d8RoutingFromCodes, D8_DEFAULTS, type D8Options, type D8Routing } from './routing/d8.js';
export { mfdRouting, MFD_DEFAULTS, type MfdMethod, type MfdOptions, type MfdBoundary, type MfdRouting } from './routing/mfd.js';
export { dinfRouting, dinfAngles, DINF_DEFAULTS, DINF_NONE, type DinfOptions, type DinfRouting } from './routing/dinf.js';
export { accumulate, ACCUMULATE_DEFAULTS, type Routing, type AccumulationOutput, type AccumulateOptions } from './accumulate.js';
export { flowAccumulation, FLOW_ACCUMULATION_DEFAULTS, type FlowRoutingMethod, type FlowAccumulationOptions } from './routing/chain.js';
export { slopeLength, SLOPE_LENGTH_DEFAULTS, type SlopeLengthOptions, type SlopeLengthResult } from './slope-length.js';
export { d8DirectionsTile, d8DirectionsTiled, d8RowTables, type D8TileInput, type D8RowTables, type D8TiledOptions } from './routing/d8-tiled.js';
export {
  accumulateTiled, d8AccumulationTileVisit, d8AccumulationTileOutput, routeTileExits, flowAccumulationPlan, FLOW_IN_MEMORY_BYTES_PER_CELL,
  type AccumulateTiledOptions, type D8AccumulationTileInput, type D8AccumulationTileState, type TileExits,
} from './accumulate-tiled.js';
export {
  fillDepressionsTiled, FILL_TILED_DEFAULTS, fillTileSummary, fillSpill, fillTileFinish, haloFromRings, haloWindowValues, sameRing,
  raisedTileSummary, raisedSizes, restoreTile, windowCore, tileWindow, tileTotal, checkTiling, ringSize, ringPosition, ringIndices, OCEAN_LABEL,
  type Tiling, type FillTileSummary, type FillTileResult, type RaisedTileSummary, type FillTiledOptions, type FillTiledStats,
} from './fill-tiled.js';
export {
  resolveFlatsTiled, flatsWindowValues, flatsReadWindow, flatsTileSummary, flatsGlobal, flatsTileFinish,
  type FlatsTileSummary, type FlatsTileGlobal, type FlatsGlobalOptions, type FlatsTileResult, type ResolveFlatsTiledOptions,
} from './flats-tiled.js';
