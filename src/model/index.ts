/**
 * `src/model` layer.
 * @module
 */
export {};
