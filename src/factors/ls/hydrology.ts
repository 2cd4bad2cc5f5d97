/**
 * The hydrology steps `lsFactor` needs — depression filling, slope and aspect, routing and upslope area — in one
 * private adapter, so the LS code does not depend on which terrain module provides each step.
 *
 * Filling (`conditionDem`) is the terrain layer's `fillDepressions` with ε (Priority-Flood+ε, Barnes, Lehman & Mulla
 * 2014, doi:10.1016/j.cageo.2013.04.024); slope and aspect its Horn (1981) `slope`, `slopeAspect` and
 * `slopePercentAndFlowWidth` with gdaldem's `-compute_edges` rule; routing and accumulation its `d8Directions`,
 * `mfdRouting`, `dinfRouting` and `accumulate` (upslope area in m², the cell included).
 *
 * Not part of the public API.
 * @module
 */

import { Raster, type FloatArray } from '../../raster/raster.js';
import { accumulate } from '../../terrain/accumulate.js';
import { fillDepressions } from '../../terrain/fill.js';
import { d8Directions } from '../../terrain/routing/d8.js';
import { dinfRouting } from '../../terrain/routing/dinf.js';
import { mfdRouting } from '../../terrain/routing/mfd.js';
import { slope, slopeAspect, slopePercentAndFlowWidth } from '../../terrain/slope.js';

/**
 * Horn (1981) slope (radians) and aspect (radians clockwise from north, downslope direction; NaN where flat), from
 * the terrain layer's `slopeAspect` with gdaldem's `-compute_edges` rule.
 */
export function hornSlopeAspect(dem: Raster<FloatArray>): { slopeRad: Float64Array; aspectRad: Float64Array } {
  const r = slopeAspect(dem, { method: 'horn', edges: 'compute' });
  return { slopeRad: r.slopeRad.data, aspectRad: r.aspectRad.data };
}

/** Horn (1981) slope as a percentage (100 · tan θ), Float32, from the terrain layer's `slope` (no atan, no aspect). */
export function hornSlopePercent(dem: Raster<FloatArray>, out?: Float32Array): Float32Array {
  return slope(dem, { method: 'horn', edges: 'compute', units: 'percent', ...(out ? { out: new Raster(dem.grid, out) } : {}) }).data;
}

/**
 * Horn (1981) slope as a percentage (Float32, the values of `hornSlopePercent`) and the Desmet & Govers flow-width
 * factor x = |sin α| + |cos α| (Float64, 1 where flat) from the same gradient in one pass, gdaldem's
 * `-compute_edges` rule.
 */
export function hornSlopePercentAndFlowWidth(dem: Raster<FloatArray>, out?: Float32Array): { slopePercent: Float32Array; flowWidth: Float64Array } {
  const r = slopePercentAndFlowWidth(dem, { method: 'horn', edges: 'compute', ...(out ? { out: new Raster(dem.grid, out) } : {}) });
  return { slopePercent: r.slopePercent.data, flowWidth: r.flowWidth.data };
}

/** D8 codes of a filled DEM (steepest descent, true distances), from the routing module. */
export function d8Codes(filled: Raster<FloatArray>): Raster<Uint8Array> {
  return d8Directions(filled);
}

/** Depression filling with ε (every valid cell gets a strictly lower path to an outlet), or a float copy. */
export function conditionDem(dem: Raster, fill: boolean): Raster<FloatArray> {
  if (!fill) return dem.toFloat(Float64Array);
  return fillDepressions(dem, { epsilon: true });
}

/**
 * Upslope area in m² (the cell included) under a routing; for D∞ also the flow angle (radians CCW from east,
 * -1 none), which InVEST uses for the flow-width factor.
 */
export function upslopeArea(filled: Raster<FloatArray>, routing: 'd8' | 'mfd' | 'dinf'): { areaM2: Float64Array; codes?: Raster<Uint8Array>; dinfAngle?: Float32Array } {
  if (routing === 'd8') {
    const codes = d8Directions(filled);
    return { areaM2: accumulate({ kind: 'd8', codes }, { output: 'm2' }).data, codes };
  }
  if (routing === 'mfd') return { areaM2: accumulate(mfdRouting(filled), { output: 'm2' }).data };
  const r = dinfRouting(filled);
  return { areaM2: accumulate(r, { output: 'm2' }).data, dinfAngle: r.angle.data };
}

