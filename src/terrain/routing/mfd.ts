/**
 * Multiple-flow-direction (MFD) routing: a cell drains to every lower neighbour j, in proportion to
 * `(tan β_j)^p · L_j` (normalised to sum to 1), where tan β_j = (z − z_j) / distance_j and L_j is a contour-length
 * weight.
 *
 * - `freeman1991` (default): p = 1.1, L = 1 (Freeman 1991, "Calculating catchment area with divergent flow based on
 *   a regular grid", Computers & Geosciences 17(3):413–422, doi:10.1016/0098-3004(91)90048-I). This is SAGA's
 *   `ta_hydrology 0 -METHOD 4` with `-CONVERGENCE p`.
 * - `quinn1991`: p = 1, L = 0.5 × cell size towards cardinal and 0.354 × cell size towards diagonal neighbours (Quinn,
 *   Beven, Chevallier & Planchon 1991, "The prediction of hillslope flow paths for distributed hydrological
 *   modelling using digital terrain models", Hydrological Processes 5(1):59–79, doi:10.1002/hyp.3360050106). On
 *   rectangular cells the cardinal length is half the cell's side across the flow and the diagonal length uses the
 *   mean side.
 * - `holmgren1994`: p = 4 by default (Holmgren 1994, "Multiple flow direction algorithms for runoff modelling in grid
 *   based elevation models: an empirical evaluation", Hydrological Processes 8(4):327–334,
 *   doi:10.1002/hyp.3360080405, found 4–6 realistic), L = 1.
 *
 * Memory: the routing stores nothing per cell. The accumulator recomputes receivers and weights from the DEM (and the
 * flat mask) when it needs them, so an MFD chain costs the DEM plus the accumulator's arrays, not eight floats per
 * cell.
 *
 * Flats: with `flats` (from `resolveFlats`), a flat cell (interior, no nodata neighbour, no lower neighbour) drains to
 * its same-label neighbours with a smaller mask value, weighted the same way with the mask difference in place of the
 * drop (the MFD rule stated in `resolveFlats`). Edges and nodata: off-grid
 * and nodata neighbours are never receivers; a cell without receivers is an outlet; the `boundary` option chooses
 * what cells on the edge do (SAGA's rule is `extrapolate`).
 *
 * Complexity: O(1) to build; the accumulator does O(8 n) work.
 * @module
 */

import { RusleError } from '../../raster/errors.js';
import type { Raster, FloatArray } from '../../raster/raster.js';
import { checkExponent, flatArrays, floatDem } from './common.js';
import type { FlatResolution } from '../flats.js';

/** MFD variants; see the module header. */
export type MfdMethod = 'freeman1991' | 'quinn1991' | 'holmgren1994';

/** Options of {@link mfdRouting}. */
export interface MfdOptions {
  /**
   * Variant: `freeman1991`, `quinn1991` (contour-length weights) or `holmgren1994`.
   * @defaultValue `'freeman1991'`
   */
  readonly method?: MfdMethod;
  /**
   * Exponent p on tan β (dimensionless, > 0).
   * @defaultValue 1.1 for `freeman1991`, 1 for `quinn1991`, 4 for `holmgren1994`
   */
  readonly exponent?: number;
  /**
   * The flat resolution of the same DEM (`resolveFlats`, Barnes et al. 2014).
   * @defaultValue `null`
   */
  readonly flats?: FlatResolution | null;
  /**
   * Cells on the grid edge or beside nodata. `inward`: like any cell, they drain to their lower valid neighbours.
   * `outlet`: they have no receivers (flow leaves the grid). `extrapolate`: an off-grid or nodata neighbour gets the
   * elevation mirrored through the cell from the opposite neighbour, and the share sent towards it leaves the grid —
   * SAGA's `ta_hydrology 0 -METHOD 4` rule (`Set_MFD` in Flow_Parallel.cpp). With `outlet` or `extrapolate`, mass
   * leaves the grid at its edges.
   * @defaultValue `'inward'`
   */
  readonly boundary?: MfdBoundary;
}

/** Edge rule of MFD; see {@link MfdOptions.boundary}. */
export type MfdBoundary = 'inward' | 'outlet' | 'extrapolate';

/** Defaults of {@link mfdRouting}. */
export const MFD_DEFAULTS = Object.freeze({
  method: 'freeman1991' as MfdMethod,
  exponent: Object.freeze({ freeman1991: 1.1, quinn1991: 1, holmgren1994: 4 }) as Readonly<Record<MfdMethod, number>>,
  flats: null,
  boundary: 'inward' as MfdBoundary,
});

/** An MFD routing: the DEM and the parameters; receivers and weights are recomputed by the accumulator. */
export interface MfdRouting {
  /** Discriminant. */
  readonly kind: 'mfd';
  /** The (filled) DEM, float, NaN nodata. */
  readonly dem: Raster<FloatArray>;
  /** The flat resolution, or null. */
  readonly flats: FlatResolution | null;
  /** Exponent p. */
  readonly exponent: number;
  /** True for Quinn et al. (1991) contour-length weights. */
  readonly contourWeights: boolean;
  /** The variant. */
  readonly method: MfdMethod;
  /** Edge rule. */
  readonly boundary: MfdBoundary;
}

/**
 * An MFD routing of a DEM (no per-cell storage; see the module header).
 *
 * @param dem - elevations, depression-filled; NaN (or the integer nodata) marks nodata.
 * @param options - see {@link MfdOptions}.
 * @returns the tagged routing for `accumulate`.
 * @throws RusleError `BAD_VALUE` for an exponent that is not a finite number > 0; `BAD_ARGUMENT` for an unknown
 *   method; `GRID_MISMATCH` when the mask's grid differs.
 * @example
 * ```ts
 * const sca = accumulate(mfdRouting(filled, { exponent: 1.1, flats }), { output: 'sca' });
 * ```
 */
export function mfdRouting(dem: Raster, options: MfdOptions = {}): MfdRouting {
  const method = options.method ?? MFD_DEFAULTS.method;
  if (method !== 'freeman1991' && method !== 'quinn1991' && method !== 'holmgren1994') {
    throw new RusleError('BAD_ARGUMENT', `method: expected 'freeman1991', 'quinn1991' or 'holmgren1994', got '${String(method)}'`);
  }
  const exponent = options.exponent ?? MFD_DEFAULTS.exponent[method];
  checkExponent(exponent);
  const z = floatDem(dem);
  flatArrays(z, options.flats);
  const boundary = options.boundary ?? MFD_DEFAULTS.boundary;
  if (boundary !== 'inward' && boundary !== 'outlet' && boundary !== 'extrapolate') {
    throw new RusleError('BAD_ARGUMENT', `boundary: expected 'inward', 'outlet' or 'extrapolate', got '${String(boundary)}'`);
  }
  return { kind: 'mfd', dem: z, flats: options.flats ?? null, exponent, contourWeights: method === 'quinn1991', method, boundary };
}
