/**
 * `src/io` layer: GeoTIFF reading and writing.
 * @module
 */
export * from './read.js';
export * from './write.js';
export * from './aligned.js';
export { writeFileAtomic } from './atomic.js';
