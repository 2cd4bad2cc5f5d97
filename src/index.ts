/**
 * rusle — soil loss by water erosion on raster grids (RUSLE and the Chinese CSLE), erosion-intensity classes
 * (SL 190-2007) and the soil and water conservation rate per zone.
 *
 * This is the one public entry. Each layer's index names its public exports one by one; `api/rusle.api.md` lists
 * them all with their signatures (`npm run api:report` regenerates it, `npm run api:check` compares).
 *
 * @packageDocumentation
 */
export * from './raster/index.js';
export * from './io/index.js';
export * from './terrain/index.js';
export * from './factors/index.js';
export * from './model/index.js';
export * from './assess/index.js';
export * from './render/index.js';
export * from './jobs/index.js';
