/**
 * `src/io`: GeoTIFF reading (whole, by window, by block, aligned onto another grid) and writing (whole or row by
 * row), and atomic file writes.
 * @module
 */
export {
  readRaster, openRaster, OPEN_DEFAULTS,
  type ReadRasterOptions, type OpenRasterOptions, type RasterSource, type RasterBlock, type BlockOptions,
} from './read.js';
export { writeRaster, createRasterWriter, WRITE_DEFAULTS, type WriteOptions, type RasterWriterOptions, type RasterWriter } from './write.js';
export { openAligned, type AlignedReader } from './aligned.js';
export { writeFileAtomic } from './atomic.js';
