/**
 * D∞ (D-infinity) routing (Tarboton 1997, "A new method for the determination of flow directions and upslope areas
 * in grid digital elevation models", Water Resources Research 33(2):309–319, doi:10.1029/96WR03137).
 *
 * The flow direction is the steepest downslope direction over the eight triangular facets around a cell, as an
 * angle in radians counter-clockwise from east in [0, 2π). Flow is split between the two neighbours bounding the
 * facet in proportion to the angular closeness to each (Tarboton 1997, eq. and Table 1).
 *
 * - **Rectangular and geographic cells.** Facet slopes use the true distances of the cell's row (east-west `dx`,
 *   north-south `dy`), so a facet spans atan(dy/dx) or atan(dx/dy) rather than π/4 when cells are not square; the
 *   angle still points in true map directions and the accumulator splits flow by the angle inside that facet.
 * - **Ties** between facets go to the first in Tarboton's order (facet 1: E–NE, then counter-clockwise).
 * - **Flats.** With `flats` (from `resolveFlats`, Barnes et al. 2014) a flat cell points at the neighbour the D8
 *   flat rule picks (the angle of that neighbour, so all its flow goes there).
 * - **Edges and nodata.** A facet with an off-grid or nodata corner is skipped. A cell without a downslope facet
 *   gets the angle -1 (no receiver, an outlet); nodata cells get NaN.
 *
 * Storage: one float32 angle per cell (4 bytes); receivers and proportions are derived by the accumulator.
 * Complexity: O(n).
 * @module
 */

import { Raster, type FloatArray } from '../../raster/raster.js';
import { type FlatArrays, dinfNeighbourDirections, flatArrays, flatNeighbour, floatDem, rowDistances, touchesEdge } from './common.js';
import type { FlatResolution } from '../flats.js';

/** Options of {@link dinfAngles}. */
export interface DinfOptions {
  /**
   * The flat resolution of the same DEM (`resolveFlats`, Barnes et al. 2014).
   * @defaultValue `null`
   */
  readonly flats?: FlatResolution | null;
}

/** Defaults of {@link dinfAngles}. */
export const DINF_DEFAULTS: Required<DinfOptions> = Object.freeze({ flats: null });

/** Angle value of a cell without a receiver. */
export const DINF_NONE = -1;

/** A D∞ routing: flow angles in radians counter-clockwise from east, -1 none, NaN nodata. */
export interface DinfRouting {
  /** Discriminant. */
  readonly kind: 'dinf';
  /** Flow angles, radians CCW from east in [0, 2π); `DINF_NONE` (-1) no receiver; NaN nodata. */
  readonly angle: Raster<Float32Array>;
}

// Facets (Tarboton 1997, Table 1), counter-clockwise from east. e1 is the cardinal and e2 the diagonal neighbour;
// `ew` true when e1 is east or west (then d1 = dx, d2 = dy); ac and af give the angle ac·π/2 + af·r.
const F_E1R = [0, -1, -1, 0, 0, 1, 1, 0];
const F_E1C = [1, 0, 0, -1, -1, 0, 0, 1];
const F_E2R = [-1, -1, -1, -1, 1, 1, 1, 1];
const F_E2C = [1, 1, -1, -1, -1, -1, 1, 1];
const F_EW = [true, false, false, true, true, false, false, true];
const F_AC = [0, 1, 1, 2, 2, 3, 3, 4];
const F_AF = [1, -1, 1, -1, 1, -1, 1, -1];

/**
 * D∞ flow angles of a DEM (Tarboton 1997).
 *
 * @param dem - elevations, depression-filled; NaN (or the integer nodata) marks nodata.
 * @param options - see {@link DinfOptions}.
 * @returns a `Float32Array` raster of angles in radians counter-clockwise from east, [0, 2π); -1 where a cell has no
 *   downslope facet; NaN for nodata.
 * @throws RusleError `GRID_MISMATCH` when the mask's grid differs; `BAD_UNITS` when the grid's unit is unknown.
 * @example
 * ```ts
 * const angle = dinfAngles(filled, { flats });
 * const sca = accumulate({ kind: 'dinf', angle }, { output: 'sca' });
 * ```
 */
export function dinfAngles(dem: Raster, options: DinfOptions = {}): Raster<Float32Array> {
  const z = floatDem(dem);
  const flats = flatArrays(z, options.flats ?? DINF_DEFAULTS.flats);
  const out = new Float32Array(z.data.length);
  dinfKernel(z.data, z.grid.width, z.grid.height, rowDistances(z), flats, out);
  return new Raster(z.grid, out, NaN);
}

/**
 * D∞ routing of a DEM, ready for `accumulate`: `{ kind: 'dinf', angle: dinfAngles(dem, options) }`.
 * @param dem - elevations; see {@link dinfAngles}.
 * @param options - see {@link DinfOptions}.
 * @returns the tagged routing.
 * @throws RusleError as {@link dinfAngles}.
 * @example
 * ```ts
 * const area = accumulate(dinfRouting(filled), { output: 'm2' });
 * ```
 */
export function dinfRouting(dem: Raster, options: DinfOptions = {}): DinfRouting {
  return { kind: 'dinf', angle: dinfAngles(dem, options) };
}

function dinfKernel(
  z: FloatArray, w: number, h: number,
  dist: { dx: Float64Array; dy: Float64Array; diag: Float64Array },
  flats: FlatArrays | null, out: Float32Array,
): void {
  const dirs = new Float64Array(9);
  const HALF_PI = Math.PI / 2;
  for (let r = 0; r < h; r++) {
    const dx = dist.dx[r]!;
    const dy = dist.dy[r]!;
    const maxEw = Math.atan2(dy, dx); // facet width when e1 is E or W
    const maxNs = Math.atan2(dx, dy);
    const diag = dist.diag[r]!;
    dinfNeighbourDirections(dx, dy, dirs);
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      const e0 = z[i]!;
      if (e0 !== e0) {
        out[i] = NaN;
        continue;
      }
      // The facet test is done without atan2 (r < 0 ⟺ s2 < 0; r > rmax ⟺ s2·d1 > s1·d2 for s1 > 0, always for
      // s1 ≤ 0 unless both are 0); atan2 runs once, for the winning facet.
      let bestS = 0;
      let bestF = -1;
      let bestMode = 0;
      let bestS1 = 0;
      let bestS2 = 0;
      for (let f = 0; f < 8; f++) {
        const r1 = r + F_E1R[f]!;
        const c1 = c + F_E1C[f]!;
        const r2 = r + F_E2R[f]!;
        const c2 = c + F_E2C[f]!;
        if (r2 < 0 || r2 >= h || c2 < 0 || c2 >= w || r1 < 0 || r1 >= h || c1 < 0 || c1 >= w) continue;
        const e1 = z[r1 * w + c1]!;
        const e2 = z[r2 * w + c2]!;
        if (e1 !== e1 || e2 !== e2) continue;
        const ew = F_EW[f]!;
        const d1 = ew ? dx : dy;
        const d2 = ew ? dy : dx;
        const s1 = (e0 - e1) / d1;
        const s2 = (e1 - e2) / d2;
        let s: number;
        let mode: number;
        if (s2 < 0) {
          s = s1; // r < 0: clamp to the cardinal edge
          mode = 0;
        } else if (s1 <= 0 ? s2 > 0 || s1 < 0 : s2 * d1 > s1 * d2) {
          s = (e0 - e2) / diag; // r > rmax: clamp to the diagonal edge
          mode = 2;
        } else {
          s = Math.sqrt(s1 * s1 + s2 * s2);
          mode = 1;
        }
        if (s > bestS) {
          bestS = s;
          bestF = f;
          bestMode = mode;
          bestS1 = s1;
          bestS2 = s2;
        }
      }
      let bestA = -1;
      if (bestF >= 0) {
        const rr = bestMode === 0 ? 0 : bestMode === 2 ? (F_EW[bestF]! ? maxEw : maxNs) : Math.atan2(bestS2, bestS1);
        bestA = F_AC[bestF]! * HALF_PI + F_AF[bestF]! * rr;
      }
      if (bestA >= 2 * Math.PI) bestA -= 2 * Math.PI;
      if (bestA < 0 && flats !== null && !touchesEdge(z, w, h, r, c)) {
        const k = flatNeighbour(flats, w, r, c); // D8 code order E, SE, S, … → CCW index (8 − k) mod 8
        if (k >= 0) bestA = dirs[(8 - k) & 7]!;
      }
      out[i] = bestA;
    }
  }
}
