/**
 * `src/raster`: the Raster and Grid types, CRS, alignment, windows and tiles, cell sizes and areas, errors.
 *
 * Each public name is listed here on purpose; a name not listed is internal to the library. `api/rusle.api.md`
 * shows the whole public surface (`npm run api:report` regenerates it).
 * @module
 */
export { RusleError, isRusleError, type RusleErrorCode } from './errors.js';
export {
  type Crs, type Ellipsoid, projectedCrs, geographicCrs, crsEquals, describeCrs, WGS84, GRS80, KRASSOWSKY1940, CLARKE1866,
} from './crs.js';
export { Grid, assertAligned, type GeoTransform, type Window, type CellSizeMeters } from './grid.js';
export {
  Raster, isRaster, rasterLike, isFloatArray, arrayTypeOf, sampleTypeOf,
  type TypedArray, type FloatArray, type SampleType, type TypedArrayConstructor, type RasterOrConstant,
} from './raster.js';
export { tiles, tileCount, intersectWindows, TILE_DEFAULTS, type Tile, type TileOptions } from './tiles.js';
export { toNdarray, fromNdarray, type NdArray } from './ndarray.js';
export { alignTo, cellOffset, type AlignInfo } from './align.js';
export {
  polygonize, labelPolygonsToGeoJson, polygonsArea, POLYGONIZE_DEFAULTS,
  type Ring, type LabelPolygons, type PolygonizeOptions, type PolygonFeature, type PolygonFeatureCollection, type PolygonGeoJsonOptions,
} from './polygonize.js';
