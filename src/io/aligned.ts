/**
 * `openAligned`: an open GeoTIFF put onto another grid by whole cells, read window by window — `alignTo` for files
 * larger than memory. Each window of the target grid is read from the matching window of the file (a whole-cell
 * offset, or the cell containing each centre); cells outside the file are nodata (NaN for float files; the file's
 * nodata, or the sample type's largest value when it declares none, for integer files). Cell for cell the same as
 * `alignTo` on the whole raster.
 *
 * Complexity: O(window cells) per read.
 * @module
 */

import type { Grid, Window } from '../raster/grid.js';
import { Raster, arrayTypeOf, type TypedArray } from '../raster/raster.js';
import { alignment, integerTypeMax, type AlignInfo } from '../raster/align.js';
import { openRaster, type RasterSource } from './read.js';

/** An open input put onto a target grid: reads any window of that grid. */
export interface AlignedReader {
  /** The input's nodata on the target grid (NaN for float inputs). */
  readonly nodata: number | null;
  /** True when the input is exactly on the target grid. */
  readonly identical: boolean;
  /** How the input maps onto the target grid (`outsideCells` is 0: it is not counted for a streamed input). */
  readonly info: AlignInfo;
  /** The cells of `win` (a window of the target grid), nodata outside the input. */
  read(win: Window): Promise<Raster>;
  /** Closes the file. */
  close(): Promise<void>;
}

/**
 * Opens `path` and returns a reader of windows of `grid` (see the module header).
 *
 * @param path - a GeoTIFF.
 * @param grid - the target grid.
 * @param name - the input's name, for messages.
 * @throws RusleError `GRID_MISMATCH` (naming `name`) when the grids differ by more than an offset and extent.
 *
 * @example
 * ```ts
 * const landUse = await openAligned('landuse.tif', dem.grid, 'land use');
 * const firstRows = await landUse.read({ x: 0, y: 0, width: dem.width, height: 256 });
 * await landUse.close();
 * ```
 */
export async function openAligned(path: string, grid: Grid, name = 'raster'): Promise<AlignedReader> {
  const src: RasterSource = await openRaster(path);
  let info: AlignInfo;
  try {
    info = alignment(src.grid, grid, name);
  } catch (e) {
    await src.close();
    throw e;
  }
  const { colOffset: oc, rowOffset: or, identical } = info;
  const sg = src.grid;
  const float = src.sampleType === 'Float32' || src.sampleType === 'Float64';
  const Ctor = arrayTypeOf(src.sampleType);
  const nodata = float ? NaN : src.nodata ?? integerTypeMax(Ctor);
  return {
    nodata, identical, info,
    async read(win: Window): Promise<Raster> {
      if (identical) return src.read(win);
      const wg = grid.window(win);
      const sx0 = Math.max(0, win.x + oc), sy0 = Math.max(0, win.y + or);
      const sx1 = Math.min(sg.width, win.x + win.width + oc), sy1 = Math.min(sg.height, win.y + win.height + or);
      const out = new Ctor(win.width * win.height) as TypedArray;
      out.fill(nodata);
      if (sx1 > sx0 && sy1 > sy0) {
        const part = await src.read({ x: sx0, y: sy0, width: sx1 - sx0, height: sy1 - sy0 });
        const pw = sx1 - sx0;
        for (let r = 0; r < sy1 - sy0; r++) {
          const dst = (sy0 + r - or - win.y) * win.width + (sx0 - oc - win.x);
          out.set(part.data.subarray(r * pw, (r + 1) * pw) as never, dst);
        }
      }
      return new Raster(wg, out, float ? NaN : nodata);
    },
    close: () => src.close(),
  };
}
