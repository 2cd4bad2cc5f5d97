/**
 * Interop with scijs `ndarray`: views of a raster's memory as a 2-D array of shape `[height, width]`.
 *
 * ndarray is CommonJS with `export =` typings; this module is the only place that imports it.
 *
 * @module
 */

import ndarray from 'ndarray';
import { RusleError } from './errors.js';
import type { Grid } from './grid.js';
import { Raster, type TypedArray } from './raster.js';

/** The ndarray type over one of our typed arrays. */
export type NdArray<T extends TypedArray = TypedArray> = ndarray.NdArray<T>;

/**
 * An `ndarray` view of the raster's memory, shape `[height, width]`, strides `[width, 1]`. Writing through the
 * view writes the raster.
 *
 * @example
 * ```ts
 * import ops from 'ndarray-ops';
 * const view = toNdarray(slope);
 * ops.mulseq(view, 2);
 * ```
 */
export function toNdarray<T extends TypedArray>(raster: Raster<T>): NdArray<T> {
  return ndarray(raster.data, [raster.height, raster.width], [raster.width, 1], 0) as NdArray<T>;
}

/**
 * Wraps a 2-D ndarray of shape `[height, width]` as a raster on `grid`. A contiguous row-major view of a whole
 * array shares memory; any other layout is copied.
 */
export function fromNdarray<T extends TypedArray>(array: NdArray<T>, grid: Grid, nodata?: number | null): Raster<T> {
  if (array.shape.length !== 2 || array.shape[0] !== grid.height || array.shape[1] !== grid.width) {
    throw new RusleError('GRID_MISMATCH', `fromNdarray: array shape [${array.shape.join(', ')}] does not match the grid [${grid.height}, ${grid.width}] (rows, columns)`);
  }
  const data = array.data as T;
  const contiguous = array.stride[0] === grid.width && array.stride[1] === 1 && array.offset === 0 && data.length === grid.width * grid.height;
  if (contiguous) return new Raster(grid, data, nodata);
  const Ctor = data.constructor as new (n: number) => T;
  const out = new Ctor(grid.width * grid.height);
  for (let r = 0; r < grid.height; r++) {
    for (let c = 0; c < grid.width; c++) out[r * grid.width + c] = array.get(r, c);
  }
  return new Raster(grid, out, nodata);
}
