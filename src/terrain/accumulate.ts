/**
 * One flow accumulator for every routing (D8, MFD, D∞): a topological traversal in in-degree order (Kahn 1962,
 * "Topological sorting of large networks", CACM 5(11):558–562, doi:10.1145/368996.369025), as in RichDEM's
 * `flow_accumulation.hpp` and Barnes (2017) "Parallel non-divergent flow accumulation for trillion cell digital
 * elevation models on desktops or clusters" (doi:10.1016/j.envsoft.2017.02.022).
 *
 * A cell is passed on once every donor has passed its value to it; the order is row-major, with cells whose
 * in-degree clears behind the scan position handled at once (a chain for D8, a stack for MFD and D∞), so each cell
 * is visited once and the summation order, hence the output, is deterministic.
 *
 * Outputs (`output` option), each including the cell itself:
 * - `cells`: number of contributing cells, the cell included (a cell with no donors has 1). With `weights`, the sum of
 *   the weights of the cell and of everything upslope (each donor's share under MFD/D∞).
 * - `m2`: upslope area in m², the cell's own true area included (per-row true areas on geographic grids,
 *   `Grid.rowCellAreasM2`). With `weights`, Σ weight · cell area.
 * - `sca`: specific catchment area in metres = the `m2` value divided by the flow width, taken as the cell's
 *   east-west width (`Grid.rowCellWidthsMeters`; the cell size on square projected grids), as SAGA and TauDEM do.
 *
 * Nodata: cells that are nodata in the routing get NaN and pass nothing; a weight raster's nodata cells contribute 0
 * but still pass on what they receive. Receivers off the grid or on nodata cells are not receivers (the flow stops
 * there; D8 codes pointing off the grid make the cell an outlet). Values are Float64 (exact integer counts up to 2^53).
 *
 * Memory: D8 — 1 byte (in-degree) + 8 bytes (output) per cell on top of the codes. MFD — the same on top of the DEM
 * (receivers and weights are recomputed from the DEM; nothing per cell is stored) plus a stack that stays small.
 * D∞ — the same on top of the angles. Complexity: O(n) (O(8n) for MFD/D∞).
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { assertAligned } from '../raster/grid.js';
import { Raster, isFloatArray, type FloatArray, type TypedArray } from '../raster/raster.js';
import { D8_NODATA } from './d8codes.js';
import { CCW_DC, CCW_DR, type FlatArrays, ORDER_DX, ORDER_DY, dinfNeighbourDirections, rowDistances, touchesEdge } from './routing/common.js';
import type { D8Routing } from './routing/d8.js';
import type { DinfRouting } from './routing/dinf.js';
import type { MfdRouting } from './routing/mfd.js';

/** Any routing the accumulator takes: D8 codes, an MFD routing (DEM + exponent), or D∞ angles. */
export type Routing = D8Routing | MfdRouting | DinfRouting;

/** What {@link accumulate} returns per cell; see the module header for the exact definitions. */
export type AccumulationOutput = 'cells' | 'm2' | 'sca';

/** Options of {@link accumulate}. */
export interface AccumulateOptions {
  /**
   * Weight of each cell's own contribution: a raster on the routing's grid (nodata counts 0) or a constant.
   * @defaultValue 1
   */
  readonly weights?: Raster | number;
  /**
   * `cells` (count, the cell included), `m2` (upslope area in m², the cell included) or `sca` (specific catchment
   * area in m: the `m2` value divided by the cell's east-west width).
   * @defaultValue `'cells'`
   */
  readonly output?: AccumulationOutput;
}

/** Defaults of {@link accumulate}. */
export const ACCUMULATE_DEFAULTS = Object.freeze({ weights: 1, output: 'cells' as AccumulationOutput });

const DONE = 255;

/**
 * Flow accumulation over any routing: contributing cells, upslope area (m²) or specific catchment area (m).
 *
 * @param routing - `{ kind: 'd8', codes }`, `{ kind: 'mfd', dem, exponent, … }` (from `mfdRouting`) or
 *   `{ kind: 'dinf', angle }`.
 * @param options - see {@link AccumulateOptions}.
 * @returns a `Float64Array` raster on the routing's grid, NaN where the routing is nodata.
 * @throws RusleError `BAD_ARGUMENT` for an unknown routing kind or output; `BAD_VALUE` for a non-finite constant
 *   weight or an invalid D8 code; `GRID_MISMATCH` when `weights` is on another grid; `INTERNAL` when the routing has
 *   a cycle (the in-degree of some cells never clears — impossible for routings made by this library).
 * @example
 * ```ts
 * const codes = d8Directions(filled, { flats });
 * const cells = accumulate({ kind: 'd8', codes });                      // contributing cells, self included
 * const areaM2 = accumulate({ kind: 'd8', codes }, { output: 'm2' });  // upslope area, m²
 * const sca = accumulate(mfdRouting(filled, { exponent: 1.1 }), { output: 'sca' }); // m
 * ```
 */
export function accumulate(routing: Routing, options: AccumulateOptions = {}): Raster<Float64Array> {
  const output = options.output ?? ACCUMULATE_DEFAULTS.output;
  if (output !== 'cells' && output !== 'm2' && output !== 'sca') {
    throw new RusleError('BAD_ARGUMENT', `output: expected 'cells', 'm2' or 'sca', got '${String(output)}'`);
  }
  if (routing === null || typeof routing !== 'object') throw new RusleError('BAD_ARGUMENT', 'routing: expected { kind: "d8" | "mfd" | "dinf", … }');
  let base: Raster;
  switch (routing.kind) {
    case 'd8':
      base = routing.codes;
      if (!(base instanceof Raster) || !(base.data instanceof Uint8Array)) throw new RusleError('BAD_ARGUMENT', 'routing.codes: expected a Raster<Uint8Array> of D8 codes');
      break;
    case 'mfd':
      base = routing.dem;
      if (!(base instanceof Raster) || !isFloatArray(base.data)) throw new RusleError('BAD_ARGUMENT', 'routing.dem: expected a float Raster (use mfdRouting)');
      break;
    case 'dinf':
      base = routing.angle;
      if (!(base instanceof Raster) || !(base.data instanceof Float32Array)) throw new RusleError('BAD_ARGUMENT', 'routing.angle: expected a Raster<Float32Array> of D∞ angles');
      break;
    default:
      throw new RusleError('BAD_ARGUMENT', `routing.kind: expected 'd8', 'mfd' or 'dinf', got '${String((routing as { kind: unknown }).kind)}'`);
  }
  const grid = base.grid;
  const w = grid.width;
  const h = grid.height;
  const n = w * h;
  const acc = new Float64Array(n);
  const weights = options.weights ?? ACCUMULATE_DEFAULTS.weights;
  const areas = output === 'cells' ? null : grid.rowCellAreasM2();
  if (typeof weights === 'number') {
    if (!Number.isFinite(weights)) throw new RusleError('BAD_VALUE', `weights: expected a finite number or a raster, got ${weights}`);
  } else {
    if (!(weights instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'weights: expected a Raster or a number');
    assertAligned(base, weights, ['routing', 'weights']);
  }
  const indeg = new Uint8Array(n);
  const validCount = initContributions(acc, indeg, w, h, base.data, routing.kind === 'd8' ? D8_NODATA : null, weights, areas);
  let processed: number;
  switch (routing.kind) {
    case 'd8':
      processed = accumulateD8(routing.codes.data, w, h, indeg, acc);
      break;
    case 'mfd':
      processed = accumulateMfd(routing, w, h, indeg, acc);
      break;
    case 'dinf':
      processed = accumulateDinf(routing.angle.data, rowDistances(routing.angle), w, h, indeg, acc);
      break;
  }
  if (processed !== validCount) {
    throw new RusleError('INTERNAL', `accumulate: the ${routing.kind} routing has a cycle: ${validCount - processed} of ${validCount} valid cells never had their in-degree clear`);
  }
  if (output === 'sca') {
    const widths = grid.rowCellWidthsMeters();
    for (let r = 0; r < h; r++) {
      const inv = 1 / widths[r]!;
      for (let i = r * w, e = i + w; i < e; i++) acc[i] *= inv;
    }
  }
  return new Raster(grid, acc, NaN);
}

/**
 * Own contributions; nodata cells (value `nd` of `vd`, or NaN when `nd` is null) get NaN and in-degree DONE.
 * Returns the number of valid cells.
 */
function initContributions(
  acc: Float64Array, indeg: Uint8Array, w: number, h: number, vd: TypedArray, nd: number | null,
  weights: Raster | number, areas: Float64Array | null,
): number {
  let count = 0;
  const wd: TypedArray | null = typeof weights === 'number' ? null : weights.data;
  const wnd = typeof weights === 'number' ? null : weights.nodata;
  const wc = typeof weights === 'number' ? weights : 0;
  for (let r = 0; r < h; r++) {
    const a = areas === null ? 1 : areas[r]!;
    for (let i = r * w, e = i + w; i < e; i++) {
      const x = vd[i]!;
      if (nd === null ? x !== x : x === nd) {
        acc[i] = NaN;
        indeg[i] = DONE;
        continue;
      }
      count++;
      let v = wc;
      if (wd !== null) {
        v = wd[i]!;
        if (v !== v || (wnd !== null && v === wnd)) v = 0;
      }
      acc[i] = v * a;
    }
  }
  return count;
}

// ---------------------------------------------------------------------------------------------------------------
// D8

const D8_DR = new Int8Array(256);
const D8_DC = new Int8Array(256);
for (let k = 0; k < 8; k++) {
  const code = [64, 128, 1, 2, 4, 8, 16, 32][k]!;
  D8_DR[code] = ORDER_DY[k]!;
  D8_DC[code] = ORDER_DX[k]!;
}

function badCode(code: number, i: number, w: number): RusleError {
  return new RusleError('BAD_VALUE', `routing.codes: value ${code} at column ${i % w}, row ${Math.floor(i / w)} is not a D8 code (1, 2, 4, …, 128; 0 none; 255 nodata)`);
}

/** D8 receiver of cell (r, c) with code `code`, or -1 (none, off-grid, nodata). */
function d8Receiver(codes: Uint8Array, w: number, h: number, r: number, c: number, code: number): number {
  if (code === 0) return -1;
  const rr = r + D8_DR[code]!;
  const cc = c + D8_DC[code]!;
  if (rr < 0 || rr >= h || cc < 0 || cc >= w) return -1;
  const j = rr * w + cc;
  return codes[j] === D8_NODATA ? -1 : j;
}

function accumulateD8(codes: Uint8Array, w: number, h: number, indeg: Uint8Array, acc: Float64Array): number {
  // In-degree.
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      const code = codes[i]!;
      if (code === D8_NODATA || code === 0) continue;
      if ((code & (code - 1)) !== 0) throw badCode(code, i, w);
      const j = d8Receiver(codes, w, h, r, c, code);
      if (j >= 0) indeg[j]++;
    }
  }
  // Row-major scan; a receiver whose in-degree clears behind the scan is followed at once (a chain).
  let processed = 0;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      if (indeg[i] !== 0) continue;
      let k = i;
      let kr = r;
      let kc = c;
      for (;;) {
        indeg[k] = DONE;
        processed++;
        const code = codes[k]!;
        if (code === 0) break;
        const rr = kr + D8_DR[code]!;
        const cc = kc + D8_DC[code]!;
        if (rr < 0 || rr >= h || cc < 0 || cc >= w) break;
        const j = rr * w + cc;
        if (codes[j] === D8_NODATA) break;
        acc[j] += acc[k]!;
        if (--indeg[j] !== 0 || j > i) break;
        k = j;
        kr = rr;
        kc = cc;
      }
    }
  }
  return processed;
}

// ---------------------------------------------------------------------------------------------------------------
// Multi-receiver traversal shared by MFD and D∞.

/** A growable stack of cell indices. */
class IndexStack {
  data = new Int32Array(1024);
  size = 0;
  push(v: number): void {
    if (this.size === this.data.length) {
      const d = new Int32Array(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.size++] = v;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// MFD
//
// s^p is computed as exp(p · ln s): V8's Math.pow costs about twice as much here, and the two agree to ~1e-15
// relative (far inside the float32 tolerance of the SAGA comparison).
//
// PowMemo memoises s ↦ s^p in a direct-mapped table keyed by the exact float64 s (a pure function, so results are
// bit-identical with or without it). DEMs stored as integers or decimetres (SRTM, ASTER, most national DEMs) have few
// distinct drops, hence few distinct slopes per row: nearly every exp/log pair (most of the MFD time) is skipped.
// On DEMs with arbitrary float elevations the table misses and costs a few ns per receiver.

const MEMO_BITS = 11;

/** s^p for s > 0, memoised (see above). */
class PowMemo {
  readonly p: number;
  /** Slot k: key at 2k, value at 2k + 1 (one cache line per lookup; 32 KB). */
  private readonly table = new Float64Array(2 << MEMO_BITS);
  constructor(p: number) {
    this.p = p;
  }
  pow(s: number): number {
    if (this.p === 1) return s;
    // hash of s at 2^-20 resolution (ToInt32 wraps large values; a collision only costs a recomputation)
    const slot = (Math.imul((s * 1048576) | 0, 0x9e3779b1) >>> (32 - MEMO_BITS)) << 1;
    const table = this.table;
    // keys start at 0, which no s > 0 equals
    if (table[slot] === s) return table[slot + 1]!;
    const v = Math.exp(this.p * Math.log(s));
    table[slot] = s;
    table[slot + 1] = v;
    return v;
  }
}

/**
 * Receivers and weights (summing to 1) of cell (r, c) under MFD. Writes into `idx`/`wt`, returns the count.
 * `inv[k]` = 1 / distance and `cw[k]` = contour weight of scan-order neighbour k for the cell's row.
 */
function mfdReceivers(
  z: FloatArray, flats: FlatArrays | null, w: number, h: number, r: number, c: number,
  invAll: Float64Array, cwAll: Float64Array, pw: PowMemo, needWeights: boolean, boundary: number,
  idx: Int32Array, wt: Float64Array,
): number {
  const t = r * 8;
  const i = r * w + c;
  const zc = z[i]!;
  const interior = r > 0 && r < h - 1 && c > 0 && c < w - 1;
  if (boundary !== BOUNDARY_INWARD) return mfdEdgeReceivers(z, w, h, r, c, invAll, cwAll, pw, needWeights, boundary, idx, wt);
  let n = 0;
  let sum = 0;
  for (let k = 0; k < 8; k++) {
    let j: number;
    if (interior) {
      j = i + ORDER_DY[k]! * w + ORDER_DX[k]!;
    } else {
      const rr = r + ORDER_DY[k]!;
      const cc = c + ORDER_DX[k]!;
      if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
      j = rr * w + cc;
    }
    const d = zc - z[j]!;
    if (d > 0) {
      idx[n] = j;
      if (needWeights) {
        const s = d * invAll[t + k]!;
        const v = pw.pow(s) * cwAll[t + k]!;
        wt[n] = v;
        sum += v;
      }
      n++;
    }
  }
  if (n === 0 && flats !== null && flats.labels[i]! > 0 && !touchesEdge(z, w, h, r, c)) {
    const mask = flats.mask;
    const labels = flats.labels;
    const mc = mask[i]!;
    const lc = labels[i]!;
    for (let k = 0; k < 8; k++) {
      const j = i + ORDER_DY[k]! * w + ORDER_DX[k]!;
      if (labels[j] !== lc) continue;
      const dm = mc - mask[j]!;
      if (dm > 0) {
        idx[n] = j;
        if (needWeights) {
          const s = dm * invAll[t + k]!;
          const v = pw.pow(s) * cwAll[t + k]!;
          wt[n] = v;
          sum += v;
        }
        n++;
      }
    }
  }
  if (needWeights && n > 0) {
    const invSum = 1 / sum;
    for (let m = 0; m < n; m++) wt[m] = wt[m]! * invSum;
  }
  return n;
}

/**
 * {@link mfdReceivers} with weights for an interior cell under the `inward` rule (the common case): neighbour
 * offsets from `offs`, no bounds tests; a nodata neighbour seen in the scan stands for `touchesEdge`.
 *
 * A deliberate copy, kept for speed (the hot loop of MFD accumulation): the same receivers and the same weight
 * arithmetic in the same order as `mfdReceivers`, so that a cell gets the same bits on either path; edge cells and
 * the other boundary rules take `mfdReceivers`. Change both together.
 */
function mfdInteriorReceivers(
  z: FloatArray, flats: FlatArrays | null, i: number, t: number, offs: Int32Array,
  invAll: Float64Array, cwAll: Float64Array, pw: PowMemo, idx: Int32Array, wt: Float64Array,
): number {
  const zc = z[i]!;
  let n = 0;
  let sum = 0;
  let nodataSeen = false;
  for (let k = 0; k < 8; k++) {
    const j = i + offs[k]!;
    const zj = z[j]!;
    const d = zc - zj;
    if (d > 0) {
      idx[n] = j;
      const v = pw.pow(d * invAll[t + k]!) * cwAll[t + k]!;
      wt[n] = v;
      sum += v;
      n++;
    } else if (zj !== zj) nodataSeen = true;
  }
  if (n === 0 && flats !== null && flats.labels[i]! > 0 && !nodataSeen) {
    const mask = flats.mask;
    const labels = flats.labels;
    const mc = mask[i]!;
    const lc = labels[i]!;
    for (let k = 0; k < 8; k++) {
      const j = i + offs[k]!;
      if (labels[j] !== lc) continue;
      const dm = mc - mask[j]!;
      if (dm > 0) {
        idx[n] = j;
        const v = pw.pow(dm * invAll[t + k]!) * cwAll[t + k]!;
        wt[n] = v;
        sum += v;
        n++;
      }
    }
  }
  if (n > 0) {
    const invSum = 1 / sum;
    for (let m = 0; m < n; m++) wt[m] = wt[m]! * invSum;
  }
  return n;
}

const BOUNDARY_INWARD = 0;
const BOUNDARY_OUTLET = 1;
const BOUNDARY_EXTRAPOLATE = 2;

/**
 * MFD receivers under the `outlet` and `extrapolate` edge rules (no flat mask: these modes exist to mirror other
 * tools on flat-free DEMs). A receiver index of -1 means "off the grid": its share leaves the grid.
 */
function mfdEdgeReceivers(
  z: FloatArray, w: number, h: number, r: number, c: number,
  invAll: Float64Array, cwAll: Float64Array, pw: PowMemo, needWeights: boolean, boundary: number,
  idx: Int32Array, wt: Float64Array,
): number {
  const t = r * 8;
  const zc = z[r * w + c]!;
  let n = 0;
  let sum = 0;
  for (let k = 0; k < 8; k++) {
    const rr = r + ORDER_DY[k]!;
    const cc = c + ORDER_DX[k]!;
    let j = -1;
    let d: number;
    if (rr >= 0 && rr < h && cc >= 0 && cc < w && z[rr * w + cc] === z[rr * w + cc]) {
      j = rr * w + cc;
      d = zc - z[j]!;
    } else {
      if (boundary === BOUNDARY_OUTLET) return 0;
      // SAGA Set_MFD: mirror the opposite neighbour's drop; the share goes off the grid.
      const ro = r - ORDER_DY[k]!;
      const co = c - ORDER_DX[k]!;
      d = ro >= 0 && ro < h && co >= 0 && co < w ? z[ro * w + co]! - zc : 0;
      if (d !== d) d = 0;
    }
    if (d > 0) {
      idx[n] = j;
      if (needWeights) {
        const s = d * invAll[t + k]!;
        const v = pw.pow(s) * cwAll[t + k]!;
        wt[n] = v;
        sum += v;
      }
      n++;
    }
  }
  if (needWeights && n > 0) {
    const invSum = 1 / sum;
    for (let m = 0; m < n; m++) wt[m] = wt[m]! * invSum;
  }
  return n;
}

/** Per-row tables (8 entries per row, scan order N, NE, …): 1 / distance and the contour weight. */
function mfdTables(routing: MfdRouting, dist: { dx: Float64Array; dy: Float64Array; diag: Float64Array }, h: number): { inv: Float64Array; cw: Float64Array } {
  const inv = new Float64Array(h * 8);
  const cw = new Float64Array(h * 8);
  for (let r = 0; r < h; r++) {
    const dx = dist.dx[r]!;
    const dy = dist.dy[r]!;
    const dg = dist.diag[r]!;
    for (let k = 0; k < 8; k++) {
      const diagonal = (k & 1) === 1;
      const ew = k === 2 || k === 6;
      inv[r * 8 + k] = 1 / (diagonal ? dg : ew ? dx : dy);
      // Quinn et al. (1991): 0.5 × cell size across a cardinal direction, 0.354 × cell size across a diagonal.
      cw[r * 8 + k] = routing.contourWeights ? (diagonal ? 0.354 * 0.5 * (dx + dy) : 0.5 * (ew ? dy : dx)) : 1;
    }
  }
  return { inv, cw };
}

function accumulateMfd(routing: MfdRouting, w: number, h: number, indeg: Uint8Array, acc: Float64Array): number {
  const z = routing.dem.data;
  const flats = routing.flats === null ? null : { mask: routing.flats.flatMask, labels: routing.flats.labels };
  const pw = new PowMemo(routing.exponent);
  const boundary = routing.boundary === 'outlet' ? BOUNDARY_OUTLET : routing.boundary === 'extrapolate' ? BOUNDARY_EXTRAPOLATE : BOUNDARY_INWARD;
  const dist = rowDistances(routing.dem);
  const idx = new Int32Array(8);
  const wt = new Float64Array(8);
  const { inv, cw } = mfdTables(routing, dist, h);
  const offs = new Int32Array(8);
  for (let k = 0; k < 8; k++) offs[k] = ORDER_DY[k]! * w + ORDER_DX[k]!;
  for (let r = 0; r < h; r++) {
    const interiorRow = boundary === BOUNDARY_INWARD && r > 0 && r < h - 1;
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      const zc = z[i]!;
      if (zc !== zc) continue;
      if (interiorRow && c > 0 && c < w - 1) {
        // fast path (same receivers as mfdReceivers): every strictly lower neighbour receives
        let n = 0;
        if (zc > z[i - w]!) { indeg[i - w]++; n++; }
        if (zc > z[i - w + 1]!) { indeg[i - w + 1]++; n++; }
        if (zc > z[i + 1]!) { indeg[i + 1]++; n++; }
        if (zc > z[i + w + 1]!) { indeg[i + w + 1]++; n++; }
        if (zc > z[i + w]!) { indeg[i + w]++; n++; }
        if (zc > z[i + w - 1]!) { indeg[i + w - 1]++; n++; }
        if (zc > z[i - 1]!) { indeg[i - 1]++; n++; }
        if (zc > z[i - w - 1]!) { indeg[i - w - 1]++; n++; }
        if (n > 0 || flats === null) continue;
        // no lower neighbour: a flat cell drains under the flat mask unless it has a nodata neighbour (the rule of
        // mfdReceivers, without its bounds tests)
        const lc = flats.labels[i]!;
        if (lc === 0) continue;
        if (z[i - w] !== z[i - w] || z[i - w + 1] !== z[i - w + 1] || z[i + 1] !== z[i + 1] || z[i + w + 1] !== z[i + w + 1] ||
          z[i + w] !== z[i + w] || z[i + w - 1] !== z[i + w - 1] || z[i - 1] !== z[i - 1] || z[i - w - 1] !== z[i - w - 1]) continue;
        const mc = flats.mask[i]!;
        for (let k = 0; k < 8; k++) {
          const j = i + offs[k]!;
          if (flats.labels[j] === lc && mc - flats.mask[j]! > 0) indeg[j]++;
        }
        continue;
      }
      const m = mfdReceivers(z, flats, w, h, r, c, inv, cw, pw, false, boundary, idx, wt);
      for (let q = 0; q < m; q++) if (idx[q]! >= 0) indeg[idx[q]!]++;
    }
  }
  const stack = new IndexStack();
  let processed = 0;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      if (indeg[i] !== 0) continue;
      let k = i;
      let kr = r;
      let kc = c;
      for (;;) {
        indeg[k] = DONE;
        processed++;
        const m = boundary === BOUNDARY_INWARD && kr > 0 && kr < h - 1 && kc > 0 && kc < w - 1
          ? mfdInteriorReceivers(z, flats, k, kr * 8, offs, inv, cw, pw, idx, wt)
          : mfdReceivers(z, flats, w, h, kr, kc, inv, cw, pw, true, boundary, idx, wt);
        const a = acc[k]!;
        for (let q = 0; q < m; q++) {
          const j = idx[q]!;
          if (j < 0) continue;
          acc[j] += a * wt[q]!;
          if (--indeg[j] === 0 && j < i) stack.push(j);
        }
        if (stack.size === 0) break;
        k = stack.data[--stack.size]!;
        kr = (k / w) | 0;
        kc = k - kr * w;
      }
    }
  }
  return processed;
}

// ---------------------------------------------------------------------------------------------------------------
// D∞

const SNAP = 1e-5;

/**
 * Receivers and proportions of a D∞ cell: the two neighbours bounding the facet its angle falls in, split by
 * angular distance; shares under 1e-5 (float32 rounding of the angle) are snapped to 0; a share that would go off
 * the grid or to nodata goes to the other neighbour.
 */
function dinfReceivers(
  angle: Float32Array, w: number, h: number, r: number, c: number, dirs: Float64Array,
  idx: Int32Array, wt: Float64Array,
): number {
  const a = angle[r * w + c]!;
  if (!(a >= 0)) return 0;
  let k = 0;
  while (k < 7 && a >= dirs[k + 1]!) k++;
  let f = (a - dirs[k]!) / (dirs[k + 1]! - dirs[k]!);
  if (f < SNAP) f = 0;
  else if (f > 1 - SNAP) f = 1;
  let n = 0;
  const r1 = r + CCW_DR[k]!;
  const c1 = c + CCW_DC[k]!;
  const r2 = r + CCW_DR[k + 1]!;
  const c2 = c + CCW_DC[k + 1]!;
  const ok1 = f < 1 && r1 >= 0 && r1 < h && c1 >= 0 && c1 < w && angle[r1 * w + c1] === angle[r1 * w + c1];
  const ok2 = f > 0 && r2 >= 0 && r2 < h && c2 >= 0 && c2 < w && angle[r2 * w + c2] === angle[r2 * w + c2];
  if (ok1) {
    idx[n] = r1 * w + c1;
    wt[n] = ok2 ? 1 - f : 1;
    n++;
  }
  if (ok2) {
    idx[n] = r2 * w + c2;
    wt[n] = ok1 ? f : 1;
    n++;
  }
  return n;
}

function accumulateDinf(
  angle: Float32Array, dist: { dx: Float64Array; dy: Float64Array }, w: number, h: number, indeg: Uint8Array, acc: Float64Array,
): number {
  const idx = new Int32Array(2);
  const wt = new Float64Array(2);
  const dirs = new Float64Array(9);
  for (let r = 0; r < h; r++) {
    dinfNeighbourDirections(dist.dx[r]!, dist.dy[r]!, dirs);
    for (let c = 0; c < w; c++) {
      const m = dinfReceivers(angle, w, h, r, c, dirs, idx, wt);
      for (let q = 0; q < m; q++) indeg[idx[q]!]++;
    }
  }
  const stack = new IndexStack();
  let processed = 0;
  let tableRow = -1;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      if (indeg[i] !== 0) continue;
      let k = i;
      let kr = r;
      let kc = c;
      for (;;) {
        indeg[k] = DONE;
        processed++;
        if (kr !== tableRow) {
          dinfNeighbourDirections(dist.dx[kr]!, dist.dy[kr]!, dirs);
          tableRow = kr;
        }
        const m = dinfReceivers(angle, w, h, kr, kc, dirs, idx, wt);
        const a = acc[k]!;
        for (let q = 0; q < m; q++) {
          const j = idx[q]!;
          acc[j] += a * wt[q]!;
          if (--indeg[j] === 0 && j < i) stack.push(j);
        }
        if (stack.size === 0) break;
        k = stack.data[--stack.size]!;
        kr = (k / w) | 0;
        kc = k - kr * w;
      }
    }
  }
  return processed;
}
