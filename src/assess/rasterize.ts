/**
 * Polygon rasterisation onto a grid by scanlines (the even-odd polygon fill of computer graphics; Foley, van Dam,
 * Feiner & Hughes 1990, "Computer Graphics: Principles and Practice", §3.6), with two rules:
 *
 * - **cell centre** (default, as GDAL's `gdal_rasterize`): a cell belongs to the polygon when its centre is inside.
 *   Edges are half-open (an edge counts for a scanline y when min(y1, y2) ≤ y < max(y1, y2)) and spans are
 *   half-open (x_in ≤ x_centre < x_out), so two polygons that share an edge never both take a cell and a cell on the
 *   shared edge goes to exactly one of them;
 * - **all touched** (GDAL's `-at`): also every cell that an edge passes through or touches (a supercover walk of
 *   each edge, row by row), so every cell whose closed square meets the polygon is taken.
 *
 * Rings may be holes: the even-odd rule over all rings of a polygon (outer and holes) and over all polygons of a
 * multipolygon fills exactly the polygon's area. Coordinates are in the grid's CRS; the grid must be north-up.
 *
 * Complexity O(E + C) per polygon for E edge crossings of cell-centre rows and C filled cells. Features are burnt in
 * order; a cell already burnt keeps its first value and is counted as a conflict.
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';
import type { Grid } from '../raster/grid.js';

/** A polygon as rings of [x, y] positions in the grid CRS (first ring the outer boundary, the rest holes). */
export type PolygonRings = readonly (readonly (readonly number[])[])[];

/** Options of {@link rasterizePolygons}. */
export interface RasterizeOptions {
  /** Take every cell the polygon touches, not only those whose centre is inside. @defaultValue false */
  allTouched?: boolean;
}

/** Result of {@link rasterizePolygons}. */
export interface RasterizeResult {
  /** Burnt values (feature value, 0 = none), length width × height. */
  readonly data: Int32Array;
  /** Cells burnt per feature (index = feature order). */
  readonly cellsPerFeature: Float64Array;
  /** Cells that two or more features claimed (kept by the first). */
  readonly conflicts: number;
}

/**
 * Rasterises features (each a list of polygons, i.e. a multipolygon) with values `values[k]` (non-zero integers)
 * onto `grid`.
 *
 * @param grid - a north-up grid.
 * @param features - per feature, its polygons (rings in the grid CRS).
 * @param values - per feature, the value to burn (non-zero int32).
 * @param options - `allTouched`.
 * @returns burnt values, per-feature cell counts, the number of conflicting cells.
 * @throws RusleError `BAD_ARGUMENT` for a rotated grid or a zero value.
 *
 * @example
 * ```ts
 * const { data } = rasterizePolygons(grid, [[[[[0, 0], [90, 0], [90, 90], [0, 90], [0, 0]]]]], [1]);
 * ```
 */
export function rasterizePolygons(
  grid: Grid,
  features: readonly (readonly PolygonRings[])[],
  values: readonly number[],
  options: RasterizeOptions = {},
): RasterizeResult {
  const t = grid.transform;
  if (t[2] !== 0 || t[4] !== 0) throw new RusleError('BAD_ARGUMENT', 'rasterizePolygons: the grid must be north-up (no rotation terms)');
  const W = grid.width, H = grid.height;
  const out = new Int32Array(W * H);
  const counts = new Float64Array(features.length);
  let conflicts = 0;
  const allTouched = options.allTouched === true;
  for (let k = 0; k < features.length; k++) {
    const v = values[k]!;
    if (!Number.isInteger(v) || v === 0) throw new RusleError('BAD_ARGUMENT', `rasterizePolygons: values must be non-zero integers, got ${v} for feature ${k}`);
    // Edges in pixel coordinates (px = column, py = row), all rings of all polygons: even-odd fill.
    const ex: number[] = [];
    for (const poly of features[k]!) {
      for (const ring of poly) {
        const n = ring.length;
        if (n < 3) continue;
        for (let i = 0; i < n; i++) {
          const p = ring[i]!, q = ring[(i + 1) % n]!;
          if (i === n - 1 && p[0] === ring[0]![0] && p[1] === ring[0]![1]) continue;
          ex.push((p[0]! - t[0]) / t[1], (p[1]! - t[3]) / t[5], (q[0]! - t[0]) / t[1], (q[1]! - t[3]) / t[5]);
        }
      }
    }
    // Scanline crossings at row centres.
    const nE = ex.length / 4;
    let yMin = Infinity, yMax = -Infinity;
    for (let e = 0; e < nE; e++) {
      const y1 = ex[4 * e + 1]!, y2 = ex[4 * e + 3]!;
      if (y1 < yMin) yMin = y1; if (y2 < yMin) yMin = y2;
      if (y1 > yMax) yMax = y1; if (y2 > yMax) yMax = y2;
    }
    if (!(yMax > yMin)) continue;
    const r0 = Math.max(0, Math.ceil(yMin - 0.5));
    const r1 = Math.min(H - 1, Math.ceil(yMax - 0.5) - 1);
    const rows: number[][] = [];
    for (let r = r0; r <= r1; r++) rows.push([]);
    for (let e = 0; e < nE; e++) {
      let x1 = ex[4 * e]!, y1 = ex[4 * e + 1]!, x2 = ex[4 * e + 2]!, y2 = ex[4 * e + 3]!;
      if (y1 === y2) continue;
      if (y1 > y2) { const tx = x1; x1 = x2; x2 = tx; const ty = y1; y1 = y2; y2 = ty; }
      // rows whose centre yc = r + 0.5 satisfies y1 ≤ yc < y2
      const ra = Math.max(r0, Math.ceil(y1 - 0.5));
      const rb = Math.min(r1, Math.ceil(y2 - 0.5) - 1);
      const slope = (x2 - x1) / (y2 - y1);
      for (let r = ra; r <= rb; r++) rows[r - r0]!.push(x1 + (r + 0.5 - y1) * slope);
    }
    let burnt = 0;
    for (let r = r0; r <= r1; r++) {
      const xs = rows[r - r0]!;
      if (xs.length < 2) continue;
      xs.sort((a, b) => a - b);
      const base = r * W;
      for (let j = 0; j + 1 < xs.length; j += 2) {
        const c0 = Math.max(0, Math.ceil(xs[j]! - 0.5));
        const c1 = Math.min(W, Math.ceil(xs[j + 1]! - 0.5));
        for (let c = c0; c < c1; c++) {
          const cur = out[base + c]!;
          if (cur === 0) { out[base + c] = v; burnt++; } else if (cur !== v) conflicts++;
        }
      }
    }
    if (allTouched) {
      for (let e = 0; e < nE; e++) {
        let x1 = ex[4 * e]!, y1 = ex[4 * e + 1]!, x2 = ex[4 * e + 2]!, y2 = ex[4 * e + 3]!;
        if (y1 > y2) { const tx = x1; x1 = x2; x2 = tx; const ty = y1; y1 = y2; y2 = ty; }
        const ra = Math.max(0, Math.floor(y1));
        const rb = Math.min(H - 1, y2 === Math.floor(y2) && y2 > y1 ? y2 - 1 : Math.floor(y2));
        for (let r = ra; r <= rb; r++) {
          // the part of the edge inside the row band [r, r + 1]
          const ya = Math.max(y1, r), yb = Math.min(y2, r + 1);
          let xa: number, xb: number;
          if (y2 === y1) { xa = x1; xb = x2; } else {
            const s = (x2 - x1) / (y2 - y1);
            xa = x1 + (ya - y1) * s; xb = x1 + (yb - y1) * s;
          }
          const lo = Math.min(xa, xb), hi = Math.max(xa, xb);
          const c0 = Math.max(0, Math.floor(lo));
          const c1 = Math.min(W - 1, hi === Math.floor(hi) && hi > lo ? hi - 1 : Math.floor(hi));
          const base = r * W;
          for (let c = c0; c <= c1; c++) {
            const cur = out[base + c]!;
            if (cur === 0) { out[base + c] = v; burnt++; } else if (cur !== v) conflicts++;
          }
        }
      }
    }
    counts[k] = burnt;
  }
  return { data: out, cellsPerFeature: counts, conflicts };
}
