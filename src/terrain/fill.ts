/**
 * Depression filling by Priority-Flood.
 *
 * Barnes, R., Lehman, C., Mulla, D. (2014). Priority-Flood: An optimal depression-filling and watershed-labeling
 * algorithm for digital elevation models. Computers & Geosciences 62, 117–127. doi:10.1016/j.cageo.2013.04.024
 * (Algorithm 2, "improved Priority-Flood": cells inside a depression go through a plain FIFO queue instead of the
 * priority queue; Algorithm 3, "Priority-Flood+ε": each cell filled gets the next representable value above its
 * parent, so that every cell drains).
 *
 * Speed-ups, all exact (the output equals the plain algorithm's):
 * - **Slope tracing** (breadth-first; Zhou, Sun & Fu 2016, "An efficient variant of the Priority-Flood
 *   algorithm for filling depressions in raster digital elevation models", Computers & Geosciences 90, 87–96,
 *   doi:10.1016/j.cageo.2016.02.021): a cell reached from a lower, already-final cell keeps its own elevation; its
 *   neighbours that are not lower than it are also final and are traced with a plain FIFO, never touching the
 *   priority queue. Only a cell that still has a lower unprocessed neighbour when the trace ends enters the
 *   priority queue (it may spill into a depression later); checking at the end rather than when the cell is
 *   traced lets the trace close those neighbours first, and halves the queue's traffic again.
 * - **Radix heap** (Ahuja, Mehlhorn, Orlin & Tarjan 1990) over float32 elevations mapped to order-preserving
 *   32-bit keys: the flood pops in non-decreasing elevation, which is exactly what a monotone radix heap needs;
 *   an element moves between buckets at most 32 times, sequentially in memory, instead of a binary heap's
 *   O(log n) scattered swaps per operation (the benchmark `terrain-fill` compares the queues). Float64 DEMs use a
 *   binary heap over float64 values (slower, same result).
 *
 * **Outlets (documented rule, identical to SAGA's Wang & Liu tool):** the seeds of the flood are the valid cells on
 * the outer ring of the grid and the valid cells with at least one nodata neighbour (8-neighbourhood); seeds keep
 * their elevation. Water leaves the DEM through them, so nodata holes inside the grid act as sinks. Nodata cells stay
 * nodata and are never filled.
 *
 * **Guarantees.** No cell is lowered; the output is idempotent; every valid cell has a path of non-increasing
 * elevation to a seed (no interior pit). With `epsilon`, every non-seed cell has a strictly lower neighbour
 * (float32 ulps; flats disappear, at the price of an artificial gradient — prefer `resolveFlats` for routing).
 *
 * Complexity: O(n + 32 k) for n cells of which k pass the radix heap (k ≈ 15 % of n on fractal DEMs); memory: the
 * output (4 B/cell for float32), a 1 bit/cell closed flag, and queues proportional to the flood front.
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { type FloatArray, floatValues, isFloatArray, Raster } from '../raster/raster.js';

/** Priority queue used by the flood. */
export type FillPriorityQueue = 'radix' | 'binary-heap';

/** Options of {@link fillDepressions}. */
export interface FillOptions {
  /**
   * Priority-Flood+ε (Barnes et al. 2014, Algorithm 3): raise filled cells to the next representable value above
   * their parent so that no flat remains.
   * @defaultValue false
   */
  readonly epsilon?: boolean;
  /**
   * The priority queue: `'radix'` (monotone radix heap over float32 keys; float32 output only) or `'binary-heap'`
   * (for comparison; always used for float64 DEMs). Both give the same output.
   * @defaultValue 'radix'
   */
  readonly priorityQueue?: FillPriorityQueue;
  /**
   * Slope tracing (Zhou et al. 2016): follow final cells upslope breadth-first instead of through the priority
   * queue. Same output; `false` gives Barnes et al. (2014) Algorithm 2 exactly, for comparison. (A depth-first
   * trace saved far fewer queue pushes on fractal DEMs than breadth-first, and ran slower.)
   * @defaultValue true
   */
  readonly slopeTracing?: boolean;
  /**
   * Fill only depressions of at most this many cells: after the flood, each 8-connected region of raised cells
   * larger than this is put back to its original elevations (nested smaller pits inside it stay unfilled too — this
   * is a size filter on filled regions, not a depression hierarchy). `Infinity` fills everything.
   * @defaultValue Infinity
   */
  readonly maxDepressionCells?: number;
  /** Output raster (same grid; Float32 for float32/integer input, Float64 for float64 input). May be the input. */
  readonly out?: Raster<FloatArray>;
}

/** Defaults of {@link fillDepressions}. */
export const FILL_DEFAULTS = Object.freeze({ epsilon: false, priorityQueue: 'radix' as FillPriorityQueue, slopeTracing: true, maxDepressionCells: Infinity });

/** Statistics of a fill. */
export interface FillStats {
  /** Valid cells raised by the fill. */
  readonly raisedCells: number;
  /** Cells that passed through the priority queue (the rest were traced or queued in depressions). */
  readonly priorityQueuePushes: number;
  /** Cells put back to their original elevation by `maxDepressionCells` (0 without it). */
  readonly restoredCells: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Priority queues. Both store cell indices only; the key is the (final) value of the cell in the output array.

/**
 * Monotone radix heap over order-preserving uint32 keys of float32 values. Each bucket stores (key, index) pairs
 * interleaved, so redistributing a bucket reads memory sequentially instead of looking keys up in the grid.
 * @internal
 */
export class RadixHeap {
  private readonly keysOf: Uint32Array;
  private readonly buckets: Uint32Array[] = [];
  private readonly sizes = new Int32Array(33);
  private last = 0;
  size = 0;
  pushes = 0;
  constructor(values: Float32Array) {
    this.keysOf = new Uint32Array(values.buffer, values.byteOffset, values.length);
    for (let b = 0; b < 33; b++) this.buckets.push(new Uint32Array(b === 0 ? 8192 : 512));
  }
  private put(bucket: number, key: number, i: number): void {
    const s = this.sizes[bucket]!;
    let arr = this.buckets[bucket]!;
    if (s === arr.length) {
      const na = new Uint32Array(arr.length * 2);
      na.set(arr);
      this.buckets[bucket] = na;
      arr = na;
    }
    arr[s] = key;
    arr[s + 1] = i;
    this.sizes[bucket] = s + 2;
  }
  push(i: number): void {
    const b = this.keysOf[i]!;
    const key = (b & 0x80000000) !== 0 ? ~b >>> 0 : (b | 0x80000000) >>> 0;
    const x = (key ^ this.last) >>> 0;
    this.put(x === 0 ? 0 : 32 - Math.clz32(x), key, i);
    this.size++;
    this.pushes++;
    if (this.peekIndex >= 0 && key < this.peekKey) {
      this.peekIndex = i;
      this.peekKey = key;
    }
  }
  /** Makes bucket 0 non-empty (requires size > 0). */
  private settle(): void {
    if (this.sizes[0]! > 0) return;
    let b = 1;
    while (this.sizes[b] === 0) b++;
    const arr = this.buckets[b]!;
    const s = this.sizes[b]!;
    let min = 0xffffffff;
    for (let k = 0; k < s; k += 2) {
      const kk = arr[k]!;
      if (kk < min) min = kk;
    }
    this.last = min;
    this.sizes[b] = 0;
    for (let k = 0; k < s; k += 2) {
      const key = arr[k]!;
      const x = (key ^ min) >>> 0;
      this.put(x === 0 ? 0 : 32 - Math.clz32(x), key, arr[k + 1]!);
    }
  }
  pop(): number {
    this.peekIndex = -1;
    this.settle();
    const s = this.sizes[0]! - 2;
    this.sizes[0] = s;
    this.size--;
    return this.buckets[0]![s + 1]!;
  }
  /** Cached result of {@link peek} (-1: none) and its key. */
  private peekIndex = -1;
  private peekKey = 0;
  /**
   * Index of a cell with the minimum key (not removed; requires size > 0). Unlike `pop`, it does not move `last`
   * (the heap's floor): the ε flood peeks, then may take a pit cell instead and push keys between the last key popped
   * and the minimum peeked, which a moved floor would misfile (and pop out of order).
   */
  peek(): number {
    if (this.peekIndex >= 0) return this.peekIndex;
    if (this.sizes[0]! > 0) {
      this.peekIndex = this.buckets[0]![this.sizes[0]! - 1]!;
      this.peekKey = this.last;
      return this.peekIndex;
    }
    let b = 1;
    while (this.sizes[b] === 0) b++;
    const arr = this.buckets[b]!;
    const s = this.sizes[b]!;
    let min = 0xffffffff;
    let idx = -1;
    for (let k = 0; k < s; k += 2) {
      if (arr[k]! < min) {
        min = arr[k]!;
        idx = arr[k + 1]!;
      }
    }
    this.peekIndex = idx;
    this.peekKey = min;
    return idx;
  }
}

/** Binary min-heap of cell indices keyed by their value (ties by insertion order for determinism). @internal */
export class BinaryHeap {
  private readonly values: FloatArray;
  private heap = new Int32Array(1024);
  private order = new Float64Array(1024);
  private seq = 0;
  size = 0;
  pushes = 0;
  constructor(values: FloatArray) {
    this.values = values;
  }
  private less(a: number, b: number): boolean {
    const va = this.values[this.heap[a]!]!;
    const vb = this.values[this.heap[b]!]!;
    return va < vb || (va === vb && this.order[a]! < this.order[b]!);
  }
  private swap(a: number, b: number): void {
    const h = this.heap;
    const o = this.order;
    const t = h[a]!;
    h[a] = h[b]!;
    h[b] = t;
    const u = o[a]!;
    o[a] = o[b]!;
    o[b] = u;
  }
  push(i: number): void {
    if (this.size === this.heap.length) {
      const nh = new Int32Array(this.heap.length * 2);
      nh.set(this.heap);
      this.heap = nh;
      const no = new Float64Array(this.order.length * 2);
      no.set(this.order);
      this.order = no;
    }
    let k = this.size++;
    this.heap[k] = i;
    this.order[k] = this.seq++;
    this.pushes++;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!this.less(k, p)) break;
      this.swap(k, p);
      k = p;
    }
  }
  pop(): number {
    const top = this.heap[0]!;
    const n = --this.size;
    if (n > 0) {
      this.heap[0] = this.heap[n]!;
      this.order[0] = this.order[n]!;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        if (l >= n) break;
        const r = l + 1;
        const m = r < n && this.less(r, l) ? r : l;
        if (!this.less(m, k)) break;
        this.swap(m, k);
        k = m;
      }
    }
    return top;
  }
  peek(): number {
    return this.heap[0]!;
  }
}

/** Growable Int32 ring buffer (FIFO). @internal */
export class RingQueue {
  buf = new Int32Array(4096);
  head = 0;
  size = 0;
  push(v: number): void {
    if (this.size === this.buf.length) {
      const nb = new Int32Array(this.buf.length * 2);
      for (let k = 0; k < this.size; k++) nb[k] = this.buf[(this.head + k) & (this.buf.length - 1)]!;
      this.buf = nb;
      this.head = 0;
    }
    this.buf[(this.head + this.size) & (this.buf.length - 1)] = v;
    this.size++;
  }
  shift(): number {
    const v = this.buf[this.head]!;
    this.head = (this.head + 1) & (this.buf.length - 1);
    this.size--;
    return v;
  }
  front(): number {
    return this.buf[this.head]!;
  }
}

/** Growable Int32 stack. */
class Stack {
  buf = new Int32Array(4096);
  size = 0;
  push(v: number): void {
    if (this.size === this.buf.length) {
      const nb = new Int32Array(this.buf.length * 2);
      nb.set(this.buf);
      this.buf = nb;
    }
    this.buf[this.size++] = v;
  }
  pop(): number {
    return this.buf[--this.size]!;
  }
}

// ---------------------------------------------------------------------------------------------------------------


/** Next representable value above x in the precision of `z` (float32 via a scratch array, or float64). */
function makeNextUp(z: FloatArray): (x: number) => number {
  if (z instanceof Float32Array) {
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    return (x: number) => {
      f[0] = x;
      if (x === 0) {
        u[0] = 1;
      } else if (x > 0) u[0] = u[0]! + 1;
      else u[0] = u[0]! - 1;
      return f[0]!;
    };
  }
  const f = new Float64Array(1);
  const u = new BigUint64Array(f.buffer);
  return (x: number) => {
    f[0] = x;
    if (x === 0) u[0] = 1n;
    else if (x > 0) u[0] = u[0]! + 1n;
    else u[0] = u[0]! - 1n;
    return f[0]!;
  };
}

/**
 * Slope tracing (Zhou et al. 2016): a cell reached from a lower final cell keeps its elevation; its open neighbours
 * that are not lower are final too and are followed; a cell with a lower open neighbour goes to the priority queue
 * (it may spill into a depression). Non-seed cells are interior (seeds are the only border cells): no bounds checks.
 */
function traceUpslope(z: FloatArray, closed: Int32Array, offs: Int32Array, trace: Stack, pq: RadixHeap | BinaryHeap, epsilon: boolean): void {
  // Breadth-first (FIFO over the stack's buffer): keeps the traced front compact around the cell it starts from.
  let buf = trace.buf;
  let head = 0;
  let tail = trace.size;
  let pending = 0;
  const o0 = offs[0]!, o1 = offs[1]!, o2 = offs[2]!, o3 = offs[3]!, o4 = offs[4]!, o5 = offs[5]!, o6 = offs[6]!, o7 = offs[7]!;
  while (head < tail) {
    // Room for the up to eight cells the next one may add (checked before it is taken, so that its slot stays
    // free for the pending list after a compaction).
    if (tail + 8 > buf.length) {
      if (head > pending) {
        buf.copyWithin(pending, head, tail);
        tail = pending + (tail - head);
        head = pending;
      }
      if (tail + 8 > buf.length) {
        const nb = new Int32Array(buf.length * 2);
        nb.set(buf);
        buf = nb;
      }
    }
    const m = buf[head++]!;
    const zm = z[m]!;
    let lower = 0;
    for (let d = 0; d < 8; d++) {
      const j = m + (d === 0 ? o0 : d === 1 ? o1 : d === 2 ? o2 : d === 3 ? o3 : d === 4 ? o4 : d === 5 ? o5 : d === 6 ? o6 : o7);
      const word = j >>> 5;
      const bit = 1 << (j & 31);
      const cw = closed[word]!;
      if ((cw & bit) !== 0) continue;
      const zj = z[j]!;
      if (zj > zm || (!epsilon && zj === zm)) {
        closed[word] = cw | bit;
        buf[tail++] = j;
      } else lower = 1;
    }
    if (lower !== 0) {
      // Deferred: the trace may close this cell's lower neighbours from elsewhere before it ends. The processed
      // part of the buffer (before `head`) is free, so pending cells are kept there.
      buf[pending++] = m;
    }
  }
  // Cells that still have an open (lower) neighbour may spill into a depression: they go to the priority queue.
  for (let k = 0; k < pending; k++) {
    const m = buf[k]!;
    for (let d = 0; d < 8; d++) {
      const j = m + (d === 0 ? o0 : d === 1 ? o1 : d === 2 ? o2 : d === 3 ? o3 : d === 4 ? o4 : d === 5 ? o5 : d === 6 ? o6 : o7);
      if ((closed[j >>> 5]! & (1 << (j & 31))) === 0) {
        pq.push(m);
        break;
      }
    }
  }
  trace.buf = buf;
  trace.size = 0;
}

/**
 * The flood. `z` holds the input values (NaN = nodata) and is filled in place. Returns statistics.
 *
 * Closed flags are a bitset (n/8 bytes): the flag is tested for every neighbour of every cell, and a bitset stays
 * in cache for grids where a byte per cell would not (50 Mcells: 6 MB instead of 50 MB), which matters because the
 * flood visits cells in elevation order, all over the grid. Only seeds lie on the outer ring (every valid border
 * cell is a seed), so only cells popped from the priority queue need the border test.
 */
function floodKernel(z: FloatArray, w: number, h: number, pq: RadixHeap | BinaryHeap, epsilon: boolean, tracing: boolean): FillStats {
  const n = w * h;
  const closed = new Int32Array((n + 31) >>> 5);
  const offs = Int32Array.of(1, w + 1, w, w - 1, -1, -w - 1, -w, -w + 1);
  const dcol = Int32Array.of(1, 1, 0, -1, -1, -1, 0, 1);
  const drow = Int32Array.of(0, 1, 1, 1, 0, -1, -1, -1);
  const nextUp = makeNextUp(z);
  let raised = 0;

  // Seeds: valid cells on the outer ring or beside nodata. Nodata cells are closed from the start. Seeds beside
  // nodata are found from the nodata cells (usually far fewer than the valid ones).
  for (let i = 0; i < n; i++) if (z[i] !== z[i]) closed[i >>> 5] |= 1 << (i & 31);
  const seed = (i: number): void => {
    const word = i >>> 5;
    const bit = 1 << (i & 31);
    if ((closed[word]! & bit) === 0) {
      closed[word] = closed[word]! | bit;
      pq.push(i);
    }
  };
  for (let c = 0; c < w; c++) {
    seed(c);
    seed((h - 1) * w + c);
  }
  for (let r = 1; r < h - 1; r++) {
    seed(r * w);
    seed(r * w + w - 1);
  }
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      if (z[i] === z[i]) continue;
      for (let d = 0; d < 8; d++) {
        const rr = r + drow[d]!;
        const c2 = c + dcol[d]!;
        if (rr < 0 || c2 < 0 || rr >= h || c2 >= w) continue;
        seed(rr * w + c2);
      }
    }
  }

  const pit = new RingQueue();
  const trace = new Stack();
  const o0 = offs[0]!, o1 = offs[1]!, o2 = offs[2]!, o3 = offs[3]!, o4 = offs[4]!, o5 = offs[5]!, o6 = offs[6]!, o7 = offs[7]!;
  for (;;) {
    let c: number;
    let fromPq = false;
    if (pit.size > 0) {
      // ε: keep the global order when ε increments lift the pit above the queue's minimum (Barnes 2014, Alg. 3).
      if (epsilon && pq.size > 0 && z[pq.peek()]! <= z[pit.front()]!) {
        c = pq.pop();
        fromPq = true;
      } else c = pit.shift();
    } else if (pq.size > 0) {
      c = pq.pop();
      fromPq = true;
    } else break;
    const zc = z[c]!;
    const zFill = epsilon ? nextUp(zc) : zc;
    let border = false;
    let r = 0;
    let cc = 0;
    if (fromPq) {
      r = (c / w) | 0;
      cc = c - r * w;
      border = r === 0 || cc === 0 || r === h - 1 || cc === w - 1;
    }
    for (let d = 0; d < 8; d++) {
      let j: number;
      if (border) {
        const rr = r + drow[d]!;
        const c2 = cc + dcol[d]!;
        if (rr < 0 || c2 < 0 || rr >= h || c2 >= w) continue;
        j = rr * w + c2;
      } else j = c + (d === 0 ? o0 : d === 1 ? o1 : d === 2 ? o2 : d === 3 ? o3 : d === 4 ? o4 : d === 5 ? o5 : d === 6 ? o6 : o7);
      const word = j >>> 5;
      const bit = 1 << (j & 31);
      const cw = closed[word]!;
      if ((cw & bit) !== 0) continue;
      closed[word] = cw | bit;
      const zj = z[j]!;
      if (zj <= zc) {
        if (zj !== zFill) raised++;
        z[j] = zFill;
        pit.push(j);
      } else if (tracing) trace.push(j);
      else pq.push(j);
    }
    // Slope tracing (Zhou et al. 2016): cells above the current level are final; follow them upslope.
    if (trace.size > 0) traceUpslope(z, closed, offs, trace, pq, epsilon);
  }
  return { raisedCells: raised, priorityQueuePushes: pq.pushes, restoredCells: 0 };
}

/**
 * The flood of {@link fillDepressions} on a bare array (NaN = nodata), in place, with slope tracing and the radix
 * heap for float32: the kernel the tiled fill (`fill-tiled.ts`) runs on each tile. Returns the statistics.
 * @internal
 */
export function fillArrayInPlace(z: FloatArray, w: number, h: number, epsilon: boolean): FillStats {
  const pq = z instanceof Float32Array ? new RadixHeap(z) : new BinaryHeap(z);
  return floodKernel(z, w, h, pq, epsilon, true);
}

/**
 * Puts back the original elevations of every 8-connected region of raised cells larger than `maxCells`.
 * Returns the number of cells restored.
 */
function restoreLargeDepressions(z: FloatArray, orig: ArrayLike<number>, origNodata: number | null, w: number, h: number, maxCells: number): number {
  const n = w * h;
  const seen = new Uint8Array(n);
  let list = new Int32Array(1024);
  let restored = 0;
  const raised = (i: number): boolean => {
    const o = orig[i]!;
    return o === o && o !== origNodata && z[i]! > o;
  };
  for (let s = 0; s < n; s++) {
    if (seen[s] || !raised(s)) continue;
    seen[s] = 1;
    list[0] = s;
    let head = 0;
    let tail = 1;
    while (head < tail) {
      const i = list[head++]!;
      const r = (i / w) | 0;
      const c = i - r * w;
      for (let dr = -1; dr <= 1; dr++) {
        const rr = r + dr;
        if (rr < 0 || rr >= h) continue;
        for (let dc = -1; dc <= 1; dc++) {
          const cc = c + dc;
          if (cc < 0 || cc >= w) continue;
          const j = rr * w + cc;
          if (seen[j] || !raised(j)) continue;
          seen[j] = 1;
          if (tail === list.length) {
            const nl = new Int32Array(list.length * 2);
            nl.set(list);
            list = nl;
          }
          list[tail++] = j;
        }
      }
    }
    if (tail > maxCells) {
      for (let k = 0; k < tail; k++) z[list[k]!] = orig[list[k]!]! + 0; // + 0: −0 → +0, as on input
      restored += tail;
    }
  }
  return restored;
}

/**
 * Fills the depressions of a DEM by Priority-Flood (Barnes, Lehman & Mulla 2014), so that every valid cell drains
 * to the grid edge or to nodata along a path of non-increasing elevation.
 *
 * Outlets are the valid cells on the outer ring and those beside nodata (same rule as SAGA's Fill Sinks (Wang &
 * Liu)); nodata stays nodata. The input is not modified (unless passed as `out`).
 *
 * @param dem - elevations (any unit; a float raster with NaN nodata, or an integer raster with its nodata value).
 * @param options - `epsilon`, `priorityQueue`, `out`; see {@link FillOptions}.
 * @returns the filled DEM: Float32 (Float64 when the input is Float64), same grid, NaN for nodata.
 * @throws RusleError `BAD_ARGUMENT` for a non-raster input, an unknown priority queue or a mismatched `out`.
 * @example
 * ```ts
 * const dem = await readRaster('data/willamette/dem_30m.tif');
 * const filled = fillDepressions(dem);              // flats stay flat: use resolveFlats for routing
 * const drained = fillDepressions(dem, { epsilon: true });
 * ```
 */
export function fillDepressions(dem: Raster, options: FillOptions = {}): Raster<FloatArray> {
  return fillDepressionsWithStats(dem, options).filled;
}

/**
 * {@link fillDepressions} that also returns statistics (cells raised, priority-queue pushes).
 *
 * @param dem - elevations; see {@link fillDepressions}.
 * @param options - see {@link FillOptions}.
 * @returns `{ filled, stats }`.
 * @throws RusleError as {@link fillDepressions}.
 * @example
 * ```ts
 * const { filled, stats } = fillDepressionsWithStats(dem);
 * console.log(stats.raisedCells);
 * ```
 */
export function fillDepressionsWithStats(dem: Raster, options: FillOptions = {}): { filled: Raster<FloatArray>; stats: FillStats } {
  if (!(dem instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'fillDepressions: dem must be a Raster');
  const o = { ...FILL_DEFAULTS, ...options };
  if (o.priorityQueue !== 'radix' && o.priorityQueue !== 'binary-heap') {
    throw new RusleError('BAD_ARGUMENT', `fillDepressions: priorityQueue must be 'radix' or 'binary-heap', got '${String(o.priorityQueue)}'`);
  }
  const n = dem.width * dem.height;
  const f64 = dem.data instanceof Float64Array;
  let z: FloatArray;
  if (options.out) {
    if (!(options.out instanceof Raster) || options.out.data.length !== n || (options.out.data instanceof Float64Array) !== f64 || !isFloatArray(options.out.data)) {
      throw new RusleError('BAD_ARGUMENT', `fillDepressions: out must be a ${f64 ? 'Float64' : 'Float32'} raster of ${n} cells on the DEM's grid`);
    }
    z = options.out.data;
  } else z = f64 ? new Float64Array(n) : new Float32Array(n);
  const src = dem.data;
  if (src !== z) floatValues(src, dem.nodata, z);
  // −0 becomes +0: the flood copies a parent's value onto equal neighbours, so the sign of a zero would depend on
  // the visiting order (and differ between the whole-grid and the tiled fill).
  if (isFloatArray(src)) for (let i = 0; i < n; i++) if (z[i] === 0) z[i] = 0;
  const maxCells = o.maxDepressionCells;
  if (!(maxCells >= 0)) {
    throw new RusleError('BAD_VALUE', `fillDepressions: maxDepressionCells must be a number of cells ≥ 0 (or Infinity), got ${String(maxCells)}`);
  }
  // The size filter needs the original values; keep a copy when filling in place.
  const original: ArrayLike<number> | null = Number.isFinite(maxCells) ? (src === z ? z.slice() : src) : null;
  const pq = z instanceof Float32Array && o.priorityQueue === 'radix' ? new RadixHeap(z) : new BinaryHeap(z);
  let stats = floodKernel(z, dem.width, dem.height, pq, o.epsilon === true, o.slopeTracing !== false);
  if (original) {
    const restored = restoreLargeDepressions(z, original, src === z ? null : dem.nodata, dem.width, dem.height, maxCells);
    stats = { ...stats, restoredCells: restored };
  }
  const filled = options.out ?? new Raster(dem.grid, z);
  return { filled, stats };
}
