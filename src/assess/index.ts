/**
 * `src/assess`: SL 190-2007 intensity grading, zones (rasters and GeoJSON), the conservation rate per zone, change
 * between years, the plan to reach a target rate, and early warning for human-caused soil loss.
 * @module
 */
export {
  gradeIntensity, intensityClassOf, classThresholds, REGION_TOLERANCE_T_KM2, INTENSITY_NODATA, INTENSITY_CLASS_NAMES,
  SL190_BOUNDS_T_KM2, GRADE_DEFAULTS, type SoilLossUnits, type ToleranceRegion, type Tolerance, type GradeOptions,
} from './grading.js';
export { proj4Definition, lonLatToGrid, gridToLonLat, polygonizeToLonLat, type CoordinateTransform } from './reproject.js';
export { rasterizePolygons, type PolygonRings, type RasterizeOptions, type RasterizeResult } from './rasterize.js';
export {
  zonesFromRaster, zonesFromGeoJson, parseZoneTable,
  type ZoneId, type ZoneNode, type ZoneLayer, type ZoneHierarchy, type ZonesFromRasterOptions, type GeoJsonLike,
  type ZonesFromGeoJsonOptions,
} from './zones.js';
export {
  conservationRate, RateAccumulator, rateTableToCsv, rateTableToJson, RATE_CSV_DEFAULTS,
  type RateRow, type RateTable, type ZoneTolerance, type RateOptions, type ConservationRateOptions, type CsvHeaders,
  type RateCsvOptions, type RateBlock,
} from './rate.js';
export {
  conservationRateStreamed, gradeIntensityStreamed, rateBlockHook,
  type StreamedRateOptions, type StreamedGradeOptions, type AssessBlockNames,
} from './pass.js';
export { classChange, changeTableToCsv, type ChangeOptions, type ChangeRow, type ChangeResult } from './change.js';
export { planTarget, type Measure, type PlanOptions, type PlanRow, type PlanResult } from './plan.js';
export { disturbanceRisk, riskClassOf, riskTableToCsv, type RiskClass, type DisturbanceFactors, type RiskOptions, type RiskRow, type RiskResult } from './risk.js';
export {
  detectDisturbance, patchProperties, disturbancePatchesToCsv, LANDCOVER_SCHEMES, DISTURBANCE_THRESHOLDS, DISTURBANCE_DEFAULTS,
  type DisturbanceMode, type TransitionRule, type DisturbanceOptions, type DisturbancePatch, type DisturbanceCounts,
  type DisturbanceResult,
} from './disturbance.js';
export { annualMonitoring, lossIncreaseInPatches, type MonitoringOptions, type LossIncrease, type MonitoringResult } from './monitor.js';
