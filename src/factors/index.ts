/**
 * `src/factors`: R, K, LS, C, P (and CSLE's B, E, T) — formulas as pure scalar functions, registered in one
 * registry, plus raster appliers.
 * @module
 */
export * from './registry.js';
export * from './ls/index.js';
export * from './units.js';
export * from './rainfall/energy.js';
export * from './rainfall/storms.js';
export * from './rainfall/models.js';
export * from './rainfall/idw.js';
export * from './soil/erodibility.js';
export * from './cover/cover.js';
export * from './tables.js';
export * from './appliers.js';
