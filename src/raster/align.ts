/**
 * Alignment by whole cells: puts a raster onto another grid by nearest neighbour — the common case of a land-use
 * map cut to a different extent from the DEM. A source whose origin is a whole number of cells away from the
 * target's is re-indexed (no value moves); otherwise each target cell takes the source cell that contains its centre
 * (what InVEST does when it aligns its inputs with nearest-neighbour resampling), and `info.wholeCells` is false.
 *
 * Requirements (else `GRID_MISMATCH`, naming what differs): the same CRS (`crsEquals`), north-up grids, and the same
 * cell size (relative 1e-9) — categorical maps at another resolution should be resampled deliberately with a GIS.
 * Target cells outside the source are nodata (NaN for float rasters; the source's nodata for integer rasters — or,
 * when the source declares none, the type's largest value, which becomes the result's nodata).
 *
 * `openAligned` in `src/io` does the same window by window for files larger than memory.
 *
 * Complexity: O(target cells).
 * @module
 */

import { crsEquals, describeCrs } from './crs.js';
import { RusleError } from './errors.js';
import type { Grid } from './grid.js';
import { Raster, isFloatArray, type TypedArray, type TypedArrayConstructor } from './raster.js';

/** How `alignTo` (or `openAligned`) maps a source onto a target grid. */
export interface AlignInfo {
  /** Column of the source that lands on target column 0. */
  readonly colOffset: number;
  /** Row of the source that lands on target row 0. */
  readonly rowOffset: number;
  /** True when nothing had to move (same grid). */
  readonly identical: boolean;
  /** True when the offset is a whole number of cells (pure re-indexing); false when centres were looked up. */
  readonly wholeCells: boolean;
  /** Target cells that fell outside the source. */
  readonly outsideCells: number;
}

const MAX_OF: Record<string, number> = {
  Uint8Array: 255, Uint8ClampedArray: 255, Int8Array: 127, Uint16Array: 65535, Int16Array: 32767,
  Uint32Array: 4294967295, Int32Array: 2147483647,
};

/** The largest value of an integer typed array (by constructor name), 0 for float arrays: the nodata of last resort. */
export function integerTypeMax(ctor: { readonly name: string }): number {
  return MAX_OF[ctor.name] ?? 0;
}

/**
 * The offset in source cells of the target's origin (`col`, `row`, fractional when not whole cells), or a message
 * saying why the grids cannot be aligned.
 *
 * @param source - the grid of the raster to move.
 * @param target - the grid to put it on.
 * @example
 * ```ts
 * const off = cellOffset(landUse.grid, dem.grid);
 * if (typeof off === 'string') console.error(off);
 * ```
 */
export function cellOffset(source: Grid, target: Grid): { col: number; row: number; whole: boolean } | string {
  if (source.isRotated || target.isRotated) return 'rotated grids cannot be aligned by whole cells';
  if (!crsEquals(source.crs, target.crs)) return `the CRS differs (${describeCrs(source.crs)} vs ${describeCrs(target.crs)})`;
  const s = source.transform, t = target.transform;
  if (Math.abs(s[1] - t[1]) > 1e-9 * Math.abs(t[1]) || Math.abs(s[5] - t[5]) > 1e-9 * Math.abs(t[5])) {
    return `the cell size differs (${Math.abs(s[1])} × ${Math.abs(s[5])} vs ${Math.abs(t[1])} × ${Math.abs(t[5])})`;
  }
  const col = (t[0] - s[0]) / s[1];
  const row = (t[3] - s[3]) / s[5];
  const rc = Math.round(col), rr = Math.round(row);
  if (Math.abs(col - rc) <= 1e-6 && Math.abs(row - rr) <= 1e-6) return { col: rc, row: rr, whole: true };
  return { col, row, whole: false };
}

/**
 * The integer cell offset that puts `source` on `target` (the source cell holding each target cell's centre), with
 * `identical` when the grids are the same; `outsideCells` is left 0 for the caller to count.
 *
 * @throws RusleError `GRID_MISMATCH` (naming `name`) when the grids differ by more than an offset and extent.
 */
export function alignment(source: Grid, target: Grid, name = 'raster'): AlignInfo {
  const found = cellOffset(source, target);
  if (typeof found === 'string') {
    throw new RusleError('GRID_MISMATCH', `${name} cannot be put on the target grid: ${found}; warp it onto that grid first (e.g. gdalwarp -tap)`, { name });
  }
  // Target cell (r, c) has its centre at source cell coordinates (c + 0.5 + col, r + 0.5 + row): it takes source
  // cell floor(...) — with a whole offset that is simply (c + col, r + row).
  const col = found.whole ? found.col : Math.floor(found.col + 0.5 + 1e-9);
  const row = found.whole ? found.row : Math.floor(found.row + 0.5 + 1e-9);
  const identical = found.whole && col === 0 && row === 0 && source.width === target.width && source.height === target.height;
  return { colOffset: col, rowOffset: row, identical, wholeCells: found.whole, outsideCells: 0 };
}

/**
 * Puts `source` onto the `target` grid by nearest neighbour (see the module header). Returns the source itself when
 * the grids are the same. The result has the target's grid; the source is not modified.
 *
 * @param source - the raster to move (land use, soil classes, a factor).
 * @param target - the grid to put it on (typically the DEM's).
 * @param name - the input's name, for messages.
 * @returns the raster on `target` and how it was mapped.
 * @throws RusleError `GRID_MISMATCH` when the grids differ by more than an offset and extent (CRS, cell size,
 *   rotation).
 *
 * @example
 * ```ts
 * const { raster: landUse, info } = alignTo(await readRaster('landuse.tif'), dem.grid, 'land use');
 * console.log(info.wholeCells, info.outsideCells);
 * ```
 */
export function alignTo<T extends TypedArray>(source: Raster<T>, target: Grid, name = 'raster'): { raster: Raster<T>; info: AlignInfo } {
  const off = alignment(source.grid, target, name);
  if (off.identical) return { raster: source, info: off };
  const sw = source.width, sh = source.height, tw = target.width, th = target.height;
  const float = isFloatArray(source.data);
  const ctor = source.data.constructor as TypedArrayConstructor<T>;
  const out = new ctor(tw * th);
  let nodata: number | null = float ? NaN : source.nodata;
  let outside = 0;
  const fill = float ? NaN : nodata ?? integerTypeMax(ctor);
  if (!float && nodata === null) nodata = fill;
  const sd = source.data;
  for (let r = 0; r < th; r++) {
    const sr = r + off.rowOffset;
    const c0 = Math.max(0, -off.colOffset), c1 = Math.min(tw, sw - off.colOffset);
    if (sr < 0 || sr >= sh || c1 <= c0) {
      out.fill(fill, r * tw, (r + 1) * tw);
      outside += tw;
      continue;
    }
    if (c0 > 0) { out.fill(fill, r * tw, r * tw + c0); outside += c0; }
    out.set(sd.subarray(sr * sw + c0 + off.colOffset, sr * sw + c1 + off.colOffset) as never, r * tw + c0);
    if (c1 < tw) { out.fill(fill, r * tw + c1, (r + 1) * tw); outside += tw - c1; }
  }
  return { raster: new Raster(target, out, nodata), info: { ...off, outsideCells: outside } };
}
