/**
 * Depression filling tile by tile, bit-identical to {@link fillDepressions} on the whole grid.
 *
 * Barnes, R. (2016). Parallel Priority-Flood depression filling for trillion cell digital elevation models on
 * desktops or clusters. Computers & Geosciences 96, 56–68. doi:10.1016/j.cageo.2016.07.001
 *
 * **Steps** (pure functions over typed arrays; the job layer runs them as stages, {@link fillDepressionsTiled} in
 * memory):
 * 1. {@link fillTileSummary} (per tile): Priority-Flood of the tile with every valid cell of the tile's outer ring as
 *    a seed, each ring seed with its own watershed label, and the grid's true outlets (grid edge, beside nodata —
 *    the rule of `fillDepressions`) labelled *ocean*. The summary is the ring's labels and elevations and the spill
 *    edges between watersheds inside the tile (the lowest max(W, W′) over every pair of 8-neighbours with different
 *    labels): O(ring) numbers.
 * 2. {@link fillSpill} (global): the spill graph — watersheds as nodes, the tile-internal edges plus one edge per
 *    pair of 8-neighbouring ring cells of different tiles (weight max(z, z′)) — is flooded from the ocean by a
 *    minimax Dijkstra (Barnes 2016, §3.3). A ring cell's final value is max(z, spill of its watershed).
 * 3. {@link fillTileFinish} (per tile): the tile with a one-cell halo holding its neighbours' final ring values is
 *    filled by the same kernel as `fillDepressions` (halo cells are seeds at their values). With the halo final, the
 *    tile's cells equal the whole-grid fill: a cell's fill value is the minimum over paths to an outlet of the path's
 *    highest cell, and any path leaving the tile does so through a halo cell, whose own value already accounts for
 *    the rest of the path.
 *
 * **ε (Priority-Flood+ε).** The ε fill is the unique fixed point of W(c) = min over neighbours n of
 * max(z(c), next-float-above(W(n))), outlets fixed at z. Starting from the exact fill without ε (a lower bound of
 * it), {@link fillTileFinish} with ε is applied to every tile whose halo changed, with the halo taken from the previous
 * round, until no ring value changes. Each round is monotone, so the values rise to the fixed point. Where a filled
 * lake or flat lies across a tile edge the two sides hold each other down and rise by as little as one float step
 * per round, so the number of rounds grows with the lake's extent in tiles and in ε steps (exact, but costly).
 *
 * **Ring order.** A tile's ring cells (its outer row and column cells) are listed in row-major order
 * ({@link ringPosition}); a w × 1 or 1 × h tile's ring is the whole tile.
 *
 * **Memory** per tile job: the tile with its halo as float (4 or 8 B/cell) plus an Int32 label and a byte of state
 * per cell and the flood's queues; the global step holds O(Σ ring cells) numbers (two floats, an int and a few edges
 * per ring cell). Nothing is O(grid).
 *
 * `maxDepressionCells` is applied after the fill as a tiled size filter: raised regions are labelled per tile, their
 * pieces joined across tile edges by union-find on the ring ({@link raisedTileSummary}, {@link raisedSizes}), and
 * regions larger than the limit restored ({@link restoreTile}).
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { type FloatArray, isFloatArray, Raster } from '../raster/raster.js';
import { BinaryHeap, fillArrayInPlace, FILL_DEFAULTS, type FillOptions, type FillStats, RadixHeap, RingQueue } from './fill.js';

/** Tile layout of a tiled run: the grid's size and the tile size (the last tiles may be smaller). */
export interface Tiling {
  readonly width: number;
  readonly height: number;
  readonly tileWidth: number;
  readonly tileHeight: number;
}

/** The core window of tile `t` (row-major tile order, as `tiles()` in `src/raster/tiles.ts`). */
export function tileWindow(tiling: Tiling, t: number): { x: number; y: number; width: number; height: number } {
  const ntx = Math.ceil(tiling.width / tiling.tileWidth);
  const tx = t % ntx;
  const ty = (t - tx) / ntx;
  const x = tx * tiling.tileWidth;
  const y = ty * tiling.tileHeight;
  return { x, y, width: Math.min(tiling.tileWidth, tiling.width - x), height: Math.min(tiling.tileHeight, tiling.height - y) };
}

/** Number of tiles of a tiling. */
export function tileTotal(tiling: Tiling): number {
  return Math.ceil(tiling.width / tiling.tileWidth) * Math.ceil(tiling.height / tiling.tileHeight);
}

/** Checks a tiling. @throws RusleError `BAD_ARGUMENT`. */
export function checkTiling(tiling: Tiling, who: string): void {
  for (const k of ['width', 'height', 'tileWidth', 'tileHeight'] as const) {
    if (!Number.isInteger(tiling[k]) || tiling[k] <= 0) throw new RusleError('BAD_ARGUMENT', `${who}: ${k} must be a positive integer, got ${tiling[k]}`);
  }
}

/** Number of ring cells of a w × h tile. */
export function ringSize(w: number, h: number): number {
  return w * h - Math.max(0, w - 2) * Math.max(0, h - 2);
}

/** Position of local cell (row, col) in the ring order of a w × h tile, or -1 when it is not on the ring. */
export function ringPosition(row: number, col: number, w: number, h: number): number {
  if (row === 0) return col;
  const k = Math.min(w, 2);
  if (row === h - 1) return w + (h - 2) * k + col;
  if (col === 0) return w + (row - 1) * k;
  if (col === w - 1) return w + (row - 1) * k + 1;
  return -1;
}

/** Local indices (row × w + col) of the ring cells of a w × h tile, in ring order. */
export function ringIndices(w: number, h: number): Int32Array {
  const out = new Int32Array(ringSize(w, h));
  let k = 0;
  for (let r = 0; r < h; r++) {
    if (r === 0 || r === h - 1) for (let c = 0; c < w; c++) out[k++] = r * w + c;
    else {
      out[k++] = r * w;
      if (w > 1) out[k++] = r * w + w - 1;
    }
  }
  return out;
}

/** The tile containing grid cell (row, col). */
function ringTileOf(tiling: Tiling, row: number, col: number): number {
  return Math.floor(row / tiling.tileHeight) * Math.ceil(tiling.width / tiling.tileWidth) + Math.floor(col / tiling.tileWidth);
}

/** The ring position of grid cell (row, col) in its tile (-1 when not on the ring). */
function ringPosOf(tiling: Tiling, row: number, col: number): number {
  const x = Math.floor(col / tiling.tileWidth) * tiling.tileWidth;
  const y = Math.floor(row / tiling.tileHeight) * tiling.tileHeight;
  return ringPosition(row - y, col - x, Math.min(tiling.tileWidth, tiling.width - x), Math.min(tiling.tileHeight, tiling.height - y));
}

/** The tile containing grid cell (row, col) and the cell's ring position in it (-1 when not on its ring). */
function ringLookup(tiling: Tiling, row: number, col: number): { tile: number; pos: number } {
  const ntx = Math.ceil(tiling.width / tiling.tileWidth);
  const tx = Math.floor(col / tiling.tileWidth);
  const ty = Math.floor(row / tiling.tileHeight);
  const x = tx * tiling.tileWidth;
  const y = ty * tiling.tileHeight;
  const w = Math.min(tiling.tileWidth, tiling.width - x);
  const h = Math.min(tiling.tileHeight, tiling.height - y);
  return { tile: ty * ntx + tx, pos: ringPosition(row - y, col - x, w, h) };
}

/**
 * The values of a tile's window — its core grown by one cell on every side — as the float type `fillDepressions`
 * fills (Float64 for a Float64 DEM, else Float32; integer nodata → NaN; cells off the grid NaN). `read` is the
 * window actually read (the padded window clipped to the grid) with its raster.
 */
export function haloWindowValues(tiling: Tiling, t: number, read: Raster): FloatArray {
  const core = tileWindow(tiling, t);
  const W = core.width + 2;
  const H = core.height + 2;
  const f64 = read.data instanceof Float64Array;
  const out = f64 ? new Float64Array(W * H) : new Float32Array(W * H);
  out.fill(NaN);
  const px = Math.max(0, core.x - 1);
  const py = Math.max(0, core.y - 1);
  if (read.width !== Math.min(tiling.width, core.x + core.width + 1) - px || read.height !== Math.min(tiling.height, core.y + core.height + 1) - py) {
    throw new RusleError('INTERNAL', `haloWindowValues: tile ${t} read ${read.width} × ${read.height} cells, not its padded window`);
  }
  const ox = px - (core.x - 1);
  const oy = py - (core.y - 1);
  const src = read.data;
  const nd = isFloatArray(src) ? null : read.nodata;
  for (let r = 0; r < read.height; r++) {
    const o = (r + oy) * W + ox;
    const s = r * read.width;
    for (let c = 0; c < read.width; c++) {
      const v = src[s + c]!;
      out[o + c] = nd !== null && v === nd ? NaN : v + 0; // −0 → +0, as fillDepressions does
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Step 1: per-tile fill with watershed labels.

/** Label of a tile's true outlets (grid edge, beside nodata): the ocean of the spill graph. Nodata is 0. */
export const OCEAN_LABEL = 1;

/** The perimeter summary of one tile (step 1): O(ring) numbers. */
export interface FillTileSummary {
  /** Watershed label of each ring cell (ring order): 0 nodata, 1 ocean, 2 + ring position for the other seeds. */
  readonly ringLabels: Int32Array;
  /** Elevation of each ring cell (NaN nodata), as the float type of the fill. */
  readonly ringValues: Float64Array;
  /** Spill edges inside the tile: label pairs (`edgeA[k] < edgeB[k]`) and the lowest spill elevation between them. */
  readonly edgeA: Int32Array;
  readonly edgeB: Int32Array;
  readonly edgeWeight: Float64Array;
}

/**
 * Step 1 of the tiled fill: fills a tile with its ring as seeds (Barnes 2016, §3.2) and summarises its perimeter.
 * @param window - the tile's window values from {@link haloWindowValues} ((w + 2) × (h + 2), NaN off the grid).
 */
export function fillTileSummary(tiling: Tiling, t: number, window: FloatArray): FillTileSummary {
  const { width: w, height: h } = tileWindow(tiling, t);
  const W = w + 2;
  const n = w * h;
  const z: FloatArray = window instanceof Float64Array ? new Float64Array(n) : new Float32Array(n);
  for (let r = 0; r < h; r++) z.set(window.subarray((r + 1) * W + 1, (r + 1) * W + 1 + w), r * w);
  const label = new Int32Array(n);
  const closed = new Uint8Array(n);
  const pq = z instanceof Float32Array ? new RadixHeap(z) : new BinaryHeap(z);
  const ring = ringIndices(w, h);
  const ringValues = new Float64Array(ring.length);
  const ringLabels = new Int32Array(ring.length);
  // A valid cell with a nodata (or off-grid) neighbour in the window is a true outlet.
  const besideNodata = (i: number): boolean => {
    const r = (i / w) | 0;
    const c = i - r * w;
    for (let dr = 0; dr < 3; dr++) {
      const o = (r + dr) * W + c;
      if (window[o]! !== window[o]! || window[o + 1]! !== window[o + 1]! || window[o + 2]! !== window[o + 2]!) return true;
    }
    return false;
  };
  for (let i = 0; i < n; i++) if (z[i] !== z[i]) closed[i] = 1;
  for (let k = 0; k < ring.length; k++) {
    const i = ring[k]!;
    ringValues[k] = z[i]!;
    if (closed[i]) continue;
    closed[i] = 1;
    label[i] = besideNodata(i) ? OCEAN_LABEL : 2 + k;
    ringLabels[k] = label[i]!;
    pq.push(i);
  }
  for (let r = 1; r < h - 1; r++) {
    for (let c = 1; c < w - 1; c++) {
      const i = r * w + c;
      if (closed[i] || !besideNodata(i)) continue;
      closed[i] = 1;
      label[i] = OCEAN_LABEL;
      pq.push(i);
    }
  }
  // Priority-Flood with a FIFO for cells inside depressions (Barnes et al. 2014, Algorithm 2), labels inherited.
  // Only ring cells (all seeds) can have neighbours off the tile: they take the bounds-checked branch.
  const pit = new RingQueue();
  const offs = Int32Array.of(1, w + 1, w, w - 1, -1, -w - 1, -w, -w + 1);
  const trace = { buf: new Int32Array(1024) };
  for (;;) {
    let c: number;
    if (pit.size > 0) c = pit.shift();
    else if (pq.size > 0) c = pq.pop();
    else break;
    const zc = z[c]!;
    const lc = label[c]!;
    const r = (c / w) | 0;
    const cc = c - r * w;
    if (r > 0 && cc > 0 && r < h - 1 && cc < w - 1) {
      for (let d = 0; d < 8; d++) {
        const j = c + offs[d]!;
        if (closed[j]) continue;
        closed[j] = 1;
        label[j] = lc;
        if (z[j]! <= zc) {
          z[j] = zc;
          pit.push(j);
        } else traceLabelled(j, z, label, closed, offs, trace, pq);
      }
      continue;
    }
    for (let dr = -1; dr <= 1; dr++) {
      const rr = r + dr;
      if (rr < 0 || rr >= h) continue;
      for (let dc = -1; dc <= 1; dc++) {
        const c2 = cc + dc;
        if (c2 < 0 || c2 >= w || (dr === 0 && dc === 0)) continue;
        const j = rr * w + c2;
        if (closed[j]) continue;
        closed[j] = 1;
        label[j] = lc;
        if (z[j]! <= zc) {
          z[j] = zc;
          pit.push(j);
        } else if (rr > 0 && c2 > 0 && rr < h - 1 && c2 < w - 1) traceLabelled(j, z, label, closed, offs, trace, pq);
        else pq.push(j);
      }
    }
  }
  // Spill edges: every pair of 8-neighbours with different labels (E, SE, S, SW of each cell).
  // (Consecutive pairs along a watershed boundary usually repeat: the last key is checked before the map.)
  const L = 2 + ring.length;
  const best = new Map<number, number>();
  let lastKey = -1;
  let lastBest = Infinity;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const a = r * w + c;
      const la = label[a]!;
      if (la === 0) continue;
      const za = z[a]!;
      for (let d = 0; d < 4; d++) {
        const rr = r + (d === 0 ? 0 : 1);
        const c2 = c + (d === 0 ? 1 : d === 1 ? 1 : d === 2 ? 0 : -1);
        if (rr >= h || c2 < 0 || c2 >= w) continue;
        const b = rr * w + c2;
        const lb = label[b]!;
        if (lb === 0 || lb === la) continue;
        const zb = z[b]!;
        const wgt = za > zb ? za : zb;
        const key = la < lb ? la * L + lb : lb * L + la;
        if (key === lastKey) {
          if (wgt < lastBest) {
            lastBest = wgt;
            best.set(key, wgt);
          }
          continue;
        }
        const prev = best.get(key);
        lastKey = key;
        if (prev === undefined || wgt < prev) {
          best.set(key, wgt);
          lastBest = wgt;
        } else lastBest = prev;
      }
    }
  }
  const keys = [...best.keys()].sort((a, b) => a - b);
  const edgeA = new Int32Array(keys.length);
  const edgeB = new Int32Array(keys.length);
  const edgeWeight = new Float64Array(keys.length);
  keys.forEach((key, k) => {
    edgeA[k] = Math.floor(key / L);
    edgeB[k] = key % L;
    edgeWeight[k] = best.get(key)!;
  });
  return { ringLabels, ringValues, edgeA, edgeB, edgeWeight };
}

/**
 * Slope tracing (Zhou, Sun & Fu 2016) with labels: interior cell `j`, reached from a lower final cell, keeps its
 * elevation; its open neighbours that are not lower are final too, take its label and are followed breadth-first.
 * Cells left with a lower open neighbour go to the priority queue. Only interior cells are traced (ring cells are
 * all seeds), so no bounds checks.
 */
function traceLabelled(j: number, z: FloatArray, label: Int32Array, closed: Uint8Array, offs: Int32Array, trace: { buf: Int32Array }, pq: RadixHeap | BinaryHeap): void {
  let buf = trace.buf;
  buf[0] = j;
  let head = 0;
  let tail = 1;
  let pending = 0;
  while (head < tail) {
    if (tail + 8 > buf.length) {
      const nb = new Int32Array(buf.length * 2);
      nb.set(buf.subarray(0, tail));
      buf = nb;
    }
    const m = buf[head++]!;
    const zm = z[m]!;
    const lm = label[m]!;
    let lower = false;
    for (let d = 0; d < 8; d++) {
      const k = m + offs[d]!;
      if (closed[k]) continue;
      if (z[k]! >= zm) {
        closed[k] = 1;
        label[k] = lm;
        buf[tail++] = k;
      } else lower = true;
    }
    if (lower) buf[pending++] = m;
  }
  for (let q = 0; q < pending; q++) {
    const m = buf[q]!;
    for (let d = 0; d < 8; d++) {
      if (!closed[m + offs[d]!]) {
        pq.push(m);
        break;
      }
    }
  }
  trace.buf = buf;
}

// ---------------------------------------------------------------------------------------------------------------
// Step 2: the global spill graph.

/** Min-heap of (key, node) pairs for the spill graph's Dijkstra. */
class PairHeap {
  keys = new Float64Array(64);
  ids = new Int32Array(64);
  size = 0;
  push(key: number, id: number): void {
    if (this.size === this.keys.length) {
      const k2 = new Float64Array(this.size * 2);
      k2.set(this.keys);
      this.keys = k2;
      const i2 = new Int32Array(this.size * 2);
      i2.set(this.ids);
      this.ids = i2;
    }
    let k = this.size++;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (this.keys[p]! <= key) break;
      this.keys[k] = this.keys[p]!;
      this.ids[k] = this.ids[p]!;
      k = p;
    }
    this.keys[k] = key;
    this.ids[k] = id;
  }
  /** Removes the minimum; returns its id (its key is in `lastKey`). */
  lastKey = 0;
  pop(): number {
    const id = this.ids[0]!;
    this.lastKey = this.keys[0]!;
    const n = --this.size;
    const key = this.keys[n]!;
    const last = this.ids[n]!;
    let k = 0;
    for (;;) {
      let m = 2 * k + 1;
      if (m >= n) break;
      if (m + 1 < n && this.keys[m + 1]! < this.keys[m]!) m++;
      if (this.keys[m]! >= key) break;
      this.keys[k] = this.keys[m]!;
      this.ids[k] = this.ids[m]!;
      k = m;
    }
    this.keys[k] = key;
    this.ids[k] = last;
    return id;
  }
}

/**
 * Step 2 of the tiled fill: the spill elevation of every watershed, from the tile summaries (Barnes 2016, §3.3).
 * Returns, per tile, the final (whole-grid) fill value of each ring cell, in ring order; NaN for nodata.
 * Memory: O(Σ ring cells).
 */
export function fillSpill(tiling: Tiling, summaries: readonly FillTileSummary[]): Float64Array[] {
  const T = tileTotal(tiling);
  if (summaries.length !== T) throw new RusleError('INTERNAL', `fillSpill: ${summaries.length} summaries for ${T} tiles`);
  // Node of (tile, label): ocean 0; label l ≥ 2 of tile t → base[t] + l − 2.
  const base = new Float64Array(T + 1);
  base[0] = 1;
  for (let t = 0; t < T; t++) base[t + 1] = base[t]! + summaries[t]!.ringLabels.length;
  const nodes = base[T]!;
  const node = (t: number, l: number): number => (l === OCEAN_LABEL ? 0 : base[t]! + l - 2);
  const ea: number[] = [];
  const eb: number[] = [];
  const ew: number[] = [];
  for (let t = 0; t < T; t++) {
    const s = summaries[t]!;
    for (let k = 0; k < s.edgeA.length; k++) {
      ea.push(node(t, s.edgeA[k]!));
      eb.push(node(t, s.edgeB[k]!));
      ew.push(s.edgeWeight[k]!);
    }
  }
  // Edges between 8-neighbouring ring cells of different tiles (each pair once: from the tile with the lower index).
  for (let t = 0; t < T; t++) {
    const win = tileWindow(tiling, t);
    const ring = ringIndices(win.width, win.height);
    const s = summaries[t]!;
    for (let k = 0; k < ring.length; k++) {
      const la = s.ringLabels[k]!;
      if (la === 0) continue;
      const lr = (ring[k]! / win.width) | 0;
      const r = win.y + lr;
      const c = win.x + ring[k]! - lr * win.width;
      for (let dr = -1; dr <= 1; dr++) {
        const rr = r + dr;
        if (rr < 0 || rr >= tiling.height) continue;
        for (let dc = -1; dc <= 1; dc++) {
          const cc = c + dc;
          if (cc < 0 || cc >= tiling.width || (dr === 0 && dc === 0)) continue;
          if (rr >= win.y && rr < win.y + win.height && cc >= win.x && cc < win.x + win.width) continue;
          const ot = ringTileOf(tiling, rr, cc);
          if (ot < t) continue;
          const pos = ringPosOf(tiling, rr, cc);
          const so = summaries[ot]!;
          const lb = so.ringLabels[pos]!;
          if (lb === 0) continue;
          const za = s.ringValues[k]!;
          const zb = so.ringValues[pos]!;
          ea.push(node(t, la));
          eb.push(node(ot, lb));
          ew.push(za > zb ? za : zb);
        }
      }
    }
  }
  // Adjacency (CSR) and the minimax Dijkstra from the ocean.
  const deg = new Int32Array(nodes + 1);
  for (let k = 0; k < ea.length; k++) {
    deg[ea[k]! + 1]!++;
    deg[eb[k]! + 1]!++;
  }
  for (let v = 0; v < nodes; v++) deg[v + 1]! += deg[v]!;
  const fill = deg.slice(0, nodes);
  const adj = new Int32Array(2 * ea.length);
  const adjW = new Float64Array(2 * ea.length);
  for (let k = 0; k < ea.length; k++) {
    const a = ea[k]!;
    const b = eb[k]!;
    adj[fill[a]!] = b;
    adjW[fill[a]!++] = ew[k]!;
    adj[fill[b]!] = a;
    adjW[fill[b]!++] = ew[k]!;
  }
  const spill = new Float64Array(nodes).fill(Infinity);
  const done = new Uint8Array(nodes);
  const heap = new PairHeap();
  spill[0] = -Infinity;
  heap.push(-Infinity, 0);
  while (heap.size > 0) {
    const v = heap.pop();
    if (done[v]) continue;
    done[v] = 1;
    const sv = spill[v]!;
    for (let e = deg[v]!; e < deg[v + 1]!; e++) {
      const u = adj[e]!;
      if (done[u]) continue;
      const wgt = adjW[e]!;
      const cand = wgt > sv ? wgt : sv;
      if (cand < spill[u]!) {
        spill[u] = cand;
        heap.push(cand, u);
      }
    }
  }
  const out: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const s = summaries[t]!;
    const v = new Float64Array(s.ringLabels.length);
    for (let k = 0; k < v.length; k++) {
      const l = s.ringLabels[k]!;
      const z = s.ringValues[k]!;
      if (l === 0) v[k] = NaN;
      else if (l === OCEAN_LABEL) v[k] = z;
      else {
        const sp = spill[node(t, l)]!;
        if (sp === Infinity) throw new RusleError('INTERNAL', `fillSpill: watershed of tile ${t} ring cell ${k} never reaches an outlet`);
        v[k] = sp > z ? sp : z;
      }
    }
    out.push(v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Step 3: finishing a tile from its halo.

/**
 * The halo of tile `t` (the window's ring, in the ring order of the (w + 2) × (h + 2) window) from the tiles' ring
 * values; NaN off the grid. `ringOf(t2)` returns tile t2's ring values.
 */
export function haloFromRings(tiling: Tiling, t: number, ringOf: (tile: number) => Float64Array): Float64Array {
  const win = tileWindow(tiling, t);
  const W = win.width + 2;
  const H = win.height + 2;
  const ring = ringIndices(W, H);
  const out = new Float64Array(ring.length);
  for (let k = 0; k < ring.length; k++) {
    const lr = (ring[k]! / W) | 0;
    const r = win.y - 1 + lr;
    const c = win.x - 1 + ring[k]! - lr * W;
    if (r < 0 || c < 0 || r >= tiling.height || c >= tiling.width) {
      out[k] = NaN;
      continue;
    }
    const o = ringLookup(tiling, r, c);
    out[k] = ringOf(o.tile)[o.pos]!;
  }
  return out;
}

/** Result of {@link fillTileFinish}. */
export interface FillTileResult {
  /** The filled tile (w × h), Float32 or Float64 as the window. */
  readonly values: FloatArray;
  /** Its ring values (ring order). */
  readonly ring: Float64Array;
  /** Cells whose value the fill changed. */
  readonly raisedCells: number;
}

/**
 * Step 3 of the tiled fill (and one round of the ε iteration): fills the tile with its halo set to `halo` (seeds at
 * those values; NaN halo cells are nodata, so the tile cells beside them are outlets) by the kernel of
 * `fillDepressions`.
 * @param window - the tile's window values ({@link haloWindowValues}); not modified.
 * @param halo - the halo values ({@link haloFromRings}).
 */
export function fillTileFinish(tiling: Tiling, t: number, window: FloatArray, halo: Float64Array, epsilon: boolean): FillTileResult {
  const { width: w, height: h } = tileWindow(tiling, t);
  const W = w + 2;
  const H = h + 2;
  const z = window.slice();
  const hr = ringIndices(W, H);
  if (halo.length !== hr.length) throw new RusleError('INTERNAL', `fillTileFinish: halo of ${halo.length} values for a ring of ${hr.length}`);
  for (let k = 0; k < hr.length; k++) {
    // A valid window cell whose tile says nodata cannot happen (same DEM); keep NaN where the DEM has nodata.
    z[hr[k]!] = z[hr[k]!]! === z[hr[k]!]! ? halo[k]! : NaN;
  }
  fillArrayInPlace(z, W, H, epsilon);
  const values: FloatArray = z instanceof Float64Array ? new Float64Array(w * h) : new Float32Array(w * h);
  let raised = 0;
  for (let r = 0; r < h; r++) {
    const o = (r + 1) * W + 1;
    for (let c = 0; c < w; c++) {
      const v = z[o + c]!;
      values[r * w + c] = v;
      if (v !== window[o + c]! && v === v) raised++;
    }
  }
  const ring = ringIndices(w, h);
  const rv = new Float64Array(ring.length);
  for (let k = 0; k < ring.length; k++) rv[k] = values[ring[k]!]!;
  return { values, ring: rv, raisedCells: raised };
}

/** True when two ring arrays hold the same values (NaN equal to NaN). */
export function sameRing(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    if (x !== y && (x === x || y === y)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------------
// maxDepressionCells: the size filter over raised regions, tiled.

/** Per-tile summary of raised regions (step of the size filter). */
export interface RaisedTileSummary {
  /** Local region id of each ring cell (ring order), -1 when the cell was not raised. */
  readonly ringRegion: Int32Array;
  /** Cells of each local region. */
  readonly regionCells: Float64Array;
}

/** Local 8-connected regions of raised cells (filled > original, original valid) of one tile. */
function raisedRegions(values: FloatArray, original: FloatArray, w: number, h: number): { region: Int32Array; sizes: number[] } {
  const n = w * h;
  const region = new Int32Array(n).fill(-1);
  const sizes: number[] = [];
  const stack = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    if (region[s] !== -1 || !(values[s]! > original[s]!)) continue;
    const id = sizes.length;
    let top = 0;
    let count = 0;
    stack[top++] = s;
    region[s] = id;
    while (top > 0) {
      const i = stack[--top]!;
      count++;
      const r = (i / w) | 0;
      const c = i - r * w;
      for (let dr = -1; dr <= 1; dr++) {
        const rr = r + dr;
        if (rr < 0 || rr >= h) continue;
        for (let dc = -1; dc <= 1; dc++) {
          const cc = c + dc;
          if (cc < 0 || cc >= w) continue;
          const j = rr * w + cc;
          if (region[j] !== -1 || !(values[j]! > original[j]!)) continue;
          region[j] = id;
          stack[top++] = j;
        }
      }
    }
    sizes.push(count);
  }
  return { region, sizes };
}

/** The core (w × h) of a window from {@link haloWindowValues}. */
export function windowCore(tiling: Tiling, t: number, window: FloatArray): FloatArray {
  const { width: w, height: h } = tileWindow(tiling, t);
  const W = w + 2;
  const out: FloatArray = window instanceof Float64Array ? new Float64Array(w * h) : new Float32Array(w * h);
  for (let r = 0; r < h; r++) out.set(window.subarray((r + 1) * W + 1, (r + 1) * W + 1 + w), r * w);
  return out;
}

/** Size-filter step 1 (per tile): the tile's raised regions and which ring cells belong to which. */
export function raisedTileSummary(tiling: Tiling, t: number, filled: FloatArray, original: FloatArray): RaisedTileSummary {
  const { width: w, height: h } = tileWindow(tiling, t);
  const { region, sizes } = raisedRegions(filled, original, w, h);
  const ring = ringIndices(w, h);
  const ringRegion = new Int32Array(ring.length);
  for (let k = 0; k < ring.length; k++) ringRegion[k] = region[ring[k]!]!;
  return { ringRegion, regionCells: Float64Array.from(sizes) };
}

/**
 * Size-filter step 2 (global): joins regions across tile edges (union-find over 8-neighbouring raised ring cells of
 * different tiles) and returns, per tile, the whole-grid size of each local region. Memory: O(Σ local regions).
 */
export function raisedSizes(tiling: Tiling, summaries: readonly RaisedTileSummary[]): Float64Array[] {
  const T = tileTotal(tiling);
  const base = new Int32Array(T + 1);
  for (let t = 0; t < T; t++) base[t + 1] = base[t]! + summaries[t]!.regionCells.length;
  const parent = new Int32Array(base[T]!);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (x: number): number => {
    while (parent[x] !== x) {
      parent[x] = parent[parent[x]!]!;
      x = parent[x]!;
    }
    return x;
  };
  for (let t = 0; t < T; t++) {
    const win = tileWindow(tiling, t);
    const ring = ringIndices(win.width, win.height);
    const s = summaries[t]!;
    for (let k = 0; k < ring.length; k++) {
      const ra = s.ringRegion[k]!;
      if (ra < 0) continue;
      const lr = (ring[k]! / win.width) | 0;
      const r = win.y + lr;
      const c = win.x + ring[k]! - lr * win.width;
      for (let dr = -1; dr <= 1; dr++) {
        const rr = r + dr;
        if (rr < 0 || rr >= tiling.height) continue;
        for (let dc = -1; dc <= 1; dc++) {
          const cc = c + dc;
          if (cc < 0 || cc >= tiling.width) continue;
          if (rr >= win.y && rr < win.y + win.height && cc >= win.x && cc < win.x + win.width) continue;
          const o = ringLookup(tiling, rr, cc);
          if (o.tile < t) continue;
          const rb = summaries[o.tile]!.ringRegion[o.pos]!;
          if (rb < 0) continue;
          const a = find(base[t]! + ra);
          const b = find(base[o.tile]! + rb);
          if (a !== b) parent[a < b ? b : a] = a < b ? a : b;
        }
      }
    }
  }
  const total = new Float64Array(parent.length);
  for (let t = 0; t < T; t++) {
    const s = summaries[t]!;
    for (let k = 0; k < s.regionCells.length; k++) total[find(base[t]! + k)]! += s.regionCells[k]!;
  }
  const out: Float64Array[] = [];
  for (let t = 0; t < T; t++) {
    const v = new Float64Array(summaries[t]!.regionCells.length);
    for (let k = 0; k < v.length; k++) v[k] = total[find(base[t]! + k)]!;
    out.push(v);
  }
  return out;
}

/** Size-filter step 3 (per tile): puts back the original values of regions larger than `maxCells`. In place. */
export function restoreTile(tiling: Tiling, t: number, filled: FloatArray, original: FloatArray, sizes: Float64Array, maxCells: number): number {
  const { width: w, height: h } = tileWindow(tiling, t);
  const { region } = raisedRegions(filled, original, w, h);
  let restored = 0;
  for (let i = 0; i < w * h; i++) {
    const id = region[i]!;
    if (id >= 0 && sizes[id]! > maxCells) {
      filled[i] = original[i]!;
      restored++;
    }
  }
  return restored;
}

// ---------------------------------------------------------------------------------------------------------------
// In-memory driver.

/** Options of {@link fillDepressionsTiled}: the fill's options plus the tile size. */
export interface FillTiledOptions extends Omit<FillOptions, 'out'> {
  /** Tile width in cells. @defaultValue 512 */
  readonly tileWidth?: number;
  /** Tile height in cells. @defaultValue 512 */
  readonly tileHeight?: number;
}

/** Defaults of {@link fillDepressionsTiled}. */
export const FILL_TILED_DEFAULTS = Object.freeze({ ...FILL_DEFAULTS, tileWidth: 512, tileHeight: 512 });

/** Statistics of a tiled fill. */
export interface FillTiledStats extends Pick<FillStats, 'raisedCells' | 'restoredCells'> {
  /** Rounds of the ε iteration (0 without ε). */
  readonly epsilonRounds: number;
}

/** Reads the window of tile `t` from an in-memory raster, as a source would. */
function windowOf(dem: Raster, tiling: Tiling, t: number): Raster {
  const core = tileWindow(tiling, t);
  const px = Math.max(0, core.x - 1);
  const py = Math.max(0, core.y - 1);
  const px2 = Math.min(tiling.width, core.x + core.width + 1);
  const py2 = Math.min(tiling.height, core.y + core.height + 1);
  const ww = px2 - px;
  const data = new (dem.data.constructor as Float64ArrayConstructor)(ww * (py2 - py)) as unknown as Raster['data'];
  for (let r = py; r < py2; r++) data.set(dem.data.subarray(r * dem.width + px, r * dem.width + px2), (r - py) * ww);
  return { data, width: ww, height: py2 - py, nodata: dem.nodata } as unknown as Raster;
}

/**
 * The tiled fill in memory: the same steps as the job stages, on tiles of an in-memory DEM. Returns exactly what
 * {@link fillDepressions} returns (bit for bit) for the same options; used as the oracle check of the tiled path
 * and for grids that fit in memory but should run tile by tile.
 *
 * @param dem - elevations; see {@link fillDepressions}.
 * @param options - the fill's options (`epsilon`, `maxDepressionCells`; `priorityQueue` and `slopeTracing` do not
 *   change the output) and the tile size.
 * @returns `{ filled, stats }`.
 * @throws RusleError `BAD_ARGUMENT` for a bad tile size or a non-raster input, `BAD_VALUE` for a bad
 *   `maxDepressionCells`.
 * @example
 * ```ts
 * const { filled } = fillDepressionsTiled(dem, { tileWidth: 256, tileHeight: 256 }); // = fillDepressions(dem)
 * ```
 */
export function fillDepressionsTiled(dem: Raster, options: FillTiledOptions = {}): { filled: Raster<FloatArray>; stats: FillTiledStats } {
  if (!(dem instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'fillDepressionsTiled: dem must be a Raster');
  const o = { ...FILL_TILED_DEFAULTS, ...options };
  const tiling: Tiling = { width: dem.width, height: dem.height, tileWidth: o.tileWidth, tileHeight: o.tileHeight };
  checkTiling(tiling, 'fillDepressionsTiled');
  if (!(o.maxDepressionCells >= 0)) {
    throw new RusleError('BAD_VALUE', `fillDepressionsTiled: maxDepressionCells must be a number of cells ≥ 0 (or Infinity), got ${String(o.maxDepressionCells)}`);
  }
  const T = tileTotal(tiling);
  const windows: FloatArray[] = [];
  for (let t = 0; t < T; t++) windows.push(haloWindowValues(tiling, t, windowOf(dem, tiling, t)));
  const summaries = windows.map((win, t) => fillTileSummary(tiling, t, win));
  let rings = fillSpill(tiling, summaries);
  let results = windows.map((win, t) => fillTileFinish(tiling, t, win, haloFromRings(tiling, t, (k) => rings[k]!), o.epsilon));
  let rounds = 0;
  if (o.epsilon) {
    rounds = 1;
    let halos = windows.map((_, t) => haloFromRings(tiling, t, (k) => rings[k]!));
    for (;;) {
      const next = results.map((r) => r.ring);
      const nextHalos = windows.map((_, t) => haloFromRings(tiling, t, (k) => next[k]!));
      const changed = nextHalos.map((hh, t) => !sameRing(hh, halos[t]!));
      if (!changed.some((c) => c)) break;
      rounds++;
      results = results.map((r, t) => (changed[t] ? fillTileFinish(tiling, t, windows[t]!, nextHalos[t]!, true) : r));
      halos = nextHalos;
      rings = next;
    }
  }
  const f64 = dem.data instanceof Float64Array;
  const z: FloatArray = f64 ? new Float64Array(dem.width * dem.height) : new Float32Array(dem.width * dem.height);
  let raised = 0;
  let restored = 0;
  const cores = results.map((r) => r.values);
  if (Number.isFinite(o.maxDepressionCells)) {
    const originals = windows.map((win, t) => windowCore(tiling, t, win));
    const sizes = raisedSizes(tiling, cores.map((v, t) => raisedTileSummary(tiling, t, v, originals[t]!)));
    cores.forEach((v, t) => {
      restored += restoreTile(tiling, t, v, originals[t]!, sizes[t]!, o.maxDepressionCells);
    });
  }
  for (let t = 0; t < T; t++) {
    const win = tileWindow(tiling, t);
    const v = cores[t]!;
    raised += results[t]!.raisedCells;
    for (let r = 0; r < win.height; r++) z.set(v.subarray(r * win.width, (r + 1) * win.width), (win.y + r) * dem.width + win.x);
  }
  return { filled: new Raster(dem.grid, z), stats: { raisedCells: raised, restoredCells: restored, epsilonRounds: rounds } };
}
