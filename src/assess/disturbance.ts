/**
 * Candidate disturbance patches (扰动图斑) from two dates: cells that lost their vegetation (NDVI or fractional
 * vegetation cover) or changed land cover by a disturbing transition, cleaned, labelled as 8-connected patches,
 * described (true area, lon/lat centroid and bounding box, mean drop or transitions, slope and LS from a DEM or
 * given rasters) and polygonised to GeoJSON in longitude/latitude, ready for {@link disturbanceRisk}.
 *
 * **Marking, NDVI mode** (image differencing, the change-detection method that Lyon et al. 1998 found best among
 * seven vegetation indices; PE&RS 64(2):143–150). A cell is marked when both dates are valid and
 * `before − after ≥ minDrop` and `after ≤ maxAfter` (both within 1e-6, for values stored as Float32):
 * - `maxAfter` = 0.2: NDVI below 0.2 is bare soil in the NDVI thresholds method of Sobrino, Jiménez-Muñoz & Paolini
 *   (2004, Remote Sens. Environ. 90:434–440, doi:10.1016/j.rse.2004.02.003; 0.2–0.5 mixed, above 0.5 vegetated);
 * - `minDrop` = 0.2 (our choice, from the same bounds): with `after ≤ 0.2` the cell was at least mixed cover
 *   (NDVI ≥ 0.4) before, so bare soil that stayed bare and slight seasonal browning are not marked.
 *
 * **FVC mode** (cover fractions 0–1, e.g. `FVC.dimidiate`): `maxAfter` = 0.3, the lowest vegetation-cover class
 * of SL 190-2007 (< 30 %, Table 3 of the standard's 面蚀 grading); `minDrop` = 0.3 (our choice: a drop across at least
 * two of SL 190-2007's 15-point cover classes).
 *
 * **Land-cover mode.** A transition table lists which `from → to` class pairs are disturbance (forest, shrub,
 * grass or cropland → construction, mining or bare land), each with a type (`construction`, `mining`, `bare`)
 * that becomes the patch type for {@link disturbanceRisk}. Default tables: {@link LANDCOVER_SCHEMES}.
 *
 * **Masks.** A cell that is nodata in either date, or cloud (a non-zero cell of `cloudBefore` / `cloudAfter`), is
 * never marked; the masked cells and their share of the grid are reported.
 *
 * **Cleaning** (options): a morphological opening with a 3 × 3 square (erosion then dilation; Serra 1982, "Image
 * Analysis and Mathematical Morphology") removes marks narrower than 3 cells — off-grid cells count as marked in
 * the erosion so that patches on the border survive, masked cells as unmarked; then patches with fewer than
 * `minPatchCells` cells (default 4, our choice: 0.36 ha at 30 m, about the smallest site mapped by eye on 30 m
 * imagery) or less than `minPatchAreaM2` are dropped.
 *
 * **Labelling.** 8-connected components (two-pass union-find; Rosenfeld & Pfaltz 1966, J. ACM 13(4):471–494),
 * numbered 1, 2, … by their first cell in row-major order. The inputs are read in bands of `bandRows` rows (a
 * 2-row halo for the opening); the result is the same for any band size.
 *
 * **Polygons** from `polygonize` (cell edges, 4-connected geometry: an 8-connected patch whose cells meet at a
 * corner is a MultiPolygon whose parts touch there), reprojected to WGS 84 longitude/latitude.
 *
 * **Grids.** The two dates (and masks, DEM slope and LS) must be on the same grid (`GRID_MISMATCH`), or, with
 * `align: 'whole-cells'`, share CRS and cell size with origins a whole number of cells apart: the work is then done
 * on their overlap.
 *
 * Complexity O(n) time; memory n bytes (marks) + 4n (labels) besides the inputs.
 *
 * @module
 */

import { crsEquals, describeCrs } from '../raster/crs.js';
import { RusleError } from '../raster/errors.js';
import { assertAligned, Grid, type Window } from '../raster/grid.js';
import { labelPolygonsToGeoJson, polygonize, type PolygonFeatureCollection } from '../raster/polygonize.js';
import { isFloatArray, Raster, type TypedArray } from '../raster/raster.js';
import { lsFactor } from '../factors/ls/ls-factor.js';
import { slope } from '../terrain/slope.js';
import { gridToLonLat } from './reproject.js';

/** What the two dates hold. */
export type DisturbanceMode = 'ndvi' | 'fvc' | 'landcover';

/** One row of a transition table: which classes before and after count as disturbance, and its type. */
export interface TransitionRule {
  /** Classes before (`'*'`: any class other than the `to` classes). */
  readonly from: readonly number[] | '*';
  /** Classes after. */
  readonly to: readonly number[];
  /** Disturbance type given to the patch (`construction`, `mining`, `bare`, …). */
  readonly type: string;
}

/**
 * Default transition tables by land-cover scheme:
 * - `cnlucc`: the Chinese Academy of Sciences land-use classification (RESDC CNLUCC, two-digit codes): cropland
 *   11–12, forest 21–24 and grassland 31–33 → urban 51 or rural settlement 52 (construction), other construction
 *   land 53 (industrial, mining, transport: `mining`), bare land 65 or bare rock 66 (`bare`);
 * - `worldcover`: ESA WorldCover 2020/2021: tree 10, shrub 20, grass 30, cropland 40, wetland 90, mangrove 95,
 *   moss 100 → built-up 50 (construction) or bare/sparse 60 (bare);
 * - `seims`: the SWAT land-use IDs of the SEIMS sample data (data/youwuzhen): orchard 4, mixed forest 6, evergreen
 *   forest 8, paddy 33 → built-up 104 or 106 (construction).
 */
export const LANDCOVER_SCHEMES: Readonly<Record<'cnlucc' | 'worldcover' | 'seims', readonly TransitionRule[]>> = {
  cnlucc: [
    { from: [11, 12, 21, 22, 23, 24, 31, 32, 33], to: [51, 52], type: 'construction' },
    { from: [11, 12, 21, 22, 23, 24, 31, 32, 33], to: [53], type: 'mining' },
    { from: [11, 12, 21, 22, 23, 24, 31, 32, 33], to: [65, 66], type: 'bare' },
  ],
  worldcover: [
    { from: [10, 20, 30, 40, 90, 95, 100], to: [50], type: 'construction' },
    { from: [10, 20, 30, 40, 90, 95, 100], to: [60], type: 'bare' },
  ],
  seims: [{ from: [4, 6, 8, 33], to: [104, 106], type: 'construction' }],
};

/** Default thresholds by mode (see the module notes for their sources). */
export const DISTURBANCE_THRESHOLDS: Readonly<Record<'ndvi' | 'fvc', { minDrop: number; maxAfter: number }>> = {
  ndvi: { minDrop: 0.2, maxAfter: 0.2 },
  fvc: { minDrop: 0.3, maxAfter: 0.3 },
};

/** Options of {@link detectDisturbance}. */
export interface DisturbanceOptions {
  /** What the rasters hold. @defaultValue 'ndvi' */
  mode?: DisturbanceMode;
  /** Smallest drop before − after that marks a cell (NDVI or FVC units). @defaultValue 0.2 (NDVI), 0.3 (FVC) */
  minDrop?: number;
  /** Largest value after that marks a cell. @defaultValue 0.2 (NDVI), 0.3 (FVC) */
  maxAfter?: number;
  /** Land-cover mode: a scheme name or a transition table. @defaultValue 'cnlucc' */
  transitions?: keyof typeof LANDCOVER_SCHEMES | readonly TransitionRule[];
  /** Type given to NDVI/FVC patches. @defaultValue 'vegetation-loss' */
  type?: string;
  /** Cloud (non-zero = cloud) in the first date. */
  cloudBefore?: Raster;
  /** Cloud (non-zero = cloud) in the second date. */
  cloudAfter?: Raster;
  /** Morphological opening (3 × 3) before labelling. @defaultValue false */
  opening?: boolean;
  /** Smallest patch kept, cells. @defaultValue 4 */
  minPatchCells?: number;
  /** Smallest patch kept, m² of true area. @defaultValue 0 */
  minPatchAreaM2?: number;
  /**
   * DEM (elevations in metres) on the grid: per-patch mean slope (Horn, degrees) and LS (`lsFactor`, `csle` preset)
   * when `slopeDegrees` or `ls` are not given.
   */
  dem?: Raster;
  /** Slope in degrees on the grid, for per-patch means. */
  slopeDegrees?: Raster;
  /** LS factor on the grid, for per-patch means. */
  ls?: Raster;
  /** `strict`: the same grid or `GRID_MISMATCH`; `whole-cells`: work on the overlap of whole-cell-aligned grids. @defaultValue 'strict' */
  align?: 'strict' | 'whole-cells';
  /** Rows read per band (the result does not depend on it). @defaultValue 1024 */
  bandRows?: number;
  /** Skip the polygons (labels and statistics only). @defaultValue false */
  skipPolygons?: boolean;
}

/** One patch of {@link detectDisturbance}. */
export interface DisturbancePatch {
  /** Patch number (1, 2, … by first cell in row-major order); its value in `labels`. */
  id: number;
  /** Disturbance type (the dominant rule's type in land-cover mode). */
  type: string;
  /** Cells. */
  cells: number;
  /** True area, m². */
  areaM2: number;
  /** Area-weighted centroid of the cell centres, [longitude, latitude] (WGS 84). */
  centroidLonLat: [number, number];
  /** [west, south, east, north] of the polygon, degrees (WGS 84); NaN without polygons. */
  bboxLonLat: [number, number, number, number];
  /** Bounding window of the patch's cells on the grid. */
  window: Window;
  /** NDVI/FVC mode: mean value before, after and mean drop. */
  meanBefore?: number;
  /** Mean value after. */
  meanAfter?: number;
  /** Mean drop before − after. */
  meanDrop?: number;
  /** Land-cover mode: cells per transition, largest first. */
  transitions?: { from: number; to: number; cells: number }[];
  /** Mean slope, degrees (when `slopeDegrees` is given; NaN when no patch cell has one). */
  meanSlopeDegrees?: number;
  /** Mean LS (when `ls` is given). */
  meanLs?: number;
}

/** Cell counts of a detection. */
export interface DisturbanceCounts {
  /** Cells of the (overlap) grid. */
  total: number;
  /** Cells valid and cloud-free in both dates. */
  valid: number;
  /** Cells nodata or cloud in either date (never counted). */
  masked: number;
  /** Cells marked before cleaning. */
  marked: number;
  /** Marked cells removed by the opening and the size filter. */
  removed: number;
  /** Cells in the patches kept. */
  inPatches: number;
}

/** Result of {@link detectDisturbance}. */
export interface DisturbanceResult {
  /** Patch labels (0 = none), on the (overlap) grid. */
  readonly labels: Raster<Int32Array>;
  /** Patches, by id. */
  readonly patches: DisturbancePatch[];
  /** Polygons in lon/lat, one Feature per patch (properties: the patch fields, `id` and `type`). */
  readonly geojson: PolygonFeatureCollection;
  /** Cell counts. */
  readonly counts: DisturbanceCounts;
  /** Share of the grid masked (nodata or cloud in either date), 0–1. */
  readonly maskedShare: number;
  /** Mode and thresholds used. */
  readonly settings: { mode: DisturbanceMode; minDrop?: number; maxAfter?: number; transitions?: readonly TransitionRule[]; opening: boolean; minPatchCells: number; minPatchAreaM2: number };
  /** Window of the overlap in `before`'s grid (the whole grid when aligned). */
  readonly window: Window;
  /** Notes (alignment, masks). */
  readonly warnings: string[];
}

/** Default options of {@link detectDisturbance}. */
export const DISTURBANCE_DEFAULTS = {
  mode: 'ndvi' as DisturbanceMode, transitions: 'cnlucc' as const, type: 'vegetation-loss', opening: false,
  minPatchCells: 4, minPatchAreaM2: 0, align: 'strict' as const, bandRows: 1024,
};

function cropTo<T extends TypedArray>(r: Raster<T>, win: Window): Raster<T> {
  if (win.x === 0 && win.y === 0 && win.width === r.width && win.height === r.height) return r;
  const Ctor = r.data.constructor as new (n: number) => T;
  const out = new Ctor(win.width * win.height);
  for (let y = 0; y < win.height; y++) {
    const s = (win.y + y) * r.width + win.x;
    (out as unknown as { set(a: ArrayLike<number>, o: number): void }).set(r.data.subarray(s, s + win.width), y * win.width);
  }
  return new Raster(r.grid.window(win), out, r.nodata);
}

/** Windows of the overlap of two grids whose origins are a whole number of cells apart, or a reason. */
function wholeCellOverlap(a: Grid, b: Grid): { wa: Window; wb: Window } | string {
  if (a.isRotated || b.isRotated) return 'rotated grids cannot be aligned by whole cells';
  if (!crsEquals(a.crs, b.crs)) return `the CRS differs (${describeCrs(a.crs)} vs ${describeCrs(b.crs)})`;
  const s = a.transform, t = b.transform;
  if (Math.abs(s[1] - t[1]) > 1e-9 * Math.abs(s[1]) || Math.abs(s[5] - t[5]) > 1e-9 * Math.abs(s[5])) return `the cell size differs (${s[1]} × ${s[5]} vs ${t[1]} × ${t[5]})`;
  const col = (t[0] - s[0]) / s[1], row = (t[3] - s[3]) / s[5];
  const c = Math.round(col), r = Math.round(row);
  if (Math.abs(col - c) > 1e-6 || Math.abs(row - r) > 1e-6) return `the origins are ${col.toFixed(3)} columns and ${row.toFixed(3)} rows apart, not a whole number of cells`;
  const x0 = Math.max(0, c), y0 = Math.max(0, r);
  const x1 = Math.min(a.width, c + b.width), y1 = Math.min(a.height, r + b.height);
  if (x1 <= x0 || y1 <= y0) return 'the grids do not overlap';
  return { wa: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, wb: { x: x0 - c, y: y0 - r, width: x1 - x0, height: y1 - y0 } };
}

function checkThreshold(v: number, lo: number, hi: number, what: string, loOpen: boolean): number {
  if (typeof v !== 'number' || !(loOpen ? v > lo : v >= lo) || !(v <= hi)) {
    throw new RusleError('BAD_VALUE', `detectDisturbance: ${what} must be a number in ${loOpen ? '(' : '['}${lo}, ${hi}], got ${String(v)}`);
  }
  return v;
}

function isValid(d: TypedArray, nd: number, i: number): boolean {
  const v = d[i]!;
  return v === v && v !== nd;
}

/**
 * Candidate disturbance patches from two dates (NDVI, FVC or land cover): marked cells, cleaned, 8-connected
 * patches with their statistics and lon/lat polygons.
 *
 * @param before - first date: NDVI (−1…1), FVC (0…1) or land-cover classes (integers).
 * @param after - second date, on the same grid (or whole-cell aligned with `align: 'whole-cells'`).
 * @param options - mode, thresholds, transitions, cloud masks, cleaning, slope and LS, alignment.
 * @returns labels, patches, lon/lat polygons, cell counts and the masked share.
 * @throws RusleError `GRID_MISMATCH` for different grids; `BAD_VALUE` for thresholds out of range, values outside
 *   the mode's range, or a date with no valid cell; `BAD_ARGUMENT` for bad options or transition tables.
 *
 * @example
 * ```ts
 * const { patches, geojson, maskedShare } = detectDisturbance(ndvi2022, ndvi2023, { cloudAfter: qa });
 * const risk = disturbanceRisk(A, geojson, { units: 't/ha/yr', tolerance: 'red-soil', potential: rkls });
 * ```
 */
export function detectDisturbance(before: Raster, after: Raster, options: DisturbanceOptions = {}): DisturbanceResult {
  if (!(before instanceof Raster) || !(after instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'detectDisturbance: before and after must be Rasters');
  const mode = options.mode ?? DISTURBANCE_DEFAULTS.mode;
  if (mode !== 'ndvi' && mode !== 'fvc' && mode !== 'landcover') throw new RusleError('BAD_ARGUMENT', `detectDisturbance: options.mode must be 'ndvi', 'fvc' or 'landcover', got ${String(mode)}`);
  const minPatchCells = options.minPatchCells ?? DISTURBANCE_DEFAULTS.minPatchCells;
  if (!Number.isInteger(minPatchCells) || minPatchCells < 1) throw new RusleError('BAD_VALUE', `detectDisturbance: options.minPatchCells must be an integer ≥ 1, got ${String(minPatchCells)}`);
  const minPatchAreaM2 = options.minPatchAreaM2 ?? DISTURBANCE_DEFAULTS.minPatchAreaM2;
  if (!(minPatchAreaM2 >= 0) || !Number.isFinite(minPatchAreaM2)) throw new RusleError('BAD_VALUE', `detectDisturbance: options.minPatchAreaM2 must be a finite number ≥ 0, got ${String(minPatchAreaM2)}`);
  const bandRows = options.bandRows ?? DISTURBANCE_DEFAULTS.bandRows;
  if (!Number.isInteger(bandRows) || bandRows < 1) throw new RusleError('BAD_ARGUMENT', `detectDisturbance: options.bandRows must be an integer ≥ 1, got ${String(bandRows)}`);
  const opening = options.opening ?? DISTURBANCE_DEFAULTS.opening;
  const align = options.align ?? DISTURBANCE_DEFAULTS.align;
  const warnings: string[] = [];

  // Thresholds or transitions.
  let minDrop = NaN, maxAfter = NaN;
  let rules: readonly TransitionRule[] | undefined;
  if (mode === 'landcover') {
    if (options.minDrop !== undefined || options.maxAfter !== undefined) throw new RusleError('BAD_ARGUMENT', 'detectDisturbance: minDrop and maxAfter apply to the ndvi and fvc modes, not to landcover');
    const tr = options.transitions ?? DISTURBANCE_DEFAULTS.transitions;
    rules = typeof tr === 'string' ? LANDCOVER_SCHEMES[tr] : tr;
    if (!Array.isArray(rules) || rules.length === 0) {
      throw new RusleError('BAD_ARGUMENT', `detectDisturbance: options.transitions must be one of ${Object.keys(LANDCOVER_SCHEMES).join(', ')} or a non-empty list of { from, to, type }, got ${JSON.stringify(tr)}`);
    }
    rules.forEach((r, k) => {
      const ints = (a: unknown): boolean => Array.isArray(a) && a.length > 0 && a.every((x) => Number.isInteger(x));
      if (!r || (r.from !== '*' && !ints(r.from)) || !ints(r.to) || typeof r.type !== 'string' || r.type === '') {
        throw new RusleError('BAD_ARGUMENT', `detectDisturbance: transitions[${k}] must be { from: integer[] | '*', to: integer[], type: string }, got ${JSON.stringify(r)}`);
      }
    });
    if (isFloatArray(before.data) || isFloatArray(after.data)) throw new RusleError('BAD_VALUE', 'detectDisturbance: land-cover mode needs integer class rasters for before and after');
  } else {
    if (options.transitions !== undefined) throw new RusleError('BAD_ARGUMENT', `detectDisturbance: options.transitions applies to the landcover mode, not to ${mode}`);
    const def = DISTURBANCE_THRESHOLDS[mode];
    minDrop = checkThreshold(options.minDrop ?? def.minDrop, 0, mode === 'ndvi' ? 2 : 1, 'options.minDrop', true);
    maxAfter = checkThreshold(options.maxAfter ?? def.maxAfter, mode === 'ndvi' ? -1 : 0, 1, 'options.maxAfter', false);
  }

  // Grids.
  let b = before, a = after;
  let win: Window = before.grid.fullWindow();
  let slopeIn = options.slopeDegrees, lsIn = options.ls;
  if (options.dem !== undefined) {
    if (!(options.dem instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'detectDisturbance: options.dem must be a Raster of elevations');
    slopeIn ??= slope(options.dem, { units: 'degrees' });
    lsIn ??= lsFactor(options.dem, { preset: 'csle' }).ls;
  }
  const extras: [string, Raster | undefined][] = [['options.cloudBefore', options.cloudBefore], ['options.cloudAfter', options.cloudAfter], ['options.slopeDegrees', slopeIn], ['options.ls', lsIn]];
  if (align === 'whole-cells') {
    const ov = wholeCellOverlap(before.grid, after.grid);
    if (typeof ov === 'string') throw new RusleError('GRID_MISMATCH', `detectDisturbance: before and after cannot be aligned by whole cells: ${ov}`);
    win = ov.wa;
    if (ov.wa.width !== before.width || ov.wa.height !== before.height || ov.wb.width !== after.width || ov.wb.height !== after.height) {
      warnings.push(`before and after differ in extent; working on their overlap of ${win.width} × ${win.height} cells (columns ${win.x}–${win.x + win.width - 1}, rows ${win.y}–${win.y + win.height - 1} of before)`);
    }
    b = cropTo(before, ov.wa);
    a = cropTo(after, ov.wb);
  } else if (align === 'strict') {
    assertAligned(before, after, ['before', 'after']);
  } else {
    throw new RusleError('BAD_ARGUMENT', `detectDisturbance: options.align must be 'strict' or 'whole-cells', got ${String(align)}`);
  }
  const cropped: Record<string, Raster | undefined> = {};
  for (const [name, r] of extras) {
    if (!r) continue;
    if (!(r instanceof Raster)) throw new RusleError('BAD_ARGUMENT', `detectDisturbance: ${name} must be a Raster`);
    let rr = r;
    if (align === 'whole-cells' && !r.grid.equals(b.grid)) {
      const ov = wholeCellOverlap(b.grid, r.grid);
      if (typeof ov === 'string' || ov.wa.width !== b.width || ov.wa.height !== b.height) {
        throw new RusleError('GRID_MISMATCH', `detectDisturbance: ${name} does not cover the overlap of before and after by whole cells${typeof ov === 'string' ? `: ${ov}` : ''}`);
      }
      rr = cropTo(r, ov.wb);
    }
    assertAligned(b, rr, ['before', name]);
    cropped[name] = rr;
  }
  const grid = b.grid;
  const W = grid.width, H = grid.height, n = W * H;

  // Value ranges and an empty date.
  const bd = b.data, ad = a.data;
  const bnd = b.nodata === null ? NaN : b.nodata, and = a.nodata === null ? NaN : a.nodata;
  let validB = 0, validA = 0;
  const lo = mode === 'ndvi' ? -1 : 0;
  for (let i = 0; i < n; i++) {
    const vb = bd[i]!, va = ad[i]!;
    if (vb === vb && vb !== bnd) {
      validB++;
      if (mode !== 'landcover' && !(vb >= lo - 1e-6 && vb <= 1 + 1e-6)) throw new RusleError('BAD_VALUE', `detectDisturbance: before holds ${vb} at column ${i % W}, row ${Math.floor(i / W)}; ${mode.toUpperCase()} must lie in [${lo}, 1] (rescale integer-scaled products first)`);
    }
    if (va === va && va !== and) {
      validA++;
      if (mode !== 'landcover' && !(va >= lo - 1e-6 && va <= 1 + 1e-6)) throw new RusleError('BAD_VALUE', `detectDisturbance: after holds ${va} at column ${i % W}, row ${Math.floor(i / W)}; ${mode.toUpperCase()} must lie in [${lo}, 1] (rescale integer-scaled products first)`);
    }
  }
  if (validB === 0) throw new RusleError('BAD_VALUE', 'detectDisturbance: before has no valid cell (all nodata)');
  if (validA === 0) throw new RusleError('BAD_VALUE', 'detectDisturbance: after has no valid cell (all nodata)');

  // Land-cover lookup: pair → rule index + 1.
  let pairRule: Map<number, number> | undefined;
  if (rules) {
    pairRule = new Map();
    const classes = new Set<number>();
    for (let i = 0; i < n; i++) { if (isValid(bd, bnd, i)) classes.add(bd[i]!); }
    rules.forEach((r, k) => {
      const froms = r.from === '*' ? [...classes].filter((c) => !r.to.includes(c)) : r.from;
      for (const f of froms) for (const t of r.to) if (f !== t && !pairRule!.has(f * 4294967296 + t)) pairRule!.set(f * 4294967296 + t, k + 1);
    });
  }

  // Marking and opening, band by band.
  const cb = cropped['options.cloudBefore'], ca = cropped['options.cloudAfter'];
  // Thresholds hold within 1e-6 so that values stored as Float32 (0.2 → 0.200000003) sit on the side they were meant for.
  const dropAt = minDrop - 1e-6, afterAt = maxAfter + 1e-6;
  const marks = new Uint8Array(n); // 1 = marked, 2 = masked, 3 = marked but removed by the opening
  let masked = 0, marked = 0;
  const markRow = (r: number, out: Uint8Array, o: number): void => {
    const base = r * W;
    for (let c = 0; c < W; c++) {
      const i = base + c;
      const vb = bd[i]!, va = ad[i]!;
      let m = 0;
      if (vb !== vb || vb === bnd || va !== va || va === and || (cb !== undefined && cb.data[i] !== 0 && !cb.isNodataAt(i)) || (ca !== undefined && ca.data[i] !== 0 && !ca.isNodataAt(i))) m = 2;
      else if (pairRule) { if (vb !== va && pairRule.has(vb * 4294967296 + va)) m = 1; }
      else if (vb - va >= dropAt && va <= afterAt) m = 1;
      out[o + c] = m;
    }
  };
  for (let y0 = 0; y0 < H; y0 += bandRows) {
    const y1 = Math.min(H, y0 + bandRows);
    if (!opening) {
      for (let r = y0; r < y1; r++) markRow(r, marks, r * W);
    } else {
      const h0 = Math.max(0, y0 - 2), h1 = Math.min(H, y1 + 2), bh = h1 - h0;
      const raw = new Uint8Array(bh * W);
      for (let r = h0; r < h1; r++) markRow(r, raw, (r - h0) * W);
      // Erosion (off-grid counts as marked), then dilation, for the band's own rows.
      const eroded = new Uint8Array(bh * W);
      for (let r = Math.max(h0, y0 - 1); r < Math.min(h1, y1 + 1); r++) {
        for (let c = 0; c < W; c++) {
          let keep = raw[(r - h0) * W + c] === 1;
          for (let dy = -1; dy <= 1 && keep; dy++) {
            const rr = r + dy;
            if (rr < 0 || rr >= H) continue;
            for (let dx = -1; dx <= 1; dx++) {
              const cc = c + dx;
              if (cc < 0 || cc >= W) continue;
              if (raw[(rr - h0) * W + cc] !== 1) { keep = false; break; }
            }
          }
          eroded[(r - h0) * W + c] = keep ? 1 : 0;
        }
      }
      for (let r = y0; r < y1; r++) {
        for (let c = 0; c < W; c++) {
          const v = raw[(r - h0) * W + c]!;
          let m = v === 2 ? 2 : 0;
          if (v === 1) {
            m = 3; // marked, removed by the opening unless an eroded cell lies within 3 × 3
            for (let dy = -1; dy <= 1 && m === 3; dy++) {
              const rr = r + dy;
              if (rr < 0 || rr >= H) continue;
              for (let dx = -1; dx <= 1; dx++) {
                const cc = c + dx;
                if (cc >= 0 && cc < W && eroded[(rr - h0) * W + cc] === 1) { m = 1; break; }
              }
            }
          }
          marks[r * W + c] = m;
        }
      }
    }
  }
  for (let i = 0; i < n; i++) { const m = marks[i]!; if (m === 2) masked++; else if (m === 1 || m === 3) marked++; }

  // 8-connected labelling, two passes with union-find on provisional labels.
  const labels = new Int32Array(n);
  let parent = new Int32Array(1024);
  let next = 1;
  const find = (x: number): number => {
    while (parent[x] !== x) { parent[x] = parent[parent[x]!]!; x = parent[x]!; }
    return x;
  };
  const union = (x: number, y: number): number => {
    const rx = find(x), ry = find(y);
    if (rx === ry) return rx;
    if (rx < ry) { parent[ry] = rx; return rx; }
    parent[rx] = ry;
    return ry;
  };
  for (let r = 0; r < H; r++) {
    const base = r * W;
    for (let c = 0; c < W; c++) {
      const i = base + c;
      if (marks[i] !== 1) continue;
      let l = 0;
      if (c > 0 && labels[i - 1]! > 0) l = labels[i - 1]!;
      if (r > 0) {
        const up = i - W;
        if (c > 0 && labels[up - 1]! > 0) l = l ? union(l, labels[up - 1]!) : labels[up - 1]!;
        if (labels[up]! > 0) l = l ? union(l, labels[up]!) : labels[up]!;
        if (c + 1 < W && labels[up + 1]! > 0) l = l ? union(l, labels[up + 1]!) : labels[up + 1]!;
      }
      if (l === 0) {
        if (next >= parent.length) { const p = new Int32Array(parent.length * 2); p.set(parent); parent = p; }
        parent[next] = next;
        l = next++;
      }
      labels[i] = l;
    }
  }
  // Sizes per root, then the size filter and the final numbering by first cell.
  const rowAreas = grid.isRotated && grid.isGeographic ? undefined : grid.rowCellAreasM2();
  if (!rowAreas) throw new RusleError('UNSUPPORTED_TIFF', 'detectDisturbance: rotated geographic grids are not supported; warp to a north-up grid first');
  const cellsOf = new Float64Array(next), areaOf = new Float64Array(next);
  for (let r = 0; r < H; r++) {
    const base = r * W, ar = rowAreas[r]!;
    for (let c = 0; c < W; c++) {
      const l = labels[base + c]!;
      if (l === 0) continue;
      const root = find(l);
      labels[base + c] = root;
      cellsOf[root] = cellsOf[root]! + 1;
      areaOf[root] = areaOf[root]! + ar;
    }
  }
  const finalOf = new Int32Array(next);
  let kept = 0;
  for (let l = 1; l < next; l++) {
    if (parent[l] === l && cellsOf[l]! >= minPatchCells && areaOf[l]! >= minPatchAreaM2) finalOf[l] = ++kept;
  }
  let inPatches = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l === 0) continue;
    const f = finalOf[l]!;
    labels[i] = f;
    if (f > 0) inPatches++;
  }
  const labelRaster = new Raster(grid, labels, 0);

  // Statistics per patch.
  const k = kept;
  const cells = new Float64Array(k + 1), area = new Float64Array(k + 1), sx = new Float64Array(k + 1), sy = new Float64Array(k + 1);
  const sB = new Float64Array(k + 1), sA = new Float64Array(k + 1);
  const slopeR = cropped['options.slopeDegrees'], lsR = cropped['options.ls'];
  const sS = new Float64Array(k + 1), nS = new Float64Array(k + 1), sL = new Float64Array(k + 1), nL = new Float64Array(k + 1);
  const minC = new Int32Array(k + 1).fill(W), minR = new Int32Array(k + 1).fill(H), maxC = new Int32Array(k + 1).fill(-1), maxR = new Int32Array(k + 1).fill(-1);
  const trans: Map<number, number>[] = rules ? Array.from({ length: k + 1 }, () => new Map()) : [];
  const t = grid.transform;
  for (let r = 0; r < H; r++) {
    const base = r * W, ar = rowAreas[r]!;
    for (let c = 0; c < W; c++) {
      const i = base + c;
      const p = labels[i]!;
      if (p === 0) continue;
      cells[p] = cells[p]! + 1;
      area[p] = area[p]! + ar;
      sx[p] = sx[p]! + ar * (t[0] + (c + 0.5) * t[1] + (r + 0.5) * t[2]);
      sy[p] = sy[p]! + ar * (t[3] + (c + 0.5) * t[4] + (r + 0.5) * t[5]);
      if (c < minC[p]!) minC[p] = c;
      if (c > maxC[p]!) maxC[p] = c;
      if (r < minR[p]!) minR[p] = r;
      maxR[p] = r;
      if (rules) {
        const key = bd[i]! * 4294967296 + ad[i]!;
        trans[p]!.set(key, (trans[p]!.get(key) ?? 0) + 1);
      } else {
        sB[p] = sB[p]! + bd[i]!;
        sA[p] = sA[p]! + ad[i]!;
      }
      if (slopeR) { const v = slopeR.data[i]!; if (v === v && !slopeR.isNodataAt(i)) { sS[p] = sS[p]! + v; nS[p] = nS[p]! + 1; } }
      if (lsR) { const v = lsR.data[i]!; if (v === v && !lsR.isNodataAt(i)) { sL[p] = sL[p]! + v; nL[p] = nL[p]! + 1; } }
    }
  }
  const toLonLat = gridToLonLat(grid.crs);
  const patches: DisturbancePatch[] = [];
  for (let p = 1; p <= k; p++) {
    const [lon, lat] = toLonLat([sx[p]! / area[p]!, sy[p]! / area[p]!]);
    const patch: DisturbancePatch = {
      id: p, type: options.type ?? DISTURBANCE_DEFAULTS.type, cells: cells[p]!, areaM2: area[p]!,
      centroidLonLat: [lon, lat], bboxLonLat: [NaN, NaN, NaN, NaN],
      window: { x: minC[p]!, y: minR[p]!, width: maxC[p]! - minC[p]! + 1, height: maxR[p]! - minR[p]! + 1 },
    };
    if (rules) {
      const list = [...trans[p]!.entries()].map(([key, cnt]) => ({ from: Math.floor(key / 4294967296), to: key % 4294967296, cells: cnt }))
        .sort((x, y) => y.cells - x.cells || x.from - y.from || x.to - y.to);
      patch.transitions = list;
      // The type of the rule that covers most cells.
      const byType = new Map<string, number>();
      for (const tr of list) { const ty = rules[pairRule!.get(tr.from * 4294967296 + tr.to)! - 1]!.type; byType.set(ty, (byType.get(ty) ?? 0) + tr.cells); }
      patch.type = [...byType.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0]![0];
    } else {
      patch.meanBefore = sB[p]! / cells[p]!;
      patch.meanAfter = sA[p]! / cells[p]!;
      patch.meanDrop = (sB[p]! - sA[p]!) / cells[p]!;
    }
    if (slopeR) patch.meanSlopeDegrees = nS[p]! > 0 ? sS[p]! / nS[p]! : NaN;
    if (lsR) patch.meanLs = nL[p]! > 0 ? sL[p]! / nL[p]! : NaN;
    patches.push(patch);
  }

  // Polygons in lon/lat.
  let geojson: PolygonFeatureCollection = { type: 'FeatureCollection', features: [] };
  if (!options.skipPolygons && k > 0) {
    const parts = polygonize(labelRaster);
    geojson = labelPolygonsToGeoJson(parts, {
      transform: toLonLat, decimals: 9,
      properties: (label) => patchProperties(patches[label - 1]!),
    });
    for (const f of geojson.features) {
      const p = patches[(f.id) - 1]!;
      let w = Infinity, s = Infinity, e = -Infinity, nn = -Infinity;
      const polys = f.geometry.type === 'Polygon' ? [f.geometry.coordinates] : f.geometry.coordinates;
      for (const poly of polys) for (const [x, y] of poly[0]!) { if (x < w) w = x; if (x > e) e = x; if (y < s) s = y; if (y > nn) nn = y; }
      p.bboxLonLat = [w, s, e, nn];
      f.properties['bboxLonLat'] = p.bboxLonLat;
    }
  }
  if (masked > 0) warnings.push(`${masked} cells (${(100 * masked / n).toFixed(2)} %) are nodata or cloud in one of the dates and were not examined`);
  return {
    labels: labelRaster, patches, geojson,
    counts: { total: n, valid: n - masked, masked, marked, removed: marked - inPatches, inPatches },
    maskedShare: masked / n,
    settings: {
      mode, ...(rules ? { transitions: rules } : { minDrop, maxAfter }), opening, minPatchCells, minPatchAreaM2,
    },
    window: win, warnings,
  };
}

/** GeoJSON properties of a patch (`id` and `type` for {@link disturbanceRisk}). */
export function patchProperties(p: DisturbancePatch): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: p.id, type: p.type, cells: p.cells, areaHa: p.areaM2 / 1e4,
    centroidLon: p.centroidLonLat[0], centroidLat: p.centroidLonLat[1],
  };
  if (p.meanDrop !== undefined) { out['meanBefore'] = p.meanBefore; out['meanAfter'] = p.meanAfter; out['meanDrop'] = p.meanDrop; }
  if (p.transitions) out['transitions'] = p.transitions.map((tr) => `${tr.from}>${tr.to}:${tr.cells}`).join(' ');
  if (p.meanSlopeDegrees !== undefined) out['meanSlopeDegrees'] = p.meanSlopeDegrees;
  if (p.meanLs !== undefined) out['meanLs'] = p.meanLs;
  return out;
}

/**
 * The patch list as CSV (UTF-8 with BOM): id, type, cells, area (ha), centroid, bounding box, means.
 * @example
 * ```ts
 * writeFileSync('patches.csv', disturbancePatchesToCsv(result.patches));
 * ```
 */
export function disturbancePatchesToCsv(patches: readonly DisturbancePatch[]): string {
  const head = ['id', 'type', 'cells', 'areaHa', 'centroidLon', 'centroidLat', 'west', 'south', 'east', 'north', 'meanBefore', 'meanAfter', 'meanDrop', 'transitions', 'meanSlopeDegrees', 'meanLs'];
  const num = (v: number | undefined, d = 6): string => (v === undefined || Number.isNaN(v) ? '' : String(+v.toFixed(d)));
  const lines = [head.join(',')];
  for (const p of patches) {
    lines.push([String(p.id), p.type, String(p.cells), num(p.areaM2 / 1e4, 4), num(p.centroidLonLat[0], 7), num(p.centroidLonLat[1], 7),
      ...p.bboxLonLat.map((v) => num(v, 7)), num(p.meanBefore, 4), num(p.meanAfter, 4), num(p.meanDrop, 4),
      p.transitions ? p.transitions.map((tr) => `${tr.from}>${tr.to}:${tr.cells}`).join(' ') : '', num(p.meanSlopeDegrees, 3), num(p.meanLs, 4)].join(','));
  }
  return '\ufeff' + lines.join('\n') + '\n';
}
