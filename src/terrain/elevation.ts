/**
 * The unit of a DEM's heights: the z factor (metres per elevation unit, as `gdaldem -s`/`-z` take it), checked
 * against the vertical unit the file declares.
 *
 * Rules (every DEM-taking function applies them through {@link resolveZFactor}):
 * - a `zFactor` given by the caller is used as is (it must be a positive finite number);
 * - without one, a DEM whose CRS declares a vertical unit other than the metre (GeoTIFF VerticalUnitsGeoKey, or a
 *   known vertical CRS) is refused with `BAD_UNITS`, since heights in feet give slopes and LS far too high;
 * - without one and without a declared vertical unit, heights are taken as metres. {@link demHeightWarning} names
 *   that assumption when the horizontal unit is a foot, the case where feet heights are most likely.
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';
import type { Crs } from '../raster/crs.js';
import { Grid } from '../raster/grid.js';
import { isFloatArray, Raster } from '../raster/raster.js';

/**
 * The z factor to apply to a DEM's heights: `zFactor` when given, else 1 when the heights are in metres or declare
 * no unit.
 * @param crs - the DEM's CRS (its `verticalUnitMeters`, when declared).
 * @param zFactor - metres per elevation unit given by the caller, or undefined.
 * @param where - the function or flag, for messages (`'lsFactor'`, `'rusle ls'`).
 * @throws RusleError `BAD_VALUE` for a zFactor that is not a positive finite number; `BAD_UNITS` for a DEM whose
 *   declared vertical unit is not the metre when no zFactor is given.
 */
export function resolveZFactor(crs: Crs, zFactor: number | undefined, where: string): number {
  if (zFactor !== undefined) {
    if (typeof zFactor !== 'number' || !(zFactor > 0) || !Number.isFinite(zFactor)) {
      throw new RusleError('BAD_VALUE', `${where}: zFactor must be a positive number of metres per elevation unit (0.3048 for feet), got ${String(zFactor)}`);
    }
    return zFactor;
  }
  const m = crs.verticalUnitMeters;
  if (m !== undefined && Math.abs(m - 1) > 1e-12) {
    throw new RusleError(
      'BAD_UNITS',
      `${where}: the DEM declares its heights in ${crs.verticalUnitName ?? `units of ${m} m`}, not metres; give zFactor ${m} (metres per elevation unit; --z-factor ${m} on the command line) to convert them`,
      { verticalUnitMeters: m },
    );
  }
  return 1;
}

/**
 * A warning when heights are assumed to be metres although the CRS's horizontal unit is a foot and the file
 * declares no vertical unit; null otherwise (or when `zFactor` was given).
 */
export function demHeightWarning(crs: Crs, zFactor: number | undefined): string | null {
  if (zFactor !== undefined || crs.geographic || crs.verticalUnitMeters !== undefined) return null;
  const u = crs.linearUnitMeters;
  if (!(Math.abs(u - 0.3048) < 1e-4)) return null;
  return `the CRS's horizontal unit is a foot (${u} m) and the DEM declares no vertical unit: heights are taken as metres; if they are in feet, give --z-factor 0.3048 (zFactor in the library)`;
}

/** GeoKeys of the vertical CRS: VerticalCSType, VerticalCitation, VerticalDatum, VerticalUnits. */
const VERTICAL_KEYS = [4096, 4097, 4098, 4099] as const;
/** EPSG code of the metre, for VerticalUnitsGeoKey. */
const EPSG_METRE = 9001;

/**
 * The DEM with its heights in metres: a copy (Float64 for a Float64 DEM, else Float32) with heights multiplied by `zFactor` (nodata → NaN) whose CRS
 * declares metres (VerticalUnitsGeoKey 9001 in place of the source's vertical keys); the DEM itself when `zFactor`
 * is 1 and the DEM declares no other vertical unit.
 */
export function scaleElevations(dem: Raster, zFactor: number): Raster {
  const crs = dem.grid.crs;
  if (zFactor === 1 && (crs.verticalUnitMeters === undefined || crs.verticalUnitMeters === 1)) return dem;
  let geoKeys = crs.geoKeys;
  if (geoKeys) {
    const k: Record<number, number | string | readonly number[]> = { ...geoKeys };
    for (const id of VERTICAL_KEYS) delete k[id];
    k[VERTICAL_KEYS[3]] = EPSG_METRE;
    geoKeys = k;
  }
  const metres: Crs = { ...crs, verticalUnitMeters: 1, verticalUnitName: 'metre', ...(geoKeys ? { geoKeys } : {}) };
  const grid = new Grid(dem.width, dem.height, dem.grid.transform, metres);
  const d = dem.data;
  const out = d instanceof Float64Array ? new Float64Array(d.length) : new Float32Array(d.length);
  const nd = isFloatArray(d) ? null : dem.nodata;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    out[i] = nd !== null && v === nd ? NaN : v * zFactor;
  }
  return new Raster(grid, out, NaN);
}
