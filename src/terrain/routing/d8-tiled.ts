/**
 * Tiled D8 routing: the codes of `d8Directions` (O'Callaghan & Mark 1984, with the flat rule of Barnes, Lehman &
 * Mulla 2014, doi:10.1016/j.cageo.2013.01.009), one tile at a time, bit for bit equal to the whole-grid result for
 * any tile size.
 *
 * D8 is a focal operation: a cell's code depends on its 3 × 3 window of elevations and, for a flat cell, of flat
 * labels and mask values. A tile therefore needs its core plus a one-cell halo and nothing else; there is no
 * perimeter exchange and no global step. Distances come from the per-row tables of the whole grid (so geographic
 * rows get the same sizes whatever the tile), and the grid-edge and nodata rules (`touchesEdge`, the bounds test of
 * border cells) test global rows and columns.
 *
 * Complexity: O(tile cells); memory: the padded window of the DEM (and flat arrays) plus one byte per core cell.
 * @module
 */

import { RusleError } from '../../raster/errors.js';
import type { Grid, Window } from '../../raster/grid.js';
import { Raster, type FloatArray } from '../../raster/raster.js';
import { tiles } from '../../raster/tiles.js';
import { D8_CODES, D8_NODATA, D8_NONE } from '../d8codes.js';
import type { FlatResolution } from '../flats.js';
import { D8_DEFAULTS, type D8Options } from './d8.js';
import { ORDER_CODE, ORDER_DX, ORDER_DY, flatArrays, floatDem } from './common.js';

/** Column offsets in D8 code order E, SE, S, SW, W, NW, N, NE. */
const CODE_DX = [1, 1, 0, -1, -1, -1, 0, 1];
/** Row offsets in D8 code order. */
const CODE_DY = [0, 1, 1, 1, 0, -1, -1, -1];

/** The inputs of one D8 tile step: the padded window (core plus a one-cell halo, clipped to the grid). */
export interface D8TileInput {
  /** The whole grid (shape and per-row distances). */
  readonly grid: Grid;
  /** The cells the step produces. */
  readonly core: Window;
  /** The window `z`, `flatMask` and `flatLabels` cover: `core` grown by one cell on each side, clipped to the grid. */
  readonly padded: Window;
  /** Elevations of the padded window, row-major, NaN = nodata. */
  readonly z: FloatArray;
  /** Flat mask (`resolveFlats().flatMask`) of the padded window, or null for no flat routing. */
  readonly flatMask: Int32Array | null;
  /** Flat labels (`resolveFlats().labels`) of the padded window; null exactly when `flatMask` is. */
  readonly flatLabels: Int32Array | null;
  /** `'inward'` or `'outlet'`, as {@link D8Options.boundary}. @defaultValue `'inward'` */
  readonly boundary?: 'inward' | 'outlet';
}

/** Per-row distance tables of a grid: 1 / dx, 1 / dy, 1 / diagonal (the values `d8Directions` multiplies by). */
export interface D8RowTables {
  readonly invDx: Float64Array;
  readonly invDy: Float64Array;
  readonly invDiag: Float64Array;
}

/** The per-row tables of {@link d8DirectionsTile}, computed once per grid (O(height)). */
export function d8RowTables(grid: Grid): D8RowTables {
  const dx = grid.rowCellWidthsMeters();
  const dy = grid.rowCellHeightsMeters();
  const h = grid.height;
  const invDx = new Float64Array(h);
  const invDy = new Float64Array(h);
  const invDiag = new Float64Array(h);
  for (let r = 0; r < h; r++) {
    invDx[r] = 1 / dx[r]!;
    invDy[r] = 1 / dy[r]!;
    invDiag[r] = 1 / Math.hypot(dx[r]!, dy[r]!);
  }
  return { invDx, invDy, invDiag };
}

/**
 * D8 codes of one tile's core from its padded window: the tile step of {@link d8DirectionsTiled}, equal bit for bit
 * to the same cells of `d8Directions` on the whole grid.
 *
 * @param input - the padded window; see {@link D8TileInput}.
 * @param tables - `d8RowTables(input.grid)` (passed in so that a run computes them once).
 * @param out - optional output, `core.width × core.height` bytes.
 * @returns the core's D8 codes, row-major (0 none, 255 nodata).
 * @throws RusleError `BAD_ARGUMENT` when the windows do not fit together or the arrays have the wrong length.
 */
export function d8DirectionsTile(input: D8TileInput, tables: D8RowTables = d8RowTables(input.grid), out?: Uint8Array): Uint8Array {
  const { grid, core, padded, z } = input;
  const W = grid.width;
  const H = grid.height;
  const pw = padded.width;
  const ph = padded.height;
  const ok = core.x >= padded.x && core.y >= padded.y && core.x + core.width <= padded.x + padded.width &&
    core.y + core.height <= padded.y + padded.height && padded.x === Math.max(0, core.x - 1) && padded.y === Math.max(0, core.y - 1) &&
    padded.x + pw === Math.min(W, core.x + core.width + 1) && padded.y + ph === Math.min(H, core.y + core.height + 1);
  if (!ok) throw new RusleError('BAD_ARGUMENT', 'd8DirectionsTile: padded must be core grown by one cell on each side, clipped to the grid');
  if (z.length !== pw * ph) throw new RusleError('BAD_ARGUMENT', `d8DirectionsTile: z has ${z.length} values, the padded window ${pw * ph}`);
  const mask = input.flatMask;
  const labels = input.flatLabels;
  if ((mask === null) !== (labels === null) || (mask !== null && (mask.length !== pw * ph || labels!.length !== pw * ph))) {
    throw new RusleError('BAD_ARGUMENT', 'd8DirectionsTile: flatMask and flatLabels must both be null or both cover the padded window');
  }
  const boundary = input.boundary ?? D8_DEFAULTS.boundary;
  if (boundary !== 'inward' && boundary !== 'outlet') throw new RusleError('BAD_ARGUMENT', `boundary: expected 'inward' or 'outlet', got '${String(boundary)}'`);
  const edgeOutlets = boundary === 'outlet';
  const codes = out ?? new Uint8Array(core.width * core.height);
  for (let cr = 0; cr < core.height; cr++) {
    const r = core.y + cr;
    const invDx = tables.invDx[r]!;
    const invDy = tables.invDy[r]!;
    const invDiag = tables.invDiag[r]!;
    const pr = r - padded.y;
    for (let cc = 0; cc < core.width; cc++) {
      const c = core.x + cc;
      const pc = c - padded.x;
      const p = pr * pw + pc;
      const zc = z[p]!;
      const o = cr * core.width + cc;
      if (zc !== zc) {
        codes[o] = D8_NODATA;
        continue;
      }
      // the scan of d8Directions (N, NE, E, SE, S, SW, W, NW; strict >), with global bounds
      let best = 0;
      let code = D8_NONE;
      let edge: boolean;
      if (r > 0 && r < H - 1 && c > 0 && c < W - 1) {
        // interior: every neighbour is in the padded window (the unrolled scan of d8Directions' interior cells)
        const zn = z[p - pw]!;
        const zne = z[p - pw + 1]!;
        const ze = z[p + 1]!;
        const zse = z[p + pw + 1]!;
        const zs = z[p + pw]!;
        const zsw = z[p + pw - 1]!;
        const zw = z[p - 1]!;
        const znw = z[p - pw - 1]!;
        let s = (zc - zn) * invDy;
        if (s > best) { best = s; code = 64; }
        s = (zc - zne) * invDiag;
        if (s > best) { best = s; code = 128; }
        s = (zc - ze) * invDx;
        if (s > best) { best = s; code = 1; }
        s = (zc - zse) * invDiag;
        if (s > best) { best = s; code = 2; }
        s = (zc - zs) * invDy;
        if (s > best) { best = s; code = 4; }
        s = (zc - zsw) * invDiag;
        if (s > best) { best = s; code = 8; }
        s = (zc - zw) * invDx;
        if (s > best) { best = s; code = 16; }
        s = (zc - znw) * invDiag;
        if (s > best) { code = 32; }
        edge = zn !== zn || zne !== zne || ze !== ze || zse !== zse || zs !== zs || zsw !== zsw || zw !== zw || znw !== znw;
      } else {
        edge = true;
        for (let k = 0; k < 8; k++) {
          const rr = r + ORDER_DY[k]!;
          const c2 = c + ORDER_DX[k]!;
          if (rr < 0 || rr >= H || c2 < 0 || c2 >= W) continue;
          const zj = z[p + ORDER_DY[k]! * pw + ORDER_DX[k]!]!;
          const inv = (k & 1) === 1 ? invDiag : k === 2 || k === 6 ? invDx : invDy;
          const s = (zc - zj) * inv;
          if (s > best) {
            best = s;
            code = ORDER_CODE[k]!;
          }
        }
      }
      if (code === D8_NONE) {
        if (mask !== null && !edge) {
          const l = labels![p]!;
          if (l > 0) {
            let m = mask[p]!;
            let bestK = -1;
            for (let k = 0; k < 8; k++) {
              const j = p + CODE_DY[k]! * pw + CODE_DX[k]!;
              if (labels![j] === l && mask[j]! < m) {
                m = mask[j]!;
                bestK = k;
              }
            }
            if (bestK >= 0) code = D8_CODES[bestK]!;
          }
        }
      } else if (edgeOutlets && edge) {
        code = D8_NONE;
      }
      codes[o] = code;
    }
  }
  return codes;
}

/** Options of {@link d8DirectionsTiled}: those of `d8Directions` and the tile shape. */
export interface D8TiledOptions extends D8Options {
  /** Tile width in cells. @defaultValue 512 */
  readonly tileWidth?: number;
  /** Tile height in cells. @defaultValue 512 */
  readonly tileHeight?: number;
}

/** Copies window `win` of a row-major array of a `width`-wide grid into `out`. */
function copyWindow<T extends FloatArray | Int32Array | Uint8Array | Float64Array>(src: T, width: number, win: Window, out: T): T {
  for (let r = 0; r < win.height; r++) {
    const s = (win.y + r) * width + win.x;
    out.set(src.subarray(s, s + win.width), r * win.width);
  }
  return out;
}

/**
 * D8 codes of a DEM computed tile by tile with {@link d8DirectionsTile}: the in-memory driver of the tiled routing,
 * bit for bit equal to `d8Directions(dem, options)` for every tile size (the tests' oracle). The job layer runs the
 * same step from tile files.
 *
 * @param dem - elevations, as `d8Directions`.
 * @param options - `d8Directions` options plus `tileWidth`, `tileHeight`.
 * @returns the D8 code raster (as `d8Directions`).
 * @throws RusleError as `d8Directions`; `BAD_ARGUMENT` for a tile size that is not a positive integer.
 * @example
 * ```ts
 * const codes = d8DirectionsTiled(filled, { flats, tileWidth: 256, tileHeight: 256 });
 * ```
 */
export function d8DirectionsTiled(dem: Raster, options: D8TiledOptions = {}): Raster<Uint8Array> {
  const z = floatDem(dem);
  const flats: FlatResolution | null = options.flats ?? D8_DEFAULTS.flats;
  const fa = flatArrays(z, flats);
  const grid = z.grid;
  const tables = d8RowTables(grid);
  const out = new Uint8Array(grid.width * grid.height);
  const tileOptions = { tileWidth: options.tileWidth ?? 512, tileHeight: options.tileHeight ?? 512, halo: 1 };
  const boundary = options.boundary ?? D8_DEFAULTS.boundary;
  for (const t of tiles(grid, tileOptions)) {
    const n = t.padded.width * t.padded.height;
    const zw = copyWindow(z.data, grid.width, t.padded, z.data instanceof Float32Array ? new Float32Array(n) : new Float64Array(n));
    const mw = fa === null ? null : copyWindow(fa.mask, grid.width, t.padded, new Int32Array(n));
    const lw = fa === null ? null : copyWindow(fa.labels, grid.width, t.padded, new Int32Array(n));
    const codes = d8DirectionsTile({ grid, core: t.core, padded: t.padded, z: zw, flatMask: mw, flatLabels: lw, boundary }, tables);
    for (let r = 0; r < t.core.height; r++) out.set(codes.subarray(r * t.core.width, (r + 1) * t.core.width), (t.core.y + r) * grid.width + t.core.x);
  }
  return new Raster(grid, out, D8_NODATA);
}
