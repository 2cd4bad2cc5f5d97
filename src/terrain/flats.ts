/**
 * Flat resolution: drainage directions over flat surfaces without altering elevations.
 *
 * Barnes, R., Lehman, C., Mulla, D. (2014). An efficient assignment of drainage direction over flat surfaces in
 * raster digital elevation models. Computers & Geosciences 62, 128–135. doi:10.1016/j.cageo.2013.01.009
 *
 * After depression filling (without ε), a DEM has flats: connected cells of equal elevation without a lower
 * neighbour. This module computes, for every cell of a drainable flat, an integer number of "increments"
 * (`flatMask`) that superposes a gradient towards lower terrain with a gradient away from higher terrain (Barnes
 * et al. 2014, §2.2–2.4). Routing uses the mask as a tie-breaker on flats, so elevations — and thus slope and S —
 * are never altered (no artificial ε slope).
 *
 * **Which cells drain (the rule routing must share).** A valid cell *drains* when it has a strictly lower valid
 * neighbour (8-neighbourhood) or when it is an **outlet**: on the outer ring of the grid, or with at least one nodata
 * neighbour (flow leaves the grid or enters nodata, as in `fillDepressions`). A *flat cell* is a valid cell that does
 * not drain: an interior cell whose eight neighbours are all valid and none lower. Nodata cells are neither.
 *
 * **Output.**
 * - `labels[i] > 0` names the flat (plus its low-edge cells and any same-elevation draining cells connected to it);
 *   `0` elsewhere, including flats that have no outlet (undrainable: the DEM was not filled).
 * - `flatMask[i]` (≥ 0) increments; meaningful only where `labels[i] > 0`; the low-edge cells (draining cells
 *   beside a flat at the flat's elevation) get the smallest values of their flat. `0` outside labelled cells.
 *
 * **How routing must use it (D8).** For a flat cell `c` (no lower neighbour, not an outlet) with `labels[c] > 0`,
 * the receiver is the neighbour `n` with `labels[n] === labels[c]` and the smallest `flatMask[n]`, provided
 * `flatMask[n] < flatMask[c]`; ties go to the first neighbour in D8 order E, SE, S, SW, W, NW, N, NE.
 * {@link flatD8Neighbour} does exactly this. Such a neighbour always exists for a labelled flat cell (Barnes et al.
 * 2014, §3), so every flat cell of a drainable flat gets a receiver; cells with `labels[c] === 0` stay `D8_NONE`.
 * Same-elevation neighbours are always in the same label, so `elevation[n] === elevation[c]` may replace the label
 * test. **MFD/D∞:** on a flat cell, treat `flatMask` as the elevation: share flow among same-label neighbours with a
 * lower mask, using `(flatMask[c] − flatMask[n]) / distance` as the slope.
 *
 * Complexity: O(n) time — one scan over the grid (classification, with the flats' edges found one row behind it),
 * then a flood fill and two breadth-first passes whose work is proportional to the flat cells and their edges (their
 * visit flags live in the one-byte class array, not in the Int32 outputs); memory: two Int32 arrays (`flatMask`,
 * `labels`), one byte per cell of classification and two Int32 queues as long as the flat cells (plus low edges).
 * @module
 */

import { RusleError } from '../raster/errors.js';
import { type FloatArray, Raster } from '../raster/raster.js';
import { NEIGHBOUR_DCOL, NEIGHBOUR_DROW } from './neighbours.js';

/** Options of {@link resolveFlats}. */
export interface ResolveFlatsOptions {
  /** Arrays to write into (length `width × height`); allocated when omitted. */
  readonly out?: { readonly flatMask?: Int32Array; readonly labels?: Int32Array };
}

/** Defaults of {@link resolveFlats} (it has no tunable defaults; kept for the module shape). */
export const RESOLVE_FLATS_DEFAULTS: Readonly<Record<string, never>> = Object.freeze({});

/** Result of {@link resolveFlats}. */
export interface FlatResolution {
  /** Increments per cell (Barnes et al. 2014 "FlatMask"); meaningful where `labels > 0`. */
  readonly flatMask: Int32Array;
  /** Flat label per cell (1…`flatCount`); 0 = not part of a drainable flat. */
  readonly labels: Int32Array;
  /** Number of drainable flats. */
  readonly flatCount: number;
  /** Number of flat cells (valid, not draining) that belong to a drainable flat. */
  readonly flatCellCount: number;
  /** Number of flat cells without any outlet (left unresolved; 0 on a filled DEM). */
  readonly undrainedCellCount: number;
  /** Grid width, for index arithmetic. */
  readonly width: number;
  /** Grid height. */
  readonly height: number;
}

/**
 * Cell classes used internally (one byte per cell). `FLAT` cells carry two visit bits, set by the two breadth-first
 * passes, so a neighbour test reads this byte (and the elevation) instead of the Int32 mask.
 */
const NODATA = 0;
const DRAINS = 1;
/** A draining cell already recorded as a low edge. */
const LOW_EDGE = 3;
const FLAT = 4;
/** Visit bit of the pass away from higher terrain. */
const AWAY_SEEN = 8;
/** Visit bit of the pass towards lower terrain. */
const TOWARDS_SEEN = 16;
/** Set on every cell the label flood reached (`labels > 0`), so its visit test reads this byte. */
const LABELLED = 32;

/** A growable Int32 FIFO (no wrap: pushes never exceed the capacity it grows to). */
class IntQueue {
  buf: Int32Array;
  head = 0;
  tail = 0;
  constructor(capacity: number) {
    this.buf = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.tail === this.buf.length) {
      if (this.head > 0 && this.head >= this.buf.length >>> 1) {
        this.buf.copyWithin(0, this.head, this.tail);
        this.tail -= this.head;
        this.head = 0;
      } else {
        const nb = new Int32Array(this.buf.length * 2);
        nb.set(this.buf.subarray(this.head, this.tail));
        this.tail -= this.head;
        this.head = 0;
        this.buf = nb;
      }
    }
    this.buf[this.tail++] = v;
  }
  get size(): number {
    return this.tail - this.head;
  }
  shift(): number {
    return this.buf[this.head++]!;
  }
  clear(): void {
    this.head = 0;
    this.tail = 0;
  }
}

/** Flat index of neighbour `d` (D8 order) of (r, c), or -1 when it is off the grid. */
function neighbourOrMinus1(r: number, c: number, d: number, w: number, h: number): number {
  const rr = r + NEIGHBOUR_DROW[d]!;
  const cc = c + NEIGHBOUR_DCOL[d]!;
  return rr < 0 || cc < 0 || rr >= h || cc >= w ? -1 : rr * w + cc;
}

/**
 * Classifies every cell (NODATA, DRAINS, FLAT) and, one row behind the classification (so that all eight neighbours
 * are classified while the rows are still in cache), finds the edges of the flats. Low edge: a draining cell with a
 * flat neighbour of equal elevation. High edge: a flat cell with a higher neighbour. Both are found from the flat cells
 * (interior, with eight valid neighbours) in ascending index order; a low edge found twice is marked LOW_EDGE and kept
 * once. Returns the number of flat cells.
 */
function classifyAndEdges(z: FloatArray, w: number, h: number, cls: Uint8Array, offs: Int32Array, low: IntQueue, high: IntQueue): number {
  let flats = 0;
  let prevRowFlats = 0;
  for (let r = 0; r < h; r++) {
    const border = r === 0 || r === h - 1;
    let rowFlats = 0;
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      const zi = z[i]!;
      if (zi !== zi) {
        cls[i] = NODATA;
        continue;
      }
      if (border || c === 0 || c === w - 1) {
        cls[i] = DRAINS;
        continue;
      }
      // Flat when no neighbour is lower or nodata (NaN fails every >=); stops at the first lower neighbour.
      const o = i - w;
      const s = i + w;
      if (z[i + 1]! >= zi && z[s + 1]! >= zi && z[s]! >= zi && z[s - 1]! >= zi &&
        z[i - 1]! >= zi && z[o - 1]! >= zi && z[o]! >= zi && z[o + 1]! >= zi) {
        cls[i] = FLAT;
        rowFlats++;
      } else cls[i] = DRAINS;
    }
    flats += rowFlats;
    if (prevRowFlats > 0) edgesOfRow(z, w, r - 1, cls, offs, low, high);
    prevRowFlats = rowFlats;
  }
  return flats;
}

/** The edges found from the flat cells of row `r` (see `classifyAndEdges`). */
function edgesOfRow(z: FloatArray, w: number, r: number, cls: Uint8Array, offs: Int32Array, low: IntQueue, high: IntQueue): void {
  for (let i = r * w + 1, e = r * w + w - 1; i < e; i++) {
    if (cls[i] !== FLAT) continue;
    const zi = z[i]!;
    let isHigh = false;
    for (let d = 0; d < 8; d++) {
      const j = i + offs[d]!;
      const zj = z[j]!;
      if (zj > zi) isHigh = true;
      else if (zj === zi && cls[j] === DRAINS) {
        cls[j] = LOW_EDGE;
        low.push(j);
      }
    }
    if (isHigh) high.push(i);
  }
}

function resolveKernel(
  z: FloatArray, w: number, h: number, mask: Int32Array, labels: Int32Array, zeroed: boolean,
): { flatCount: number; flatCellCount: number; undrainedCellCount: number } {
  const n = w * h;
  const cls = new Uint8Array(n);
  const offs = Int32Array.of(1, w + 1, w, w - 1, -1, -w - 1, -w, -w + 1);
  // 1. Classes and edges in one sweep.
  const low = new IntQueue(1024);
  const high = new IntQueue(1024);
  const totalFlat = classifyAndEdges(z, w, h, cls, offs, low, high);
  if (!zeroed) {
    mask.fill(0);
    labels.fill(0);
  }
  if (totalFlat === 0) return { flatCount: 0, flatCellCount: 0, undrainedCellCount: 0 };

  // 2. Labels: flood fill over equal elevation from each low edge (Barnes et al. 2014, "LabelFlats"). Cells of
  //    the outer ring (only draining cells lie there) take the bounds-checked branch.
  let label = 0;
  let fq = new Int32Array(1024);
  for (let q = low.head; q < low.tail; q++) {
    const s = low.buf[q]!;
    if ((cls[s]! & LABELLED) !== 0) continue;
    label++;
    const zs = z[s]!;
    labels[s] = label;
    cls[s] |= LABELLED;
    let head = 0;
    let tail = 0;
    fq[tail++] = s;
    while (head < tail) {
      const i = fq[head++]!;
      if (tail + 8 > fq.length) {
        const nq = new Int32Array(fq.length * 2);
        nq.set(fq.subarray(head, tail));
        tail -= head;
        head = 0;
        fq = nq;
      }
      if ((cls[i]! & FLAT) !== 0) {
        // flat cells are interior
        for (let d = 0; d < 8; d++) {
          const j = i + offs[d]!;
          const cj = cls[j]!;
          if ((cj & LABELLED) === 0 && z[j] === zs) {
            labels[j] = label;
            cls[j] = cj | LABELLED;
            fq[tail++] = j;
          }
        }
        continue;
      }
      const r = (i / w) | 0;
      const c = i - r * w;
      const interior = r > 0 && c > 0 && r < h - 1 && c < w - 1;
      for (let d = 0; d < 8; d++) {
        const j = interior ? i + offs[d]! : neighbourOrMinus1(r, c, d, w, h);
        if (j < 0) continue;
        const cj = cls[j]!;
        if ((cj & LABELLED) === 0 && z[j] === zs) {
          labels[j] = label;
          cls[j] = cj | LABELLED;
          fq[tail++] = j;
        }
      }
    }
  }
  fq = new Int32Array(0);
  const flatHeight = new Int32Array(label + 1);

  // 3. Gradient away from higher terrain (breadth-first from the high edges of drainable flats; layer 1 at the
  //    edges). Marking on push gives the same layers as Barnes' mark-on-pop with repeated pushes. Every flat cell
  //    is pushed at most once in each pass, so one array of (low edges + flat cells) serves both passes. The visit
  //    bit lives in `cls`; `mask` holds the (positive) away value. `bx` runs beside the queue with a per-cell value
  //    inherited from the cell that pushed it (its flat's label here, the flat's height in step 4): neighbours pushed
  //    are in the same flat, so the Int32 label array is read only at the seeds.
  const bq = new Int32Array(low.size + totalFlat);
  const bx = new Int32Array(low.size + totalFlat);
  let head = 0;
  let tail = 0;
  for (let q = high.head; q < high.tail; q++) {
    const s = high.buf[q]!;
    if ((cls[s]! & LABELLED) === 0) continue;
    mask[s] = 1;
    cls[s] |= AWAY_SEEN;
    bx[tail] = labels[s]!;
    bq[tail++] = s;
  }
  let layer = 1;
  let layerEnd = tail;
  let layerStart = 0;
  while (head < tail) {
    if (head === layerEnd) {
      // the layer just finished reached `layer` on each flat it touched
      for (let q = layerStart; q < layerEnd; q++) flatHeight[bx[q]!] = layer;
      layer++;
      layerStart = head;
      layerEnd = tail;
    }
    const l = bx[head]!;
    const i = bq[head++]!;
    const zi = z[i]!;
    const m = layer + 1;
    for (let d = 0; d < 8; d++) {
      const j = i + offs[d]!;
      // a flat neighbour of equal elevation is in the same flat (hence the same label)
      const cj = cls[j]!;
      if ((cj & (FLAT | AWAY_SEEN)) === FLAT && z[j] === zi) {
        cls[j] = cj | AWAY_SEEN;
        mask[j] = m;
        bx[tail] = l;
        bq[tail++] = j;
      }
    }
  }
  for (let q = layerStart; q < tail; q++) flatHeight[bx[q]!] = layer;

  // 4. Gradient towards lower terrain, combined: mask = (flatHeight − away) + 2·towards (Barnes et al. 2014, §2.4).
  //    Breadth-first by layers (`layerEnd` marks where the current layer stops). Low edges never receive an away
  //    value (they drain), so Barnes' rule gives them 2·1.
  head = 0;
  tail = 0;
  for (let q = low.head; q < low.tail; q++) {
    const s = low.buf[q]!;
    mask[s] = 2;
    bx[tail] = flatHeight[labels[s]!]!;
    bq[tail++] = s;
  }
  let loops = 2;
  layerEnd = tail;
  let flatCellCount = 0;
  while (head < tail) {
    if (head === layerEnd) {
      loops++;
      layerEnd = tail;
    }
    const fh = bx[head]!;
    const i = bq[head++]!;
    const zi = z[i]!;
    const base = 2 * loops;
    // flat cells are interior; only a low edge may lie on the grid's outer ring
    if ((cls[i]! & FLAT) !== 0) {
      for (let d = 0; d < 8; d++) {
        const j = i + offs[d]!;
        const cj = cls[j]!;
        if ((cj & (FLAT | TOWARDS_SEEN)) === FLAT && z[j] === zi) {
          cls[j] = cj | TOWARDS_SEEN;
          mask[j] = (cj & AWAY_SEEN) !== 0 ? fh - mask[j]! + base : base;
          flatCellCount++;
          bx[tail] = fh;
          bq[tail++] = j;
        }
      }
      continue;
    }
    const r = (i / w) | 0;
    const c = i - r * w;
    const interior = r > 0 && c > 0 && r < h - 1 && c < w - 1;
    for (let d = 0; d < 8; d++) {
      const j = interior ? i + offs[d]! : neighbourOrMinus1(r, c, d, w, h);
      if (j < 0) continue;
      const cj = cls[j]!;
      if ((cj & (FLAT | TOWARDS_SEEN)) === FLAT && z[j] === zi) {
        cls[j] = cj | TOWARDS_SEEN;
        mask[j] = (cj & AWAY_SEEN) !== 0 ? fh - mask[j]! + base : base;
        flatCellCount++;
        bx[tail] = fh;
        bq[tail++] = j;
      }
    }
  }
  // Every flat cell of a drainable flat is reached from a low edge (a same-elevation path from the low edge that
  // labelled it runs through flat cells or through other low edges); the rest belong to undrainable flats, which
  // never received an away value (their high edges have label 0), so their mask stays 0.
  return { flatCount: label, flatCellCount, undrainedCellCount: totalFlat - flatCellCount };
}

/**
 * Resolves the flats of a filled DEM (Barnes, Lehman & Mulla 2014): returns per-cell increments (`flatMask`) and
 * flat labels that routing uses to drain flats without changing elevations.
 *
 * Elevations are compared exactly (no tolerance), as produced by `fillDepressions` without ε. Outlets (grid edge,
 * nodata neighbour) drain; see the module header for the exact rule and for how routing must use the mask.
 *
 * @param dem - filled DEM, metres (any unit: only equality and order matter); NaN = nodata. Integer rasters are
 *   accepted (their nodata value is honoured).
 * @param options - optional output arrays.
 * @returns the {@link FlatResolution}: `flatMask`, `labels`, counts.
 * @throws RusleError `BAD_ARGUMENT` when an `out` array has the wrong length.
 * @example
 * ```ts
 * const filled = fillDepressions(dem);
 * const { flatMask, labels } = resolveFlats(filled);
 * ```
 */
export function resolveFlats(dem: Raster, options: ResolveFlatsOptions = {}): FlatResolution {
  if (!(dem instanceof Raster)) throw new RusleError('BAD_ARGUMENT', 'resolveFlats: dem must be a Raster');
  const w = dem.width;
  const h = dem.height;
  const n = w * h;
  const z = asFloat(dem);
  const zeroed = options.out?.flatMask === undefined && options.out?.labels === undefined;
  const flatMask = options.out?.flatMask ?? new Int32Array(n);
  const labels = options.out?.labels ?? new Int32Array(n);
  if (flatMask.length !== n || labels.length !== n) {
    throw new RusleError('BAD_ARGUMENT', `resolveFlats: out.flatMask and out.labels must have ${n} elements (the grid's cells)`);
  }
  const s = resolveKernel(z, w, h, flatMask, labels, zeroed);
  return { flatMask, labels, ...s, width: w, height: h };
}

/** The raster's values as floats with NaN for nodata (a copy only for integer rasters). */
function asFloat(r: Raster): FloatArray {
  return r.toFloat(Float64Array).data;
}

/**
 * The D8 neighbour (0–7, order E, SE, S, SW, W, NW, N, NE) that a flat cell drains to under the flat mask, or -1
 * when the cell is not in a drainable flat. Call it only for cells that have no lower neighbour and are not outlets
 * (such cells are interior, so all eight neighbours exist).
 *
 * @param flats - the result of {@link resolveFlats}.
 * @param index - flat index of the cell (`row * width + col`).
 * @returns neighbour index 0–7 (use `D8_CODES[k]` for the code), or -1.
 * @example
 * ```ts
 * const k = flatD8Neighbour(flats, i); // e.g. 2 → the cell drains south (D8 code 4)
 * ```
 */
export function flatD8Neighbour(flats: FlatResolution, index: number): number {
  const l = flats.labels[index]!;
  if (!(l > 0)) return -1;
  const w = flats.width;
  const r = (index / w) | 0;
  const c = index - r * w;
  if (r <= 0 || c <= 0 || r >= flats.height - 1 || c >= w - 1) return -1;
  const mask = flats.flatMask;
  let best = mask[index]!;
  let k = -1;
  const offs = [1, w + 1, w, w - 1, -1, -w - 1, -w, -w + 1];
  for (let d = 0; d < 8; d++) {
    const j = index + offs[d]!;
    if (flats.labels[j] === l && mask[j]! < best) {
      best = mask[j]!;
      k = d;
    }
  }
  return k;
}
