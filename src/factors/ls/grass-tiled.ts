/**
 * Tiled LS of the `grass-r.watershed` preset, bit for bit equal to `lsFactor` (and so to the in-memory
 * `grassKernel`) for every tile size.
 *
 * GRASS `r.watershed` itself orders its work by an A* search from the edges, a priority queue over the whole grid.
 * The preset does not run that search: it mirrors r.watershed's slope length (`grass.ts`) with a topological sweep
 * over the D8 codes of the DEM, where a cell drains off the grid on the outer ring, beside nodata and without a
 * receiver. A cell's λ and ridge depend on its donors only, so it tiles like the other sweeps (`ls-tiled.ts`,
 * `terrain/accumulate-tiled.ts`): a tile visit finishes the cells whose donors are known, and a finished cell whose
 * receiver lies in another tile leaves as an exit carrying λ and its step (Float64), its ridge elevation and its
 * top. The donor that sets λ is the first, in the sweep's order, with the largest λ + step (a strict `>`), so a
 * visit replays each cell's donors sorted by top, the order in which the in-memory sweep finishes them.
 *
 * LS is evaluated on a finished tile's core with the in-memory kernel's third pass: the same gather, the same S and
 * the same WebAssembly L (`ls-math.c`, `grassL`).
 *
 * Memory per tile: DEM, codes and about 34 bytes per cell of the padded window (a two-cell halo); exits 40 bytes each.
 * @module
 */

import { RusleError } from '../../raster/errors.js';
import type { Grid, Window } from '../../raster/grid.js';
import type { FloatArray } from '../../raster/raster.js';
import { D8_NODATA } from '../../terrain/d8codes.js';
import { NEIGHBOUR_DCOL, NEIGHBOUR_DROW, NEIGHBOUR_OPPOSITE } from '../../terrain/neighbours.js';
import { UNIT_PLOT_LENGTH_M } from './formulas.js';
import { lsMath } from './ls-math.js';

const NONE = 8;
const NODATA = 9;
const DONE = 255;

/** The fixed inputs of an r.watershed LS tile's visits. */
export interface GrassLsTileInput {
  readonly grid: Grid;
  readonly core: Window;
  /**
   * `core` grown by **two** cells on each side, clipped to the grid (`tiles(grid, { halo: 2 })`): whether a halo
   * cell drains into the core depends on its own 3 × 3 window (beside nodata it drains off the grid).
   */
  readonly padded: Window;
  /** DEM over the padded window (NaN nodata). */
  readonly z: FloatArray;
  /** D8 codes over the padded window. */
  readonly codes: Uint8Array;
  /** `neighbourDistances(grid).byDirectionM` of the whole grid. */
  readonly dist: Float64Array;
  /** Cap on λ, m (`maxLengthM`). */
  readonly maxLen: number;
  /** `rillRatio`. */
  readonly ratio: number;
}

/** What a tile keeps between visits (padded window; halo entries hold donors that arrived). */
export interface GrassLsTileState {
  readonly dir: Uint8Array;
  readonly pending: Uint8Array;
  /** λ (0 = not reached by a donor), finalised once the cell is. */
  readonly lam: Float64Array;
  readonly step: Float64Array;
  readonly ridge: Float64Array;
  readonly top: Float64Array;
  remaining: number;
}

/** Finished cells whose receiver lies in another tile. */
export interface GrassLsExits {
  readonly index: Float64Array;
  readonly lam: Float64Array;
  readonly step: Float64Array;
  readonly ridge: Float64Array;
  readonly top: Float64Array;
}

/** r.watershed's direction of padded cell `q` (global row `r`, column `c`): 0..7, NONE or NODATA. */
function grassDir(z: FloatArray, codes: Uint8Array, q: number, pr: number, pc: number, r: number, c: number, W: number, H: number, pad: Window): number {
  if (z[q] !== z[q]) return NODATA;
  if (r === 0 || r === H - 1 || c === 0 || c === W - 1) return NONE;
  const code = codes[q]!;
  if (code === 0 || code === D8_NODATA) return NONE;
  // beside nodata: drains off the grid (all eight neighbours are on the grid here; only cells of the outer halo ring,
  // which never drain into the core, can have some outside the padded window)
  for (let k = 0; k < 8; k++) {
    const qr = pr + NEIGHBOUR_DROW[k]!;
    const qc = pc + NEIGHBOUR_DCOL[k]!;
    if (qr < 0 || qr >= pad.height || qc < 0 || qc >= pad.width) continue;
    const v = z[qr * pad.width + qc]!;
    if (v !== v) return NONE;
  }
  return 31 - Math.clz32(code);
}

/**
 * One visit of an r.watershed LS tile: the per-tile step on the first (`state` null), the finishing step for the
 * exits in `inflows` on later ones. Returns the state (updated in place) and the exits this visit finished.
 */
export function grassLsTileVisit(
  input: GrassLsTileInput, state: GrassLsTileState | null, inflows: readonly GrassLsExits[] = [],
): { state: GrassLsTileState; exits: GrassLsExits } {
  const { grid, core, padded: pad, z, codes, dist } = input;
  const W = grid.width;
  const H = grid.height;
  const pw = pad.width;
  const ph = pad.height;
  const np = pw * ph;
  if (z.length !== np || codes.length !== np) throw new RusleError('BAD_ARGUMENT', `grassLsTileVisit: z and codes must cover the padded window (${np} cells)`);
  const x0 = core.x - pad.x;
  const y0 = core.y - pad.y;
  const x1 = x0 + core.width;
  const y1 = y0 + core.height;
  const stack = new Int32Array(np);
  let sp = 0;
  let st: GrassLsTileState;
  if (state === null) {
    st = {
      dir: new Uint8Array(np), pending: new Uint8Array(np).fill(DONE), lam: new Float64Array(np), step: new Float64Array(np),
      ridge: new Float64Array(np), top: new Float64Array(np), remaining: 0,
    };
    for (let pr = 0; pr < ph; pr++) for (let pc = 0; pc < pw; pc++) st.dir[pr * pw + pc] = grassDir(z, codes, pr * pw + pc, pr, pc, pr + pad.y, pc + pad.x, W, H, pad);
    for (let pr = y0; pr < y1; pr++) for (let pc = x0; pc < x1; pc++) {
      const q = pr * pw + pc;
      if (st.dir[q] === NODATA) continue;
      st.pending[q] = 0;
      st.remaining++;
    }
    for (let pr = 0; pr < ph; pr++) for (let pc = 0; pc < pw; pc++) {
      const k = st.dir[pr * pw + pc]!;
      if (k >= NONE) continue;
      const jr = pr + NEIGHBOUR_DROW[k]!;
      const jc = pc + NEIGHBOUR_DCOL[k]!;
      if (jr >= y0 && jr < y1 && jc >= x0 && jc < x1) st.pending[jr * pw + jc]!++;
    }
    for (let pr = y1 - 1; pr >= y0; pr--) for (let pc = x1 - 1; pc >= x0; pc--) if (st.pending[pr * pw + pc] === 0) stack[sp++] = pr * pw + pc;
  } else {
    st = state;
    if (st.dir.length !== np) throw new RusleError('BAD_ARGUMENT', 'grassLsTileVisit: the state does not belong to this tile');
  }
  const { dir, pending, lam, step, ridge, top } = st;
  for (const ex of inflows) {
    for (let m = 0; m < ex.index.length; m++) {
      const g = ex.index[m]!;
      const r = Math.floor(g / W);
      const c = g - r * W;
      const pr = r - pad.y;
      const pc = c - pad.x;
      if (pr < 0 || pr >= ph || pc < 0 || pc >= pw || (pr >= y0 && pr < y1 && pc >= x0 && pc < x1)) continue;
      const q = pr * pw + pc;
      const k = dir[q]!;
      if (k >= NONE) continue;
      const jr = pr + NEIGHBOUR_DROW[k]!;
      const jc = pc + NEIGHBOUR_DCOL[k]!;
      if (!(jr >= y0 && jr < y1 && jc >= x0 && jc < x1)) continue;
      lam[q] = ex.lam[m]!;
      step[q] = ex.step[m]!;
      ridge[q] = ex.ridge[m]!;
      top[q] = ex.top[m]!;
      const j = jr * pw + jc;
      if (--pending[j] === 0) stack[sp++] = j;
    }
  }
  const off = new Int32Array(8);
  for (let k = 0; k < 8; k++) off[k] = NEIGHBOUR_DROW[k]! * pw + NEIGHBOUR_DCOL[k]!;
  const donors = new Int32Array(8);
  const out: { index: number[]; lam: number[]; step: number[]; ridge: number[]; top: number[] } = { index: [], lam: [], step: [], ridge: [], top: [] };
  while (sp > 0) {
    const i = stack[--sp]!;
    const pr = (i / pw) | 0;
    const pc = i - pr * pw;
    const r = pr + pad.y;
    const c = pc + pad.x;
    const inner = pr > 0 && pr < ph - 1 && pc > 0 && pc < pw - 1;
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
    // the donors' passes in the sweep's order: the first with the largest λ + step from above sets λ and the ridge
    let li = 0;
    let t = r * W + c;
    const zi = z[i]!;
    for (let m = 0; m < n; m++) {
      const q = donors[m]!;
      if (top[q]! > t) t = top[q]!;
      const cand = lam[q]! + step[q]!;
      if (z[q]! > zi && cand > li) {
        li = cand;
        ridge[i] = ridge[q]!;
      }
    }
    const k = dir[i]!;
    if (k >= NONE) {
      if (li === 0) ridge[i] = zi;
      lam[i] = li;
    } else {
      const s = dist[r * 8 + k]!;
      if (li === 0) {
        ridge[i] = zi;
        li = s;
      } else li += s;
      lam[i] = li;
      step[i] = s;
    }
    top[i] = t;
    pending[i] = DONE;
    st.remaining--;
    if (k < NONE) {
      const jr = pr + NEIGHBOUR_DROW[k]!;
      const jc = pc + NEIGHBOUR_DCOL[k]!;
      if (jr >= y0 && jr < y1 && jc >= x0 && jc < x1) {
        const j = jr * pw + jc;
        if (--pending[j] === 0) stack[sp++] = j;
      } else {
        out.index.push(r * W + c);
        out.lam.push(li);
        out.step.push(step[i]!);
        out.ridge.push(ridge[i]!);
        out.top.push(t);
      }
    }
  }
  return {
    state: st,
    exits: { index: Float64Array.from(out.index), lam: Float64Array.from(out.lam), step: Float64Array.from(out.step), ridge: Float64Array.from(out.ridge), top: Float64Array.from(out.top) },
  };
}

/**
 * LS and λ of a tile's core after its last visit, by the third pass of the in-memory kernel (cells never finished —
 * on a cycle of the codes — and nodata are NaN).
 */
export function grassLsTileOutput(input: GrassLsTileInput, state: GrassLsTileState): { ls: Float32Array; lengthM: Float32Array } {
  const { core, padded: pad, z, maxLen, ratio } = input;
  const wasm = lsMath();
  const cap = wasm.cap;
  const segSin = wasm.a;
  const segX = wasm.b;
  const segL = wasm.o;
  const segCol = new Int32Array(cap);
  const segLen = new Float64Array(cap);
  const segS = new Float64Array(cap);
  const ls = new Float32Array(core.width * core.height);
  const lengthM = new Float32Array(core.width * core.height);
  for (let cr = 0; cr < core.height; cr++) {
    const p0 = (core.y - pad.y + cr) * pad.width + core.x - pad.x;
    const o0 = cr * core.width;
    for (let c0 = 0; c0 < core.width; c0 += cap) {
      const cn = Math.min(cap, core.width - c0);
      let nv = 0;
      for (let c = 0; c < cn; c++) {
        const i = p0 + c0 + c;
        if (state.dir[i] === NODATA || state.pending[i] !== DONE) {
          ls[o0 + c0 + c] = NaN;
          lengthM[o0 + c0 + c] = NaN;
          continue;
        }
        let length = state.lam[i]!;
        let h = state.ridge[i]! - z[i]!;
        if (!(length > 0)) length = 0;
        if (length > maxLen) {
          h *= maxLen / length;
          length = maxLen;
        }
        const sinT = length > 0 ? h / Math.sqrt(h * h + length * length) : 0;
        const v = nv++;
        segCol[v] = c0 + c;
        segLen[v] = length;
        segSin[v] = sinT;
        segX[v] = length / UNIT_PLOT_LENGTH_M;
        segS[v] = length > 0 && h / length >= 0.09 ? 16.8 * sinT - 0.5 : 10.8 * sinT + 0.03;
      }
      if (nv & 1) {
        segSin[nv] = 0;
        segX[nv] = 0;
      }
      wasm.grassL(nv + (nv & 1), ratio);
      for (let v = 0; v < nv; v++) {
        ls[o0 + segCol[v]!] = segL[v]! * segS[v]!;
        lengthM[o0 + segCol[v]!] = segLen[v]!;
      }
    }
  }
  return { ls, lengthM };
}

/** The global step of the r.watershed LS exchange: exits grouped by the tile their receiver lies in. */
export function routeGrassLsExits(
  exits: GrassLsExits, width: number, codes: ArrayLike<number>, tileWidth: number, tileHeight: number, tileColumns: number,
): Map<number, GrassLsExits> {
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
  const out = new Map<number, GrassLsExits>();
  for (const [t, ms] of by) {
    const pick = (a: Float64Array): Float64Array => Float64Array.from(ms, (m) => a[m]!);
    out.set(t, { index: pick(exits.index), lam: pick(exits.lam), step: pick(exits.step), ridge: pick(exits.ridge), top: pick(exits.top) });
  }
  return out;
}
