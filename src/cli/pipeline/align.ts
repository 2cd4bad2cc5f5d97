/**
 * `alignTo`: puts a raster onto the run's grid (the DEM's) by nearest neighbour — the common case of a land-use map
 * cut to a different extent from the DEM. The Youwuzhen land use starts 60 m lower and has 2 fewer columns (a
 * whole-cell offset: a pure re-indexing, no value moves). The Willamette `landuse_90` is larger than its DEM and its
 * origin is 187.23 columns and 83.45 rows away — not a whole number of cells — so each DEM cell takes the land-use
 * cell that contains its centre (what InVEST does when it aligns its inputs with nearest-neighbour resampling);
 * `info.wholeCells` is false then and the run notes it.
 *
 * Requirements (else `GRID_MISMATCH`, naming what differs): the same CRS (`crsEquals`), north-up grids, and the same
 * cell size (relative 1e-9) — categorical maps at another resolution should be resampled deliberately with a GIS.
 * Target cells outside the source are nodata (NaN for float rasters; the source's nodata for integer rasters — or,
 * when the source declares none, the type's largest value, which becomes the result's nodata).
 *
 * Complexity: O(target cells).
 * @module
 */

import { crsEquals, describeCrs } from '../../raster/crs.js';
import { RusleError } from '../../raster/errors.js';
import type { Grid } from '../../raster/grid.js';
import { Raster, isFloatArray, type TypedArray, type TypedArrayConstructor } from '../../raster/raster.js';

/** How `alignTo` mapped the source onto the target. */
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

/**
 * The offset in source cells of the target's origin (`col`, `row`, fractional when not whole cells), or a message
 * saying why the grids cannot be aligned.
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
 * Re-indexes `source` onto `target` (see the module header). Returns the source itself when the grids are the
 * same.
 *
 * @param source - the raster to move (land use, soil classes, a factor).
 * @param target - the run's grid.
 * @param name - the input's name, for messages.
 * @throws RusleError `GRID_MISMATCH` when the grids differ by more than a whole-cell offset and extent.
 *
 * @example
 * ```ts
 * const { raster: lu } = alignTo(await readRaster('landuse_90.tif'), dem.grid, 'inputs.C.raster');
 * ```
 */
export function alignTo<T extends TypedArray>(source: Raster<T>, target: Grid, name = 'raster'): { raster: Raster<T>; info: AlignInfo } {
  const found = cellOffset(source.grid, target);
  if (typeof found === 'string') {
    throw new RusleError('GRID_MISMATCH', `${name} cannot be put on the DEM's grid: ${found}; warp it to the DEM's grid first (e.g. gdalwarp -tap)`, { name });
  }
  // Target cell (r, c) has its centre at source cell coordinates (c + 0.5 + col, r + 0.5 + row): it takes source
  // cell floor(...) — with a whole offset that is simply (c + col, r + row).
  const off = found.whole ? found : { col: Math.floor(found.col + 0.5 + 1e-9), row: Math.floor(found.row + 0.5 + 1e-9) };
  const sw = source.width, sh = source.height, tw = target.width, th = target.height;
  if (found.whole && off.col === 0 && off.row === 0 && sw === tw && sh === th) {
    return { raster: source, info: { colOffset: 0, rowOffset: 0, identical: true, wholeCells: true, outsideCells: 0 } };
  }
  const float = isFloatArray(source.data);
  const ctor = source.data.constructor as TypedArrayConstructor<T>;
  const out = new ctor(tw * th);
  let nodata: number | null = float ? NaN : source.nodata;
  let outside = 0;
  const fill = float ? NaN : nodata ?? MAX_OF[ctor.name] ?? 0;
  if (!float && nodata === null) nodata = fill;
  const sd = source.data;
  for (let r = 0; r < th; r++) {
    const sr = r + off.row;
    const c0 = Math.max(0, -off.col), c1 = Math.min(tw, sw - off.col);
    if (sr < 0 || sr >= sh || c1 <= c0) {
      out.fill(fill, r * tw, (r + 1) * tw);
      outside += tw;
      continue;
    }
    if (c0 > 0) { out.fill(fill, r * tw, r * tw + c0); outside += c0; }
    out.set(sd.subarray(sr * sw + c0 + off.col, sr * sw + c1 + off.col) as never, r * tw + c0);
    if (c1 < tw) { out.fill(fill, r * tw + c1, (r + 1) * tw); outside += tw - c1; }
  }
  return { raster: new Raster(target, out, nodata), info: { colOffset: off.col, rowOffset: off.row, identical: false, wholeCells: found.whole, outsideCells: outside } };
}
