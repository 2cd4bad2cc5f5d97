/**
 * `src/assess`: SL 190-2007 intensity grading, zones (rasters and GeoJSON), the conservation rate per zone, change
 * between years, the plan to reach a target rate, and early warning for human-caused soil loss.
 * @module
 */
export * from './grading.js';
export * from './reproject.js';
export * from './rasterize.js';
export * from './zones.js';
export * from './rate.js';
export * from './pass.js';
export * from './change.js';
export * from './plan.js';
export * from './risk.js';
export * from './disturbance.js';
export * from './monitor.js';
export * from './watershed-table.js';
export * from './watershed-geojson.js';
