/**
 * `src/factors`: R, K, LS, C, P (and CSLE's B, E, T) — formulas as pure scalar functions, registered in one
 * registry, plus raster appliers.
 *
 * Naming: a scalar formula is the factor's letter and its method or authors (`kEpic`, `cCai2000`, `sLiu1994`,
 * `unitEnergyBrownFoster1987`); a raster applier is `<factor>FactorFrom<Input>` (`kFactorFromTexture`,
 * `cFactorFromNdvi`, `rFactorFromPrecipitation`) or `<quantity>From<Input>` (`fvcFromNdvi`).
 * @module
 */
export { formulas, type Formula, type FormulaInfo, type FormulaInput } from './registry.js';
export * from './ls/index.js';
export {
  convertUnits, convertErosivity, convertErodibility, convertSoilLoss, soilLossDepthMm,
  R_US_TO_SI, K_US_TO_SI, ENERGY_US_TO_SI, TON_PER_ACRE_TO_T_PER_HA, T_PER_HA_TO_T_PER_KM2,
  type ErosivityUnit, type ErodibilityUnit, type SoilLossUnit,
} from './units.js';
export { unitEnergyBrownFoster1987, unitEnergyRusle2, unitEnergyWischmeierSmith1978, unitEnergyFunction, type UnitEnergyMethod } from './rainfall/energy.js';
export {
  stormErosivity, fixedIntervalRecord, breakpointRecord, STORM_EROSIVITY_DEFAULTS,
  type RainRecord, type StormErosivityOptions, type StormEvent, type StormErosivityResult,
} from './rainfall/storms.js';
export {
  zhangDailyErosivity, zhangAlpha, zhangBeta, rRenardFreimund1994, rRenardFreimund1994Fournier, fournierIndex,
  ZHANG_DAILY_THRESHOLD_MM, type DailyRainSeries, type ZhangDailyResult,
} from './rainfall/models.js';
export { idwToGrid, IDW_DEFAULTS, type Station, type IdwOptions } from './rainfall/idw.js';
export {
  kNomograph, kEpic, kShiraziBoersmaFromDg, geometricMeanDiameterMm, TEXTURE_SUM_TOLERANCE_PCT, USDA_MEAN_DIAMETER_MM,
} from './soil/erodibility.js';
export { cVanDerKnijff, cCai2000, fvcDimidiate, annualBFactor } from './cover/cover.js';
export { parseLookupTable, soilTableFromSeims, OM_TO_OC, type LookupTable, type LookupTableOptions, type SoilProperties } from './tables.js';
export {
  kFactorFromTexture, kFactorFromSoilTable, rFactorFromPrecipitation, cFactorFromLandCover, cFactorFromNdvi, fvcFromNdvi,
  pFactorFromLandCover, pFactorFromSlope, bFactorFromTable, lookupRaster, kFactorRaster, rFactorRaster, fvcRaster,
  type RasterOrNumber, type OutOfRangePolicy, type ApplyOptions, type FactorReport, type FactorResult,
  type KFactorInputs, type KMethod, type KFactorOptions, type LookupOptions, type CFromNdviOptions, type SlopePRow,
  type PFromSlopeOptions, type BTableRow, type RFactorOptions,
} from './appliers.js';
