/**
 * Reprojection of vector coordinates (GeoJSON zones and disturbance patches) between longitude/latitude and a grid's
 * CRS (both ways), with proj4js (https://github.com/proj4js/proj4js, a port of PROJ).
 *
 * The target CRS's proj4 definition is found in this order: `crs.proj4`; a small table of the EPSG codes met in
 * erosion work (below, each checked against `gdalsrsinfo -o proj4 EPSG:<code>` of GDAL 3.x); `crs.wkt` (proj4js
 * parses WKT 1 and WKT 2); the GeoTIFF GeoKeys (a user-defined Transverse Mercator such as Beijing 1954 Gauss-Krüger
 * zone 39, false easting 39 500 000 m); finally, for a geographic CRS, longitude/latitude on its ellipsoid.
 *
 * EPSG table: 4326 (WGS 84), 4490 (CGCS2000), 4214 (Beijing 1954), 4610 (Xian 1980), 4269 (NAD83), 326zz/327zz
 * (WGS 84 / UTM), 269zz (NAD83 / UTM 1–23), Gauss-Krüger 3° zones 25–45 and their CM variants (Beijing 1954
 * 2401–2442, Xian 1980 2349–2390, CGCS2000 4513–4554), 6° zones 13–23 and CM variants (Beijing 1954 21413–21463,
 * Xian 1980 2327–2348, CGCS2000 4491–4512).
 *
 * Datum shifts: Beijing 1954 and Xian 1980 are given without `+towgs84` (as GDAL's own proj4 export does), so the
 * transformation from WGS 84 ignores the datum shift (of the order of 100 m). Pass `crs.proj4` with `+towgs84=…`
 * when that matters at your cell size.
 *
 * @module
 */

import proj4 from 'proj4';
import type { Crs } from '../raster/crs.js';
import { RusleError } from '../raster/errors.js';
import { labelPolygonsToGeoJson, polygonize, type PolygonFeatureCollection, type PolygonGeoJsonOptions, type PolygonizeOptions } from '../raster/polygonize.js';
import type { Raster } from '../raster/raster.js';

const GK = (lon0: number, x0: number, ellps: string): string =>
  `+proj=tmerc +lat_0=0 +lon_0=${lon0} +k=1 +x_0=${x0} +y_0=0 +ellps=${ellps} +units=m +no_defs`;

/**
 * proj4 definition of an EPSG code from the built-in table, or undefined.
 * @example
 * ```ts
 * proj4FromEpsg(4548); // '+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs'
 * ```
 */
export function proj4FromEpsg(code: number): string | undefined {
  switch (code) {
    case 4326: return '+proj=longlat +datum=WGS84 +no_defs';
    case 4490: return '+proj=longlat +ellps=GRS80 +no_defs';
    case 4214: return '+proj=longlat +ellps=krass +no_defs';
    case 4610: return '+proj=longlat +ellps=IAU76 +no_defs';
    case 4269: return '+proj=longlat +datum=NAD83 +no_defs';
  }
  if (code >= 32601 && code <= 32660) return `+proj=utm +zone=${code - 32600} +datum=WGS84 +units=m +no_defs`;
  if (code >= 32701 && code <= 32760) return `+proj=utm +zone=${code - 32700} +south +datum=WGS84 +units=m +no_defs`;
  if (code >= 26901 && code <= 26923) return `+proj=utm +zone=${code - 26900} +datum=NAD83 +units=m +no_defs`;
  // 3° Gauss-Krüger zones 25–45 (lon_0 = 3·zone) with the zone number in the false easting, and the CM variants.
  const gk3: [number, number, string, boolean][] = [
    [2401, 2421, 'krass', true], [2422, 2442, 'krass', false],
    [2349, 2369, 'IAU76', true], [2370, 2390, 'IAU76', false],
    [4513, 4533, 'GRS80', true], [4534, 4554, 'GRS80', false],
  ];
  for (const [lo, hi, ellps, prefixed] of gk3) {
    if (code >= lo && code <= hi) {
      const zone = 25 + code - lo;
      return GK(3 * zone, prefixed ? zone * 1e6 + 500000 : 500000, ellps);
    }
  }
  // 6° Gauss-Krüger zones 13–23 (lon_0 = 6·zone − 3), and the CM variants.
  const gk6: [number, number, string, boolean][] = [
    [21413, 21423, 'krass', true], [21453, 21463, 'krass', false],
    [2327, 2337, 'IAU76', true], [2338, 2348, 'IAU76', false],
    [4491, 4501, 'GRS80', true], [4502, 4512, 'GRS80', false],
  ];
  for (const [lo, hi, ellps, prefixed] of gk6) {
    if (code >= lo && code <= hi) {
      const zone = 13 + code - lo;
      return GK(6 * zone - 3, prefixed ? zone * 1e6 + 500000 : 500000, ellps);
    }
  }
  return undefined;
}

const ELLIPSOID_BY_EPSG: Record<number, string> = { 7030: 'WGS84', 7019: 'GRS80', 7024: 'krass', 7008: 'clrk66', 7049: 'IAU76' };
const ELLIPSOID_BY_DATUM: Record<number, string> = { 6326: 'WGS84', 6214: 'krass', 6610: 'IAU76', 1043: 'GRS80', 6269: 'GRS80', 6267: 'clrk66' };
const ELLIPSOID_BY_GEOGCS: Record<number, string> = { 4326: 'WGS84', 4214: 'krass', 4610: 'IAU76', 4490: 'GRS80', 4269: 'GRS80', 4267: 'clrk66' };

const KEY_NAMES: Record<number, string> = {
  1024: 'GTModelTypeGeoKey', 2048: 'GeographicTypeGeoKey', 2050: 'GeogGeodeticDatumGeoKey', 2056: 'GeogEllipsoidGeoKey',
  2057: 'GeogSemiMajorAxisGeoKey', 2058: 'GeogSemiMinorAxisGeoKey', 2059: 'GeogInvFlatteningGeoKey', 3072: 'ProjectedCSTypeGeoKey',
  3075: 'ProjCoordTransGeoKey', 3076: 'ProjLinearUnitsGeoKey', 3080: 'ProjNatOriginLongGeoKey', 3081: 'ProjNatOriginLatGeoKey',
  3082: 'ProjFalseEastingGeoKey', 3083: 'ProjFalseNorthingGeoKey', 3086: 'ProjFalseOriginEastingGeoKey',
  3087: 'ProjFalseOriginNorthingGeoKey', 3088: 'ProjCenterLongGeoKey', 3089: 'ProjCenterLatGeoKey', 3092: 'ProjScaleAtNatOriginGeoKey',
};

/** A GeoKey's numeric value, whether the keys are stored by id (2048) or by name ('GeographicTypeGeoKey'). */
function num(keys: Readonly<Record<number | string, unknown>>, k: number): number | undefined {
  const v = keys[k] ?? keys[KEY_NAMES[k] ?? ''];
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
  return undefined;
}

/**
 * proj4 definition from GeoTIFF GeoKeys: an EPSG code in ProjectedCSTypeGeoKey (3072) or GeographicTypeGeoKey
 * (2048) from the table, or a user-defined Transverse Mercator (ProjCoordTransGeoKey 3075 = 1) with its natural
 * origin (3080/3081 or 3088/3089), false easting/northing (3082/3083), scale (3092) and the ellipsoid of its
 * datum or ellipsoid key (2050/2056) or semi-axes (2057/2059).
 * @example
 * ```ts
 * proj4FromGeoKeys(dem.grid.crs.geoKeys ?? {}); // '+proj=tmerc … +x_0=39500000 … +ellps=krass …' for Youwuzhen
 * ```
 */
export function proj4FromGeoKeys(keys: Readonly<Record<number, unknown>>): string | undefined {
  const pcs = num(keys, 3072);
  if (pcs !== undefined && pcs !== 32767) return proj4FromEpsg(pcs);
  const model = num(keys, 1024);
  let ellps: string | undefined;
  const ellCode = num(keys, 2056);
  const datum = num(keys, 2050);
  const gcs = num(keys, 2048);
  if (ellCode !== undefined && ELLIPSOID_BY_EPSG[ellCode]) ellps = `+ellps=${ELLIPSOID_BY_EPSG[ellCode]}`;
  else if (datum !== undefined && ELLIPSOID_BY_DATUM[datum]) ellps = `+ellps=${ELLIPSOID_BY_DATUM[datum]}`;
  else if (gcs !== undefined && ELLIPSOID_BY_GEOGCS[gcs]) ellps = `+ellps=${ELLIPSOID_BY_GEOGCS[gcs]}`;
  else {
    const a = num(keys, 2057);
    const rf = num(keys, 2059);
    const b = num(keys, 2058);
    if (a !== undefined && rf !== undefined) ellps = `+a=${a} +rf=${rf}`;
    else if (a !== undefined && b !== undefined) ellps = `+a=${a} +b=${b}`;
  }
  if (model === 2) {
    if (gcs !== undefined && gcs !== 32767) return proj4FromEpsg(gcs);
    return ellps ? `+proj=longlat ${ellps} +no_defs` : undefined;
  }
  const trans = num(keys, 3075);
  if (trans === 1 && ellps) {
    const lon0 = num(keys, 3080) ?? num(keys, 3088) ?? 0;
    const lat0 = num(keys, 3081) ?? num(keys, 3089) ?? 0;
    const x0 = num(keys, 3082) ?? num(keys, 3086) ?? 0;
    const y0 = num(keys, 3083) ?? num(keys, 3087) ?? 0;
    const k = num(keys, 3092) ?? 1;
    const unit = num(keys, 3076);
    const units = unit === 9002 ? '+units=ft' : unit === 9003 ? '+units=us-ft' : '+units=m';
    return `+proj=tmerc +lat_0=${lat0} +lon_0=${lon0} +k=${k} +x_0=${x0} +y_0=${y0} ${ellps} ${units} +no_defs`;
  }
  return undefined;
}

/**
 * The proj4 definition of a CRS (see the module notes for the order tried).
 * @throws RusleError `BAD_ARGUMENT` when no definition can be found.
 *
 * @example
 * ```ts
 * proj4Definition(projectedCrs({ epsg: 2415 })); // '+proj=tmerc +lat_0=0 +lon_0=117 … +x_0=39500000 …'
 * ```
 */
export function proj4Definition(crs: Crs): string {
  if (crs.proj4) return crs.proj4;
  if (crs.epsg !== undefined) {
    const d = proj4FromEpsg(crs.epsg);
    if (d) return d;
  }
  if (crs.wkt) {
    try {
      proj4(crs.wkt, 'EPSG:4326', [0, 0]);
      return crs.wkt;
    } catch {
      /* fall through to the GeoKeys */
    }
  }
  if (crs.geoKeys) {
    const d = proj4FromGeoKeys(crs.geoKeys as Readonly<Record<number, unknown>>);
    if (d) return d;
  }
  if (crs.geographic) {
    const e = crs.ellipsoid;
    return `+proj=longlat +a=${e.semiMajorM} ${Number.isFinite(e.inverseFlattening) && e.inverseFlattening > 0 ? `+rf=${e.inverseFlattening}` : `+b=${e.semiMajorM}`} +no_defs`;
  }
  throw new RusleError(
    'BAD_ARGUMENT',
    `cannot reproject to the grid's CRS (EPSG ${crs.epsg ?? 'unknown'}, no WKT or GeoKeys proj4js understands); give the grid CRS a proj4 string (crs.proj4)`,
  );
}

/** A function mapping [x, y] in the source CRS to [x, y] in the target CRS. */
export type CoordinateTransform = (xy: readonly number[]) => [number, number];

/**
 * A coordinate transform from `source` (a proj4 string; WGS 84 longitude/latitude by default, as RFC 7946 GeoJSON)
 * to the grid CRS. Identity when both are WGS 84 geographic.
 *
 * @example
 * ```ts
 * const toGrid = lonLatToGrid(grid.crs);
 * toGrid([116.44, 25.69]); // [39444…, 28429…] for Youwuzhen's Beijing 1954 GK zone 39
 * ```
 */
export function lonLatToGrid(target: Crs, source = '+proj=longlat +datum=WGS84 +no_defs'): CoordinateTransform {
  if (target.epsg === 4326 && target.geographic && source === '+proj=longlat +datum=WGS84 +no_defs') {
    return (xy) => [xy[0]!, xy[1]!];
  }
  const def = proj4Definition(target);
  let conv;
  try {
    conv = proj4(source, def);
  } catch (e) {
    throw new RusleError('BAD_ARGUMENT', `proj4 cannot build a transform to the grid CRS '${def.slice(0, 80)}': ${(e as Error).message}`);
  }
  return (xy) => {
    const p = conv.forward([xy[0]!, xy[1]!]) as number[];
    return [p[0]!, p[1]!];
  };
}

/**
 * The inverse of {@link lonLatToGrid}: a transform from the grid CRS to `target` (WGS 84 longitude/latitude by
 * default, as RFC 7946 GeoJSON). Identity when the grid is WGS 84 geographic.
 *
 * @example
 * ```ts
 * const toLonLat = gridToLonLat(grid.crs);
 * toLonLat([39444000, 2842900]); // [116.44…, 25.69…] for Youwuzhen's Beijing 1954 GK zone 39
 * ```
 */
export function gridToLonLat(source: Crs, target = '+proj=longlat +datum=WGS84 +no_defs'): CoordinateTransform {
  if (source.epsg === 4326 && source.geographic && target === '+proj=longlat +datum=WGS84 +no_defs') {
    return (xy) => [xy[0]!, xy[1]!];
  }
  const def = proj4Definition(source);
  let conv;
  try {
    conv = proj4(def, target);
  } catch (e) {
    throw new RusleError('BAD_ARGUMENT', `proj4 cannot build a transform from the grid CRS '${def.slice(0, 80)}': ${(e as Error).message}`);
  }
  return (xy) => {
    const p = conv.forward([xy[0]!, xy[1]!]) as number[];
    return [p[0]!, p[1]!];
  };
}

/**
 * Polygons of a label raster as GeoJSON in WGS 84 longitude/latitude: {@link polygonize} on cell edges, then
 * {@link gridToLonLat} on every vertex (edges stay straight in the grid CRS, as for zones). One Feature per label.
 *
 * @param labels - integer label raster (nodata and `options.background`, 0 by default, are background).
 * @param options - polygonize options, per-label properties, decimals (default 9, about 0.1 mm).
 * @throws RusleError `BAD_ARGUMENT` when the grid CRS cannot be reprojected.
 *
 * @example
 * ```ts
 * writeFileSync('patches.geojson', JSON.stringify(polygonizeToLonLat(patchLabels)));
 * ```
 */
export function polygonizeToLonLat(
  labels: Raster,
  options: Omit<PolygonizeOptions, 'coordinates'> & Omit<PolygonGeoJsonOptions, 'transform'> = {},
): PolygonFeatureCollection {
  const parts = polygonize(labels, { ...options, coordinates: 'crs' });
  return labelPolygonsToGeoJson(parts, {
    transform: gridToLonLat(labels.grid.crs),
    decimals: options.decimals ?? 9,
    ...(options.properties ? { properties: options.properties } : {}),
  });
}
