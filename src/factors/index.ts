/**
 * `src/factors`: R, K, LS, C, P (and CSLE's B, E, T) — formulas as pure scalar functions, registered in one
 * registry, plus raster appliers.
 * @module
 */
export * from './registry.js';
export * from './ls/index.js';
