/**
 * Tiled D8 flow accumulation, bit for bit equal to `accumulate` on the whole grid for every tile size, after Barnes
 * (2017), "Parallel non-divergent flow accumulation for trillion cell digital elevation models on desktops or
 * clusters", Environmental Modelling & Software 92:202–212, doi:10.1016/j.envsoft.2017.02.022: each tile is
 * accumulated on its own, what leaves a tile is passed to the tile it enters through a perimeter exchange, and the
 * receiving tile finishes the cells downstream of it.
 *
 * **The summation order.** `accumulate` adds a cell's own contribution first and then its donors' totals in the
 * order its row-major scan finishes them. A cell is finished at the scan position of the largest row-major index in
 * its upslope area (itself included) — call it its *top* — so the donors of a cell are added in increasing order of
 * their tops (two donors never share a top: the cell holding it would drain to both). Tops are global cell indices
 * and tile-independent, so this module defines a cell's value from its donors' values and tops alone: own
 * contribution, then donors by increasing top, in Float64. That is the in-memory value, for any tiling; the
 * in-memory kernel is unchanged.
 *
 * **Why values and not links.** Barnes' global step composes per-tile links (perimeter cell → the perimeter cell its
 * flow leaves by) and adds the inflows of a tile to the cells downstream of them. Float64 addition is not
 * associative, so a sum moved along a path cannot be re-added at the end and stay bit-identical; a tile's outflows
 * are a chain of roundings of its inflows that no perimeter-sized summary represents. Here the perimeter exchange
 * carries finished values instead: an *exit* is a cell whose receiver lies in another tile, sent as (global index,
 * total, top) once the cell is finished. A tile *visit* ({@link d8AccumulationTileVisit}) takes the tile's state and
 * the exits that arrived, finishes every cell whose donors are all known, and returns its new exits. The global
 * step routes exits to the tiles they enter ({@link routeTileExits}); tiles with new inflows are visited again until
 * no exit is left. The first visit does Barnes' per-tile step (everything that needs no inflow); later visits touch
 * only the cells downstream of new inflows, so the work over all visits is O(n) plus one state read per visit.
 *
 * **Rounds.** A flow path that crosses tile edges k times needs at most k + 1 visits of the tiles on it; visiting
 * tiles in row-major order inside a round lets southward and eastward crossings finish in the same round. The number
 * of rounds is at most one more than the largest number of tile-edge crossings against row-major order along any
 * path, usually a small fraction of the tile count.
 *
 * **Memory.** A tile's state is 17 bytes per cell of its padded window (total and top as Float64, a pending-donor
 * byte) plus its D8 codes; only the visited tile's state need be in memory. The exchange holds 24 bytes per exit in
 * flight, at most one per perimeter cell of each tile.
 *
 * Nodata, edges and outputs follow `accumulate`: cells whose code is 255 get NaN, codes pointing off the grid or
 * into nodata end the flow, `sca` divides by the row's east-west cell width at the end. MFD and D∞ are not tiled
 * here (their in-memory traversal is a depth-first stack whose summation order has no tile-independent form like the
 * top); they stay in memory.
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { assertAligned, type Grid, type Window } from '../raster/grid.js';
import { Raster, type TypedArray } from '../raster/raster.js';
import { tiles, type Tile } from '../raster/tiles.js';
import { ACCUMULATE_DEFAULTS, type AccumulateOptions, type AccumulationOutput } from './accumulate.js';
import { D8_NODATA } from './d8codes.js';
import type { D8Routing } from './routing/d8.js';

const DONE = 255;

/** Row offsets by D8 code (0 elsewhere). */
const DR = new Int8Array(256);
/** Column offsets by D8 code (0 elsewhere). */
const DC = new Int8Array(256);
for (const [code, dr, dc] of [[1, 0, 1], [2, 1, 1], [4, 1, 0], [8, 1, -1], [16, 0, -1], [32, -1, -1], [64, -1, 0], [128, -1, 1]] as const) {
  DR[code] = dr;
  DC[code] = dc;
}
/** Row and column offsets of the eight neighbours (any order: donors are sorted by top). */
const NB_DR = [-1, -1, 0, 1, 1, 1, 0, -1];
const NB_DC = [0, 1, 1, 1, 0, -1, -1, -1];
/** The D8 code with which neighbour k (order N, NE, E, SE, S, SW, W, NW) drains into the centre cell. */
const BACK = [4, 8, 16, 32, 64, 128, 1, 2];

/** The fixed inputs of a tile's visits. */
export interface D8AccumulationTileInput {
  /** The whole grid (shape, per-row areas and widths). */
  readonly grid: Grid;
  /** The cells the tile finishes. */
  readonly core: Window;
  /** `core` grown by one cell on each side, clipped to the grid (`tiles(grid, { halo: 1 })`). */
  readonly padded: Window;
  /** D8 codes of the padded window, row-major. */
  readonly codes: Uint8Array;
  /**
   * Weight of each core cell's own contribution: a constant, or the core window of a weight raster (row-major)
   * with its nodata value (nodata and NaN count 0), as `accumulate`'s `weights`.
   */
  readonly weights: number | { readonly data: TypedArray; readonly nodata: number | null };
  /** `cells`, `m2` or `sca`, as `accumulate`'s `output`. */
  readonly output: AccumulationOutput;
}

/**
 * What a tile keeps between visits (written to the work folder between rounds). Over the padded window: `acc` holds
 * a core cell's own contribution until it is finished and its total (before the `sca` division) after; on the halo,
 * the totals of donors that arrived as exits. `top` holds the tops likewise. `pending` counts each core cell's
 * unfinished donors (255 once finished or nodata).
 */
export interface D8AccumulationTileState {
  readonly acc: Float64Array;
  readonly top: Float64Array;
  readonly pending: Uint8Array;
  /** Valid core cells not yet finished. */
  remaining: number;
}

/**
 * Finished cells whose receiver lies in another tile: parallel arrays of the cell's global row-major index, its
 * total (before the `sca` division) and its top.
 */
export interface TileExits {
  readonly index: Float64Array;
  readonly acc: Float64Array;
  readonly top: Float64Array;
}

function badCode(code: number, r: number, c: number): RusleError {
  return new RusleError('BAD_VALUE', `routing.codes: value ${code} at column ${c}, row ${r} is not a D8 code (1, 2, 4, …, 128; 0 none; 255 nodata)`);
}

/** Padded index of the receiver of padded cell `q` (global row `r`, column `c`), or -1 (none, off grid, nodata, outside the padded window). */
function receiver(codes: Uint8Array, q: number, r: number, c: number, W: number, H: number, pad: Window): number {
  const code = codes[q]!;
  if (code === 0 || code === D8_NODATA) return -1;
  const rr = r + DR[code]!;
  const cc = c + DC[code]!;
  if (rr < 0 || rr >= H || cc < 0 || cc >= W) return -1;
  const pr = rr - pad.y;
  const pc = cc - pad.x;
  if (pr < 0 || pr >= pad.height || pc < 0 || pc >= pad.width) return -1;
  const j = pr * pad.width + pc;
  return codes[j] === D8_NODATA ? -1 : j;
}

/**
 * One visit of a tile: on the first (`state` null) the per-tile step, which finishes every core cell that needs no
 * inflow; on later ones, the finishing step for the inflows in `inflows` (exits of other tiles whose receiver is in
 * this tile's core; others are ignored). Pure apart from updating `state` in place.
 *
 * @param input - the tile's fixed inputs.
 * @param state - the state from the previous visit, or null for the first.
 * @param inflows - exits of neighbouring tiles (from {@link routeTileExits}).
 * @returns the state and the exits this visit finished.
 * @throws RusleError `BAD_VALUE` for a byte in the core that is not a D8 code; `BAD_ARGUMENT` for arrays of the wrong length.
 */
export function d8AccumulationTileVisit(
  input: D8AccumulationTileInput, state: D8AccumulationTileState | null, inflows: readonly TileExits[] = [],
): { state: D8AccumulationTileState; exits: TileExits } {
  const { grid, core, padded: pad, codes } = input;
  const W = grid.width;
  const H = grid.height;
  const pw = pad.width;
  const np = pw * pad.height;
  if (codes.length !== np) throw new RusleError('BAD_ARGUMENT', `d8AccumulationTileVisit: codes has ${codes.length} values, the padded window ${np}`);
  const x0 = core.x - pad.x;
  const y0 = core.y - pad.y;
  const x1 = x0 + core.width;
  const y1 = y0 + core.height;
  const stack = new Int32Array(np);
  let sp = 0;
  const outs = { index: [] as number[], acc: [] as number[], top: [] as number[] };
  let st: D8AccumulationTileState;
  if (state === null) {
    st = { acc: new Float64Array(np), top: new Float64Array(np), pending: new Uint8Array(np).fill(DONE), remaining: 0 };
    initTile(input, st, outs);
  } else {
    st = state;
    if (st.acc.length !== np) throw new RusleError('BAD_ARGUMENT', 'd8AccumulationTileVisit: the state does not belong to this tile');
  }
  const acc = st.acc;
  const top = st.top;
  const pending = st.pending;
  // inflows: donors in the halo whose total is now known
  for (const ex of inflows) {
    for (let m = 0; m < ex.index.length; m++) {
      const g = ex.index[m]!;
      const r = Math.floor(g / W);
      const c = g - r * W;
      const pr = r - pad.y;
      const pc = c - pad.x;
      if (pr < 0 || pr >= pad.height || pc < 0 || pc >= pw || (pr >= y0 && pr < y1 && pc >= x0 && pc < x1)) continue;
      const q = pr * pw + pc;
      const j = receiver(codes, q, r, c, W, H, pad);
      if (j < 0) continue;
      const jr = (j / pw) | 0;
      const jc = j - jr * pw;
      if (!(jr >= y0 && jr < y1 && jc >= x0 && jc < x1)) continue;
      acc[q] = ex.acc[m]!;
      top[q] = ex.top[m]!;
      if (--pending[j] === 0) stack[sp++] = j;
    }
  }
  const outIndex = outs.index;
  const outAcc = outs.acc;
  const outTop = outs.top;
  const dAcc = new Float64Array(8);
  const dTop = new Float64Array(8);
  // neighbour k of a cell (D8 code order) is a donor when its code points back: the code of the opposite direction
  const off = new Int32Array(8);
  for (let k = 0; k < 8; k++) off[k] = NB_DR[k]! * pw + NB_DC[k]!;
  const ph = pad.height;
  while (sp > 0) {
    const p = stack[--sp]!;
    const pr = (p / pw) | 0;
    const pc = p - pr * pw;
    const inner = pr > 0 && pr < ph - 1 && pc > 0 && pc < pw - 1;
    // donors sorted by top (insertion sort; at most 8)
    let n = 0;
    for (let k = 0; k < 8; k++) {
      if (!inner) {
        const qr = pr + NB_DR[k]!;
        const qc = pc + NB_DC[k]!;
        if (qr < 0 || qr >= ph || qc < 0 || qc >= pw) continue;
      }
      const q = p + off[k]!;
      if (codes[q] !== BACK[k]) continue;
      const t = top[q]!;
      let m = n++;
      while (m > 0 && dTop[m - 1]! > t) {
        dTop[m] = dTop[m - 1]!;
        dAcc[m] = dAcc[m - 1]!;
        m--;
      }
      dTop[m] = t;
      dAcc[m] = acc[q]!;
    }
    const r = pr + pad.y;
    const c = pc + pad.x;
    let a = acc[p]!;
    let t = r * W + c;
    for (let m = 0; m < n; m++) {
      a += dAcc[m]!;
      if (dTop[m]! > t) t = dTop[m]!;
    }
    acc[p] = a;
    top[p] = t;
    pending[p] = DONE;
    st.remaining--;
    const j = receiver(codes, p, r, c, W, H, pad);
    if (j >= 0) {
      const jr = (j / pw) | 0;
      const jc = j - jr * pw;
      if (jr >= y0 && jr < y1 && jc >= x0 && jc < x1) {
        if (--pending[j] === 0) stack[sp++] = j;
      } else {
        outIndex.push(r * W + c);
        outAcc.push(a);
        outTop.push(t);
      }
    }
  }
  return { state: st, exits: { index: Float64Array.from(outIndex), acc: Float64Array.from(outAcc), top: Float64Array.from(outTop) } };
}

/** First visit: own contributions, pending donors of every core cell, the cells ready at once. */
function initTile(input: D8AccumulationTileInput, st: D8AccumulationTileState, exits: { index: number[]; acc: number[]; top: number[] }): void {
  const { grid, core, padded: pad, codes, weights, output } = input;
  const W = grid.width;
  const H = grid.height;
  const pw = pad.width;
  const areas = output === 'cells' ? null : grid.rowCellAreasM2();
  const wc = typeof weights === 'number' ? weights : 0;
  const wd = typeof weights === 'number' ? null : weights.data;
  const wnd = typeof weights === 'number' ? null : weights.nodata;
  if (wd !== null && wd.length !== core.width * core.height) {
    throw new RusleError('BAD_ARGUMENT', `d8AccumulationTileVisit: weights has ${wd.length} values, the core ${core.width * core.height}`);
  }
  const acc = st.acc;
  const pending = st.pending;
  const np = pw * pad.height;
  const x0 = core.x - pad.x;
  const y0 = core.y - pad.y;
  for (let cr = 0; cr < core.height; cr++) {
    const r = core.y + cr;
    const a = areas === null ? 1 : areas[r]!;
    for (let cc = 0; cc < core.width; cc++) {
      const c = core.x + cc;
      const p = (y0 + cr) * pw + x0 + cc;
      const code = codes[p]!;
      if (code === D8_NODATA) {
        acc[p] = NaN;
        continue;
      }
      if (code !== 0 && (code & (code - 1)) !== 0) throw badCode(code, r, c);
      let v = wc;
      if (wd !== null) {
        v = wd[cr * core.width + cc]!;
        if (v !== v || (wnd !== null && v === wnd)) v = 0;
      }
      acc[p] = v * a;
      st.top[p] = r * W + c;
      pending[p] = 0;
      st.remaining++;
    }
  }
  // receivers (padded index, -1 none) of the core cells, and pending donors from the core and the halo; a core cell
  // with a donor in the halo is *tainted*, and so is everything downstream of it in the core: those cells wait for
  // inflows and are finished later by pulling their donors sorted by top
  const x1 = x0 + core.width;
  const y1 = y0 + core.height;
  const recv = new Int32Array(np).fill(-1);
  const taint = new Uint8Array(np);
  for (let pr = 0; pr < pad.height; pr++) {
    const r = pr + pad.y;
    const inCoreRow = pr >= y0 && pr < y1;
    for (let pc = 0; pc < pw; pc++) {
      const q = pr * pw + pc;
      const code = codes[q]!;
      if (code === 0 || code === D8_NODATA || (code & (code - 1)) !== 0) continue;
      const j = receiver(codes, q, r, pc + pad.x, W, H, pad);
      if (j < 0) continue;
      const qInCore = inCoreRow && pc >= x0 && pc < x1;
      if (qInCore) recv[q] = j;
      const jr = (j / pw) | 0;
      const jc = j - jr * pw;
      if (jr >= y0 && jr < y1 && jc >= x0 && jc < x1) {
        pending[j]++;
        if (!qInCore) taint[j] = 1;
      }
    }
  }
  for (let pr = y0; pr < y1; pr++) {
    for (let pc = x0; pc < x1; pc++) {
      let q = pr * pw + pc;
      if (taint[q] !== 1) continue;
      // mark downstream (2 = marked by a walk; 1 = a seed not yet walked)
      taint[q] = 2;
      for (;;) {
        const j = recv[q]!;
        if (j < 0) break;
        const jr = (j / pw) | 0;
        const jc = j - jr * pw;
        if (!(jr >= y0 && jr < y1 && jc >= x0 && jc < x1) || taint[j] === 2) break;
        taint[j] = 2;
        q = j;
      }
    }
  }
  // the per-tile step: the in-memory traversal restricted to the untainted cells (row-major over the core, each chain
  // followed while in-degrees clear behind the scan): inside one tile, row-major order is the global one, so each
  // untainted cell's donors arrive in increasing order of top and the pushed sums are the in-memory sums
  const top = st.top;
  for (let pr = y0; pr < y1; pr++) {
    for (let pc = x0; pc < x1; pc++) {
      const start = pr * pw + pc;
      if (pending[start] !== 0 || taint[start] !== 0) continue;
      let k = start;
      for (;;) {
        pending[k] = DONE;
        st.remaining--;
        const j = recv[k]!;
        if (j < 0) break;
        const jr = (j / pw) | 0;
        const jc = j - jr * pw;
        if (!(jr >= y0 && jr < y1 && jc >= x0 && jc < x1)) {
          const kr = ((k / pw) | 0) + pad.y;
          const kc = k - ((k / pw) | 0) * pw + pad.x;
          exits.index.push(kr * W + kc);
          exits.acc.push(acc[k]!);
          exits.top.push(top[k]!);
          break;
        }
        --pending[j];
        if (taint[j] !== 0) break;
        acc[j] += acc[k]!;
        if (top[k]! > top[j]!) top[j] = top[k]!;
        if (pending[j] !== 0 || j > start) break;
        k = j;
      }
    }
  }
}

/**
 * The global step of the exchange: the exits of every tile visited, grouped by the tile each one's receiver lies in.
 * Tiles are those of `tiles(grid, { tileWidth, tileHeight })`.
 *
 * @param grid - the whole grid.
 * @param tileWidth - tile width in cells.
 * @param tileHeight - tile height in cells.
 * @param codesAt - the D8 code of a global cell index (only exit cells are asked).
 * @param exits - exits as the visits returned them.
 * @returns a map from tile index to the exits entering it.
 */
export function routeTileExits(
  grid: Pick<Grid, 'width' | 'height'>, tileWidth: number, tileHeight: number, codesAt: (index: number) => number, exits: readonly TileExits[],
): Map<number, TileExits> {
  const W = grid.width;
  const cols = Math.ceil(W / tileWidth);
  const buckets = new Map<number, { index: number[]; acc: number[]; top: number[] }>();
  for (const ex of exits) {
    for (let m = 0; m < ex.index.length; m++) {
      const g = ex.index[m]!;
      const r = Math.floor(g / W);
      const c = g - r * W;
      const code = codesAt(g);
      const rr = r + DR[code]!;
      const cc = c + DC[code]!;
      const t = Math.floor(rr / tileHeight) * cols + Math.floor(cc / tileWidth);
      let b = buckets.get(t);
      if (b === undefined) buckets.set(t, (b = { index: [], acc: [], top: [] }));
      b.index.push(g);
      b.acc.push(ex.acc[m]!);
      b.top.push(ex.top[m]!);
    }
  }
  const out = new Map<number, TileExits>();
  for (const [t, b] of buckets) out.set(t, { index: Float64Array.from(b.index), acc: Float64Array.from(b.acc), top: Float64Array.from(b.top) });
  return out;
}

/**
 * The output values of a finished tile's core: totals, divided by the row's east-west cell width for `sca`.
 * @throws RusleError `INTERNAL` when some cell is not finished (a cycle in the routing).
 */
export function d8AccumulationTileOutput(input: D8AccumulationTileInput, state: D8AccumulationTileState, out?: Float64Array): Float64Array {
  const { grid, core, padded: pad, output } = input;
  if (state.remaining !== 0) {
    throw new RusleError('INTERNAL', `accumulate: the d8 routing has a cycle: ${state.remaining} valid cells of the tile at column ${core.x}, row ${core.y} never had their in-degree clear`);
  }
  const res = out ?? new Float64Array(core.width * core.height);
  const widths = output === 'sca' ? grid.rowCellWidthsMeters() : null;
  const x0 = core.x - pad.x;
  const y0 = core.y - pad.y;
  for (let cr = 0; cr < core.height; cr++) {
    const inv = widths === null ? 1 : 1 / widths[core.y + cr]!;
    const p0 = (y0 + cr) * pad.width + x0;
    for (let cc = 0; cc < core.width; cc++) {
      const v = state.acc[p0 + cc]!;
      res[cr * core.width + cc] = widths === null ? v : v * inv;
    }
  }
  return res;
}

/** Options of {@link accumulateTiled}: those of `accumulate` and the tile shape. */
export interface AccumulateTiledOptions extends AccumulateOptions {
  /** Tile width in cells. @defaultValue 512 */
  readonly tileWidth?: number;
  /** Tile height in cells. @defaultValue 512 */
  readonly tileHeight?: number;
}

/**
 * D8 flow accumulation computed tile by tile ({@link d8AccumulationTileVisit} and {@link routeTileExits} in rounds
 * until no exit is left): the in-memory driver of the tiled accumulation, bit for bit equal to
 * `accumulate(routing, options)` for every tile size. The job layer runs the same visits from tile files.
 *
 * @param routing - `{ kind: 'd8', codes }`; MFD and D∞ are accumulated in memory only.
 * @param options - `accumulate` options plus `tileWidth`, `tileHeight`.
 * @returns a `Float64Array` raster on the routing's grid, NaN where the routing is nodata.
 * @throws RusleError as `accumulate`; `BAD_ARGUMENT` for a routing that is not D8 or a bad tile size.
 * @example
 * ```ts
 * const area = accumulateTiled(d8Routing(filled, { flats }), { output: 'm2', tileWidth: 256, tileHeight: 256 });
 * ```
 */
export function accumulateTiled(routing: D8Routing, options: AccumulateTiledOptions = {}): Raster<Float64Array> {
  if (routing === null || typeof routing !== 'object' || routing.kind !== 'd8') {
    throw new RusleError('BAD_ARGUMENT', `routing.kind: accumulateTiled takes a d8 routing; ${String((routing as { kind?: unknown } | null)?.kind)} is accumulated in memory only (accumulate)`);
  }
  const codes = routing.codes;
  if (!(codes instanceof Raster) || !(codes.data instanceof Uint8Array)) throw new RusleError('BAD_ARGUMENT', 'routing.codes: expected a Raster<Uint8Array> of D8 codes');
  const output = options.output ?? ACCUMULATE_DEFAULTS.output;
  if (output !== 'cells' && output !== 'm2' && output !== 'sca') {
    throw new RusleError('BAD_ARGUMENT', `output: expected 'cells', 'm2' or 'sca', got '${String(output)}'`);
  }
  const weights = options.weights ?? ACCUMULATE_DEFAULTS.weights;
  if (typeof weights === 'number') {
    if (!Number.isFinite(weights)) throw new RusleError('BAD_VALUE', `weights: expected a finite number or a raster, got ${weights}`);
  } else {
    if (!(weights instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'weights: expected a Raster or a number');
    assertAligned(codes, weights, ['routing', 'weights']);
  }
  const grid = codes.grid;
  const W = grid.width;
  const tw = options.tileWidth ?? 512;
  const th = options.tileHeight ?? 512;
  const list: Tile[] = [...tiles(grid, { tileWidth: tw, tileHeight: th, halo: 1 })];
  const inputs: D8AccumulationTileInput[] = list.map((t) => {
    const pc = new Uint8Array(t.padded.width * t.padded.height);
    for (let r = 0; r < t.padded.height; r++) {
      const s = (t.padded.y + r) * W + t.padded.x;
      pc.set(codes.data.subarray(s, s + t.padded.width), r * t.padded.width);
    }
    let wt: D8AccumulationTileInput['weights'] = weights as number;
    if (typeof weights !== 'number') {
      const d = new (weights.data.constructor as new (n: number) => TypedArray)(t.core.width * t.core.height);
      for (let r = 0; r < t.core.height; r++) {
        const s = (t.core.y + r) * W + t.core.x;
        d.set(weights.data.subarray(s, s + t.core.width) as never, r * t.core.width);
      }
      wt = { data: d, nodata: weights.nodata };
    }
    return { grid, core: t.core, padded: t.padded, codes: pc, weights: wt, output };
  });
  const states: (D8AccumulationTileState | null)[] = list.map(() => null);
  const inbox = new Map<number, TileExits[]>();
  const codesAt = (g: number): number => codes.data[g]!;
  let todo: number[] = list.map((t) => t.index);
  while (todo.length > 0) {
    for (const ti of todo) {
      const arrived = inbox.get(ti) ?? [];
      inbox.delete(ti);
      const { state, exits } = d8AccumulationTileVisit(inputs[ti]!, states[ti]!, arrived);
      states[ti] = state;
      if (exits.index.length > 0) {
        // deliver at once: tiles later in this round see them (row-major order finishes most crossings in one round)
        for (const [t, ex] of routeTileExits(grid, tw, th, codesAt, [exits])) {
          const q = inbox.get(t);
          if (q === undefined) inbox.set(t, [ex]);
          else q.push(ex);
        }
      }
    }
    todo = [...inbox.keys()].sort((a, b) => a - b);
  }
  const out = new Float64Array(W * grid.height);
  for (const t of list) {
    const v = d8AccumulationTileOutput(inputs[t.index]!, states[t.index]!);
    for (let r = 0; r < t.core.height; r++) out.set(v.subarray(r * t.core.width, (r + 1) * t.core.width), (t.core.y + r) * W + t.core.x);
  }
  return new Raster(grid, out, NaN);
}

/**
 * Peak bytes per cell of the in-memory flow chain (conditioned DEM, flat arrays, routing, in-degrees, output), by
 * routing: the figure the memory budget is checked against before any heavy work.
 */
export const FLOW_IN_MEMORY_BYTES_PER_CELL: Readonly<Record<'d8' | 'mfd' | 'dinf', number>> = Object.freeze({ d8: 24, mfd: 40, dinf: 44 });

/**
 * How a flow accumulation runs under a memory budget: in memory when the in-memory chain fits, else tiled — which
 * only D8 can be. Call it before reading anything.
 *
 * @param kind - the routing.
 * @param width - grid width in cells.
 * @param height - grid height in cells.
 * @param memoryBudget - bytes.
 * @returns `'memory'` or `'tiled'` and the in-memory need in bytes.
 * @throws RusleError `OUT_OF_MEMORY_BUDGET` for MFD or D∞ on a grid whose in-memory chain exceeds the budget (their
 *   accumulation is in memory only), with the need in the message and `details`; `BAD_ARGUMENT` for a budget that
 *   is not a positive number.
 * @example
 * ```ts
 * const { mode } = flowAccumulationPlan('d8', 41000, 41000, 2 * 2 ** 30); // 'tiled'
 * ```
 */
export function flowAccumulationPlan(kind: 'd8' | 'mfd' | 'dinf', width: number, height: number, memoryBudget: number): { mode: 'memory' | 'tiled'; inMemoryBytes: number } {
  if (!(memoryBudget > 0)) throw new RusleError('BAD_ARGUMENT', `memoryBudget: expected a positive number of bytes, got ${memoryBudget}`);
  const per = FLOW_IN_MEMORY_BYTES_PER_CELL[kind];
  if (per === undefined) throw new RusleError('BAD_ARGUMENT', `routing: expected 'd8', 'mfd' or 'dinf', got '${String(kind)}'`);
  const need = per * width * height;
  if (need <= memoryBudget) return { mode: 'memory', inMemoryBytes: need };
  if (kind === 'd8') return { mode: 'tiled', inMemoryBytes: need };
  throw new RusleError('OUT_OF_MEMORY_BUDGET',
    `${kind} accumulation runs in memory only and needs about ${need} bytes (${per} per cell × ${width} × ${height}), over the memory budget of ${memoryBudget}; use D8 routing (tiled above the budget) or raise the budget`,
    { needBytes: need, memoryBudget, routing: kind });
}
