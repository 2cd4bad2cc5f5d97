/**
 * `src/assess` layer.
 * @module
 */
export {};
