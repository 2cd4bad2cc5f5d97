/**
 * Flat resolution tile by tile, bit-identical to {@link resolveFlats} on the whole grid (labels, mask and counts).
 *
 * Barnes, R., Lehman, C., Mulla, D. (2014). An efficient assignment of drainage direction over flat surfaces in
 * raster digital elevation models. Computers & Geosciences 62, 128–135. doi:10.1016/j.cageo.2013.01.009; the
 * perimeter/global split follows Barnes (2016, 2017).
 *
 * What `resolveFlats` computes, stated so that it can be split:
 * - a *flat cell* is valid, off the grid edge, with eight valid neighbours none lower; a *low edge* is a draining
 *   cell with a flat neighbour of equal elevation; a *high edge* is a flat cell with a higher neighbour;
 * - a **label** is an 8-connected component of equal-elevation valid cells that holds a low edge; labels are
 *   numbered by the position of the component's first low edge in the low-edge queue, i.e. by the smallest key
 *   8 · (index of the flat cell that found the low edge) + (its D8 direction to it);
 * - each 8-connected component of flat cells ("flat piece") that touches a low edge is drained: away(c) is 1 + the
 *   breadth-first distance through the piece to its nearest high edge (0 when the piece has none), d(c) is the
 *   distance to its nearest cell beside a low edge plus 1, flatHeight is the largest away over the label, and
 *   mask(c) = (away(c) > 0 ? flatHeight − away(c) : 0) + 2 · (d(c) + 1); low edges get 2.
 *
 * **Steps.**
 * 1. {@link flatsTileSummary} (per tile, window with a two-cell halo): local equal-elevation components (only those
 *    that hold a low edge or reach the tile's ring are listed), their smallest low-edge key and the largest away of
 *    their flat pieces that lie inside the tile (distances computed here); the ring's component ids and elevations;
 *    and, for flat pieces that cross the tile's edge, their cells (global index, high-edge and beside-low-edge flags).
 * 2. {@link flatsGlobal} (global): components joined across tile edges (union-find on the ring), flat pieces that
 *    cross tiles joined and their distances computed by breadth-first search over their cells, labels numbered by
 *    key, flatHeight reduced per label.
 * 3. {@link flatsTileFinish} (per tile): labels and mask of the tile from its own pieces and the global tables.
 *
 * **Memory.** Tile jobs: the window (8 B/cell as Float64) plus about 20 B/cell of state. The global step holds
 * O(Σ ring cells + labels) numbers and, at once, the cells of every flat piece that crosses a tile edge (about 48 B
 * per such cell). A crossing flat larger than `maxCrossingFlatCells` is refused with `OUT_OF_MEMORY_BUDGET`, naming
 * the flat by one of its cells and its size.
 * @module
 */

import { RusleError } from '../raster/errors.js';
import type { FlatResolution } from './flats.js';
import { checkTiling, ringIndices, ringPosition, type Tiling, tileTotal, tileWindow } from './fill-tiled.js';
import { Raster, isFloatArray } from '../raster/raster.js';

const DC = [1, 1, 0, -1, -1, -1, 0, 1];
const DR = [0, 1, 1, 1, 0, -1, -1, -1];
const DRAINS = 1;
const FLAT = 2;

/** Tile t's window with a two-cell halo as Float64 (NaN: nodata or off the grid) from a read of the clipped window. */
export function flatsWindowValues(tiling: Tiling, t: number, read: Pick<Raster, 'data' | 'width' | 'height' | 'nodata'>): Float64Array {
  const core = tileWindow(tiling, t);
  const W = core.width + 4;
  const H = core.height + 4;
  const out = new Float64Array(W * H).fill(NaN);
  const px = Math.max(0, core.x - 2);
  const py = Math.max(0, core.y - 2);
  const ox = px - (core.x - 2);
  const oy = py - (core.y - 2);
  const src = read.data;
  const nd = isFloatArray(src) ? null : read.nodata;
  for (let r = 0; r < read.height; r++) {
    for (let c = 0; c < read.width; c++) {
      const v = src[r * read.width + c]!;
      out[(r + oy) * W + c + ox] = nd !== null && v === nd ? NaN : v;
    }
  }
  return out;
}

/** The clipped window (core + two cells) that {@link flatsWindowValues} expects for tile t. */
export function flatsReadWindow(tiling: Tiling, t: number): { x: number; y: number; width: number; height: number } {
  const core = tileWindow(tiling, t);
  const x = Math.max(0, core.x - 2);
  const y = Math.max(0, core.y - 2);
  return { x, y, width: Math.min(tiling.width, core.x + core.width + 2) - x, height: Math.min(tiling.height, core.y + core.height + 2) - y };
}

/** Everything a tile computes on its own (recomputed by the finishing step). */
interface Local {
  w: number;
  h: number;
  /** Window index of core cell k. */
  win: (k: number) => number;
  cls: Uint8Array; // window
  /** Local equal-elevation component per core cell (-1 nodata). */
  comp: Int32Array;
  compCount: number;
  compKey: Float64Array;
  /** Relevant component id (listed in the summary) per component, -1 when not listed. */
  relevant: Int32Array;
  relevantCount: number;
  /** Flat piece per core cell (-1 not flat). */
  piece: Int32Array;
  pieceCount: number;
  pieceCross: Uint8Array;
  pieceLow: Uint8Array;
  /** away and d of flat cells of drained pieces inside the tile (0 elsewhere). */
  away: Int32Array;
  dist: Int32Array;
  compMaxAway: Int32Array;
  lowEdge: Uint8Array; // core
  flatCells: number;
}

function local(tiling: Tiling, t: number, z: Float64Array): Local {
  const core = tileWindow(tiling, t);
  const w = core.width;
  const h = core.height;
  const W = w + 4;
  const H = h + 4;
  if (z.length !== W * H) throw new RusleError('INTERNAL', `flats: window of tile ${t} has ${z.length} cells, expected ${W * H}`);
  const win = (k: number): number => {
    const r = (k / w) | 0;
    return (r + 2) * W + (k - r * w) + 2;
  };
  // Classes on the core and the first halo ring.
  const cls = new Uint8Array(W * H);
  for (let r = 1; r < H - 1; r++) {
    for (let c = 1; c < W - 1; c++) {
      const i = r * W + c;
      const zi = z[i]!;
      if (zi !== zi) continue;
      let flat = true;
      for (let d = 0; d < 8 && flat; d++) if (!(z[i + DR[d]! * W + DC[d]!]! >= zi)) flat = false;
      cls[i] = flat ? FLAT : DRAINS;
    }
  }
  const n = w * h;
  // Low edges of the core and their keys.
  const lowEdge = new Uint8Array(n);
  const key = new Float64Array(n).fill(Infinity);
  for (let k = 0; k < n; k++) {
    const i = win(k);
    if (cls[i] !== DRAINS) continue;
    const r = (k / w) | 0;
    const c = k - r * w;
    for (let d = 0; d < 8; d++) {
      const j = i + DR[d]! * W + DC[d]!;
      if (cls[j] !== FLAT || z[j] !== z[i]) continue;
      lowEdge[k] = 1;
      // j found i in direction opposite to d: (d + 4) % 8
      const g = (core.y + r + DR[d]!) * tiling.width + (core.x + c + DC[d]!);
      const kk = g * 8 + ((d + 4) & 7);
      if (kk < key[k]!) key[k] = kk;
    }
  }
  // Equal-elevation components of the core.
  const comp = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  let compCount = 0;
  const keys: number[] = [];
  const onRing: number[] = [];
  for (let s = 0; s < n; s++) {
    if (comp[s] !== -1 || z[win(s)] !== z[win(s)]) continue;
    const id = compCount++;
    const zs = z[win(s)]!;
    let top = 0;
    stack[top++] = s;
    comp[s] = id;
    let kmin = Infinity;
    let ring = 0;
    while (top > 0) {
      const k = stack[--top]!;
      if (key[k]! < kmin) kmin = key[k]!;
      const r = (k / w) | 0;
      const c = k - r * w;
      if (r === 0 || c === 0 || r === h - 1 || c === w - 1) ring = 1;
      for (let d = 0; d < 8; d++) {
        const rr = r + DR[d]!;
        const cc = c + DC[d]!;
        if (rr < 0 || cc < 0 || rr >= h || cc >= w) continue;
        const j = rr * w + cc;
        if (comp[j] === -1 && z[win(j)] === zs) {
          comp[j] = id;
          stack[top++] = j;
        }
      }
    }
    keys.push(kmin);
    onRing.push(ring);
  }
  const relevant = new Int32Array(compCount).fill(-1);
  let relevantCount = 0;
  for (let q = 0; q < compCount; q++) if (keys[q]! < Infinity || onRing[q]) relevant[q] = relevantCount++;
  // Flat pieces of the core.
  const piece = new Int32Array(n).fill(-1);
  let pieceCount = 0;
  const cross: number[] = [];
  const low: number[] = [];
  const members: number[][] = [];
  for (let s = 0; s < n; s++) {
    if (piece[s] !== -1 || cls[win(s)] !== FLAT) continue;
    const id = pieceCount++;
    let top = 0;
    stack[top++] = s;
    piece[s] = id;
    let cr = 0;
    let lo = 0;
    const list: number[] = [];
    while (top > 0) {
      const k = stack[--top]!;
      list.push(k);
      const i = win(k);
      const r = (k / w) | 0;
      const c = k - r * w;
      for (let d = 0; d < 8; d++) {
        const j = i + DR[d]! * W + DC[d]!;
        const rr = r + DR[d]!;
        const cc = c + DC[d]!;
        const inCore = rr >= 0 && cc >= 0 && rr < h && cc < w;
        if (cls[j] === FLAT) {
          if (!inCore) cr = 1;
          else if (piece[rr * w + cc] === -1) {
            piece[rr * w + cc] = id;
            stack[top++] = rr * w + cc;
          }
        } else if (cls[j] === DRAINS && z[j] === z[i]) lo = 1;
      }
    }
    cross.push(cr);
    low.push(lo);
    members.push(list);
  }
  // Distances inside drained pieces that stay in the tile.
  const away = new Int32Array(n);
  const dist = new Int32Array(n);
  const compMaxAway = new Int32Array(compCount);
  let flatCells = 0;
  const q = new Int32Array(n);
  for (let p = 0; p < pieceCount; p++) {
    if (cross[p] || !low[p]) continue;
    const list = members[p]!;
    flatCells += list.length;
    bfs(list, q, (k) => isHigh(z, cls, win(k), W), away, piece, p, w, h);
    bfs(list, q, (k) => besideLow(z, cls, win(k), W), dist, piece, p, w, h);
    let m = 0;
    for (const k of list) if (away[k]! > m) m = away[k]!;
    const cq = comp[list[0]!]!;
    if (m > compMaxAway[cq]!) compMaxAway[cq] = m;
  }
  return {
    w, h, win, cls, comp, compCount, compKey: Float64Array.from(keys), relevant, relevantCount, piece, pieceCount,
    pieceCross: Uint8Array.from(cross), pieceLow: Uint8Array.from(low), away, dist, compMaxAway, lowEdge, flatCells,
  };
}

function isHigh(z: Float64Array, cls: Uint8Array, i: number, W: number): boolean {
  for (let d = 0; d < 8; d++) if (z[i + DR[d]! * W + DC[d]!]! > z[i]!) return true;
  return false;
}

function besideLow(z: Float64Array, cls: Uint8Array, i: number, W: number): boolean {
  for (let d = 0; d < 8; d++) {
    const j = i + DR[d]! * W + DC[d]!;
    if (cls[j] === DRAINS && z[j] === z[i]) return true;
  }
  return false;
}

/** Multi-source BFS over the cells of one piece (core indices): sources at 1, each step + 1. */
function bfs(list: number[], q: Int32Array, source: (k: number) => boolean, out: Int32Array, piece: Int32Array, p: number, w: number, h: number): void {
  let head = 0;
  let tail = 0;
  for (const k of list) {
    if (source(k)) {
      out[k] = 1;
      q[tail++] = k;
    }
  }
  while (head < tail) {
    const k = q[head++]!;
    const r = (k / w) | 0;
    const c = k - r * w;
    for (let d = 0; d < 8; d++) {
      const rr = r + DR[d]!;
      const cc = c + DC[d]!;
      if (rr < 0 || cc < 0 || rr >= h || cc >= w) continue;
      const j = rr * w + cc;
      if (piece[j] !== p || out[j] !== 0) continue;
      out[j] = out[k]! + 1;
      q[tail++] = j;
    }
  }
}

/** Perimeter summary of one tile for the flats (step 1). */
export interface FlatsTileSummary {
  /** Relevant component id of each ring cell (ring order), -1 nodata. */
  readonly ringComp: Int32Array;
  /** Elevation of each ring cell (ring order). */
  readonly ringZ: Float64Array;
  /** Per relevant component: smallest low-edge key (Infinity: none) and largest away of its pieces inside the tile. */
  readonly compKey: Float64Array;
  readonly compMaxAway: Int32Array;
  /** Cells of flat pieces that cross the tile's edge: global index, piece (local), flags (1 high edge, 2 beside a low edge). */
  readonly crossIndex: Float64Array;
  readonly crossPiece: Int32Array;
  readonly crossFlags: Uint8Array;
  /** Relevant component of each crossing piece (indexed by local piece id; -1 for pieces that do not cross). */
  readonly pieceComp: Int32Array;
}

/** Step 1 of the tiled flats. @param window - from {@link flatsWindowValues}. */
export function flatsTileSummary(tiling: Tiling, t: number, window: Float64Array): FlatsTileSummary {
  const L = local(tiling, t, window);
  const core = tileWindow(tiling, t);
  const W = L.w + 4;
  const ring = ringIndices(L.w, L.h);
  const ringComp = new Int32Array(ring.length);
  const ringZ = new Float64Array(ring.length);
  for (let k = 0; k < ring.length; k++) {
    const c = L.comp[ring[k]!]!;
    ringComp[k] = c < 0 ? -1 : L.relevant[c]!;
    ringZ[k] = window[L.win(ring[k]!)]!;
  }
  const compKey = new Float64Array(L.relevantCount);
  const compMaxAway = new Int32Array(L.relevantCount);
  for (let c = 0; c < L.compCount; c++) {
    const r = L.relevant[c]!;
    if (r < 0) continue;
    compKey[r] = L.compKey[c]!;
    compMaxAway[r] = L.compMaxAway[c]!;
  }
  const idx: number[] = [];
  const pc: number[] = [];
  const fl: number[] = [];
  const pieceComp = new Int32Array(L.pieceCount).fill(-1);
  for (let k = 0; k < L.w * L.h; k++) {
    const p = L.piece[k]!;
    if (p < 0 || !L.pieceCross[p]) continue;
    pieceComp[p] = L.relevant[L.comp[k]!]!;
    const r = (k / L.w) | 0;
    idx.push((core.y + r) * tiling.width + core.x + k - r * L.w);
    pc.push(p);
    const i = L.win(k);
    fl.push((isHigh(window, L.cls, i, W) ? 1 : 0) | (besideLow(window, L.cls, i, W) ? 2 : 0));
  }
  return { ringComp, ringZ, compKey, compMaxAway, crossIndex: Float64Array.from(idx), crossPiece: Int32Array.from(pc), crossFlags: Uint8Array.from(fl), pieceComp };
}

/** What the global step gives each tile (step 2 → step 3). */
export interface FlatsTileGlobal {
  /** Label (0: none) and flatHeight of each relevant component. */
  readonly compLabel: Int32Array;
  readonly compFlatHeight: Int32Array;
  /** Final mask of each crossing cell, in the order of the summary's `crossIndex`; -1 when its flat is undrained. */
  readonly crossMask: Int32Array;
}

/** Options of {@link flatsGlobal}. */
export interface FlatsGlobalOptions {
  /** Largest flat (cells) crossing tile edges that the global step may hold. @defaultValue Infinity */
  readonly maxCrossingFlatCells?: number;
}

/** Step 2 of the tiled flats: joins components and crossing flats over the whole grid. Returns per-tile tables and the label count. */
export function flatsGlobal(tiling: Tiling, summaries: readonly FlatsTileSummary[], options: FlatsGlobalOptions = {}): { tiles: FlatsTileGlobal[]; flatCount: number } {
  const T = tileTotal(tiling);
  const maxCells = options.maxCrossingFlatCells ?? Infinity;
  // Union-find over the relevant components of every tile.
  const base = new Int32Array(T + 1);
  for (let t = 0; t < T; t++) base[t + 1] = base[t]! + summaries[t]!.compKey.length;
  const parent = new Int32Array(base[T]!);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  const union = (a: number, b: number): void => {
    a = find(a);
    b = find(b);
    if (a !== b) parent[a < b ? b : a] = a < b ? a : b;
  };
  const ntx = Math.ceil(tiling.width / tiling.tileWidth);
  const lookup = (row: number, col: number): { tile: number; pos: number } => {
    const tx = Math.floor(col / tiling.tileWidth);
    const ty = Math.floor(row / tiling.tileHeight);
    const x = tx * tiling.tileWidth;
    const y = ty * tiling.tileHeight;
    return { tile: ty * ntx + tx, pos: ringPosition(row - y, col - x, Math.min(tiling.tileWidth, tiling.width - x), Math.min(tiling.tileHeight, tiling.height - y)) };
  };
  for (let t = 0; t < T; t++) {
    const win = tileWindow(tiling, t);
    const ring = ringIndices(win.width, win.height);
    const s = summaries[t]!;
    for (let k = 0; k < ring.length; k++) {
      const ca = s.ringComp[k]!;
      if (ca < 0) continue;
      const lr = (ring[k]! / win.width) | 0;
      const r = win.y + lr;
      const c = win.x + ring[k]! - lr * win.width;
      for (let d = 0; d < 8; d++) {
        const rr = r + DR[d]!;
        const cc = c + DC[d]!;
        if (rr < 0 || cc < 0 || rr >= tiling.height || cc >= tiling.width) continue;
        if (rr >= win.y && rr < win.y + win.height && cc >= win.x && cc < win.x + win.width) continue;
        const o = lookup(rr, cc);
        if (o.tile < t) continue;
        const so = summaries[o.tile]!;
        const cb = so.ringComp[o.pos]!;
        if (cb < 0 || so.ringZ[o.pos] !== s.ringZ[k]) continue;
        union(base[t]! + ca, base[o.tile]! + cb);
      }
    }
  }
  const rootKey = new Float64Array(parent.length).fill(Infinity);
  const rootAway = new Int32Array(parent.length);
  for (let t = 0; t < T; t++) {
    const s = summaries[t]!;
    for (let k = 0; k < s.compKey.length; k++) {
      const r = find(base[t]! + k);
      if (s.compKey[k]! < rootKey[r]!) rootKey[r] = s.compKey[k]!;
      if (s.compMaxAway[k]! > rootAway[r]!) rootAway[r] = s.compMaxAway[k]!;
    }
  }
  // Crossing flats: all their cells, joined into flats, distances by breadth-first search.
  const cellAt = new Map<number, number>();
  const cellTile: number[] = [];
  const cellK: number[] = [];
  for (let t = 0; t < T; t++) {
    const s = summaries[t]!;
    for (let k = 0; k < s.crossIndex.length; k++) {
      cellAt.set(s.crossIndex[k]!, cellTile.length);
      cellTile.push(t);
      cellK.push(k);
    }
  }
  const nc = cellTile.length;
  const cparent = new Int32Array(nc);
  for (let i = 0; i < nc; i++) cparent[i] = i;
  const cfind = (x: number): number => {
    while (cparent[x] !== x) {
      cparent[x] = cparent[cparent[x]!]!;
      x = cparent[x]!;
    }
    return x;
  };
  const nbrs = (g: number, f: (j: number) => void): void => {
    const r = Math.floor(g / tiling.width);
    const c = g - r * tiling.width;
    for (let d = 0; d < 8; d++) {
      const rr = r + DR[d]!;
      const cc = c + DC[d]!;
      if (rr < 0 || cc < 0 || rr >= tiling.height || cc >= tiling.width) continue;
      const j = cellAt.get(rr * tiling.width + cc);
      if (j !== undefined) f(j);
    }
  };
  for (let i = 0; i < nc; i++) {
    const s = summaries[cellTile[i]!]!;
    nbrs(s.crossIndex[cellK[i]!]!, (j) => {
      const a = cfind(i);
      const b = cfind(j);
      if (a !== b) cparent[a < b ? b : a] = a < b ? a : b;
    });
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < nc; i++) {
    const r = cfind(i);
    let g = groups.get(r);
    if (!g) groups.set(r, (g = []));
    g.push(i);
  }
  const away = new Int32Array(nc);
  const dist = new Int32Array(nc);
  const drained = new Uint8Array(nc);
  const flag = (i: number): number => summaries[cellTile[i]!]!.crossFlags[cellK[i]!]!;
  const gidx = (i: number): number => summaries[cellTile[i]!]!.crossIndex[cellK[i]!]!;
  const queue = new Int32Array(nc);
  const search = (cells: number[], bit: number, out: Int32Array): void => {
    let head = 0;
    let tail = 0;
    for (const i of cells) if (flag(i) & bit) {
      out[i] = 1;
      queue[tail++] = i;
    }
    while (head < tail) {
      const i = queue[head++]!;
      nbrs(gidx(i), (j) => {
        if (out[j] === 0) {
          out[j] = out[i]! + 1;
          queue[tail++] = j;
        }
      });
    }
  };
  for (const cells of groups.values()) {
    if (cells.length > maxCells) {
      const g = Math.min(...cells.map(gidx));
      throw new RusleError('OUT_OF_MEMORY_BUDGET', `resolveFlats (tiled): the flat at row ${Math.floor(g / tiling.width)}, column ${g % tiling.width} crosses tile edges and has ${cells.length} cells, more than the ${maxCells} the memory budget allows for one crossing flat; raise the budget or use larger tiles`);
    }
    if (!cells.some((i) => flag(i) & 2)) continue;
    for (const i of cells) drained[i] = 1;
    search(cells, 1, away);
    search(cells, 2, dist);
    let m = 0;
    for (const i of cells) if (away[i]! > m) m = away[i]!;
    const i0 = cells[0]!;
    const t0 = cellTile[i0]!;
    const s0 = summaries[t0]!;
    const r = find(base[t0]! + s0.pieceComp[s0.crossPiece[cellK[i0]!]!]!);
    if (m > rootAway[r]!) rootAway[r] = m;
  }
  // Labels by key.
  const roots: number[] = [];
  for (let i = 0; i < parent.length; i++) if (find(i) === i && rootKey[i]! < Infinity) roots.push(i);
  roots.sort((a, b) => rootKey[a]! - rootKey[b]!);
  const rootLabel = new Int32Array(parent.length);
  roots.forEach((r, k) => {
    rootLabel[r] = k + 1;
  });
  const tiles: FlatsTileGlobal[] = [];
  for (let t = 0; t < T; t++) {
    const s = summaries[t]!;
    const compLabel = new Int32Array(s.compKey.length);
    const compFlatHeight = new Int32Array(s.compKey.length);
    for (let k = 0; k < compLabel.length; k++) {
      const r = find(base[t]! + k);
      compLabel[k] = rootLabel[r]!;
      compFlatHeight[k] = rootAway[r]!;
    }
    tiles.push({ compLabel, compFlatHeight, crossMask: new Int32Array(s.crossIndex.length) });
  }
  for (let i = 0; i < nc; i++) {
    const t = cellTile[i]!;
    const s = summaries[t]!;
    const k = cellK[i]!;
    if (!drained[i]) {
      tiles[t]!.crossMask[k] = -1;
      continue;
    }
    const fh = tiles[t]!.compFlatHeight[s.pieceComp[s.crossPiece[k]!]!]!;
    tiles[t]!.crossMask[k] = (away[i]! > 0 ? fh - away[i]! : 0) + 2 * (dist[i]! + 1);
  }
  return { tiles, flatCount: roots.length };
}

/** Result of {@link flatsTileFinish}: the tile's labels and mask, and its counts. */
export interface FlatsTileResult {
  readonly labels: Int32Array;
  readonly flatMask: Int32Array;
  /** Flat cells of drained flats in the tile. */
  readonly flatCellCount: number;
  /** Flat cells in the tile. */
  readonly totalFlatCells: number;
}

/** Step 3 of the tiled flats: the tile's labels and mask. */
export function flatsTileFinish(tiling: Tiling, t: number, window: Float64Array, global: FlatsTileGlobal): FlatsTileResult {
  const L = local(tiling, t, window);
  const n = L.w * L.h;
  const labels = new Int32Array(n);
  const flatMask = new Int32Array(n);
  let total = 0;
  let flatCells = L.flatCells;
  let crossK = 0;
  for (let k = 0; k < n; k++) {
    const c = L.comp[k]!;
    if (c < 0) continue;
    const r = L.relevant[c]!;
    const label = r >= 0 ? global.compLabel[r]! : 0;
    labels[k] = label;
    if (L.lowEdge[k]) flatMask[k] = 2;
    const p = L.piece[k]!;
    if (p < 0) continue;
    total++;
    if (L.pieceCross[p]) {
      const m = global.crossMask[crossK++]!;
      if (m >= 0) {
        flatMask[k] = m;
        flatCells++;
      }
    } else if (L.pieceLow[p]) {
      const a = L.away[k]!;
      flatMask[k] = (a > 0 ? global.compFlatHeight[r]! - a : 0) + 2 * (L.dist[k]! + 1);
    }
  }
  return { labels, flatMask, flatCellCount: flatCells, totalFlatCells: total };
}

/** Options of {@link resolveFlatsTiled}. */
export interface ResolveFlatsTiledOptions extends FlatsGlobalOptions {
  /** Tile width in cells. @defaultValue 512 */
  readonly tileWidth?: number;
  /** Tile height in cells. @defaultValue 512 */
  readonly tileHeight?: number;
}

/**
 * The tiled flat resolution in memory: the same steps as the job stages. Returns exactly what
 * {@link resolveFlats} returns for the same DEM (labels, mask, counts), for any tile size.
 *
 * @param dem - filled DEM (NaN or the integer nodata value for nodata).
 * @param options - tile size; `maxCrossingFlatCells` bounds the global step.
 * @returns the {@link FlatResolution}.
 * @throws RusleError `OUT_OF_MEMORY_BUDGET` naming a crossing flat larger than `maxCrossingFlatCells`.
 * @example
 * ```ts
 * const flats = resolveFlatsTiled(fillDepressions(dem), { tileWidth: 256, tileHeight: 256 }); // = resolveFlats(…)
 * ```
 */
export function resolveFlatsTiled(dem: Raster, options: ResolveFlatsTiledOptions = {}): FlatResolution {
  if (!(dem instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'resolveFlatsTiled: dem must be a Raster');
  const tiling: Tiling = { width: dem.width, height: dem.height, tileWidth: options.tileWidth ?? 512, tileHeight: options.tileHeight ?? 512 };
  checkTiling(tiling, 'resolveFlatsTiled');
  const T = tileTotal(tiling);
  const windows: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const rw = flatsReadWindow(tiling, t);
    const data = new Float64Array(rw.width * rw.height);
    const nd = isFloatArray(dem.data) ? null : dem.nodata;
    for (let r = 0; r < rw.height; r++) {
      for (let c = 0; c < rw.width; c++) {
        const v = dem.data[(rw.y + r) * dem.width + rw.x + c]!;
        data[r * rw.width + c] = nd !== null && v === nd ? NaN : v;
      }
    }
    windows.push(flatsWindowValues(tiling, t, { data, width: rw.width, height: rw.height, nodata: NaN }));
  }
  const g = flatsGlobal(tiling, windows.map((win, t) => flatsTileSummary(tiling, t, win)), options);
  const n = dem.width * dem.height;
  const labels = new Int32Array(n);
  const flatMask = new Int32Array(n);
  let flatCellCount = 0;
  let total = 0;
  for (let t = 0; t < T; t++) {
    const r = flatsTileFinish(tiling, t, windows[t]!, g.tiles[t]!);
    const win = tileWindow(tiling, t);
    for (let y = 0; y < win.height; y++) {
      labels.set(r.labels.subarray(y * win.width, (y + 1) * win.width), (win.y + y) * dem.width + win.x);
      flatMask.set(r.flatMask.subarray(y * win.width, (y + 1) * win.width), (win.y + y) * dem.width + win.x);
    }
    flatCellCount += r.flatCellCount;
    total += r.totalFlatCells;
  }
  return { flatMask, labels, flatCount: g.flatCount, flatCellCount, undrainedCellCount: total - flatCellCount, width: dem.width, height: dem.height };
}
