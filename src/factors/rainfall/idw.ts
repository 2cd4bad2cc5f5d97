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
 * Complexity O(cells × stations) (with `nearest`, O(cells × stations × nearest) worst case); intended for the tens to
 * a few thousand stations of a rain-gauge network. Output Float32 with NaN where no station is within the radius.
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
  const dist = new Float64Array(m);
  const order = nearest !== undefined ? new Int32Array(m) : undefined;
  for (let row = 0; row < h; row++) {
    const cy = (t[3] + (row + 0.5) * t[5]) * k;
    for (let col = 0; col < w; col++) {
      const cx = (t[0] + (col + 0.5) * t[1]) * k;
      let exact = -1;
      for (let i = 0; i < m; i++) {
        const d = geographic ? haversineM(cx, cy, sx[i]!, sy[i]!, rMean) : Math.hypot(cx - sx[i]!, cy - sy[i]!);
        dist[i] = d;
        if (d === 0 && exact < 0) exact = i;
      }
      if (exact >= 0) {
        out[row * w + col] = sv[exact]!;
        continue;
      }
      let num = 0;
      let den = 0;
      if (order) {
        for (let i = 0; i < m; i++) order[i] = i;
        order.sort((a, b) => dist[a]! - dist[b]! || a - b);
        const lim = Math.min(nearest!, m);
        for (let q = 0; q < lim; q++) {
          const i = order[q]!;
          const d = dist[i]!;
          if (d > radius) break;
          const wt = Math.pow(d, -power);
          num += wt * sv[i]!;
          den += wt;
        }
      } else {
        for (let i = 0; i < m; i++) {
          const d = dist[i]!;
          if (d > radius) continue;
          const wt = Math.pow(d, -power);
          num += wt * sv[i]!;
          den += wt;
        }
      }
      out[row * w + col] = den > 0 ? num / den : NaN;
    }
  }
  return new Raster(grid, out, NaN);
}
