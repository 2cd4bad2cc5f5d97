/**
 * Shared, private helpers of the routing modules (D8, MFD, D∞): DEM validation, per-row neighbour distances, the
 * flat-mask argument. Not exported from the package.
 * @module
 */

import { RusleError } from '../../raster/errors.js';
import { assertAligned } from '../../raster/grid.js';
import { Raster, isFloatArray, type FloatArray, type TypedArray } from '../../raster/raster.js';

/**
 * A flat-resolution mask (Barnes, Lehman & Mulla 2014): an integer raster on the DEM's grid in which, inside each
 * flat (a connected set of equal-elevation cells), a cell drains to an equal-elevation neighbour with a smaller mask
 * value. Cells outside flats are not read. Any integer typed array is accepted (terrain-A's `resolveFlats` output).
 */
export type FlatMask = Raster<TypedArray>;

/** A float DEM (NaN nodata). Integer DEMs are converted (their nodata value becomes NaN). @internal */
export function floatDem(dem: Raster, name = 'dem'): Raster<FloatArray> {
  if (!(dem instanceof Raster)) throw new RusleError('BAD_ARGUMENT', `${name}: expected a Raster, got ${typeof dem}`);
  if (isFloatArray(dem.data)) return dem as Raster<FloatArray>;
  const src = dem.data;
  const n = src.length;
  const out = new Float32Array(n);
  const nd = dem.nodata;
  for (let i = 0; i < n; i++) {
    const v = src[i]!;
    out[i] = nd !== null && v === nd ? NaN : v;
  }
  return new Raster(dem.grid, out, NaN);
}

/** Validates the optional flat mask and returns its data (or null). @internal */
export function flatMaskData(dem: Raster, mask: FlatMask | null | undefined): TypedArray | null {
  if (mask === undefined || mask === null) return null;
  if (!(mask instanceof Raster)) throw new RusleError('BAD_ARGUMENT', `flatMask: expected a Raster of integers from resolveFlats, got ${typeof mask}`);
  assertAligned(dem, mask, ['dem', 'flatMask']);
  return mask.data;
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

/**
 * Flat-cell receiver from the Barnes (2014) mask: among equal-elevation in-grid neighbours, the one with the smallest
 * mask value below the cell's own; at equal mask values a cardinal neighbour beats a diagonal one, then scan order.
 * Returns the scan-order index 0–7, or -1. @internal
 */
export function flatNeighbour(z: FloatArray, mask: TypedArray, w: number, h: number, r: number, c: number): number {
  const i = r * w + c;
  const zc = z[i]!;
  let best = mask[i]!;
  let bestK = -1;
  let bestCardinal = false;
  for (let k = 0; k < 8; k++) {
    const rr = r + ORDER_DY[k]!;
    const cc = c + ORDER_DX[k]!;
    if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
    const j = rr * w + cc;
    if (z[j] !== zc) continue;
    const m = mask[j]!;
    const cardinal = (k & 1) === 0;
    if (m < best || (m === best && bestK >= 0 && cardinal && !bestCardinal)) {
      best = m;
      bestK = k;
      bestCardinal = cardinal;
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

