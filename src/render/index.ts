/**
 * `src/render`: maps of rasters for any TypeScript tool — colour ramps, class colours, legends (colour bars and
 * swatches drawn with a built-in bitmap font) and PNG encoding.
 * @module
 */
export { type Rgb, type RampName, SL190_CLASS_COLORS, SL190_CLASS_NAMES, rampColor } from './colors.js';
export {
  type Reduced, type Stretch, type ContinuousMapOptions, type ScaleInfo, type MapPng, type ClassStyle, type ClassMapOptions,
  MAP_DEFAULTS, reduceRaster, reduceBlocks, enlargeReduced, continuousMapPng, continuousMapFromReduced, sl190ClassStyles,
  classMapPng, classMapFromReduced,
} from './maps.js';
