/**
 * `src/terrain`: slope and aspect, depression filling, flats, flow routing, accumulation, slope length.
 * @module
 */
export * from './d8codes.js';
export * from './neighbours.js';
export * from './flats.js';
export * from './slope-length.js';
export * from './routing/d8.js';
export * from './routing/d8-tiled.js';
export * from './routing/mfd.js';
export * from './routing/dinf.js';
export * from './accumulate.js';
export * from './accumulate-tiled.js';
export * from './fill.js';
export * from './fill-tiled.js';
export * from './flats-tiled.js';
export * from './slope.js';
export * from './routing/chain.js';
