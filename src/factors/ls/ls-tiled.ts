/**
 * Tiled LS on the cumulative slope length (the `csle` and `rusle-aml` presets, and any option set of the
 * `slope-length` method with the D8 downslope slope), bit for bit equal to `lsFactor` on the whole grid for every
 * tile size.
 *
 * The λ sweep is that of `slopeLength` and of the fused kernel (`slope-length-ls.ts`): Van Remortel et al. (2001,
 * 2004) and Zhang et al. (2013, LS-TOOL) cumulative λ along D8, with the cutoff (the slope ends where the receiver's
 * tangent falls below `cut` times the donor's), the channel stop (upslope area over `channelThresholdM2`), the cap on
 * λ and the outlet rule (an outlet continues the step and tangent of its main donor).
 *
 * **The global step.** Liu, Tang, Jiang, Zhu, Yang & Song (2015), "Regional-scale calculation of the LS factor
 * using parallel processing", Computers & Geosciences 78:110–122, doi:10.1016/j.cageo.2015.02.001, split the same
 * method over MPI strips: each strip computes λ with what it has, then strips exchange the λ of their boundary rows
 * and recompute until nothing changes. Here the exchange is per cell and exact rather than iterate-to-convergence:
 * a tile finishes a cell only when every donor is known, and a cell whose receiver lies in another tile leaves as an
 * *exit* carrying what the receiver needs of it — λ (Float64, as the sweep passes it on), its tangent and step
 * (Float32), its upslope area (Float64, for the channel stop) and its *top* (the largest row-major index upslope,
 * itself included). Tiles instead of strips bound the exchange by a tile's perimeter, not the grid's width.
 *
 * **Order.** Three things in the sweep depend on the order donors arrive in: the Float64 sum of upslope areas, the
 * main donor of an outlet (largest λ against a Float32 store, first on ties) and, through them, λ. The in-memory
 * sweep finishes cells in increasing order of top (see `terrain/accumulate-tiled.ts`), so a tile replays each
 * cell's donors sorted by top and gets the same bits. The maximum over eligible donors is order-free.
 *
 * **LS** is evaluated per cell from the Float32 (tan θ, λ, λ_in) with the formulas of the fused kernel, without its
 * memos (a memo returns only what the same formula computed for the same bits).
 *
 * Memory: per tile, about 45 bytes per cell of the padded window; exits 48 bytes each, at most one per perimeter
 * cell. Rounds and the visit scheme are those of the tiled accumulation.
 * @module
 */

import { RusleError } from '../../raster/errors.js';
import type { Grid, Window } from '../../raster/grid.js';
import { Raster, type FloatArray } from '../../raster/raster.js';
import { tiles, type Tile } from '../../raster/tiles.js';
import { D8_NODATA } from '../../terrain/d8codes.js';
import { NEIGHBOUR_DCOL, NEIGHBOUR_DROW, NEIGHBOUR_OPPOSITE, neighbourDistances } from '../../terrain/neighbours.js';
import { d8DirectionsTiled } from '../../terrain/routing/d8-tiled.js';
import { LN_UNIT, M_CODE, S_CODE, TAN_1DEG, TAN_3DEG, TAN_5DEG, lSlopeLength, mOf, powPos, sOf } from './kernel-math.js';
import { UNIT_PLOT_LENGTH_M } from './formulas.js';
import { LS_BASE_OPTIONS, LS_PRESETS, type LsPresetName, type LsPresetOptions } from './presets.js';
import type { SlopeLengthLsParams } from './slope-length-ls.js';
import { type GrassLsExits, type GrassLsTileInput, type GrassLsTileState, grassLsTileOutput, grassLsTileVisit, routeGrassLsExits } from './grass-tiled.js';

const NONE = 8;
const NODATA = 9;
const DONE = 255;
const M_CLASS = Float64Array.of(0.2, 0.3, 0.4, 0.5);

/** The fixed inputs of a slope-length LS tile's visits. */
export interface SlopeLengthLsTileInput {
  /** The whole grid. */
  readonly grid: Grid;
  /** The cells the tile finishes. */
  readonly core: Window;
  /** `core` grown by one cell on each side, clipped to the grid. */
  readonly padded: Window;
  /** The conditioned DEM over the padded window (NaN nodata). */
  readonly z: FloatArray;
  /** D8 codes over the padded window. */
  readonly codes: Uint8Array;
  /** Rules and formulas (as the fused kernel takes them). */
  readonly params: SlopeLengthLsParams;
  /** `neighbourDistances(grid).byDirectionM` of the whole grid (row · 8 + k). */
  readonly dist: Float64Array;
  /** `grid.rowCellAreasM2()` of the whole grid. */
  readonly areaByRow: Float64Array;
}

/** What a tile keeps between visits (over the padded window; halo entries hold donors that arrived). */
export interface SlopeLengthLsTileState {
  /** Direction index 0..7, NONE (8) or NODATA (9) per padded cell. */
  readonly dir: Uint8Array;
  /** Unfinished donors per core cell; 255 once finished or nodata. */
  readonly pending: Uint8Array;
  /** Downslope tangent (Float32). */
  readonly tan: Float32Array;
  /** λ as passed on (Float64, before the Float32 rounding of the output). */
  readonly len: Float64Array;
  /** Flow step (m). */
  readonly step: Float64Array;
  /** Upslope area (m², Float64), when the channel stop is on; else empty. */
  readonly area: Float64Array;
  /** Largest row-major index upslope, the cell included. */
  readonly top: Float64Array;
  /** LS of finished core cells (NaN elsewhere). */
  readonly ls: Float32Array;
  /** λ of finished core cells, Float32 (NaN elsewhere). */
  readonly lam: Float32Array;
  /** Valid core cells not yet finished. */
  remaining: number;
}

/** Finished cells whose receiver lies in another tile, as parallel arrays (see the module header). */
export interface SlopeLengthLsExits {
  readonly index: Float64Array;
  readonly len: Float64Array;
  readonly tan: Float64Array;
  readonly step: Float64Array;
  readonly area: Float64Array;
  readonly top: Float64Array;
}

/** LS of one cell from the Float32 tangent, λ and λ_in, with the formulas (and branches) of the fused kernel. */
function lsOfCell(p: SlopeLengthLsParams, ti: number, lam: number, lamIn: number): number {
  const { sCode, mCode, ratio, mConst, capL, segment } = p;
  const mClass = mCode === 1 || mCode === 2 ? 1 : mCode === 4 ? 2 : 0;
  const useT = mClass === 0 || sCode === 1 || sCode === 4;
  let cls = 0;
  if (mClass === 1) {
    if (mCode === 2) cls = ti <= TAN_1DEG ? 0 : ti <= TAN_3DEG ? 1 : ti <= TAN_5DEG ? 2 : 3;
    else {
      const pct = ti * 100;
      cls = pct >= 5 ? 3 : pct >= 3 ? 2 : pct >= 1 ? 1 : 0;
    }
  }
  let S: number;
  let m: number;
  let u: number;
  if (useT) {
    const sinA = ti / Math.sqrt(1 + ti * ti);
    m = mOf(mCode, ti, NaN, sinA, ratio, mConst);
    S = sOf(sCode, ti, NaN, sinA);
    u = Math.pow(UNIT_PLOT_LENGTH_M, m);
  } else {
    S = sOf(sCode, ti, NaN, ti / Math.sqrt(1 + ti * ti));
    m = mClass === 2 ? mConst : M_CLASS[cls]!;
    u = Math.pow(UNIT_PLOT_LENGTH_M, mClass === 2 ? mConst : M_CLASS[cls]!);
  }
  let L: number;
  if (mClass !== 0) {
    const v = segment ? lam * powPos(lam, m) : lSlopeLength(m, lam, 0, false, Infinity);
    if (segment) {
      const d = lam - lamIn;
      if (d > 0) {
        const q = lamIn > 0 ? lamIn * powPos(lamIn, m) : 0;
        L = (v - q) / (d * u);
      } else L = powPos(lam, m) / u;
    } else L = v;
  } else if (segment) {
    L = lSlopeLength(m, lam, lamIn, true, Infinity);
  } else if (m === 0.5) {
    L = Math.sqrt(lam / UNIT_PLOT_LENGTH_M);
  } else {
    L = lam > 0 ? Math.exp(m * (Math.log(lam) - LN_UNIT)) : m === 0 ? 1 : 0;
  }
  if (L > capL) L = capL;
  return L * S;
}

/** log2 of the entries of {@link LsCellMemo} (65 536 entries of 16 bytes, 1 MB). */
const CELL_MEMO_BITS = 16;

/**
 * Memo of a cell's LS by the bits of its Float32 (tan θ, λ, λ_in), for one set of formulas: the values are those
 * `lsOfCell` computed for the same bits, so the output does not depend on the memo. Reuse one per run (per thread).
 */
export class LsCellMemo {
  private readonly keys = new Int32Array(4 << CELL_MEMO_BITS);
  private readonly f = new Float32Array(3);
  private readonly b = new Int32Array(this.f.buffer);
  private params: SlopeLengthLsParams | null = null;

  /** LS of (tan θ, λ, λ_in), each already a Float32 value. */
  ls(p: SlopeLengthLsParams, ti: number, lam: number, lamIn: number): number {
    if (this.params !== p) {
      this.params = p;
      this.keys.fill(0);
    }
    const f = this.f;
    const b = this.b;
    f[0] = ti;
    f[1] = lam;
    f[2] = lamIn;
    const tb = b[0]!;
    const lb = b[1]!;
    const ib = b[2]!;
    const h = ((Math.imul(tb, 0x9e3779b1) ^ Math.imul(lb, 0x85ebca6b) ^ Math.imul(ib, 0xc2b2ae35)) >>> (32 - CELL_MEMO_BITS)) << 2;
    const keys = this.keys;
    // (zero-filled: λ > 0 on every finished cell, so λ bits 0 mark an empty slot)
    if (keys[h + 1] === lb && keys[h] === tb && keys[h + 2] === ib) {
      f[0] = 0;
      b[0] = keys[h + 3]!;
      return f[0]!;
    }
    f[0] = lsOfCell(p, ti, lam, lamIn);
    keys[h] = tb;
    keys[h + 1] = lb;
    keys[h + 2] = ib;
    keys[h + 3] = b[0]!;
    return f[0]!;
  }
}

/** Direction of padded cell `q` under the sweep's rules: 0..7, NONE or NODATA. */
function sweepDir(z: FloatArray, codes: Uint8Array, q: number, r: number, c: number, W: number, H: number, pad: Window): number {
  const code = codes[q]!;
  if (code === D8_NODATA || z[q] !== z[q]) return NODATA;
  if (code === 0 || (code & (code - 1)) !== 0) return NONE;
  const k = 31 - Math.clz32(code);
  const rr = r + NEIGHBOUR_DROW[k]!;
  const cc = c + NEIGHBOUR_DCOL[k]!;
  if (rr < 0 || rr >= H || cc < 0 || cc >= W) return NONE;
  const pr = rr - pad.y;
  const pc = cc - pad.x;
  // a halo cell draining out of the padded window: its receiver is not in the core, which is all that matters here
  if (pr < 0 || pr >= pad.height || pc < 0 || pc >= pad.width) return k;
  const j = pr * pad.width + pc;
  return z[j] !== z[j] || codes[j] === D8_NODATA ? NONE : k;
}

/**
 * One visit of a slope-length LS tile: on the first (`state` null) the per-tile step, on later ones the finishing
 * step for the exits in `inflows`. Returns the state (updated in place) and the exits this visit finished.
 */
export function slopeLengthLsTileVisit(
  input: SlopeLengthLsTileInput, state: SlopeLengthLsTileState | null, inflows: readonly SlopeLengthLsExits[] = [],
  cellMemo: LsCellMemo | null = null,
): { state: SlopeLengthLsTileState; exits: SlopeLengthLsExits } {
  const { grid, core, padded: pad, z, codes, params: p, dist, areaByRow } = input;
  const W = grid.width;
  const H = grid.height;
  const pw = pad.width;
  const np = pw * pad.height;
  if (z.length !== np || codes.length !== np) throw new RusleError('BAD_ARGUMENT', `slopeLengthLsTileVisit: z and codes must cover the padded window (${np} cells)`);
  const x0 = core.x - pad.x;
  const y0 = core.y - pad.y;
  const x1 = x0 + core.width;
  const y1 = y0 + core.height;
  const withArea = p.channelM2 < Infinity;
  const stack = new Int32Array(np);
  let sp = 0;
  const out: { index: number[]; len: number[]; tan: number[]; step: number[]; area: number[]; top: number[] } = { index: [], len: [], tan: [], step: [], area: [], top: [] };
  const f32 = new Float32Array(2);
  const memo = cellMemo ?? new LsCellMemo();
  const fresh = state === null;
  const st: SlopeLengthLsTileState = state ?? {
    dir: new Uint8Array(np), pending: new Uint8Array(np).fill(DONE), tan: new Float32Array(np), len: new Float64Array(np),
    step: new Float64Array(np), area: new Float64Array(withArea ? np : 0), top: new Float64Array(np),
    ls: new Float32Array(np).fill(NaN), lam: new Float32Array(np).fill(NaN), remaining: 0,
  };
  if (st.dir.length !== np) throw new RusleError('BAD_ARGUMENT', 'slopeLengthLsTileVisit: the state does not belong to this tile');
  const { dir, tan, len, step, area, top, pending } = st;

  /** Finishes cell i from its donors' replayed passes; returns λ as passed on. */
  const finish = (i: number, r: number, a: number, bl: number, hasMain: boolean, mainTan: number, mainStep: number, t: number): number => {
    const k = dir[i]!;
    let s: number;
    if (k < NONE) {
      f32[0] = dist[r * 8 + k]!;
      s = f32[0]!;
    } else if (hasMain) {
      s = mainStep;
      tan[i] = mainTan;
    } else {
      s = dist[r * 8 + 2]!;
      tan[i] = 0;
    }
    let isChannel = false;
    if (withArea) {
      a += areaByRow[r]!;
      area[i] = a;
      isChannel = a > p.channelM2;
    }
    let l: number;
    let lin: number;
    if (bl === 0 || isChannel) {
      l = 0.5 * s;
      lin = 0;
    } else {
      lin = bl;
      l = lin + s;
    }
    if (l > p.maxLen) l = p.maxLen;
    if (lin > l) lin = l;
    len[i] = l;
    step[i] = s;
    top[i] = t;
    f32[0] = l;
    f32[1] = lin;
    st.lam[i] = f32[0]!;
    st.ls[i] = memo.ls(p, tan[i]!, f32[0]!, f32[1]!);
    pending[i] = DONE;
    st.remaining--;
    return l;
  };
  /** Records finished cell i (global row r, column c) as an exit. */
  const exit = (i: number, r: number, c: number): void => {
    out.index.push(r * W + c);
    out.len.push(len[i]!);
    out.tan.push(tan[i]!);
    out.step.push(step[i]!);
    out.area.push(withArea ? area[i]! : 0);
    out.top.push(top[i]!);
  };

  if (fresh) {
    for (let pr = 0; pr < pad.height; pr++) {
      for (let pc = 0; pc < pw; pc++) {
        const q = pr * pw + pc;
        dir[q] = sweepDir(z, codes, q, pr + pad.y, pc + pad.x, W, H, pad);
      }
    }
    for (let pr = y0; pr < y1; pr++) {
      const r = pr + pad.y;
      for (let pc = x0; pc < x1; pc++) {
        const q = pr * pw + pc;
        const k = dir[q]!;
        if (k === NODATA) continue;
        pending[q] = 0;
        top[q] = r * W + pc + pad.x;
        st.remaining++;
        if (k < NONE) {
          const j = q + NEIGHBOUR_DROW[k]! * pw + NEIGHBOUR_DCOL[k]!;
          const zi = z[q]!;
          const zj = z[j]!;
          tan[q] = zi > zj ? (zi - zj) / dist[r * 8 + k]! : 0;
        }
      }
    }
    // pending donors; a core cell with a donor in the halo is tainted, and so is everything downstream of it: those
    // wait for inflows and are finished by pulling their donors sorted by top
    const taint = new Uint8Array(np);
    for (let pr = 0; pr < pad.height; pr++) {
      const haloRow = pr < y0 || pr >= y1;
      for (let pc = 0; pc < pw; pc++) {
        const k = dir[pr * pw + pc]!;
        if (k >= NONE) continue;
        const jr = pr + NEIGHBOUR_DROW[k]!;
        const jc = pc + NEIGHBOUR_DCOL[k]!;
        if (jr >= y0 && jr < y1 && jc >= x0 && jc < x1) {
          const j = jr * pw + jc;
          pending[j]!++;
          if (haloRow || pc < x0 || pc >= x1) taint[j] = 1;
        }
      }
    }
    for (let pr = y0; pr < y1; pr++) {
      for (let pc = x0; pc < x1; pc++) {
        let q = pr * pw + pc;
        if (taint[q] !== 1) continue;
        taint[q] = 2;
        for (;;) {
          const k = dir[q]!;
          if (k >= NONE) break;
          const jr = ((q / pw) | 0) + NEIGHBOUR_DROW[k]!;
          const jc = q - ((q / pw) | 0) * pw + NEIGHBOUR_DCOL[k]!;
          if (!(jr >= y0 && jr < y1 && jc >= x0 && jc < x1)) break;
          const j = jr * pw + jc;
          if (taint[j] === 2) break;
          taint[j] = 2;
          q = j;
        }
      }
    }
    // the per-tile step on the untainted cells: the in-memory sweep restricted to them (row-major over the core, each
    // chain followed while in-degrees clear behind the scan), passing λ, area, the outlet offer and the top on as the
    // kernel does; inside one tile row-major order is the global one, so the passes arrive in the in-memory order
    const best = new Float32Array(np);
    const mLen = new Float32Array(np);
    const mTan = new Float32Array(np);
    const mStep = new Float32Array(np);
    const hasM = new Uint8Array(np);
    for (let pr0 = y0; pr0 < y1; pr0++) {
      for (let pc0 = x0; pc0 < x1; pc0++) {
        const start = pr0 * pw + pc0;
        if (pending[start] !== 0 || taint[start] !== 0) continue;
        let i = start;
        let pr = pr0;
        let pc = pc0;
        for (;;) {
          const r = pr + pad.y;
          const l = finish(i, r, withArea ? area[i]! : 0, best[i]!, hasM[i] === 1, mTan[i]!, mStep[i]!, top[i]!);
          const k = dir[i]!;
          if (k >= NONE) break;
          const jr = pr + NEIGHBOUR_DROW[k]!;
          const jc = pc + NEIGHBOUR_DCOL[k]!;
          if (!(jr >= y0 && jr < y1 && jc >= x0 && jc < x1)) {
            exit(i, r, pc + pad.x);
            break;
          }
          const j = jr * pw + jc;
          --pending[j];
          if (taint[j] !== 0) break;
          const ti = tan[i]!;
          if (withArea) area[j] = area[j]! + area[i]!;
          const kj = dir[j]!;
          if (kj === NONE) {
            hasM[j] = 1;
            if (l > mLen[j]!) {
              mLen[j] = l;
              mTan[j] = ti;
              mStep[j] = step[i]!;
            }
          }
          if (!(withArea && area[i]! > p.channelM2)) {
            const tj = kj < NONE ? tan[j]! : ti;
            const cut = tj < 0.05 ? p.cutLow : p.cutHigh;
            if (!(tj < cut * ti) && l > best[j]!) best[j] = l;
          }
          if (top[i]! > top[j]!) top[j] = top[i]!;
          if (pending[j] !== 0 || j > start) break;
          i = j;
          pr = jr;
          pc = jc;
        }
      }
    }
  }
  for (const ex of inflows) {
    for (let m = 0; m < ex.index.length; m++) {
      const g = ex.index[m]!;
      const r = Math.floor(g / W);
      const c = g - r * W;
      const pr = r - pad.y;
      const pc = c - pad.x;
      if (pr < 0 || pr >= pad.height || pc < 0 || pc >= pw || (pr >= y0 && pr < y1 && pc >= x0 && pc < x1)) continue;
      const q = pr * pw + pc;
      const k = dir[q]!;
      if (k >= NONE) continue;
      const jr = pr + NEIGHBOUR_DROW[k]!;
      const jc = pc + NEIGHBOUR_DCOL[k]!;
      if (!(jr >= y0 && jr < y1 && jc >= x0 && jc < x1)) continue;
      len[q] = ex.len[m]!;
      tan[q] = ex.tan[m]!;
      step[q] = ex.step[m]!;
      if (withArea) area[q] = ex.area[m]!;
      top[q] = ex.top[m]!;
      const j = jr * pw + jc;
      if (--pending[j] === 0) stack[sp++] = j;
    }
  }
  // the finishing step: cells whose last inflow arrived pull their donors, sorted by top, and replay their passes
  const donors = new Int32Array(8);
  const off = new Int32Array(8);
  for (let k = 0; k < 8; k++) off[k] = NEIGHBOUR_DROW[k]! * pw + NEIGHBOUR_DCOL[k]!;
  const ph = pad.height;
  while (sp > 0) {
    const i = stack[--sp]!;
    const pr = (i / pw) | 0;
    const pc = i - pr * pw;
    const r = pr + pad.y;
    const c = pc + pad.x;
    const inner = pr > 0 && pr < ph - 1 && pc > 0 && pc < pw - 1;
    // donors sorted by top: neighbour k drains here when its direction is the opposite of k
    let n = 0;
    for (let k = 0; k < 8; k++) {
      if (!inner) {
        const qr = pr + NEIGHBOUR_DROW[k]!;
        const qc = pc + NEIGHBOUR_DCOL[k]!;
        if (qr < 0 || qr >= ph || qc < 0 || qc >= pw) continue;
      }
      const q = i + off[k]!;
      if (dir[q] !== NEIGHBOUR_OPPOSITE[k]) continue;
      let m = n++;
      while (m > 0 && top[donors[m - 1]!]! > top[q]!) {
        donors[m] = donors[m - 1]!;
        m--;
      }
      donors[m] = q;
    }
    const k = dir[i]!;
    let a = 0;
    let bl = 0; // best eligible donor λ, stored as Float32 like the kernel's `out`
    let mainLen = 0; // outlet main donor: λ (Float32 store), tangent, step
    let mainTan = 0;
    let mainStep = 0;
    let hasMain = false;
    let t = r * W + c;
    for (let m = 0; m < n; m++) {
      const q = donors[m]!;
      if (top[q]! > t) t = top[q]!;
      const lq = len[q]!;
      const tq = tan[q]!;
      if (withArea) a += area[q]!;
      if (k === NONE) {
        hasMain = true;
        if (lq > mainLen) {
          f32[0] = lq;
          mainLen = f32[0]!;
          mainTan = tq;
          f32[0] = step[q]!;
          mainStep = f32[0]!;
        }
      }
      if (!(withArea && area[q]! > p.channelM2)) {
        const tj = k < NONE ? tan[i]! : tq;
        const cut = tj < 0.05 ? p.cutLow : p.cutHigh;
        if (!(tj < cut * tq) && lq > bl) {
          f32[0] = lq;
          bl = f32[0]!;
        }
      }
    }
    finish(i, r, a, bl, hasMain, mainTan, mainStep, t);
    if (k < NONE) {
      const jr = pr + NEIGHBOUR_DROW[k]!;
      const jc = pc + NEIGHBOUR_DCOL[k]!;
      if (jr >= y0 && jr < y1 && jc >= x0 && jc < x1) {
        const j = jr * pw + jc;
        if (--pending[j] === 0) stack[sp++] = j;
      } else exit(i, r, c);
    }
  }
  return {
    state: st,
    exits: {
      index: Float64Array.from(out.index), len: Float64Array.from(out.len), tan: Float64Array.from(out.tan),
      step: Float64Array.from(out.step), area: Float64Array.from(out.area), top: Float64Array.from(out.top),
    },
  };
}

/** The core of a tile's LS (and λ) after its last visit; unfinished cells (on a cycle of the codes) are NaN. */
export function slopeLengthLsTileOutput(input: SlopeLengthLsTileInput, state: SlopeLengthLsTileState): { ls: Float32Array; lengthM: Float32Array } {
  const { core, padded: pad } = input;
  const ls = new Float32Array(core.width * core.height);
  const lam = new Float32Array(core.width * core.height);
  for (let cr = 0; cr < core.height; cr++) {
    const p0 = (core.y - pad.y + cr) * pad.width + core.x - pad.x;
    ls.set(state.ls.subarray(p0, p0 + core.width), cr * core.width);
    lam.set(state.lam.subarray(p0, p0 + core.width), cr * core.width);
  }
  return { ls, lengthM: lam };
}

/** The options of a tileable LS run: the `slope-length` method with the D8 downslope slope. */
export function slopeLengthLsParams(o: LsPresetOptions): SlopeLengthLsParams {
  return {
    cutLow: o.cutoffBelow5Pct, cutHigh: o.cutoffAtOrAbove5Pct, channelM2: o.channelThresholdM2, maxLen: o.maxLengthM,
    sCode: S_CODE[o.sFormula], mCode: M_CODE[o.mFormula], ratio: o.rillRatio, mConst: o.mConstant, capL: o.capL,
    segment: o.lFormula === 'L.segment',
  };
}

/** Presets whose LS is computed tile by tile; the others (`invest`, `saga-desmet-govers`: D∞ and MFD areas) stay in memory. */
export const LS_TILED_PRESETS: readonly LsPresetName[] = Object.freeze(['csle', 'rusle-aml', 'grass-r.watershed']);

/** Options of {@link lsFactorTiled}. */
export interface LsFactorTiledOptions extends Partial<LsPresetOptions> {
  /** `csle`, `rusle-aml` or `grass-r.watershed`. @defaultValue `'rusle-aml'` */
  readonly preset?: LsPresetName;
  /** D8 codes of the DEM; computed tile by tile (as `d8Directions` without flats) when omitted. */
  readonly flowDirection?: Raster<Uint8Array>;
  /** Tile width in cells. @defaultValue 512 */
  readonly tileWidth?: number;
  /** Tile height in cells. @defaultValue 512 */
  readonly tileHeight?: number;
}

/**
 * LS of a conditioned DEM on the cumulative slope length (or r.watershed's slope length), computed tile by tile: the in-memory driver of the tiled
 * LS, bit for bit equal to `lsFactor(dem, { ...options, fill: false })` for every tile size (the tests' oracle).
 * The job layer runs the same visits from tile files.
 *
 * @param dem - a conditioned DEM (depressions filled, as `lsFactor` fills them with ε), metres.
 * @param options - a slope-length preset and overrides, `flowDirection`, `tileWidth`, `tileHeight`.
 * @returns `{ ls, lengthM }` (Float32, NaN nodata).
 * @throws RusleError `BAD_ARGUMENT` for a method or slope source that is not tiled (`desmet-govers`,
 *   `moore-burch`, `slopeSource: 'horn'`): those run in memory with `lsFactor`.
 * @example
 * ```ts
 * const filled = fillDepressions(dem, { epsilon: true });
 * const { ls } = lsFactorTiled(filled, { preset: 'csle', tileWidth: 1024, tileHeight: 1024 });
 * ```
 */
export function lsFactorTiled(dem: Raster, options: LsFactorTiledOptions = {}): { ls: Raster<Float32Array>; lengthM: Raster<Float32Array> } {
  if (!(dem instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'lsFactorTiled: dem must be a Raster of elevations in metres');
  const presetName = options.preset ?? 'rusle-aml';
  const preset = LS_PRESETS[presetName];
  if (!preset) throw new RusleError('BAD_ARGUMENT', `lsFactorTiled: unknown preset '${String(presetName)}'`);
  const o: Record<string, unknown> = { ...preset };
  for (const k of Object.keys(LS_BASE_OPTIONS)) {
    const v = (options as Record<string, unknown>)[k];
    if (v !== undefined) o[k] = v;
  }
  const opts = o as unknown as LsPresetOptions;
  if (opts.method === 'grass-r.watershed') return grassTiled(dem, opts, options);
  if (opts.method !== 'slope-length' || opts.slopeSource !== 'd8-downslope') {
    throw new RusleError('BAD_ARGUMENT', `lsFactorTiled: method '${opts.method}' with slopeSource '${opts.slopeSource}' is computed in memory only (lsFactor); the tiled LS covers the slope-length method with the D8 downslope slope and r.watershed's (presets ${LS_TILED_PRESETS.join(', ')})`);
  }
  // validate the rest as lsFactor does (same messages)
  if (!(opts.sFormula in S_CODE) || !(opts.mFormula in M_CODE) || !(opts.lFormula === 'L.rusle' || opts.lFormula === 'L.segment')) {
    throw new RusleError('BAD_ARGUMENT', 'lsFactorTiled: unknown sFormula, mFormula or lFormula');
  }
  const z = dem.toFloat(Float64Array);
  const grid = z.grid;
  const W = grid.width;
  const tw = options.tileWidth ?? 512;
  const th = options.tileHeight ?? 512;
  const fd = options.flowDirection ?? d8DirectionsTiled(z, { tileWidth: tw, tileHeight: th });
  const params = slopeLengthLsParams(opts);
  const dist = neighbourDistances(grid).byDirectionM;
  const areaByRow = grid.rowCellAreasM2();
  const list: Tile[] = [...tiles(grid, { tileWidth: tw, tileHeight: th, halo: 1 })];
  const inputs: SlopeLengthLsTileInput[] = list.map((t) => {
    const n = t.padded.width * t.padded.height;
    const zw = z.data instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
    const cw = new Uint8Array(n);
    for (let r = 0; r < t.padded.height; r++) {
      const s = (t.padded.y + r) * W + t.padded.x;
      zw.set(z.data.subarray(s, s + t.padded.width), r * t.padded.width);
      cw.set(fd.data.subarray(s, s + t.padded.width), r * t.padded.width);
    }
    return { grid, core: t.core, padded: t.padded, z: zw, codes: cw, params, dist, areaByRow };
  });
  const states: (SlopeLengthLsTileState | null)[] = list.map(() => null);
  const inbox = new Map<number, SlopeLengthLsExits[]>();
  const cols = Math.ceil(W / tw);
  const memo = new LsCellMemo();
  let todo = list.map((t) => t.index);
  while (todo.length > 0) {
    for (const ti of todo) {
      const arrived = inbox.get(ti) ?? [];
      inbox.delete(ti);
      const { state, exits } = slopeLengthLsTileVisit(inputs[ti]!, states[ti]!, arrived, memo);
      states[ti] = state;
      for (const [t, ex] of routeLsExits(exits, W, fd.data, tw, th, cols)) {
        const q = inbox.get(t);
        if (q === undefined) inbox.set(t, [ex]);
        else q.push(ex);
      }
    }
    todo = [...inbox.keys()].sort((a, b) => a - b);
  }
  const ls = new Float32Array(W * grid.height);
  const lam = new Float32Array(W * grid.height);
  for (const t of list) {
    const v = slopeLengthLsTileOutput(inputs[t.index]!, states[t.index]!);
    for (let r = 0; r < t.core.height; r++) {
      ls.set(v.ls.subarray(r * t.core.width, (r + 1) * t.core.width), (t.core.y + r) * W + t.core.x);
      lam.set(v.lengthM.subarray(r * t.core.width, (r + 1) * t.core.width), (t.core.y + r) * W + t.core.x);
    }
  }
  return { ls: new Raster(grid, ls), lengthM: new Raster(grid, lam) };
}

/**
 * The global step of the LS exchange: exits grouped by the tile their receiver lies in.
 * @param exits - exits of one visit.
 * @param width - grid width.
 * @param codes - D8 code of a global cell index (only exit cells are read).
 */
export function routeLsExits(
  exits: SlopeLengthLsExits, width: number, codes: ArrayLike<number>, tileWidth: number, tileHeight: number, tileColumns: number,
): Map<number, SlopeLengthLsExits> {
  const by = new Map<number, number[]>();
  for (let m = 0; m < exits.index.length; m++) {
    const g = exits.index[m]!;
    const r = Math.floor(g / width);
    const c = g - r * width;
    const k = 31 - Math.clz32(codes[g]!);
    const t = Math.floor((r + NEIGHBOUR_DROW[k]!) / tileHeight) * tileColumns + Math.floor((c + NEIGHBOUR_DCOL[k]!) / tileWidth);
    let l = by.get(t);
    if (l === undefined) by.set(t, (l = []));
    l.push(m);
  }
  const out = new Map<number, SlopeLengthLsExits>();
  for (const [t, ms] of by) {
    const pick = (a: Float64Array): Float64Array => Float64Array.from(ms, (m) => a[m]!);
    out.set(t, { index: pick(exits.index), len: pick(exits.len), tan: pick(exits.tan), step: pick(exits.step), area: pick(exits.area), top: pick(exits.top) });
  }
  return out;
}

/** Peak bytes per cell of `lsFactor` in memory (DEM, filled DEM, codes, sweep state, tangents, output). */
export const LS_IN_MEMORY_BYTES_PER_CELL = 60;

/**
 * How `rusle ls` runs under a memory budget: in memory when `lsFactor` fits, else tiled — which only the
 * slope-length method with the D8 downslope slope (`csle`, `rusle-aml`) can be. Call it before reading anything.
 *
 * @param options - preset and overrides, as `lsFactor` takes them.
 * @param width - grid width in cells.
 * @param height - grid height in cells.
 * @param memoryBudget - bytes.
 * @returns `'memory'` or `'tiled'` and the in-memory need in bytes.
 * @throws RusleError `OUT_OF_MEMORY_BUDGET` for `invest`, `saga-desmet-govers` (D∞ and MFD areas) and the other
 *   in-memory methods (`desmet-govers`, `moore-burch`, `slopeSource: 'horn'`) on a grid over the budget, with the need in the message and
 *   `details`; `BAD_ARGUMENT` for a bad budget or preset.
 * @example
 * ```ts
 * lsPlan({ preset: 'invest' }, 41000, 41000, 2 * 2 ** 30); // throws OUT_OF_MEMORY_BUDGET
 * ```
 */
export function lsPlan(options: Partial<LsPresetOptions> & { readonly preset?: LsPresetName }, width: number, height: number, memoryBudget: number): { mode: 'memory' | 'tiled'; inMemoryBytes: number } {
  if (!(memoryBudget > 0)) throw new RusleError('BAD_ARGUMENT', `memoryBudget: expected a positive number of bytes, got ${memoryBudget}`);
  const presetName = options.preset ?? 'rusle-aml';
  const preset = LS_PRESETS[presetName];
  if (!preset) throw new RusleError('BAD_ARGUMENT', `preset: unknown preset '${String(presetName)}'`);
  const method = options.method ?? preset.method;
  const slopeSource = options.slopeSource ?? preset.slopeSource;
  const need = LS_IN_MEMORY_BYTES_PER_CELL * width * height;
  if (need <= memoryBudget) return { mode: 'memory', inMemoryBytes: need };
  if ((method === 'slope-length' && slopeSource === 'd8-downslope') || method === 'grass-r.watershed') return { mode: 'tiled', inMemoryBytes: need };
  throw new RusleError('OUT_OF_MEMORY_BUDGET',
    `LS with preset '${presetName}' (method ${method}) runs in memory only and needs about ${need} bytes (${LS_IN_MEMORY_BYTES_PER_CELL} per cell × ${width} × ${height}), over the memory budget of ${memoryBudget}; the presets ${LS_TILED_PRESETS.join(', ')} run tile by tile above the budget`,
    { needBytes: need, memoryBudget, preset: presetName, method });
}

/** The tiled `grass-r.watershed` run of {@link lsFactorTiled} (tiles with a two-cell halo). */
function grassTiled(dem: Raster, opts: LsPresetOptions, options: LsFactorTiledOptions): { ls: Raster<Float32Array>; lengthM: Raster<Float32Array> } {
  const z = dem.toFloat(Float64Array);
  const grid = z.grid;
  const W = grid.width;
  const tw = options.tileWidth ?? 512;
  const th = options.tileHeight ?? 512;
  const fd = options.flowDirection ?? d8DirectionsTiled(z, { tileWidth: tw, tileHeight: th });
  const dist = neighbourDistances(grid).byDirectionM;
  const list: Tile[] = [...tiles(grid, { tileWidth: tw, tileHeight: th, halo: 2 })];
  const inputs: GrassLsTileInput[] = list.map((t) => {
    const n = t.padded.width * t.padded.height;
    const zw = z.data instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
    const cw = new Uint8Array(n);
    for (let r = 0; r < t.padded.height; r++) {
      const s = (t.padded.y + r) * W + t.padded.x;
      zw.set(z.data.subarray(s, s + t.padded.width), r * t.padded.width);
      cw.set(fd.data.subarray(s, s + t.padded.width), r * t.padded.width);
    }
    return { grid, core: t.core, padded: t.padded, z: zw, codes: cw, dist, maxLen: opts.maxLengthM, ratio: opts.rillRatio };
  });
  const states: (GrassLsTileState | null)[] = list.map(() => null);
  const inbox = new Map<number, GrassLsExits[]>();
  const cols = Math.ceil(W / tw);
  let todo = list.map((t) => t.index);
  while (todo.length > 0) {
    for (const ti of todo) {
      const arrived = inbox.get(ti) ?? [];
      inbox.delete(ti);
      const { state, exits } = grassLsTileVisit(inputs[ti]!, states[ti]!, arrived);
      states[ti] = state;
      for (const [t, ex] of routeGrassLsExits(exits, W, fd.data, tw, th, cols)) {
        const q = inbox.get(t);
        if (q === undefined) inbox.set(t, [ex]);
        else q.push(ex);
      }
    }
    todo = [...inbox.keys()].sort((a, b) => a - b);
  }
  const ls = new Float32Array(W * grid.height);
  const lam = new Float32Array(W * grid.height);
  for (const t of list) {
    const v = grassLsTileOutput(inputs[t.index]!, states[t.index]!);
    for (let r = 0; r < t.core.height; r++) {
      ls.set(v.ls.subarray(r * t.core.width, (r + 1) * t.core.width), (t.core.y + r) * W + t.core.x);
      lam.set(v.lengthM.subarray(r * t.core.width, (r + 1) * t.core.width), (t.core.y + r) * W + t.core.x);
    }
  }
  return { ls: new Raster(grid, ls), lengthM: new Raster(grid, lam) };
}
