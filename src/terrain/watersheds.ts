/**
 * Streams and watersheds on D8 routing: a stream network from a flow-accumulation threshold with Strahler order
 * (Strahler 1957, "Quantitative analysis of watershed geomorphology", Transactions AGU 38(6):913–920,
 * doi:10.1029/TR038i006p00913), stream segments between confluences, watersheds above given outlets (points snapped
 * to the highest-accumulation cell within a radius, as ArcGIS Snap Pour Point and GRASS `r.water.outlet` users do
 * it), and a partition of the whole grid into units of a target size cut at confluences.
 *
 * - **Routing.** D8 codes (`d8Directions` on a filled DEM with `resolveFlats`); every valid cell drains to one
 *   receiver or is an outlet (grid edge, beside nodata, or an unresolved pit). Traversals are topological (in-degree
 *   order), O(n).
 * - **Streams.** A cell is a stream cell when its accumulation (cells, or km² of true area, the cell included) is at
 *   least the threshold. Strahler order: 1 at a stream head; at a cell, the largest order among its stream donors,
 *   plus one when two or more donors share that largest order.
 * - **Segments.** Maximal runs of stream cells between a head or a confluence and the next confluence or outlet; a
 *   segment's vertices are its cell centres plus the centre of the confluence it flows into (so lines connect).
 * - **Watersheds from outlets.** Each outlet cell labels everything draining to it; a nested outlet takes its own
 *   upstream part out of the larger one (labels do not overlap). Cells draining to no outlet get 0.
 * - **Units.** Cells are visited upslope-first, carrying the area not yet in a unit. Where two or more donors of at
 *   least `minAreaKm2` meet (a confluence of real tributaries), each such donor becomes a unit outlet. Where the
 *   carried area would exceed `maxAreaKm2`, donors are cut, largest first, until it does not. What reaches a grid
 *   outlet forms the last unit of its basin; a unit under `minAreaKm2` is flagged (`small`), with `edge` when its
 *   outlet is a grid outlet. Every valid cell lies in exactly one unit; each unit knows the unit it drains into.
 *
 * Nodata: codes 255 are nodata (label 0, order 0). Areas are true areas (`Grid.rowCellAreasM2`; per row on
 * geographic grids). Memory: 4 bytes per cell (order) + 4 (labels) + 8 (carried area).
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { Raster } from '../raster/raster.js';
import { D8_NODATA } from './d8codes.js';
import { fillDepressions } from './fill.js';
import { resolveFlats } from './flats.js';
import { d8Directions } from './routing/d8.js';

/**
 * The D8 codes streams and watersheds are delineated on: depressions filled (Priority-Flood), flats resolved
 * (Barnes et al. 2014), steepest descent. `boundary: 'outlet'` makes every edge cell an outlet, as GRASS
 * `r.watershed` does. @defaultValue boundary `'inward'`
 */
export function watershedCodes(dem: Raster, options: { readonly boundary?: 'inward' | 'outlet' } = {}): Raster<Uint8Array> {
  const filled = fillDepressions(dem);
  return d8Directions(filled, { flats: resolveFlats(filled), boundary: options.boundary ?? 'inward' });
}

/** Row offsets of D8 codes (index by code). */
const DR = new Int8Array(256);
/** Column offsets of D8 codes. */
const DC = new Int8Array(256);
for (const [code, dr, dc] of [[1, 0, 1], [2, 1, 1], [4, 1, 0], [8, 1, -1], [16, 0, -1], [32, -1, -1], [64, -1, 0], [128, -1, 1]] as const) {
  DR[code] = dr;
  DC[code] = dc;
}

/** Receivers of D8 codes: index of the receiving cell, or -1 (outlet, nodata). */
export function d8Receivers(codes: Raster<Uint8Array>): Int32Array {
  const w = codes.width;
  const h = codes.height;
  const c = codes.data;
  const rec = new Int32Array(w * h).fill(-1);
  for (let r = 0; r < h; r++) {
    for (let col = 0; col < w; col++) {
      const i = r * w + col;
      const code = c[i]!;
      if (code === 0 || code === D8_NODATA) continue;
      if (DR[code] === 0 && DC[code] === 0) throw new RusleError('BAD_VALUE', `codes: value ${code} at column ${col}, row ${r} is not a D8 code`);
      const rr = r + DR[code]!;
      const cc = col + DC[code]!;
      if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
      const j = rr * w + cc;
      if (c[j] === D8_NODATA) continue;
      rec[i] = j;
    }
  }
  return rec;
}

/** Valid cells in topological order (every cell after its donors), from D8 receivers. */
export function d8TopologicalOrder(codes: Raster<Uint8Array>, receivers: Int32Array): Int32Array {
  const n = receivers.length;
  const c = codes.data;
  const indeg = new Int32Array(n);
  let valid = 0;
  for (let i = 0; i < n; i++) {
    if (c[i] === D8_NODATA) continue;
    valid++;
    const j = receivers[i]!;
    if (j >= 0) indeg[j]!++;
  }
  const order = new Int32Array(valid);
  let tail = 0;
  for (let i = 0; i < n; i++) if (c[i] !== D8_NODATA && indeg[i] === 0) order[tail++] = i;
  for (let head = 0; head < tail; head++) {
    const j = receivers[order[head]!]!;
    if (j >= 0 && --indeg[j]! === 0) order[tail++] = j;
  }
  if (tail !== valid) throw new RusleError('INTERNAL', `d8TopologicalOrder: the codes have a cycle (${valid - tail} cells)`);
  return order;
}

/** A stream threshold: contributing cells (the cell included) or km² of true area. */
export type StreamThreshold = { readonly cells: number } | { readonly km2: number };

/** One stream segment. */
export interface StreamSegment {
  /** 1-based id. */
  readonly id: number;
  /** Strahler order. */
  readonly order: number;
  /** Cells of the segment from upstream to downstream (flat indices). */
  readonly cells: Int32Array;
  /** Upstream area at the segment's last cell, km². */
  readonly upstreamAreaKm2: number;
  /** Id of the segment it flows into, 0 at an outlet. */
  readonly downstreamId: number;
  /** Vertices in the grid CRS: the cell centres, plus the confluence it joins. */
  readonly coordinates: [number, number][];
}

/** Result of {@link streamNetwork}. */
export interface StreamNetwork {
  /** Strahler order per cell: 0 not a stream, 255 nodata. */
  readonly order: Raster<Uint8Array>;
  /** Segments between heads, confluences and outlets. */
  readonly segments: StreamSegment[];
  /** The threshold in cells per row (km² thresholds differ per row on geographic grids) as applied: first row. */
  readonly thresholdCells: number;
}

/**
 * The stream network of a D8 routing: cells at or above a flow-accumulation threshold, their Strahler order and
 * their segments.
 *
 * @param codes - D8 codes (255 nodata).
 * @param threshold - `{ cells }` (contributing cells, the cell included) or `{ km2 }` (true upslope area).
 * @returns the order raster and the segments.
 * @throws RusleError `BAD_VALUE` for a threshold ≤ 0, or one that gives no stream (the message gives the largest
 *   accumulation found, in the threshold's unit).
 */
export function streamNetwork(codes: Raster<Uint8Array>, threshold: StreamThreshold): StreamNetwork {
  if (!(codes instanceof Raster) || !(codes.data instanceof Uint8Array)) throw new RusleError('BAD_ARGUMENT', 'codes: expected a Raster<Uint8Array> of D8 codes');
  const byKm2 = 'km2' in threshold;
  const t = byKm2 ? (threshold as { km2: number }).km2 : (threshold as { cells: number }).cells;
  if (typeof t !== 'number' || !(t > 0) || !Number.isFinite(t)) throw new RusleError('BAD_VALUE', `threshold: expected ${byKm2 ? 'km2' : 'cells'} > 0, got ${String(t)}`);
  const grid = codes.grid;
  const w = grid.width;
  const h = grid.height;
  const n = w * h;
  const rec = d8Receivers(codes);
  const order = d8TopologicalOrder(codes, rec);
  const areas = grid.rowCellAreasM2();
  const acc = new Float64Array(n);
  for (let t2 = 0; t2 < order.length; t2++) {
    const i = order[t2]!;
    acc[i] += byKm2 ? areas[(i / w) | 0]! / 1e6 : 1;
    const j = rec[i]!;
    if (j >= 0) acc[j] += acc[i]!;
  }
  const ord = new Uint8Array(n);
  const isStream = new Uint8Array(n);
  let maxAcc = 0;
  let any = false;
  for (let i = 0; i < n; i++) {
    if (codes.data[i] === D8_NODATA) { ord[i] = 255; continue; }
    if (acc[i]! > maxAcc) maxAcc = acc[i]!;
    if (acc[i]! >= t) { isStream[i] = 1; any = true; }
  }
  if (!any) {
    throw new RusleError('BAD_VALUE', `threshold: ${t} ${byKm2 ? 'km²' : 'cells'} gives no stream; the largest accumulation on this grid is ${byKm2 ? maxAcc.toPrecision(4) + ' km²' : Math.round(maxAcc) + ' cells'}`);
  }
  // Strahler order and the number of stream donors
  const best = new Uint8Array(n);
  const bestCount = new Uint8Array(n);
  const donors = new Uint8Array(n);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (!isStream[i]) continue;
    const o = best[i] === 0 ? 1 : bestCount[i]! >= 2 ? best[i]! + 1 : best[i]!;
    ord[i] = o;
    const j = rec[i]!;
    if (j >= 0 && isStream[j]) {
      donors[j]!++;
      if (o > best[j]!) { best[j] = o; bestCount[j] = 1; } else if (o === best[j]) bestCount[j]!++;
    }
  }
  // segments: a segment starts at a head (no stream donor) or at a confluence (≥ 2 stream donors)
  const km2 = byKm2 ? acc : upslopeAreaKm2(codes, rec, order);
  const segOf = new Int32Array(n);
  const segments: StreamSegment[] = [];
  const starts: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (isStream[i] && donors[i] !== 1) starts.push(i);
  }
  const centre = (i: number): [number, number] => {
    const r = (i / w) | 0;
    return grid.pixelToCrs(i - r * w + 0.5, r + 0.5);
  };
  const pending: { id: number; last: number }[] = [];
  for (const s of starts) {
    const id = segments.length + 1;
    const cells: number[] = [];
    let i = s;
    for (;;) {
      cells.push(i);
      segOf[i] = id;
      const j = rec[i]!;
      if (j < 0 || !isStream[j] || donors[j] !== 1) break;
      i = j;
    }
    const coords = cells.map(centre);
    const j = rec[i]!;
    if (j >= 0 && isStream[j]) coords.push(centre(j));
    const areaKm2 = km2[i]!;
    segments.push({ id, order: ord[s]!, cells: Int32Array.from(cells), upstreamAreaKm2: areaKm2, downstreamId: 0, coordinates: coords });
    pending.push({ id, last: i });
  }
  for (const p of pending) {
    const j = rec[p.last]!;
    if (j >= 0 && isStream[j]) (segments[p.id - 1] as { downstreamId: number }).downstreamId = segOf[j]!;
  }
  return { order: new Raster(grid, ord, 255), segments, thresholdCells: byKm2 ? (t * 1e6) / areas[0]! : t };
}

/** A snapped outlet. */
export interface SnappedOutlet {
  /** 1-based label of its watershed. */
  readonly id: number;
  /** Column and row of the snapped cell. */
  readonly col: number;
  readonly row: number;
  /** Snapped position (cell centre) in the grid CRS. */
  readonly x: number;
  readonly y: number;
  /** Distance from the given point to the snapped cell centre, m (grid CRS units × linear unit; on geographic grids, along the ellipsoid approximately). */
  readonly distanceM: number;
  /** Upstream area at the snapped cell, km². */
  readonly upstreamAreaKm2: number;
}

/** Options of {@link watershedsFromOutlets}. */
export interface WatershedsFromOutletsOptions {
  /** Search radius for snapping, metres. @defaultValue 150 */
  readonly snapRadiusM?: number;
  /**
   * Smallest upstream area (km²) a snapped cell must have; a point with no such cell within the radius is refused.
   * @defaultValue 0 (any cell)
   */
  readonly minUpstreamKm2?: number;
  /** Names of the points for error messages (same order). @defaultValue `#1`, `#2`, … */
  readonly names?: readonly string[];
}

/** Defaults of {@link watershedsFromOutlets}. */
export const WATERSHEDS_FROM_OUTLETS_DEFAULTS = Object.freeze({ snapRadiusM: 150, minUpstreamKm2: 0 });

/** Upslope true area per cell in km² (the cell included). */
export function upslopeAreaKm2(codes: Raster<Uint8Array>, receivers = d8Receivers(codes), order = d8TopologicalOrder(codes, receivers)): Float64Array {
  const w = codes.width;
  const areas = codes.grid.rowCellAreasM2();
  const km2 = new Float64Array(receivers.length).fill(NaN);
  for (let k = 0; k < order.length; k++) km2[order[k]!] = 0;
  for (let k = 0; k < order.length; k++) {
    const c = order[k]!;
    km2[c] += areas[(c / w) | 0]! / 1e6;
    const j = receivers[c]!;
    if (j >= 0) km2[j] += km2[c]!;
  }
  return km2;
}

/**
 * Watersheds above outlets given in the grid CRS: each point is snapped to the cell of largest upstream area within
 * `snapRadiusM`, and every cell draining to a snapped cell gets its label (nested outlets split the larger basin).
 *
 * @param codes - D8 codes.
 * @param points - outlet positions `[x, y]` in the grid CRS.
 * @returns the label raster (Int32, 0 outside every watershed) and the snapped outlets.
 * @throws RusleError `BAD_VALUE` naming the point when it is off the grid, on a nodata cell, or has no cell of at
 *   least `minUpstreamKm2` within the radius; `BAD_VALUE` for a bad radius.
 */
export function watershedsFromOutlets(codes: Raster<Uint8Array>, points: readonly (readonly [number, number])[], options: WatershedsFromOutletsOptions = {}): { labels: Raster<Int32Array>; outlets: SnappedOutlet[] } {
  const radius = options.snapRadiusM ?? WATERSHEDS_FROM_OUTLETS_DEFAULTS.snapRadiusM;
  const minKm2 = options.minUpstreamKm2 ?? WATERSHEDS_FROM_OUTLETS_DEFAULTS.minUpstreamKm2;
  if (!(radius >= 0) || !Number.isFinite(radius)) throw new RusleError('BAD_VALUE', `snapRadiusM: expected a finite number ≥ 0 of metres, got ${String(radius)}`);
  if (!(minKm2 >= 0)) throw new RusleError('BAD_VALUE', `minUpstreamKm2: expected a number ≥ 0, got ${String(minKm2)}`);
  const grid = codes.grid;
  const w = grid.width;
  const h = grid.height;
  const rec = d8Receivers(codes);
  const order = d8TopologicalOrder(codes, rec);
  const km2 = upslopeAreaKm2(codes, rec, order);
  const labels = new Int32Array(w * h);
  const outlets: SnappedOutlet[] = [];
  points.forEach((p, k) => {
    const name = options.names?.[k] ?? `#${k + 1}`;
    const [fc, fr] = grid.crsToPixel(p[0], p[1]);
    if (!(fc >= 0 && fc < w && fr >= 0 && fr < h)) {
      throw new RusleError('BAD_VALUE', `outlet ${name} at (${p[0]}, ${p[1]}) is outside the grid (column ${fc.toFixed(1)}, row ${fr.toFixed(1)} of ${w} × ${h})`, { outlet: name });
    }
    const c0 = Math.floor(fc);
    const r0 = Math.floor(fr);
    if (codes.data[r0 * w + c0] === D8_NODATA) {
      throw new RusleError('BAD_VALUE', `outlet ${name} at (${p[0]}, ${p[1]}) falls on a nodata cell (column ${c0}, row ${r0})`, { outlet: name });
    }
    const size = grid.cellSizeMeters(r0);
    const rc = Math.ceil(radius / size.dx);
    const rr = Math.ceil(radius / size.dy);
    let best = -1;
    let bestA = -1;
    let bestD = Infinity;
    for (let r = Math.max(0, r0 - rr); r <= Math.min(h - 1, r0 + rr); r++) {
      for (let c = Math.max(0, c0 - rc); c <= Math.min(w - 1, c0 + rc); c++) {
        const i = r * w + c;
        const a = km2[i]!;
        if (a !== a) continue;
        const d = Math.hypot((c + 0.5 - fc) * size.dx, (r + 0.5 - fr) * size.dy);
        if (d > radius && !(r === r0 && c === c0)) continue;
        if (a > bestA || (a === bestA && d < bestD)) { best = i; bestA = a; bestD = d; }
      }
    }
    if (best < 0 || bestA < minKm2) {
      throw new RusleError('BAD_VALUE', `outlet ${name} at (${p[0]}, ${p[1]}): no stream within ${radius} m (largest upstream area there ${bestA.toPrecision(3)} km², needed ${minKm2} km²); move the point onto the stream or raise the snap radius`, { outlet: name });
    }
    if (labels[best] !== 0) {
      throw new RusleError('BAD_VALUE', `outlet ${name} snaps to the same cell as outlet ${options.names?.[labels[best]! - 1] ?? `#${labels[best]}`} (column ${best % w}, row ${Math.floor(best / w)})`, { outlet: name });
    }
    labels[best] = k + 1;
    const br = (best / w) | 0;
    const [x, y] = grid.pixelToCrs(best - br * w + 0.5, br + 0.5);
    outlets.push({ id: k + 1, col: best - br * w, row: br, x, y, distanceM: bestD, upstreamAreaKm2: bestA });
  });
  // downstream first: a cell takes its receiver's label unless it is an outlet itself
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    if (labels[i] !== 0) continue;
    const j = rec[i]!;
    if (j >= 0) labels[i] = labels[j]!;
  }
  return { labels: new Raster(grid, labels, 0), outlets };
}

/** One unit of {@link watershedUnits}. */
export interface WatershedUnit {
  /** 1-based id (the label in the raster). */
  readonly id: number;
  /** Outlet cell. */
  readonly outletCol: number;
  readonly outletRow: number;
  /** Outlet cell centre in the grid CRS. */
  readonly outletX: number;
  readonly outletY: number;
  /** True area of the unit, km². */
  readonly areaKm2: number;
  /** Number of cells. */
  readonly cells: number;
  /** Upstream area at the outlet (this unit and every unit above it), km². */
  readonly upstreamAreaKm2: number;
  /** Id of the unit it drains into; 0 when its outlet leaves the grid. */
  readonly downstreamId: number;
  /** Smaller than `minAreaKm2`. */
  readonly small: boolean;
  /** Its outlet is a grid outlet (edge, nodata or pit): the unit may be cut off by the grid. */
  readonly edge: boolean;
}

/** Options of {@link watershedUnits}. */
export interface WatershedUnitsOptions {
  /** Smallest unit area, km². @defaultValue 10 */
  readonly minAreaKm2?: number;
  /** Largest unit area, km². @defaultValue 50 */
  readonly maxAreaKm2?: number;
}

/** Defaults of {@link watershedUnits}: the 10–50 km² of a small watershed (小流域) in Chinese practice. */
export const WATERSHED_UNITS_DEFAULTS = Object.freeze({ minAreaKm2: 10, maxAreaKm2: 50 });

/**
 * The whole grid cut into watershed units of a target size (see the module header for the rule).
 *
 * @param codes - D8 codes (255 nodata).
 * @param options - `minAreaKm2` (default 10), `maxAreaKm2` (default 50).
 * @returns the label raster (Int32, unit ids, 0 on nodata) and the units ordered by id (ids follow the outlets in
 *   topological order, so a unit's id is smaller than its downstream unit's).
 * @throws RusleError `BAD_VALUE` when min or max is not a positive number or min > max.
 * @example
 * ```ts
 * const { labels, units } = watershedUnits(d8Directions(filled, { flats }), { minAreaKm2: 10, maxAreaKm2: 50 });
 * ```
 */
export function watershedUnits(codes: Raster<Uint8Array>, options: WatershedUnitsOptions = {}): { labels: Raster<Int32Array>; units: WatershedUnit[] } {
  if (!(codes instanceof Raster) || !(codes.data instanceof Uint8Array)) throw new RusleError('BAD_ARGUMENT', 'codes: expected a Raster<Uint8Array> of D8 codes');
  const minA = options.minAreaKm2 ?? WATERSHED_UNITS_DEFAULTS.minAreaKm2;
  const maxA = options.maxAreaKm2 ?? WATERSHED_UNITS_DEFAULTS.maxAreaKm2;
  if (!(minA > 0) || !Number.isFinite(minA)) throw new RusleError('BAD_VALUE', `minAreaKm2: expected a number of km² > 0, got ${String(minA)}`);
  if (!(maxA > 0) || !Number.isFinite(maxA)) throw new RusleError('BAD_VALUE', `maxAreaKm2: expected a number of km² > 0, got ${String(maxA)}`);
  if (minA > maxA) throw new RusleError('BAD_VALUE', `minAreaKm2 (${minA}) is larger than maxAreaKm2 (${maxA})`);
  const grid = codes.grid;
  const w = grid.width;
  const n = w * grid.height;
  const rec = d8Receivers(codes);
  const order = d8TopologicalOrder(codes, rec);
  const areas = grid.rowCellAreasM2();
  // donors lists (CSR)
  const start = new Int32Array(n + 1);
  for (let k = 0; k < order.length; k++) { const j = rec[order[k]!]!; if (j >= 0) start[j + 1]!++; }
  for (let i = 0; i < n; i++) start[i + 1] += start[i]!;
  const fillPos = start.slice(0, n);
  const donorList = new Int32Array(start[n]!);
  for (let k = 0; k < order.length; k++) { const i = order[k]!; const j = rec[i]!; if (j >= 0) donorList[fillPos[j]!++] = i; }
  const carried = new Float64Array(n);
  const isOutlet = new Uint8Array(n);
  const cand: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    let sum = areas[(i / w) | 0]! / 1e6;
    cand.length = 0;
    let big = 0;
    for (let p = start[i]!; p < start[i + 1]!; p++) {
      const d = donorList[p]!;
      sum += carried[d]!;
      cand.push(d);
      if (carried[d]! >= minA) big++;
    }
    if (big >= 2) {
      // a confluence of tributaries of at least the minimum: each becomes a unit
      for (const d of cand) if (carried[d]! >= minA) { isOutlet[d] = 1; sum -= carried[d]!; }
    }
    if (sum > maxA) {
      cand.sort((a, b) => carried[b]! - carried[a]! || a - b);
      for (const d of cand) {
        if (sum <= maxA) break;
        if (isOutlet[d] || carried[d] === 0) continue;
        isOutlet[d] = 1;
        sum -= carried[d]!;
      }
    }
    carried[i] = sum;
    if (rec[i]! < 0) isOutlet[i] = 1;
  }
  // ids in topological order of the outlets; labels downstream first
  const labels = new Int32Array(n);
  const outletCells: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (isOutlet[i]) { outletCells.push(i); labels[i] = outletCells.length; }
  }
  for (let k = order.length - 1; k >= 0; k--) {
    const i = order[k]!;
    if (labels[i] !== 0) continue;
    labels[i] = labels[rec[i]!]!;
  }
  const unitArea = new Float64Array(outletCells.length + 1);
  const unitCells = new Float64Array(outletCells.length + 1);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    unitArea[labels[i]!] += areas[(i / w) | 0]! / 1e6;
    unitCells[labels[i]!]!++;
  }
  const upstream = new Float64Array(outletCells.length + 1);
  const units: WatershedUnit[] = outletCells.map((i, k) => {
    const id = k + 1;
    const j = rec[i]!;
    const down = j >= 0 ? labels[j]! : 0;
    upstream[id] += unitArea[id]!;
    if (down) upstream[down] += upstream[id]!;
    const r = (i / w) | 0;
    const [x, y] = grid.pixelToCrs(i - r * w + 0.5, r + 0.5);
    return { id, outletCol: i - r * w, outletRow: r, outletX: x, outletY: y, areaKm2: unitArea[id]!, cells: unitCells[id]!, upstreamAreaKm2: 0, downstreamId: down, small: unitArea[id]! < minA, edge: j < 0 };
  });
  for (const u of units) (u as { upstreamAreaKm2: number }).upstreamAreaKm2 = upstream[u.id]!;
  return { labels: new Raster(grid, labels, 0), units };
}
