/**
 * `src/raster`: the Raster and Grid types, CRS, alignment, windows and tiles, cell sizes and areas, errors.
 * @module
 */
export * from './errors.js';
export * from './crs.js';
export * from './grid.js';
export * from './raster.js';
export * from './tiles.js';
export * from './ndarray.js';
export { type AlignInfo, cellOffset, alignTo } from './align.js';
