/**
 * The flow chain in one call: depression filling (Priority-Flood, Barnes, Lehman & Mulla 2014), flat resolution
 * (Barnes, Lehman & Mulla 2014), routing (D8, MFD or D∞) and accumulation (the in-degree accumulator).
 *
 * Memory is released step by step: after routing, the flat arrays (8 bytes per cell) are dropped; for D8 the filled
 * DEM is dropped too, so the accumulation step holds only the codes (1 B/cell), the in-degree (1 B/cell) and the
 * Float64 output (8 B/cell) besides the caller's DEM. MFD keeps the filled DEM and the flats for the accumulator.
 * Complexity: that of the fill (O(n log n) worst case, near O(n) with the radix queue) plus O(n).
 * @module
 */

import { RusleError } from '../../raster/errors.js';
import { Raster } from '../../raster/raster.js';
import { resolveZFactor, scaleElevations } from '../elevation.js';
import { type AccumulationOutput, type Routing, accumulate } from '../accumulate.js';
import { fillDepressions } from '../fill.js';
import { type FlatResolution, resolveFlats } from '../flats.js';
import { checkExponent, floatDem } from './common.js';
import { d8Directions } from './d8.js';
import { dinfAngles } from './dinf.js';
import { type MfdMethod, mfdRouting } from './mfd.js';

/** Routing methods of {@link flowAccumulation}. */
export type FlowRoutingMethod = 'd8' | 'mfd' | 'dinf';

/** Options of {@link flowAccumulation}. */
export interface FlowAccumulationOptions {
  /**
   * Routing: `d8` (O'Callaghan & Mark 1984), `mfd` (Freeman 1991 by default; see `mfdMethod`) or `dinf`
   * (Tarboton 1997).
   * @defaultValue `'d8'`
   */
  readonly routing?: FlowRoutingMethod;
  /**
   * MFD variant (`routing: 'mfd'` only).
   * @defaultValue `'freeman1991'`
   */
  readonly mfdMethod?: MfdMethod;
  /**
   * MFD exponent (`routing: 'mfd'` only), dimensionless, > 0.
   * @defaultValue the variant's default (1.1 for Freeman 1991)
   */
  readonly exponent?: number;
  /**
   * `cells` (contributing cells, the cell included), `m2` (upslope area, m², the cell included) or `sca`
   * (specific catchment area, m: the area divided by the cell width).
   * @defaultValue `'cells'`
   */
  readonly output?: AccumulationOutput;
  /**
   * Fill depressions first (`fillDepressions`, no ε) — turn off only for a DEM that is already filled.
   * @defaultValue true
   */
  readonly fill?: boolean;
  /**
   * Resolve flats (`resolveFlats`) so that flat cells drain; off only for a DEM without flats.
   * @defaultValue true
   */
  readonly resolveFlats?: boolean;
  /**
   * Weight of each cell's own contribution (a raster on the DEM's grid, nodata counts 0, or a constant).
   * @defaultValue 1
   */
  readonly weights?: Raster | number;
  /**
   * Metres per elevation unit (as `gdaldem -s`). Directions and areas do not change under a uniform vertical
   * scale; the factor states the unit, and is required for a DEM that declares a vertical unit other than the metre.
   * @defaultValue 1 (heights in metres)
   */
  readonly zFactor?: number;
}

/** Defaults of {@link flowAccumulation}. */
export const FLOW_ACCUMULATION_DEFAULTS = Object.freeze({
  routing: 'd8' as FlowRoutingMethod,
  output: 'cells' as AccumulationOutput,
  fill: true,
  resolveFlats: true,
  weights: 1,
});

/**
 * Fill, resolve flats, route and accumulate a DEM in one call.
 *
 * @param dem - elevations (float with NaN nodata, or integer with its nodata value); not modified.
 * @param options - see {@link FlowAccumulationOptions}.
 * @returns a `Float64Array` raster on the DEM's grid: contributing cells, m² or m (see `output`), NaN for nodata.
 * @throws RusleError `BAD_ARGUMENT` for an unknown routing or output; `BAD_VALUE` for a bad exponent;
 *   `GRID_MISMATCH` for misaligned weights; `BAD_UNITS` when the grid's unit is unknown.
 * @example
 * ```ts
 * const dem = await readRaster('data/willamette/dem_30m.tif');
 * const areaM2 = flowAccumulation(dem, { output: 'm2' });                  // fill + flats + D8 + accumulation
 * const sca = flowAccumulation(dem, { routing: 'mfd', exponent: 1.1, output: 'sca' });
 * ```
 */
export function flowAccumulation(dem: Raster, options: FlowAccumulationOptions = {}): Raster<Float64Array> {
  const routing = options.routing ?? FLOW_ACCUMULATION_DEFAULTS.routing;
  if (routing !== 'd8' && routing !== 'mfd' && routing !== 'dinf') {
    throw new RusleError('BAD_ARGUMENT', `routing: expected 'd8', 'mfd' or 'dinf', got '${String(routing)}'`);
  }
  const output = options.output ?? FLOW_ACCUMULATION_DEFAULTS.output;
  if (output !== 'cells' && output !== 'm2' && output !== 'sca') {
    throw new RusleError('BAD_ARGUMENT', `output: expected 'cells', 'm2' or 'sca', got '${String(output)}'`);
  }
  if (routing !== 'mfd') {
    for (const k of ['exponent', 'mfdMethod'] as const) {
      if (options[k] !== undefined) throw new RusleError('IGNORED_OPTION', `flowAccumulation: ${k} applies to routing 'mfd' only; with routing '${routing}' it would change nothing`, { option: k, routing });
    }
  }
  if (options.exponent !== undefined) checkExponent(options.exponent);
  const weights = options.weights ?? FLOW_ACCUMULATION_DEFAULTS.weights;
  if (!(dem instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'flowAccumulation: dem must be a Raster');
  dem = scaleElevations(dem, resolveZFactor(dem.grid.crs, options.zFactor, 'flowAccumulation'));
  // The routing is built in its own function so that the filled DEM and the flat arrays it does not keep are
  // unreachable (collectable) while the accumulator runs.
  return accumulate(buildRouting(dem, routing, options), { output, weights });
}

function buildRouting(dem: Raster, routing: FlowRoutingMethod, options: FlowAccumulationOptions): Routing {
  const filled = (options.fill ?? FLOW_ACCUMULATION_DEFAULTS.fill) ? fillDepressions(dem) : floatDem(dem);
  const flats: FlatResolution | null = (options.resolveFlats ?? FLOW_ACCUMULATION_DEFAULTS.resolveFlats) ? resolveFlats(filled) : null;
  if (routing === 'mfd') {
    return mfdRouting(filled, {
      flats,
      ...(options.mfdMethod !== undefined ? { method: options.mfdMethod } : {}),
      ...(options.exponent !== undefined ? { exponent: options.exponent } : {}),
    });
  }
  return routing === 'd8'
    ? { kind: 'd8', codes: d8Directions(filled, { flats }) }
    : { kind: 'dinf', angle: dinfAngles(filled, { flats }) };
}
