/**
 * Inverse distance weighting of station values (R, or any factor) onto a grid.
 *
 * z(x) = Σ w_i z_i / Σ w_i with w_i = d_i^(−p) over the stations within `radiusM` (all by default), limited to the
 * `nearest` closest ones when given; a cell centre that coincides with a station (d = 0) takes that station's value.
 * Shepard, D. (1968), A two-dimensional interpolation function for irregularly-spaced data, Proc. 23rd ACM National
 * Conference, pp. 517–524, doi:10.1145/800186.810616.
 *
 * Distances are true distances in metres: projected grids use the CRS's linear unit; geographic grids (station
 * coordinates in degrees, longitude then latitude) use the haversine great-circle distance on a sphere of the
 * ellipsoid's mean radius R₁ = (2a + b)/3 (IUGG; 6 371 008.8 m for WGS 84) — within 0.5 % of the ellipsoidal
 * (Vincenty) distance, far below the uncertainty of interpolated erosivity.
 *
 * Complexity O(cells × stations) (with `nearest` = n, O(cells × stations × n) worst case); intended for the tens to
 * a few thousand stations of a rain-gauge network. Distances come from per-row and per-column tables (one sqrt, plus
 * one asin when geographic, per cell and station); projected grids with power 2 and no `nearest` use squared
 * distances and no sqrt at all. Output Float32 with NaN where no station is within the radius.
 *
 * @module
 */

import { eccentricitySquared } from '../../raster/crs.js';
import { RusleError } from '../../raster/errors.js';
import type { Grid } from '../../raster/grid.js';
import { Raster } from '../../raster/raster.js';

/** A station: coordinates in the grid's CRS (longitude, latitude in degrees for geographic grids) and a value. */
export interface Station {
  /** Easting (projected, CRS units) or longitude (geographic, degrees). */
  readonly x: number;
  /** Northing (projected, CRS units) or latitude (geographic, degrees). */
  readonly y: number;
  /** The value to interpolate (NaN stations are skipped). */
  readonly value: number;
}

/** Options of {@link idwToGrid}. */
export interface IdwOptions {
  /** Power p of the weights d^(−p). @defaultValue 2 */
  readonly power?: number;
  /** Only stations within this distance count, metres. @defaultValue Infinity */
  readonly radiusM?: number;
  /** Only the n nearest stations (within the radius) count. @defaultValue all */
  readonly nearest?: number;
}

/** Default options of {@link idwToGrid}. */
export const IDW_DEFAULTS = { power: 2, radiusM: Infinity } as const;

/** Mean radius R₁ = (2a + b)/3 of an ellipsoid, metres. */
export function meanRadiusM(semiMajorM: number, inverseFlattening: number): number {
  const e2 = eccentricitySquared({ semiMajorM, inverseFlattening });
  const b = semiMajorM * Math.sqrt(1 - e2);
  return (2 * semiMajorM + b) / 3;
}

/** Haversine great-circle distance between two points given in radians, on a sphere of radius `r` metres. */
export function haversineM(lon1: number, lat1: number, lon2: number, lat2: number, r: number): number {
  const s1 = Math.sin((lat2 - lat1) / 2);
  const s2 = Math.sin((lon2 - lon1) / 2);
  const h = s1 * s1 + Math.cos(lat1) * Math.cos(lat2) * s2 * s2;
  return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Interpolates station values onto the cell centres of `grid` by inverse distance weighting.
 *
 * @param stations - stations in the grid's CRS (geographic: x = longitude, y = latitude, degrees).
 * @param grid - the target grid (north-up).
 * @param options - power, radius (m), nearest n.
 * @returns a Float32 raster on `grid`; NaN where no station lies within the radius.
 * @throws `BAD_VALUE` for a bad option or no valid station; `BAD_UNITS` for a projected CRS without a linear unit.
 * @example
 * ```ts
 * const grid = new Grid(100, 100, [500000, 30, 0, 3000000, 0, -30], projectedCrs({ epsg: 32650 }));
 * const r = idwToGrid([{ x: 501000, y: 2999000, value: 5000 }, { x: 502500, y: 2998000, value: 6000 }], grid);
 * ```
 */
export function idwToGrid(stations: readonly Station[], grid: Grid, options: IdwOptions = {}): Raster<Float32Array> {
  const power = options.power ?? IDW_DEFAULTS.power;
  const radius = options.radiusM ?? IDW_DEFAULTS.radiusM;
  const nearest = options.nearest;
  if (!(power > 0) || !Number.isFinite(power)) throw new RusleError('BAD_VALUE', `idwToGrid: power must be a finite number > 0, got ${power}`);
  if (!(radius > 0)) throw new RusleError('BAD_VALUE', `idwToGrid: radiusM must be > 0 m, got ${radius}`);
  if (nearest !== undefined && !(Number.isInteger(nearest) && nearest >= 1)) throw new RusleError('BAD_VALUE', `idwToGrid: nearest must be an integer ≥ 1, got ${nearest}`);
  const valid = stations.filter((s) => Number.isFinite(s.x) && Number.isFinite(s.y) && Number.isFinite(s.value));
  if (valid.length === 0) throw new RusleError('BAD_VALUE', 'idwToGrid: no station with finite coordinates and value');
  if (grid.isRotated) throw new RusleError('UNSUPPORTED_TIFF', 'idwToGrid: rotated grids are not supported');
  const m = valid.length;
  const geographic = grid.crs.geographic;
  const k = geographic ? grid.crs.angularUnitRadians : grid.crs.linearUnitMeters;
  if (!geographic && !(k > 0)) throw new RusleError('BAD_UNITS', 'idwToGrid: the projected CRS has no known linear unit');
  const sx = new Float64Array(m);
  const sy = new Float64Array(m);
  const sv = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    sx[i] = valid[i]!.x * k;
    sy[i] = valid[i]!.y * k;
    sv[i] = valid[i]!.value;
  }
  const rMean = meanRadiusM(grid.crs.ellipsoid.semiMajorM, grid.crs.ellipsoid.inverseFlattening);
  const t = grid.transform;
  const w = grid.width;
  const h = grid.height;
  const out = new Float32Array(w * h);
  if (!geographic && power === 2 && nearest === undefined) {
    idwProjectedPower2(sx, sy, sv, t, w, h, k, radius, out);
    return new Raster(grid, out, NaN);
  }
  // Distance tables: per column (projected dx², geographic sin²(Δλ/2)) and per row (dy², or sin²(Δφ/2) and
  // cos φ_cell · cos φ_station), so each cell-station pair costs one sqrt (and one asin when geographic).
  const colT = new Float64Array(w * m);
  for (let col = 0; col < w; col++) {
    const cx = (t[0] + (col + 0.5) * t[1]) * k;
    for (let i = 0; i < m; i++) {
      const dl = cx - sx[i]!;
      if (geographic) {
        const sn = Math.sin(dl / 2);
        colT[col * m + i] = sn * sn;
      } else colT[col * m + i] = dl * dl;
    }
  }
  const rowA = new Float64Array(m);
  const rowB = new Float64Array(m);
  const dist = new Float64Array(m);
  const lim = nearest === undefined ? m : Math.min(nearest, m);
  const bestD = new Float64Array(lim);
  const bestI = new Int32Array(lim);
  for (let row = 0; row < h; row++) {
    const cy = (t[3] + (row + 0.5) * t[5]) * k;
    for (let i = 0; i < m; i++) {
      const dp = cy - sy[i]!;
      if (geographic) {
        const sn = Math.sin(dp / 2);
        rowA[i] = sn * sn;
        rowB[i] = Math.cos(cy) * Math.cos(sy[i]!);
      } else {
        rowA[i] = dp * dp;
        rowB[i] = 0;
      }
    }
    for (let col = 0; col < w; col++) {
      const o = col * m;
      let exact = -1;
      for (let i = 0; i < m; i++) {
        const d = geographic
          ? 2 * rMean * Math.asin(Math.min(1, Math.sqrt(rowA[i]! + rowB[i]! * colT[o + i]!)))
          : Math.sqrt(colT[o + i]! + rowA[i]!);
        dist[i] = d;
        if (d === 0 && exact < 0) exact = i;
      }
      if (exact >= 0) {
        out[row * w + col] = sv[exact]!;
        continue;
      }
      let num = 0;
      let den = 0;
      if (lim < m) {
        // k nearest by insertion into a sorted buffer (ties keep the lower station index first).
        let count = 0;
        for (let i = 0; i < m; i++) {
          const d = dist[i]!;
          if (d > radius) continue;
          if (count === lim && !(d < bestD[lim - 1]!)) continue;
          let j = count < lim ? count++ : lim - 1;
          while (j > 0 && bestD[j - 1]! > d) {
            bestD[j] = bestD[j - 1]!;
            bestI[j] = bestI[j - 1]!;
            j--;
          }
          bestD[j] = d;
          bestI[j] = i;
        }
        for (let q = 0; q < count; q++) {
          const d = bestD[q]!;
          const wt = power === 2 ? 1 / (d * d) : Math.pow(d, -power);
          num += wt * sv[bestI[q]!]!;
          den += wt;
        }
      } else {
        for (let i = 0; i < m; i++) {
          const d = dist[i]!;
          if (d > radius) continue;
          const wt = power === 2 ? 1 / (d * d) : Math.pow(d, -power);
          num += wt * sv[i]!;
          den += wt;
        }
      }
      out[row * w + col] = den > 0 ? num / den : NaN;
    }
  }
  return new Raster(grid, out, NaN);
}

/**
 * Fast path for projected grids with power 2 and no nearest-n limit: squared distances from per-column and per-row
 * tables (dx² per column and station, dy² per row and station), weights 1/d² without sqrt or pow.
 */
function idwProjectedPower2(
  sx: Float64Array, sy: Float64Array, sv: Float64Array, t: readonly number[], w: number, h: number,
  unitM: number, radiusM: number, out: Float32Array,
): void {
  const m = sv.length;
  const dx2 = new Float64Array(w * m);
  for (let col = 0; col < w; col++) {
    const cx = (t[0]! + (col + 0.5) * t[1]!) * unitM;
    for (let i = 0; i < m; i++) {
      const d = cx - sx[i]!;
      dx2[col * m + i] = d * d;
    }
  }
  const dy2 = new Float64Array(m);
  const r2 = radiusM * radiusM;
  for (let row = 0; row < h; row++) {
    const cy = (t[3]! + (row + 0.5) * t[5]!) * unitM;
    for (let i = 0; i < m; i++) {
      const d = cy - sy[i]!;
      dy2[i] = d * d;
    }
    const base = row * w;
    for (let col = 0; col < w; col++) {
      const o = col * m;
      let num = 0;
      let den = 0;
      let exact = NaN;
      for (let i = 0; i < m; i++) {
        const d2 = dx2[o + i]! + dy2[i]!;
        if (d2 > r2) continue;
        if (d2 === 0) {
          exact = sv[i]!;
          break;
        }
        const wt = 1 / d2;
        num += wt * sv[i]!;
        den += wt;
      }
      out[base + col] = exact === exact ? exact : den > 0 ? num / den : NaN;
    }
  }
}
