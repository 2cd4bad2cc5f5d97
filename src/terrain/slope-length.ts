/**
 * One-dimensional cumulative slope length λ along D8 flow paths, with the slope-cutoff rule of Van Remortel et al.
 * and an optional channel stop — the slope length of the RUSLE AML/C++ tools and of LS-TOOL.
 *
 * References:
 * - Hickey, R., Smith, A., Jankowski, P. (1994). Slope length calculations from a DEM within ARC/INFO GRID.
 *   Computers, Environment and Urban Systems 18(5):365–380. doi:10.1016/0198-9715(94)90016-7
 * - Van Remortel, R.D., Hamilton, M.E., Hickey, R.J. (2001). Estimating the LS factor for RUSLE through iterative
 *   slope length processing of digital elevation data within ArcInfo Grid. Cartography 30(1):27–35.
 *   doi:10.1080/00690805.2001.9714133
 * - Van Remortel, R.D., Maichle, R.W., Hickey, R.J. (2004). Computing the LS factor for the Revised Universal Soil
 *   Loss Equation through array-based slope processing of digital elevation data using a C++ executable.
 *   Computers & Geosciences 30(9–10):1043–1053. doi:10.1016/j.cageo.2004.08.001
 * - Zhang, H., Yang, Q., Li, R., Liu, Q., Moore, D., He, P., Ritsema, C.J., Geissen, V. (2013). Extension of a GIS
 *   procedure for calculating the RUSLE equation LS factor. Computers & Geosciences 52:177–188.
 *   doi:10.1016/j.cageo.2012.09.027
 *
 * Algorithm. Cells are visited in topological order of their D8 receivers (ridges first; a row-major scan that
 * follows each chain downstream while in-degrees clear, as the accumulator does, keeps memory access local). Each
 * cell has a flow step s: the true horizontal distance to its receiver (cell width, cell height or diagonal of its
 * row, ellipsoidal on geographic grids); a cell without receiver (outlet) continues the direction of its main donor.
 * Its downslope angle θ is atan(drop / s) towards the receiver (an outlet takes its main donor's angle).
 * - A cell with no eligible donor starts a slope: λ = s / 2 (flow starts in the middle of the cell).
 * - A donor d is eligible unless the cutoff rule ends its slope: tan θ_cell < cutoff · tan θ_d, with cutoff 0.7 when
 *   the cell's slope is below 5 % and 0.5 at or above 5 % (Van Remortel et al. 2001; the slope "decreases enough
 *   for deposition to begin"); a restarted cell counts as a start (λ = s / 2). Donors that are channel cells are
 *   never eligible: slope length ends where flow enters a channel.
 * - Otherwise λ = max over eligible donors of λ_d, plus s (λ is measured at the cell's outlet); the inlet length is
 *   λ_in = λ − s (0 at a start), which the segment L of Foster & Wischmeier uses.
 * - A cell whose upslope area (cells routed by D8, true cell areas, including the cell) exceeds
 *   `channelThresholdM2` is a channel cell: it starts its own slope and passes nothing on.
 * - λ is capped at `maxLengthM` (and λ_in at `maxLengthM` minus nothing: λ_in ≤ λ).
 *
 * Requires a DEM whose depressions are filled and flats resolved (every valid cell drains to an outlet), or D8
 * codes that already do. Without `flowDirection`, D8 steepest-descent codes come from `d8Directions` (routing
 * module); cells without a strictly lower neighbour get no receiver.
 *
 * Nodata: NaN (or a D8 nodata code 255) in → NaN out; nodata and off-grid neighbours are neither donors nor
 * receivers. Complexity: O(n) time, two passes (codes → direction indices, in-degrees and tangents; then the sweep);
 * memory: 1 byte per cell of working state (direction index and in-degree; the λ output holds the best donor λ
 * until a cell is finalised), 12 reserved for outlets' main donors (pages touched only near outlets), plus the
 * Float32 outputs (λ, tangent, optionally λ_in: 4 bytes per cell each).
 *
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { assertAligned, type Grid } from '../raster/grid.js';
import { Raster, isFloatArray, type FloatArray } from '../raster/raster.js';
import { NEIGHBOUR_DCOL, NEIGHBOUR_DROW, neighbourDistances } from './neighbours.js';
import { OutletDonors, SWEEP_DONE, SWEEP_NODATA, SWEEP_NONE, prepareD8Sweep } from './d8-sweep.js';
import { d8Directions } from './routing/d8.js';

/** Options of {@link slopeLength}. */
export interface SlopeLengthOptions {
  /**
   * D8 receiver codes (ESRI powers of two, 0 = none, 255 = nodata) on the DEM's grid. Computed from the DEM by
   * steepest descent when omitted.
   * @defaultValue computed
   */
  readonly flowDirection?: Raster<Uint8Array>;
  /**
   * Cutoff factor when the cell's slope is below 5 %: the slope ends where tan θ_cell < factor · tan θ_upslope.
   * Set both factors to 0 to never cut.
   * @defaultValue 0.7
   */
  readonly cutoffBelow5Pct?: number;
  /** Cutoff factor when the cell's slope is 5 % or more. @defaultValue 0.5 */
  readonly cutoffAtOrAbove5Pct?: number;
  /**
   * Upslope area (m², including the cell, D8) above which a cell is a channel: its slope length restarts and it
   * passes none on. `Infinity` disables the channel stop.
   * @defaultValue Infinity
   */
  readonly channelThresholdM2?: number;
  /** Cap on λ, metres. @defaultValue Infinity */
  readonly maxLengthM?: number;
  /** Also return λ_in (the slope length at each cell's inlet), for the segment L. @defaultValue false */
  readonly withInletLength?: boolean;
}

/** Result of {@link slopeLength}. */
export interface SlopeLengthResult {
  /** λ at each cell's outlet, horizontal metres; NaN = nodata. */
  readonly lengthM: Raster<Float32Array>;
  /** λ_in = λ − flow step (0 at slope starts), metres; only when `withInletLength`. */
  readonly lengthInM?: Raster<Float32Array>;
  /**
   * Downslope angle along the D8 receiver, radians (the angle the cutoff rule compares); NaN = nodata. Computed
   * from `downslopeTan` on first access (one atan per cell), so callers that work with the tangent pay nothing.
   */
  readonly downslopeAngleRad: Raster<Float32Array>;
  /** Downslope tangent tan θ (drop / flow step) along the D8 receiver, as the cutoff rule compares it; NaN = nodata. */
  readonly downslopeTan: Raster<Float32Array>;
  /** D8 codes used (the given ones, or those computed). */
  readonly flowDirection: Raster<Uint8Array>;
}

/** Defaults of {@link SlopeLengthOptions}. */
export const SLOPE_LENGTH_DEFAULTS = {
  cutoffBelow5Pct: 0.7,
  cutoffAtOrAbove5Pct: 0.5,
  channelThresholdM2: Infinity,
  maxLengthM: Infinity,
  withInletLength: false,
} as const;

/**
 * The slope-length kernel. Pass 1 ({@link prepareD8Sweep}) gives each cell its direction index, in-degree and
 * downslope tangent. Pass 2 visits cells in topological order, found by a row-major scan that follows each chain
 * downstream while the receiver's in-degree clears behind the scan position (as the accumulator does), so memory
 * access stays local; flow steps come from the per-row distance table. `len` holds each cell's best eligible donor
 * λ until the cell is finalised, and its own λ then, so no other per-cell array is needed. Writes len (λ out),
 * lenIn (λ in, may be null) and tanOut (downslope tangent; an outlet gets its main donor's). Working memory: 1 byte
 * per cell, plus three Float32 arrays for outlets' main donors whose pages are touched only near outlets.
 */
function slopeLengthKernel(
  fd: Uint8Array, z: FloatArray, width: number, height: number,
  dist: Float64Array, areaByRow: Float64Array,
  cutLow: number, cutHigh: number, channelM2: number, maxLen: number,
  len: Float32Array, lenIn: Float32Array | null, tanOut: Float32Array,
): void {
  const n = width * height;
  const st = new Uint8Array(n);
  const { valid, outlets: outletCount, spans } = prepareD8Sweep(fd, z, width, height, dist, st, tanOut, len);
  const off = new Int32Array(8);
  for (let k = 0; k < 8; k++) off[k] = NEIGHBOUR_DROW[k]! * width + NEIGHBOUR_DCOL[k]!;
  const area = channelM2 < Infinity ? new Float64Array(n) : null;
  const outlets = new OutletDonors(outletCount);
  let processed = 0;
  for (let r0 = 0; r0 < height; r0++) {
    const cEnd = spans[2 * r0 + 1]!;
    for (let c0 = spans[2 * r0]!; c0 < cEnd; c0++) {
      const start = r0 * width + c0;
      const s0 = st[start]!;
      if (s0 >= 16 || s0 === SWEEP_NODATA) continue;
      let i = start;
      let r = r0;
      let si = s0;
      for (;;) {
        st[i] = si | SWEEP_DONE;
        processed++;
        const k = si & 15;
        let s: number;
        let j = -1;
        let md: number;
        if (k < SWEEP_NONE) {
          s = Math.fround(dist[r * 8 + k]!);
          j = i + off[k]!;
        } else if ((md = outlets.slot(i)) >= 0) {
          // outlet: continues the step and the tangent of its main donor
          s = outlets.step(md);
          tanOut[i] = outlets.tan(md);
        } else {
          s = dist[r * 8 + 2]!;
          tanOut[i] = 0;
        }
        const ti = tanOut[i]!;
        let isChannel = false;
        if (area) {
          area[i]! += areaByRow[r]!;
          isChannel = area[i]! > channelM2;
          if (j >= 0) area[j]! += area[i]!;
        }
        let l: number;
        let lin: number;
        const bl = len[i]!; // best eligible donor λ so far, 0 = none
        if (bl === 0 || isChannel) {
          l = 0.5 * s;
          lin = 0;
        } else {
          lin = bl;
          l = lin + s;
        }
        if (l > maxLen) l = maxLen;
        if (lin > l) lin = l;
        len[i] = l;
        if (lenIn) lenIn[i] = lin;
        if (j < 0) break;
        const sj = st[j]!;
        const kj = sj & 15;
        if (kj === SWEEP_NONE) outlets.offer(j, l, ti, s);
        if (!isChannel) {
          // the receiver's own downslope tan: towards its receiver, or (outlet) the continuation of this donor
          const tj = kj < SWEEP_NONE ? tanOut[j]! : ti;
          const cut = tj < 0.05 ? cutLow : cutHigh;
          // the slope ends where it flattens enough for deposition to begin (tan θ_j < cut · tan θ_i)
          if (!(tj < cut * ti) && l > len[j]!) len[j] = l;
        }
        si = sj - 16;
        st[j] = si;
        if (si < 16 && j < start) {
          i = j;
          r += NEIGHBOUR_DROW[k]!;
        } else break;
      }
    }
  }
  if (processed < valid || lenIn) {
    // nodata, and cells on a cycle of the given codes (their in-degree never clears): NaN out
    for (let i = 0; i < n; i++) {
      const si = st[i]!;
      if ((si & 15) === SWEEP_NODATA || si < SWEEP_DONE) {
        len[i] = NaN;
        tanOut[i] = NaN;
        if (lenIn) lenIn[i] = NaN;
      }
    }
  }
}

/** atan of each tangent (NaN stays NaN), Float32. */
function tanToAngle(t: Float32Array): Float32Array {
  const a = new Float32Array(t.length);
  for (let i = 0; i < t.length; i++) a[i] = Math.atan(t[i]!);
  return a;
}

/**
 * Cumulative 1-D slope length λ (horizontal metres) along D8 flow paths, with the Van Remortel et al. cutoff and an
 * optional channel stop (see the module header for the rules).
 *
 * @param dem - elevations (Float32/Float64, NaN = nodata), depressions filled and flats resolved; horizontal units
 *   from the grid (geographic grids use true ellipsoidal distances).
 * @param options - see {@link SlopeLengthOptions}.
 * @returns λ (outlet), optionally λ_in, the downslope tangent and angle (radians, computed on first access) and the
 *   D8 codes used.
 * @throws RusleError `BAD_ARGUMENT` for a non-float DEM or bad options; `GRID_MISMATCH` when `flowDirection` is on
 *   another grid; `BAD_UNITS` when the CRS has no known unit.
 * @example
 * ```ts
 * const { lengthM } = slopeLength(filledDem, { maxLengthM: 300 });
 * ```
 */
export function slopeLength(dem: Raster<FloatArray>, options: SlopeLengthOptions = {}): SlopeLengthResult {
  if (!(dem instanceof Raster) || !isFloatArray(dem.data)) {
    throw new RusleError('BAD_ARGUMENT', 'slopeLength: dem must be a Float32 or Float64 Raster with NaN for nodata');
  }
  const o = { ...SLOPE_LENGTH_DEFAULTS, ...options };
  for (const key of ['cutoffBelow5Pct', 'cutoffAtOrAbove5Pct'] as const) {
    const v = o[key];
    if (!(v >= 0 && v <= 1)) throw new RusleError('BAD_ARGUMENT', `slopeLength: ${key} must be in [0, 1], got ${String(v)}`);
  }
  if (!(o.channelThresholdM2 > 0)) throw new RusleError('BAD_ARGUMENT', `slopeLength: channelThresholdM2 must be > 0 m² (Infinity to disable), got ${String(o.channelThresholdM2)}`);
  if (!(o.maxLengthM > 0)) throw new RusleError('BAD_ARGUMENT', `slopeLength: maxLengthM must be > 0 m (Infinity for no cap), got ${String(o.maxLengthM)}`);
  const grid: Grid = dem.grid;
  let fd = options.flowDirection;
  if (fd) {
    assertAligned(dem, fd, ['dem', 'flowDirection']);
    if (!(fd.data instanceof Uint8Array)) throw new RusleError('BAD_ARGUMENT', 'slopeLength: flowDirection must be a Uint8Array raster of D8 codes');
  } else {
    fd = d8Directions(dem);
  }
  const w = grid.width;
  const h = grid.height;
  const n = w * h;
  const nd = neighbourDistances(grid);
  const len = new Float32Array(n);
  const lenIn = o.withInletLength ? new Float32Array(n) : null;
  const tanOut = new Float32Array(n);
  slopeLengthKernel(fd.data, dem.data, w, h, nd.byDirectionM, grid.rowCellAreasM2(),
    o.cutoffBelow5Pct, o.cutoffAtOrAbove5Pct, o.channelThresholdM2, o.maxLengthM, len, lenIn, tanOut);
  let angle: Raster<Float32Array> | null = null;
  const result: SlopeLengthResult = {
    lengthM: new Raster(grid, len),
    get downslopeAngleRad(): Raster<Float32Array> {
      if (!angle) angle = new Raster(grid, tanToAngle(tanOut));
      return angle;
    },
    downslopeTan: new Raster(grid, tanOut),
    flowDirection: fd,
    ...(lenIn ? { lengthInM: new Raster(grid, lenIn) } : {}),
  };
  return result;
}
