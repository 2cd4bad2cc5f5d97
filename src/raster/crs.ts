/**
 * Coordinate reference systems as the library needs them: enough to know the unit of the grid (metres, feet,
 * degrees), the ellipsoid for true distances and areas in geographic grids, and the identity of the CRS (EPSG code,
 * WKT, or the GeoKeys of the source file) so that outputs carry the input's CRS unchanged.
 *
 * No projection database is bundled: a CRS read from a GeoTIFF carries its GeoKeys and what they state; a CRS built
 * in code states its unit explicitly. Reprojection (GeoJSON zones) lives in `src/assess` and uses proj4.
 *
 * @module
 */

import { RusleError } from './errors.js';

/** An ellipsoid by its semi-major axis (m) and inverse flattening (1/f; 0 or Infinity for a sphere). */
export interface Ellipsoid {
  /** Semi-major axis a, metres. */
  readonly semiMajorM: number;
  /** Inverse flattening 1/f (dimensionless); `Infinity` for a sphere. */
  readonly inverseFlattening: number;
  /** Name, for messages and provenance. */
  readonly name?: string;
}

/** WGS 84 (EPSG:7030): a = 6 378 137 m, 1/f = 298.257223563. */
export const WGS84: Ellipsoid = { semiMajorM: 6378137, inverseFlattening: 298.257223563, name: 'WGS 84' };
/** GRS 1980 (EPSG:7019), used by NAD83 and CGCS2000: a = 6 378 137 m, 1/f = 298.257222101. */
export const GRS80: Ellipsoid = { semiMajorM: 6378137, inverseFlattening: 298.257222101, name: 'GRS 1980' };
/** Krassowsky 1940 (EPSG:7024), used by Beijing 1954: a = 6 378 245 m, 1/f = 298.3. */
export const KRASSOWSKY1940: Ellipsoid = { semiMajorM: 6378245, inverseFlattening: 298.3, name: 'Krassowsky 1940' };
/** Clarke 1866 (EPSG:7008), used by NAD27: a = 6 378 206.4 m, 1/f = 294.978698214. */
export const CLARKE1866: Ellipsoid = { semiMajorM: 6378206.4, inverseFlattening: 294.978698214, name: 'Clarke 1866' };

/**
 * A coordinate reference system.
 *
 * `geographic` grids have coordinates in angular units (`angularUnitRadians` per unit, degrees by default) on
 * `ellipsoid`; projected grids have coordinates in a linear unit of `linearUnitMeters` metres.
 */
export interface Crs {
  /** EPSG code, when known. */
  readonly epsg?: number;
  /** OGC WKT, when known (kept verbatim from the source). */
  readonly wkt?: string;
  /** A proj4 definition string, when known (used for reprojection of vector zones). */
  readonly proj4?: string;
  /** Human-readable name (from the GeoTIFF citation keys or the EPSG code). */
  readonly name?: string;
  /** True when coordinates are longitude/latitude. */
  readonly geographic: boolean;
  /** Metres per linear unit of a projected CRS (1 for metres, 0.3048 for feet). Ignored when geographic. */
  readonly linearUnitMeters: number;
  /** Radians per angular unit of a geographic CRS (π/180 for degrees). */
  readonly angularUnitRadians: number;
  /** The ellipsoid, for true distances and areas of geographic grids. */
  readonly ellipsoid: Ellipsoid;
  /**
   * The GeoTIFF GeoKeys of the source file (key id → value), kept so that a raster written from this grid carries
   * the same CRS even when it has no EPSG code (for example Beijing 1954 Gauss-Krüger).
   */
  readonly geoKeys?: Readonly<Record<number, number | string | readonly number[]>>;
  /**
   * Metres per unit of the heights, when the source declares a vertical unit (GeoTIFF VerticalUnitsGeoKey, or the
   * unit of a known vertical CRS in VerticalCSTypeGeoKey). Absent when nothing is declared.
   */
  readonly verticalUnitMeters?: number;
  /** Name of the declared vertical unit (for messages), with where it was declared. */
  readonly verticalUnitName?: string;
}

/** Radians per degree. */
export const DEG = Math.PI / 180;

/** A projected CRS in metres (or another linear unit), optionally with its EPSG code. */
export function projectedCrs(options: { epsg?: number; wkt?: string; proj4?: string; name?: string; linearUnitMeters?: number; ellipsoid?: Ellipsoid } = {}): Crs {
  const linearUnitMeters = options.linearUnitMeters ?? 1;
  if (!(linearUnitMeters > 0) || !Number.isFinite(linearUnitMeters)) {
    throw new RusleError('BAD_UNITS', `projectedCrs: linearUnitMeters must be a positive number of metres, got ${linearUnitMeters}`);
  }
  return {
    ...(options.epsg !== undefined ? { epsg: options.epsg } : {}),
    ...(options.wkt !== undefined ? { wkt: options.wkt } : {}),
    ...(options.proj4 !== undefined ? { proj4: options.proj4 } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
    geographic: false,
    linearUnitMeters,
    angularUnitRadians: DEG,
    ellipsoid: options.ellipsoid ?? WGS84,
  };
}

/** A geographic CRS in degrees on an ellipsoid (WGS 84, EPSG:4326 by default). */
export function geographicCrs(options: { epsg?: number; wkt?: string; proj4?: string; name?: string; ellipsoid?: Ellipsoid; angularUnitRadians?: number } = {}): Crs {
  const epsg = options.epsg ?? (options.wkt === undefined && options.ellipsoid === undefined ? 4326 : undefined);
  return {
    ...(epsg !== undefined ? { epsg } : {}),
    ...(options.wkt !== undefined ? { wkt: options.wkt } : {}),
    ...(options.proj4 !== undefined ? { proj4: options.proj4 } : {}),
    ...(options.name !== undefined ? { name: options.name } : {}),
    geographic: true,
    linearUnitMeters: NaN,
    angularUnitRadians: options.angularUnitRadians ?? DEG,
    ellipsoid: options.ellipsoid ?? WGS84,
  };
}

function normaliseWkt(wkt: string): string {
  return wkt.replace(/\s+/g, '').toUpperCase();
}

/**
 * GeoKeys ignored when comparing horizontal CRSs: those that only name things (GTCitation, GeogCitation,
 * PCSCitation, VerticalCitation) and the vertical CRS, datum and unit (VerticalCSType, VerticalDatum,
 * VerticalUnits), which say nothing about where the cells are.
 */
const CITATION_KEYS = new Set(['1026', '2049', '3073', '4096', '4097', '4098', '4099']);

function sameKeys(a: Crs['geoKeys'], b: Crs['geoKeys']): boolean {
  if (!a || !b) return false;
  const ka = Object.keys(a).filter((k) => !CITATION_KEYS.has(k)).sort();
  const kb = Object.keys(b).filter((k) => !CITATION_KEYS.has(k)).sort();
  if (ka.length !== kb.length) return false;
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return false;
    const va = a[Number(ka[i])];
    const vb = b[Number(kb[i])];
    if (JSON.stringify(va) !== JSON.stringify(vb)) return false;
  }
  return true;
}

/**
 * True when two CRSs are the same for the purpose of aligning rasters: equal EPSG codes when both have one,
 * otherwise equal WKT, otherwise equal GeoKeys, otherwise equal kind, unit and ellipsoid.
 */
export function crsEquals(a: Crs, b: Crs): boolean {
  if (a.geographic !== b.geographic) return false;
  if (a.epsg !== undefined && b.epsg !== undefined) return a.epsg === b.epsg;
  if (a.wkt !== undefined && b.wkt !== undefined && normaliseWkt(a.wkt) === normaliseWkt(b.wkt)) return true;
  if (a.geoKeys !== undefined && b.geoKeys !== undefined) return sameKeys(a.geoKeys, b.geoKeys);
  const unitA = a.geographic ? a.angularUnitRadians : a.linearUnitMeters;
  const unitB = b.geographic ? b.angularUnitRadians : b.linearUnitMeters;
  return (
    Math.abs(unitA - unitB) <= 1e-12 * Math.abs(unitA) &&
    a.ellipsoid.semiMajorM === b.ellipsoid.semiMajorM &&
    a.ellipsoid.inverseFlattening === b.ellipsoid.inverseFlattening
  );
}

/** A short human-readable description of a CRS, for messages. */
export function describeCrs(crs: Crs): string {
  if (crs.epsg !== undefined) return `EPSG:${crs.epsg}${crs.name ? ` (${crs.name})` : ''}`;
  if (crs.name) return crs.name;
  return crs.geographic ? `geographic CRS on ${crs.ellipsoid.name ?? 'an unnamed ellipsoid'}` : `projected CRS (unit ${crs.linearUnitMeters} m)`;
}

/** First eccentricity squared e² = f(2 − f) of an ellipsoid. */
export function eccentricitySquared(ellipsoid: Ellipsoid): number {
  const f = Number.isFinite(ellipsoid.inverseFlattening) && ellipsoid.inverseFlattening > 0 ? 1 / ellipsoid.inverseFlattening : 0;
  return f * (2 - f);
}

/**
 * Area on the ellipsoid between the equator and latitude φ, per radian of longitude, in m².
 *
 * q(φ) = b²/2 · [ sin φ / (1 − e² sin² φ) + atanh(e sin φ) / e ] (the authalic-latitude integral; Snyder 1987,
 * "Map Projections — A Working Manual", USGS PP 1395, eq. 3-12 with q scaled by b²/2). The area of the cell between
 * φ1 and φ2 spanning Δλ radians is Δλ · (q(φ2) − q(φ1)); sums over adjacent cells telescope exactly.
 */
export function zoneAreaPerRadian(latRad: number, ellipsoid: Ellipsoid): number {
  const a = ellipsoid.semiMajorM;
  const e2 = eccentricitySquared(ellipsoid);
  const s = Math.sin(latRad);
  if (e2 === 0) return a * a * s;
  const e = Math.sqrt(e2);
  const b2 = a * a * (1 - e2);
  return (b2 / 2) * (s / (1 - e2 * s * s) + Math.atanh(e * s) / e);
}

/** Radius of curvature in the prime vertical N(φ) = a / √(1 − e² sin² φ), metres. */
export function primeVerticalRadius(latRad: number, ellipsoid: Ellipsoid): number {
  const e2 = eccentricitySquared(ellipsoid);
  const s = Math.sin(latRad);
  return ellipsoid.semiMajorM / Math.sqrt(1 - e2 * s * s);
}

/** Meridional radius of curvature M(φ) = a (1 − e²) / (1 − e² sin² φ)^{3/2}, metres. */
export function meridionalRadius(latRad: number, ellipsoid: Ellipsoid): number {
  const e2 = eccentricitySquared(ellipsoid);
  const s = Math.sin(latRad);
  const w = 1 - e2 * s * s;
  return (ellipsoid.semiMajorM * (1 - e2)) / (w * Math.sqrt(w));
}
