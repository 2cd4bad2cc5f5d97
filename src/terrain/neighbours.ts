/**
 * Eight-neighbour geometry shared by the terrain kernels (slope, fill, flats, routing, accumulation, slope length):
 * index offsets of the neighbours of a cell in a row-major grid and the true horizontal distances to them, per row.
 *
 * Neighbour order is the D8 order of `d8codes.ts`: `k = 0..7` is E, SE, S, SW, W, NW, N, NE (rows grow
 * southward), so `D8_CODES[k]` names the same neighbour as `offsets[k]` and `distances[row * 8 + k]`.
 *
 * Distances come from the grid ({@link Grid.rowCellWidthsMeters} and {@link Grid.rowCellHeightsMeters}): in a
 * projected grid they are the cell size times the CRS linear unit; in a geographic grid the east-west distance of
 * row `r` is the ellipsoidal width of a cell at the row's centre latitude and the north-south distance is the
 * meridian arc of one cell height at that latitude. A diagonal is √(dx² + dy²) of the centre row. Degrees are never
 * treated as metres. (Using the centre row for steps to the rows above and below is the usual approximation; for a
 * 1″ grid the relative error is below 1e-7.)
 *
 * Complexity: O(height) time and memory. No nodata involved.
 * @module
 */

import { RusleError } from '../raster/errors.js';
import type { Grid } from '../raster/grid.js';

/** Column offsets of the eight neighbours in D8 order E, SE, S, SW, W, NW, N, NE. */
export const NEIGHBOUR_DCOL: Int8Array = Int8Array.of(1, 1, 0, -1, -1, -1, 0, 1);
/** Row offsets of the eight neighbours in D8 order (rows grow southward). */
export const NEIGHBOUR_DROW: Int8Array = Int8Array.of(0, 1, 1, 1, 0, -1, -1, -1);
/** Index `k` of the neighbour opposite to neighbour `k` (E ↔ W, SE ↔ NW, …). */
export const NEIGHBOUR_OPPOSITE: Uint8Array = Uint8Array.of(4, 5, 6, 7, 0, 1, 2, 3);
/** 1 for the diagonal neighbours (SE, SW, NW, NE), 0 for the cardinal ones, in D8 order. */
export const NEIGHBOUR_IS_DIAGONAL: Uint8Array = Uint8Array.of(0, 1, 0, 1, 0, 1, 0, 1);

/**
 * Flat-index offsets of the eight neighbours for a row-major grid of `width` columns, D8 order:
 * `[1, width + 1, width, width - 1, -1, -width - 1, -width, -width + 1]`. Valid only for cells that are not on
 * the grid edge (check with {@link isEdgeCell} or loop over the interior).
 *
 * @param width - number of columns (positive integer).
 * @returns an `Int32Array` of 8 offsets.
 * @throws RusleError `BAD_ARGUMENT` when `width` is not a positive integer.
 * @example
 * ```ts
 * const off = neighbourOffsets(100); // off[2] === 100 (the cell south)
 * ```
 */
export function neighbourOffsets(width: number): Int32Array {
  if (!(Number.isInteger(width) && width > 0)) {
    throw new RusleError('BAD_ARGUMENT', `neighbourOffsets: width must be a positive integer, got ${width}`);
  }
  const out = new Int32Array(8);
  for (let k = 0; k < 8; k++) out[k] = NEIGHBOUR_DROW[k]! * width + NEIGHBOUR_DCOL[k]!;
  return out;
}

/** True when the cell at (`col`, `row`) lies on the outer ring of a `width × height` grid. */
export function isEdgeCell(col: number, row: number, width: number, height: number): boolean {
  return col === 0 || row === 0 || col === width - 1 || row === height - 1;
}

/** True horizontal distances between neighbouring cell centres, per row, metres. */
export interface NeighbourDistances {
  /** East-west distance between centres in the same row, per row, metres (length `height`). */
  readonly dxM: Float64Array;
  /** North-south distance between centres in the same column, per row, metres (length `height`). */
  readonly dyM: Float64Array;
  /** Diagonal distance √(dx² + dy²) per row, metres (length `height`). */
  readonly diagonalM: Float64Array;
  /**
   * Distance to each of the eight neighbours of a cell of row `r`, metres, at `[r * 8 + k]` in D8 order
   * (length `8 · height`).
   */
  readonly byDirectionM: Float64Array;
}

/**
 * True distances from a cell to its eight neighbours, per row, metres, from the grid's transform and CRS
 * (ellipsoidal for geographic grids).
 *
 * @param grid - a north-up grid whose CRS has a known unit.
 * @returns per-row `dxM`, `dyM`, `diagonalM` and `byDirectionM` (8 per row, D8 order).
 * @throws RusleError `BAD_UNITS` when a projected CRS has no known linear unit; `UNSUPPORTED_TIFF` for rotated grids.
 * @example
 * ```ts
 * const d = neighbourDistances(new Grid(10, 10, [0, 30, 0, 300, 0, -30], projectedCrs()));
 * d.byDirectionM[1]; // 42.43 (SE of row 0)
 * ```
 */
export function neighbourDistances(grid: Grid): NeighbourDistances {
  const h = grid.height;
  const dx = Float64Array.from(grid.rowCellWidthsMeters());
  const dy = Float64Array.from(grid.rowCellHeightsMeters());
  const diag = new Float64Array(h);
  const by = new Float64Array(8 * h);
  for (let r = 0; r < h; r++) {
    const a = dx[r]!;
    const b = dy[r]!;
    const d = Math.sqrt(a * a + b * b);
    diag[r] = d;
    const o = r * 8;
    by[o] = a;
    by[o + 1] = d;
    by[o + 2] = b;
    by[o + 3] = d;
    by[o + 4] = a;
    by[o + 5] = d;
    by[o + 6] = b;
    by[o + 7] = d;
  }
  return { dxM: dx, dyM: dy, diagonalM: diag, byDirectionM: by };
}
