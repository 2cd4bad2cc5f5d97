/**
 * Shared, private helpers of the routing modules (D8, MFD, D∞): DEM validation, per-row neighbour distances, the
 * flat-mask argument. Not exported from the package.
 * @module
 */

import { RusleError } from '../../raster/errors.js';
import { Raster, isFloatArray, type FloatArray } from '../../raster/raster.js';
import type { FlatResolution } from '../flats.js';

/** A float DEM (NaN nodata). Integer DEMs are converted (their nodata value becomes NaN). @internal */
export function floatDem(dem: Raster, name = 'dem'): Raster<FloatArray> {
  if (!(dem instanceof Raster)) throw new RusleError('BAD_ARGUMENT', `${name}: expected a Raster, got ${typeof dem}`);
  if (isFloatArray(dem.data)) return dem as Raster<FloatArray>;
  return dem.toFloat(Float32Array);
}

/** Flat arrays of a {@link FlatResolution}, validated against the DEM's shape. @internal */
export interface FlatArrays {
  readonly mask: Int32Array;
  readonly labels: Int32Array;
}

/** Validates the optional flat resolution (from `resolveFlats`) and returns its arrays (or null). @internal */
export function flatArrays(dem: Raster, flats: FlatResolution | null | undefined): FlatArrays | null {
  if (flats === undefined || flats === null) return null;
  if (typeof flats !== 'object' || !(flats.flatMask instanceof Int32Array) || !(flats.labels instanceof Int32Array)) {
    throw new RusleError('BAD_ARGUMENT', 'flats: expected the result of resolveFlats ({ flatMask, labels, … })');
  }
  if (flats.width !== dem.width || flats.height !== dem.height || flats.flatMask.length !== dem.width * dem.height) {
    throw new RusleError('GRID_MISMATCH', `flats: resolved on a ${flats.width} × ${flats.height} grid, but the DEM is ${dem.width} × ${dem.height}`);
  }
  return { mask: flats.flatMask, labels: flats.labels };
}

/** True when cell (r, c) is on the grid's outer ring or has a nodata neighbour (an outlet in the flats rule). @internal */
export function touchesEdge(z: FloatArray, w: number, h: number, r: number, c: number): boolean {
  if (r === 0 || c === 0 || r === h - 1 || c === w - 1) return true;
  const i = r * w + c;
  for (let k = 0; k < 8; k++) {
    const v = z[i + ORDER_DY[k]! * w + ORDER_DX[k]!]!;
    if (v !== v) return true;
  }
  return false;
}

/**
 * Per-row neighbour distances in metres: `dx[r]` (east-west), `dy[r]` (north-south) and `diag[r]`
 * (√(dx² + dy²)) of the cells of row `r`. Geographic grids get true distances on the ellipsoid at the row's centre
 * latitude (from {@link Grid.rowCellWidthsMeters}); the distance to a neighbour in the next row uses the current row's
 * sizes. @internal
 */
export function rowDistances(dem: Raster): { dx: Float64Array; dy: Float64Array; diag: Float64Array } {
  const dx = dem.grid.rowCellWidthsMeters();
  const dy = dem.grid.rowCellHeightsMeters();
  const h = dem.grid.height;
  const diag = new Float64Array(h);
  for (let r = 0; r < h; r++) diag[r] = Math.hypot(dx[r]!, dy[r]!);
  return { dx, dy, diag };
}

/** Validates a finite positive exponent. @internal */
export function checkExponent(exponent: number, name = 'exponent'): void {
  if (typeof exponent !== 'number' || !(exponent > 0) || !Number.isFinite(exponent)) {
    throw new RusleError('BAD_VALUE', `${name}: expected a finite number > 0, got ${exponent}`);
  }
}

/** Neighbour scan order N, NE, E, SE, S, SW, W, NW (clockwise from north): D8 codes. @internal */
export const ORDER_CODE: readonly number[] = [64, 128, 1, 2, 4, 8, 16, 32];
/** Column offsets in scan order. @internal */
export const ORDER_DX: readonly number[] = [0, 1, 1, 1, 0, -1, -1, -1];
/** Row offsets in scan order (rows grow southward). @internal */
export const ORDER_DY: readonly number[] = [-1, -1, 0, 1, 1, 1, 0, -1];

/** Column offsets in D8 code order E, SE, S, SW, W, NW, N, NE. @internal */
const CODE_DX = [1, 1, 0, -1, -1, -1, 0, 1];
/** Row offsets in D8 code order. @internal */
const CODE_DY = [0, 1, 1, 1, 0, -1, -1, -1];

/**
 * Receiver of a flat cell under the flat resolution (Barnes et al. 2014), with the rule of `resolveFlats` /
 * `flatD8Neighbour`: among the neighbours with the same label, the one with the smallest mask value below the cell's
 * own; ties go to the first in D8 code order E, SE, S, SW, W, NW, N, NE. Call only for interior cells without nodata
 * neighbours that have no lower neighbour. Returns the neighbour's index 0–7 in D8 code order, or -1. @internal
 */
export function flatNeighbour(flats: FlatArrays, w: number, r: number, c: number): number {
  const i = r * w + c;
  const labels = flats.labels;
  const mask = flats.mask;
  const l = labels[i]!;
  if (!(l > 0)) return -1;
  let best = mask[i]!;
  let bestK = -1;
  for (let k = 0; k < 8; k++) {
    const j = i + CODE_DY[k]! * w + CODE_DX[k]!;
    if (labels[j] === l && mask[j]! < best) {
      best = mask[j]!;
      bestK = k;
    }
  }
  return bestK;
}

/**
 * Directions (radians CCW from east) of the eight neighbours of a cell of a row with sizes dx × dy, in the order
 * E, NE, N, NW, W, SW, S, SE, plus 2π at index 8. @internal
 */
export function dinfNeighbourDirections(dx: number, dy: number, out: Float64Array): void {
  const a = Math.atan2(dy, dx);
  out[0] = 0;
  out[1] = a;
  out[2] = Math.PI / 2;
  out[3] = Math.PI - a;
  out[4] = Math.PI;
  out[5] = Math.PI + a;
  out[6] = 1.5 * Math.PI;
  out[7] = 2 * Math.PI - a;
  out[8] = 2 * Math.PI;
}

/** Row and column offsets of the neighbours in the order E, NE, N, NW, W, SW, S, SE (index 8 = E again). @internal */
export const CCW_DR: readonly number[] = [0, -1, -1, -1, 0, 1, 1, 1, 0];
/** Column offsets, same order. @internal */
export const CCW_DC: readonly number[] = [1, 1, 0, -1, -1, -1, 0, 1, 1];

