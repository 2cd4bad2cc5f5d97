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
export { type PgpMfdRouting } from './routing/mfd-pygeoprocessing.js';
export { dinfRouting, dinfAngles, DINF_DEFAULTS, DINF_NONE, type DinfOptions, type DinfRouting } from './routing/dinf.js';
export { accumulate, ACCUMULATE_DEFAULTS, type Routing, type AccumulationOutput, type AccumulateOptions } from './accumulate.js';
export { flowAccumulation, FLOW_ACCUMULATION_DEFAULTS, type FlowRoutingMethod, type FlowAccumulationOptions } from './routing/chain.js';
export { slopeLength, SLOPE_LENGTH_DEFAULTS, type SlopeLengthOptions, type SlopeLengthResult } from './slope-length.js';
export { resolveZFactor, demHeightWarning } from './elevation.js';
export {
  fillDepressionsTiled, FILL_TILED_DEFAULTS, type FillTiledOptions, type FillTiledStats, type Tiling, tileWindow, tileTotal, checkTiling,
  ringSize, ringPosition, ringIndices, haloWindowValues, OCEAN_LABEL, fillTileSummary, type FillTileSummary, fillSpill, haloFromRings,
  fillTileFinish, type FillTileResult, sameRing, windowCore, raisedTileSummary, type RaisedTileSummary, raisedSizes, restoreTile,
} from './fill-tiled.js';
export {
  resolveFlatsTiled, type ResolveFlatsTiledOptions, flatsWindowValues, flatsReadWindow, flatsTileSummary, type FlatsTileSummary,
  flatsGlobal, type FlatsGlobalOptions, type FlatsTileGlobal, flatsTileFinish, type FlatsTileResult,
} from './flats-tiled.js';
export {
  streamNetwork, watershedsFromOutlets, watershedUnits, watershedCodes, upslopeAreaKm2, WATERSHEDS_FROM_OUTLETS_DEFAULTS, WATERSHED_UNITS_DEFAULTS,
  type StreamThreshold, type StreamSegment, type StreamNetwork, type SnappedOutlet, type WatershedsFromOutletsOptions,
  type WatershedUnit, type WatershedUnitsOptions,
} from './watersheds.js';
export { d8DirectionsTile, d8DirectionsTiled, d8RowTables, type D8TileInput, type D8RowTables, type D8TiledOptions } from './routing/d8-tiled.js';
export {
  accumulateTiled, d8AccumulationTileVisit, d8AccumulationTileOutput, routeTileExits, flowAccumulationPlan, FLOW_IN_MEMORY_BYTES_PER_CELL,
  type AccumulateTiledOptions, type D8AccumulationTileInput, type D8AccumulationTileState, type TileExits,
} from './accumulate-tiled.js';
