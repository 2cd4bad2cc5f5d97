/**
 * `src/factors` layer.
 * @module
 */
export {};
