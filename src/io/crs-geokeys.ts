/**
 * GeoTIFF georeferencing: the CRS from the GeoKey directory and the affine transform from ModelTransformation or
 * ModelPixelScale + ModelTiepoint, and the reverse for the writer.
 *
 * Reference: OGC GeoTIFF Standard 1.1 (OGC 19-008r4, 2019), sections 7 (GeoKey directory) and 8 (raster space,
 * PixelIsArea vs PixelIsPoint); GDAL's `GTiffDataset` for the half-cell shift of PixelIsPoint files (GDAL's default
 * `GTIFF_POINT_GEO_IGNORE=FALSE`: the origin moves back by half a cell so that the transform describes cell corners).
 *
 * No EPSG database is bundled. What the keys state is used: the model type (geographic or projected), the EPSG code
 * when it is not 32767 (user-defined), the linear unit (ProjLinearUnitsGeoKey or ProjLinearUnitSizeGeoKey; for an
 * EPSG code without a unit key, the common metre ranges), the angular unit, and the ellipsoid (GeogEllipsoidGeoKey,
 * the semi-axis keys, or a datum/CRS code that implies it). The raw keys are kept in `crs.geoKeys` so that the
 * writer reproduces the CRS of a file without an EPSG code (for example Beijing 1954 Gauss-Krüger).
 *
 * @module
 */

import {
  CLARKE1866, type Crs, DEG, type Ellipsoid, GRS80, KRASSOWSKY1940, WGS84,
} from '../raster/crs.js';
import { RusleError } from '../raster/errors.js';
import type { GeoTransform } from '../raster/grid.js';

/** GeoKey ids used here (OGC 19-008r4, Annex B). */
export const GEOKEY = {
  GTModelType: 1024,
  GTRasterType: 1025,
  GTCitation: 1026,
  GeographicType: 2048,
  GeogCitation: 2049,
  GeogGeodeticDatum: 2050,
  GeogPrimeMeridian: 2051,
  GeogLinearUnits: 2052,
  GeogLinearUnitSize: 2053,
  GeogAngularUnits: 2054,
  GeogAngularUnitSize: 2055,
  GeogEllipsoid: 2056,
  GeogSemiMajorAxis: 2057,
  GeogSemiMinorAxis: 2058,
  GeogInvFlattening: 2059,
  GeogAzimuthUnits: 2060,
  GeogPrimeMeridianLong: 2061,
  ProjectedCSType: 3072,
  PCSCitation: 3073,
  Projection: 3074,
  ProjCoordTrans: 3075,
  ProjLinearUnits: 3076,
  ProjLinearUnitSize: 3077,
  VerticalCSType: 4096,
  VerticalCitation: 4097,
  VerticalDatum: 4098,
  VerticalUnits: 4099,
} as const;

/** The "user-defined" code of GeoTIFF. */
export const USER_DEFINED = 32767;

/** Raw GeoKeys: key id → SHORT value, DOUBLE value(s) or ASCII string. */
export type GeoKeys = Record<number, number | string | readonly number[]>;

/** Keys whose values are doubles even when integral (OGC 19-008r4 Annex B). */
const DOUBLE_KEYS = new Set<number>([2053, 2055, 2057, 2058, 2059, 2061, 3077]);
for (let k = 3078; k <= 3095; k++) DOUBLE_KEYS.add(k);

/** True when a key is stored as a double in GeoDoubleParams. */
export function isDoubleKey(key: number, value: number): boolean {
  return DOUBLE_KEYS.has(key) || !Number.isInteger(value) || value < 0 || value > 65535;
}

/** Metres per unit for EPSG linear unit codes. */
const LINEAR_UNITS: Readonly<Record<number, number>> = {
  9001: 1, // metre
  9002: 0.3048, // international foot
  9003: 1200 / 3937, // US survey foot
  9005: 0.3047972654, // Clarke's foot
  9014: 1.8288, // fathom
  9030: 1852, // nautical mile
  9036: 1000, // kilometre
  9093: 1609.344, // statute mile
  9094: 0.3048007491, // Gold Coast foot
  9095: 0.3047995102481469, // British foot (1936)
};

/** Names of the EPSG linear unit codes, for messages. */
const LINEAR_UNIT_NAMES: Readonly<Record<number, string>> = {
  9001: 'metre', 9002: 'foot', 9003: 'US survey foot', 9005: "Clarke's foot", 9014: 'fathom', 9030: 'nautical mile',
  9036: 'kilometre', 9093: 'statute mile', 9094: 'Gold Coast foot', 9095: 'British foot (1936)',
};

/** Height unit of common EPSG vertical CRSs (VerticalCSTypeGeoKey), EPSG unit code. */
const VERTICAL_CRS_UNITS: Readonly<Record<number, number>> = {
  5703: 9001, // NAVD88 height
  5773: 9001, // EGM96 height
  3855: 9001, // EGM2008 height
  5714: 9001, // MSL height
  5701: 9001, // ODN height
  5736: 9001, // Yellow Sea 1956 height
  5737: 9001, // Yellow Sea 1985 height
  5702: 9003, // NGVD29 height (ftUS)
  6360: 9003, // NAVD88 height (ftUS)
  8228: 9002, // NAVD88 height (ft)
};

/**
 * The vertical unit the keys declare: VerticalUnitsGeoKey, else the unit of a known vertical CRS
 * (VerticalCSTypeGeoKey). `undefined` when the file declares none.
 */
export function verticalUnitFromKeys(keys: GeoKeys | undefined): { metres: number; name: string } | undefined {
  if (!keys) return undefined;
  const unit = num(keys, GEOKEY.VerticalUnits);
  if (unit !== undefined && unit !== USER_DEFINED && LINEAR_UNITS[unit] !== undefined) {
    return { metres: LINEAR_UNITS[unit]!, name: `${LINEAR_UNIT_NAMES[unit] ?? `EPSG unit ${unit}`} (VerticalUnitsGeoKey ${unit})` };
  }
  const vcs = num(keys, GEOKEY.VerticalCSType);
  if (vcs !== undefined && VERTICAL_CRS_UNITS[vcs] !== undefined) {
    const u = VERTICAL_CRS_UNITS[vcs]!;
    return { metres: LINEAR_UNITS[u]!, name: `${LINEAR_UNIT_NAMES[u]!} (vertical CRS EPSG:${vcs})` };
  }
  return undefined;
}

/** Radians per unit for EPSG angular unit codes. */
const ANGULAR_UNITS: Readonly<Record<number, number>> = {
  9101: 1, // radian
  9102: DEG, // degree
  9105: Math.PI / 200, // grad
  9106: Math.PI / 200, // gon
  9122: DEG, // degree (supplier to define representation)
};

const IAG1975: Ellipsoid = { semiMajorM: 6378140, inverseFlattening: 298.257, name: 'IAG 1975' };
const INTERNATIONAL1924: Ellipsoid = { semiMajorM: 6378388, inverseFlattening: 297, name: 'International 1924' };
const BESSEL1841: Ellipsoid = { semiMajorM: 6377397.155, inverseFlattening: 299.1528128, name: 'Bessel 1841' };
const CLARKE1880RGS: Ellipsoid = { semiMajorM: 6378249.145, inverseFlattening: 293.465, name: 'Clarke 1880 (RGS)' };

/** Ellipsoids by EPSG ellipsoid code. */
const ELLIPSOIDS: Readonly<Record<number, Ellipsoid>> = {
  7030: WGS84, 7019: GRS80, 7024: KRASSOWSKY1940, 7008: CLARKE1866, 7049: IAG1975, 7022: INTERNATIONAL1924,
  7004: BESSEL1841, 7012: CLARKE1880RGS, 7043: { semiMajorM: 6378135, inverseFlattening: 298.26, name: 'WGS 72' },
  7044: { semiMajorM: 6377299.365, inverseFlattening: 300.8017, name: 'Everest 1830' },
};

/** Ellipsoids by EPSG geodetic datum code. */
const DATUM_ELLIPSOIDS: Readonly<Record<number, Ellipsoid>> = {
  6326: WGS84, 6269: GRS80, 6267: CLARKE1866, 6214: KRASSOWSKY1940, 6610: IAG1975, 1043: GRS80, 6258: GRS80,
  6230: INTERNATIONAL1924, 6322: { semiMajorM: 6378135, inverseFlattening: 298.26, name: 'WGS 72' },
};

/** Ellipsoids by EPSG geographic CRS code. */
const GEOGCS_ELLIPSOIDS: Readonly<Record<number, Ellipsoid>> = {
  4326: WGS84, 4269: GRS80, 4267: CLARKE1866, 4214: KRASSOWSKY1940, 4610: IAG1975, 4490: GRS80, 4258: GRS80,
  4230: INTERNATIONAL1924, 4322: { semiMajorM: 6378135, inverseFlattening: 298.26, name: 'WGS 72' },
};

/** What we know about a projected EPSG code without a database: its ellipsoid and whether it is in metres. */
function projectedFacts(epsg: number): { ellipsoid?: Ellipsoid; metres: boolean } {
  if ((epsg >= 32601 && epsg <= 32660) || (epsg >= 32701 && epsg <= 32760)) return { ellipsoid: WGS84, metres: true };
  if (epsg === 3857 || epsg === 3395 || epsg === 3410 || epsg === 6933 || epsg === 8857) return { ellipsoid: WGS84, metres: true };
  if (epsg >= 26901 && epsg <= 26923) return { ellipsoid: GRS80, metres: true }; // NAD83 / UTM
  if (epsg >= 26701 && epsg <= 26722) return { ellipsoid: CLARKE1866, metres: true }; // NAD27 / UTM
  if (epsg >= 2401 && epsg <= 2442) return { ellipsoid: KRASSOWSKY1940, metres: true }; // Beijing 1954 / 3-degree GK
  if ((epsg >= 21413 && epsg <= 21423) || (epsg >= 21453 && epsg <= 21463) || (epsg >= 21473 && epsg <= 21483)) {
    return { ellipsoid: KRASSOWSKY1940, metres: true }; // Beijing 1954 / 6-degree GK
  }
  if (epsg >= 2327 && epsg <= 2400) return { ellipsoid: IAG1975, metres: true }; // Xian 1980 / GK
  if (epsg >= 4491 && epsg <= 4554) return { ellipsoid: GRS80, metres: true }; // CGCS2000 / GK
  if (epsg >= 25828 && epsg <= 25838) return { ellipsoid: GRS80, metres: true }; // ETRS89 / UTM
  if (epsg === 3035 || epsg === 3034 || epsg === 2154 || epsg === 5070 || epsg === 3577 || epsg === 3111) return { ellipsoid: GRS80, metres: true };
  if (epsg === 27700) return { ellipsoid: { semiMajorM: 6377563.396, inverseFlattening: 299.3249646, name: 'Airy 1830' }, metres: true };
  return { metres: false };
}

/**
 * Parses a GeoKeyDirectory (SHORT array) with its double and ASCII parameters into raw keys.
 *
 * @throws RusleError `UNSUPPORTED_TIFF` when the directory is malformed.
 */
export function parseGeoKeys(directory: readonly number[], doubles: readonly number[] | undefined, ascii: string | undefined, path: string): GeoKeys {
  if (directory.length < 4) throw new RusleError('UNSUPPORTED_TIFF', `${path}: GeoKeyDirectory has ${directory.length} values (expected at least 4)`);
  const n = directory[3]!;
  if (directory.length < 4 + 4 * n) {
    throw new RusleError('UNSUPPORTED_TIFF', `${path}: GeoKeyDirectory declares ${n} keys but holds ${(directory.length - 4) / 4}`);
  }
  const keys: GeoKeys = {};
  for (let i = 0; i < n; i++) {
    const o = 4 + 4 * i;
    const id = directory[o]!;
    const location = directory[o + 1]!;
    const count = directory[o + 2]!;
    const value = directory[o + 3]!;
    if (location === 0) {
      keys[id] = value;
    } else if (location === 34736) {
      if (!doubles || value + count > doubles.length) continue;
      keys[id] = count === 1 ? doubles[value]! : doubles.slice(value, value + count);
    } else if (location === 34737) {
      if (ascii === undefined) continue;
      let s = ascii.substring(value, value + count);
      if (s.endsWith('|')) s = s.slice(0, -1);
      keys[id] = s;
    } else if (location === 34735) {
      if (value + count <= directory.length) keys[id] = count === 1 ? directory[value]! : directory.slice(value, value + count);
    }
  }
  return keys;
}

function num(keys: GeoKeys, id: number): number | undefined {
  const v = keys[id];
  if (typeof v === 'number') return v;
  if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
  return undefined;
}

function str(keys: GeoKeys, id: number): string | undefined {
  const v = keys[id];
  return typeof v === 'string' ? v : undefined;
}

function ellipsoidFromKeys(keys: GeoKeys, geogType: number | undefined, projFacts: { ellipsoid?: Ellipsoid }): Ellipsoid {
  const ellCode = num(keys, GEOKEY.GeogEllipsoid);
  if (ellCode !== undefined && ELLIPSOIDS[ellCode]) return ELLIPSOIDS[ellCode]!;
  const a = num(keys, GEOKEY.GeogSemiMajorAxis);
  if (a !== undefined && a > 0) {
    const invF = num(keys, GEOKEY.GeogInvFlattening);
    const b = num(keys, GEOKEY.GeogSemiMinorAxis);
    let inverseFlattening: number | undefined;
    if (invF !== undefined && invF > 0) inverseFlattening = invF;
    else if (b !== undefined && b > 0) inverseFlattening = a === b ? Infinity : a / (a - b);
    if (inverseFlattening !== undefined) {
      const known = Object.values(ELLIPSOIDS).find((e) => e.semiMajorM === a && Math.abs(e.inverseFlattening - inverseFlattening!) < 1e-9);
      return known ?? { semiMajorM: a, inverseFlattening };
    }
  }
  const datum = num(keys, GEOKEY.GeogGeodeticDatum);
  if (datum !== undefined && DATUM_ELLIPSOIDS[datum]) return DATUM_ELLIPSOIDS[datum]!;
  if (geogType !== undefined && GEOGCS_ELLIPSOIDS[geogType]) return GEOGCS_ELLIPSOIDS[geogType]!;
  if (projFacts.ellipsoid) return projFacts.ellipsoid;
  const cit = `${str(keys, GEOKEY.GeogCitation) ?? ''} ${str(keys, GEOKEY.GTCitation) ?? ''} ${str(keys, GEOKEY.PCSCitation) ?? ''}`.toLowerCase();
  if (/krass|beijing/.test(cit)) return KRASSOWSKY1940;
  if (/cgcs|grs.?80|grs.?1980|nad.?83|etrs/.test(cit)) return GRS80;
  if (/clarke.?1866|nad.?27/.test(cit)) return CLARKE1866;
  if (/xian|xi'an|iag.?75|iag.?1975/.test(cit)) return IAG1975;
  return WGS84;
}

/**
 * The CRS that the GeoKeys describe. Files without GeoKeys give a projected CRS of unknown unit
 * (`linearUnitMeters` NaN): cell sizes in metres then refuse with `BAD_UNITS` instead of guessing.
 */
export function crsFromGeoKeys(keys: GeoKeys | undefined): Crs {
  if (!keys || Object.keys(keys).length === 0) {
    return { geographic: false, linearUnitMeters: NaN, angularUnitRadians: DEG, ellipsoid: WGS84, name: 'unknown CRS (no GeoKeys)' };
  }
  const model = num(keys, GEOKEY.GTModelType);
  const pcs = num(keys, GEOKEY.ProjectedCSType);
  const gcs = num(keys, GEOKEY.GeographicType);
  const geographic = model === 2 || (model === undefined && pcs === undefined && gcs !== undefined);
  const angUnit = num(keys, GEOKEY.GeogAngularUnits);
  let angularUnitRadians = angUnit !== undefined && ANGULAR_UNITS[angUnit] !== undefined ? ANGULAR_UNITS[angUnit]! : DEG;
  const angSize = num(keys, GEOKEY.GeogAngularUnitSize);
  if (angUnit === USER_DEFINED && angSize !== undefined && angSize > 0) angularUnitRadians = angSize;
  const gcsCode = gcs !== undefined && gcs !== USER_DEFINED && gcs > 0 ? gcs : undefined;
  const pcsCode = pcs !== undefined && pcs !== USER_DEFINED && pcs > 0 ? pcs : undefined;
  const facts = pcsCode !== undefined ? projectedFacts(pcsCode) : { metres: false };
  const ellipsoid = ellipsoidFromKeys(keys, gcsCode, facts);
  const name = (geographic ? str(keys, GEOKEY.GeogCitation) ?? str(keys, GEOKEY.GTCitation) : str(keys, GEOKEY.PCSCitation) ?? str(keys, GEOKEY.GTCitation))?.trim();
  // GTRasterType is not part of the CRS: the transform is already converted to cell corners (PixelIsArea), and a
  // PixelIsPoint input and our PixelIsArea output of it must compare as the same CRS.
  const frozen: GeoKeys = { ...keys };
  delete frozen[GEOKEY.GTRasterType];
  const vertical = verticalUnitFromKeys(keys);
  const verticalFields = vertical ? { verticalUnitMeters: vertical.metres, verticalUnitName: vertical.name } : {};
  if (geographic) {
    return {
      ...(gcsCode !== undefined ? { epsg: gcsCode } : {}),
      ...(name ? { name } : {}),
      geographic: true,
      linearUnitMeters: NaN,
      angularUnitRadians,
      ellipsoid,
      geoKeys: frozen,
      ...verticalFields,
    };
  }
  let linearUnitMeters = NaN;
  const lin = num(keys, GEOKEY.ProjLinearUnits);
  const linSize = num(keys, GEOKEY.ProjLinearUnitSize);
  if (lin !== undefined && LINEAR_UNITS[lin] !== undefined) linearUnitMeters = LINEAR_UNITS[lin]!;
  else if (linSize !== undefined && linSize > 0) linearUnitMeters = linSize;
  else if (pcsCode !== undefined && facts.metres) linearUnitMeters = 1;
  return {
    ...(pcsCode !== undefined ? { epsg: pcsCode } : {}),
    ...(name ? { name } : {}),
    geographic: false,
    linearUnitMeters,
    angularUnitRadians,
    ellipsoid,
    geoKeys: frozen,
    ...verticalFields,
  };
}

/** True when the keys declare PixelIsPoint (GTRasterTypeGeoKey = 2). */
export function isPixelIsPoint(keys: GeoKeys | undefined): boolean {
  return keys !== undefined && num(keys, GEOKEY.GTRasterType) === 2;
}

/**
 * The GDAL-order transform from ModelTransformation, or ModelPixelScale + one ModelTiepoint; `undefined` when the
 * file has neither. PixelIsPoint files are shifted by half a cell as GDAL does.
 */
export function transformFromTags(
  scale: readonly number[] | undefined,
  tiepoint: readonly number[] | undefined,
  matrix: readonly number[] | undefined,
  pixelIsPoint: boolean,
): GeoTransform | undefined {
  let t: [number, number, number, number, number, number] | undefined;
  if (matrix && matrix.length >= 16) {
    t = [matrix[3]!, matrix[0]!, matrix[1]!, matrix[7]!, matrix[4]!, matrix[5]!];
  } else if (scale && scale.length >= 2 && tiepoint && tiepoint.length >= 6) {
    const [i, j, , x, y] = tiepoint as [number, number, number, number, number];
    const sx = scale[0]!;
    const sy = scale[1]!;
    t = [x - i * sx, sx, 0, y + j * sy, 0, -sy];
  }
  if (!t) return undefined;
  if (pixelIsPoint) {
    t[0] -= 0.5 * t[1] + 0.5 * t[2];
    t[3] -= 0.5 * t[4] + 0.5 * t[5];
  }
  if (!t.every((v) => Number.isFinite(v)) || t[1] * t[5] - t[2] * t[4] === 0) return undefined;
  return t;
}

/** The GeoKeys the writer stores for a CRS: the source's raw keys (as PixelIsArea) or keys built from EPSG/units. */
export function geoKeysForCrs(crs: Crs): GeoKeys {
  if (crs.geoKeys && Object.keys(crs.geoKeys).length > 0) {
    const keys: GeoKeys = { ...(crs.geoKeys as GeoKeys) };
    keys[GEOKEY.GTRasterType] = 1; // our transform always describes cell corners
    return keys;
  }
  const keys: GeoKeys = { [GEOKEY.GTRasterType]: 1 };
  const ell = crs.ellipsoid;
  const ellCode = Object.entries(ELLIPSOIDS).find(([, e]) => e.semiMajorM === ell.semiMajorM && e.inverseFlattening === ell.inverseFlattening)?.[0];
  const putEllipsoid = (): void => {
    keys[GEOKEY.GeographicType] = USER_DEFINED;
    keys[GEOKEY.GeogGeodeticDatum] = USER_DEFINED;
    if (ellCode !== undefined) keys[GEOKEY.GeogEllipsoid] = Number(ellCode);
    else {
      keys[GEOKEY.GeogEllipsoid] = USER_DEFINED;
      keys[GEOKEY.GeogSemiMajorAxis] = ell.semiMajorM;
      keys[GEOKEY.GeogInvFlattening] = Number.isFinite(ell.inverseFlattening) ? ell.inverseFlattening : 0;
    }
  };
  if (crs.geographic) {
    keys[GEOKEY.GTModelType] = 2;
    if (crs.epsg !== undefined) keys[GEOKEY.GeographicType] = crs.epsg;
    else putEllipsoid();
    keys[GEOKEY.GeogAngularUnits] = Math.abs(crs.angularUnitRadians - DEG) < 1e-15 ? 9102 : USER_DEFINED;
    if (keys[GEOKEY.GeogAngularUnits] === USER_DEFINED) keys[GEOKEY.GeogAngularUnitSize] = crs.angularUnitRadians;
    if (crs.name) keys[GEOKEY.GeogCitation] = crs.name;
  } else {
    keys[GEOKEY.GTModelType] = 1;
    if (crs.epsg !== undefined) keys[GEOKEY.ProjectedCSType] = crs.epsg;
    else {
      keys[GEOKEY.ProjectedCSType] = USER_DEFINED;
      putEllipsoid();
    }
    const unitCode = Object.entries(LINEAR_UNITS).find(([, m]) => m === crs.linearUnitMeters)?.[0];
    if (unitCode !== undefined) keys[GEOKEY.ProjLinearUnits] = Number(unitCode);
    else if (crs.linearUnitMeters > 0) {
      keys[GEOKEY.ProjLinearUnits] = USER_DEFINED;
      keys[GEOKEY.ProjLinearUnitSize] = crs.linearUnitMeters;
    }
    if (crs.name) keys[GEOKEY.GTCitation] = crs.name;
  }
  return keys;
}

/**
 * Encodes raw GeoKeys into the three GeoTIFF tags: the SHORT directory, the doubles and the ASCII parameters
 * (each string terminated by "|", as the standard asks).
 */
export function encodeGeoKeys(keys: GeoKeys): { directory: number[]; doubles: number[]; ascii: string } {
  const ids = Object.keys(keys).map(Number).sort((a, b) => a - b);
  const entries: number[] = [];
  const doubles: number[] = [];
  let ascii = '';
  for (const id of ids) {
    const v = keys[id]!;
    if (typeof v === 'string') {
      const s = `${v}|`;
      entries.push(id, 34737, s.length, ascii.length);
      ascii += s;
    } else if (typeof v === 'number') {
      if (isDoubleKey(id, v)) {
        entries.push(id, 34736, 1, doubles.length);
        doubles.push(v);
      } else {
        entries.push(id, 0, 1, v);
      }
    } else {
      entries.push(id, 34736, v.length, doubles.length);
      doubles.push(...v);
    }
  }
  return { directory: [1, 1, 0, ids.length, ...entries], doubles, ascii };
}
