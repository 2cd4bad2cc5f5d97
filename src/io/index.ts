/**
 * `src/io` layer.
 * @module
 */
export {};
