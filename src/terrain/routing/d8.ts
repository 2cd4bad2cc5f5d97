/**
 * D8 single-flow-direction routing: every cell drains to the one of its eight neighbours with the steepest downhill
 * gradient, drop / distance (O'Callaghan & Mark 1984, "The extraction of drainage networks from digital elevation
 * data", Computer Vision, Graphics, and Image Processing 28(3):323–344, doi:10.1016/S0734-189X(84)80011-0).
 *
 * - **Distances** are true horizontal distances in metres from the grid: east-west `dx`, north-south `dy` and the
 *   diagonal √(dx² + dy²) of the cell's row (per row on geographic grids, on the ellipsoid).
 * - **Ties** (equal gradients) go to the first neighbour in the fixed clockwise order N, NE, E, SE, S, SW, W, NW (the
 *   order SAGA scans its neighbours in), with a strict `>` comparison, so the output is deterministic.
 * - **Flats.** An interior cell without nodata neighbours and without a strictly lower neighbour is a flat cell.
 *   With `flats` (the result of `resolveFlats`, Barnes, Lehman & Mulla 2014, doi:10.1016/j.cageo.2013.01.009) it
 *   drains to the same-label neighbour with the smallest mask value below its own, ties to the first in D8 code order
 *   E, SE, S, SW, W, NW, N, NE — the rule of `flatD8Neighbour`. Without `flats`, or when no such neighbour exists,
 *   the cell gets {@link D8_NONE}.
 * - **Edges and nodata.** Off-grid and nodata neighbours are never receivers. A cell without a receiver (on the
 *   grid edge, beside nodata, or an unresolved pit or flat) gets `D8_NONE` (0); a nodata cell gets
 *   {@link D8_NODATA} (255). By default (`boundary: 'inward'`) edge cells with a lower interior neighbour drain
 *   inward; `boundary: 'outlet'` makes every cell on the edge or beside nodata an outlet, as SAGA and GRASS do.
 *
 * Complexity: O(n) time, one byte per cell of output; no other allocation.
 * @module
 */

import { RusleError } from '../../raster/errors.js';
import { Raster, type FloatArray } from '../../raster/raster.js';
import { D8_CODES, D8_NODATA, D8_NONE } from '../d8codes.js';
import { type FlatArrays, ORDER_CODE, ORDER_DX, ORDER_DY, flatArrays, flatNeighbour, floatDem, rowDistances, touchesEdge } from './common.js';
import type { FlatResolution } from '../flats.js';

/** Options of {@link d8Directions}. */
export interface D8Options {
  /**
   * The flat resolution of the same DEM (`resolveFlats`, Barnes et al. 2014); when given, flat cells drain along
   * its mask. When omitted, flat cells get `D8_NONE`.
   * @defaultValue `null`
   */
  readonly flats?: FlatResolution | null;
  /**
   * What cells on the grid edge or beside nodata do. `inward`: like any cell, they drain to their steepest lower
   * valid neighbour and are outlets only when they have none. `outlet`: they never have a receiver (flow leaves the
   * grid there), as SAGA's D8 (`Get_Gradient_NeighborDir` with `bNoEdges`) and GRASS `r.watershed` do.
   * @defaultValue `'inward'`
   */
  readonly boundary?: 'inward' | 'outlet';
}

/** The D8 routing of a DEM: the D8 code raster (ESRI powers of two, 0 none, 255 nodata). */
export interface D8Routing {
  /** Discriminant. */
  readonly kind: 'd8';
  /** D8 codes, `Uint8Array`, nodata 255. */
  readonly codes: Raster<Uint8Array>;
}

/** Defaults of {@link d8Directions}. */
export const D8_DEFAULTS: Required<D8Options> = Object.freeze({ flats: null, boundary: 'inward' });


/**
 * D8 flow directions of a DEM (steepest drop / distance), as ESRI D8 codes.
 *
 * @param dem - elevations (any unit of height, metres usual); float rasters hold NaN for nodata, integer rasters
 *   their declared nodata. Should be depression-filled (and flat-resolved through `options.flats`).
 * @param options - see {@link D8Options}.
 * @returns a `Uint8Array` raster of D8 codes on the DEM's grid: E=1 SE=2 S=4 SW=8 W=16 NW=32 N=64 NE=128,
 *   0 = no receiver, 255 = nodata (the raster's `nodata`).
 * @throws RusleError `BAD_ARGUMENT` when `dem` is not a raster; `GRID_MISMATCH` when the mask's grid differs;
 *   `BAD_UNITS` when the grid's unit is unknown.
 * @example
 * ```ts
 * const codes = d8Directions(filledDem, { flats });
 * const area = accumulate({ kind: 'd8', codes }, { output: 'm2' });
 * ```
 */
export function d8Directions(dem: Raster, options: D8Options = {}): Raster<Uint8Array> {
  const z = floatDem(dem);
  const flats = flatArrays(z, options.flats ?? D8_DEFAULTS.flats);
  const out = new Uint8Array(z.data.length);
  const { dx, dy, diag } = rowDistances(z);
  const boundary = options.boundary ?? D8_DEFAULTS.boundary;
  if (boundary !== 'inward' && boundary !== 'outlet') throw new RusleError('BAD_ARGUMENT', `boundary: expected 'inward' or 'outlet', got '${String(boundary)}'`);
  d8Kernel(z.data, z.grid.width, z.grid.height, dx, dy, diag, flats, boundary === 'outlet', out);
  return new Raster(z.grid, out, D8_NODATA);
}

/**
 * D8 routing of a DEM, ready for `accumulate`: `{ kind: 'd8', codes: d8Directions(dem, options) }`.
 * @param dem - elevations; see {@link d8Directions}.
 * @param options - see {@link D8Options}.
 * @returns the tagged routing.
 * @throws RusleError as {@link d8Directions}.
 * @example
 * ```ts
 * const cells = accumulate(d8Routing(filledDem, { flats }), { output: 'cells' });
 * ```
 */
export function d8Routing(dem: Raster, options: D8Options = {}): D8Routing {
  return { kind: 'd8', codes: d8Directions(dem, options) };
}

/**
 * Wraps an existing D8 code raster (for example read from a file written by another tool in the ESRI convention) as a
 * routing for `accumulate`, after checking every value.
 *
 * @param codes - a `Uint8Array` raster of ESRI D8 codes (1, 2, 4, …, 128; 0 no receiver; 255 nodata). Codes that
 *   point off the grid or into nodata make the cell an outlet in `accumulate`.
 * @returns `{ kind: 'd8', codes }`.
 * @throws RusleError `BAD_ARGUMENT` when `codes` is not a `Raster<Uint8Array>`; `BAD_VALUE` for a byte that is not a
 *   D8 code (the message names its column and row).
 * @example
 * ```ts
 * const codes = await readRaster('flowdir_esri.tif') as Raster<Uint8Array>;
 * const cells = accumulate(d8RoutingFromCodes(codes));
 * ```
 */
export function d8RoutingFromCodes(codes: Raster<Uint8Array>): D8Routing {
  if (!(codes instanceof Raster) || !(codes.data instanceof Uint8Array)) {
    throw new RusleError('BAD_ARGUMENT', 'codes: expected a Raster<Uint8Array> of D8 codes');
  }
  const d = codes.data;
  for (let i = 0; i < d.length; i++) {
    const c = d[i]!;
    if (c !== 0 && c !== 255 && (c & (c - 1)) !== 0) {
      throw new RusleError('BAD_VALUE', `codes: value ${c} at cell ${i % codes.width}, ${Math.floor(i / codes.width)} is not a D8 code (1, 2, 4, …, 128, 0 none, 255 nodata)`);
    }
  }
  return { kind: 'd8', codes };
}

/** Steepest-descent direction of a border cell (bounds-checked). */
function borderDirection(z: FloatArray, w: number, h: number, r: number, c: number, invDx: number, invDy: number, invDiag: number): number {
  const zc = z[r * w + c]!;
  let best = 0;
  let code = D8_NONE;
  for (let k = 0; k < 8; k++) {
    const rr = r + ORDER_DY[k]!;
    const cc = c + ORDER_DX[k]!;
    if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
    const inv = (k & 1) === 1 ? invDiag : k === 2 || k === 6 ? invDx : invDy;
    const s = (zc - z[rr * w + cc]!) * inv;
    if (s > best) {
      best = s;
      code = ORDER_CODE[k]!;
    }
  }
  return code;
}

/** The D8 kernel. NaN neighbours drop out because every comparison with NaN is false. */
function d8Kernel(
  z: FloatArray, w: number, h: number,
  dxs: Float64Array, dys: Float64Array, diags: Float64Array,
  flats: FlatArrays | null, edgeOutlets: boolean, out: Uint8Array,
): void {
  for (let r = 0; r < h; r++) {
    const invDx = 1 / dxs[r]!;
    const invDy = 1 / dys[r]!;
    const invDiag = 1 / diags[r]!;
    const row = r * w;
    const interiorRow = r > 0 && r < h - 1;
    for (let c = 0; c < w; c++) {
      const i = row + c;
      const zc = z[i]!;
      if (zc !== zc) {
        out[i] = D8_NODATA;
        continue;
      }
      let code: number;
      if (interiorRow && c > 0 && c < w - 1) {
        let best = 0;
        code = D8_NONE;
        let s = (zc - z[i - w]!) * invDy; // N
        if (s > best) { best = s; code = 64; }
        s = (zc - z[i - w + 1]!) * invDiag; // NE
        if (s > best) { best = s; code = 128; }
        s = (zc - z[i + 1]!) * invDx; // E
        if (s > best) { best = s; code = 1; }
        s = (zc - z[i + w + 1]!) * invDiag; // SE
        if (s > best) { best = s; code = 2; }
        s = (zc - z[i + w]!) * invDy; // S
        if (s > best) { best = s; code = 4; }
        s = (zc - z[i + w - 1]!) * invDiag; // SW
        if (s > best) { best = s; code = 8; }
        s = (zc - z[i - 1]!) * invDx; // W
        if (s > best) { best = s; code = 16; }
        s = (zc - z[i - w - 1]!) * invDiag; // NW
        if (s > best) { code = 32; }
      } else {
        code = borderDirection(z, w, h, r, c, invDx, invDy, invDiag);
      }
      if (code === D8_NONE) {
        // a flat cell (not an outlet) drains along the flat mask
        if (flats !== null && !touchesEdge(z, w, h, r, c)) {
          const k = flatNeighbour(flats, w, r, c);
          if (k >= 0) code = D8_CODES[k]!;
        }
      } else if (edgeOutlets && touchesEdge(z, w, h, r, c)) {
        code = D8_NONE;
      }
      out[i] = code;
    }
  }
}
