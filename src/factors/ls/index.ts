/**
 * `src/factors/ls`: the LS factor — S, m, L formulas (registered), `lsFactor` from a DEM, `lsFromSlopeAndArea`
 * from slope and upslope-area rasters, and presets mirroring other tools.
 * @module
 */
export * from './formulas.js';
export * from './presets.js';
export * from './ls-factor.js';
export * from './ls-tiled.js';
export * from './grass-tiled.js';
