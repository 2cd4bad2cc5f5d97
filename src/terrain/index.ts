/**
 * `src/terrain` layer.
 * @module
 */
export {};
