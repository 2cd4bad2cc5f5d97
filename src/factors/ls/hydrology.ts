/**
 * The hydrology steps `lsFactor` needs — depression filling, slope and aspect, routing and upslope area — in one
 * private adapter, so the LS code does not depend on which terrain module provides each step.
 *
 * Filling (`conditionDem`) is the terrain layer's `fillDepressions` with ε, routing and accumulation its
 * `d8Directions`, `mfdRouting`, `dinfRouting` and `accumulate`. Kept here as fallbacks and for comparison:
 * - Filling (`fillEpsilon`): Priority-Flood+ε (Barnes, Lehman & Mulla 2014, "Priority-Flood: An optimal depression-filling and
 *   watershed-labeling algorithm for digital elevation models", Computers & Geosciences 62:117–127,
 *   doi:10.1016/j.cageo.2013.04.024, Algorithm 3): seeds are the outlets (outer ring and cells beside nodata); each
 *   filled cell is raised to just above its spill neighbour (`nextUp`, the next representable float64), so every
 *   valid cell has a strictly lower path to an outlet and D8 needs no flat resolution. O(n log n).
 * - Slope and aspect (`hornSlopeAspectFallback`): Horn (1981) 3×3 finite differences with true per-row dx/dy; missing neighbours (edge, nodata)
 *   take the centre value. Aspect is the downslope direction, radians clockwise from north.
 * - Upslope area: D8 accumulation in topological order, true cell areas, the cell included.
 *
 * Not part of the public API.
 * @module
 */

import { Raster, isFloatArray, type FloatArray } from '../../raster/raster.js';
import { accumulate } from '../../terrain/accumulate.js';
import { fillDepressions } from '../../terrain/fill.js';
import { d8Directions } from '../../terrain/routing/d8.js';
import { dinfRouting } from '../../terrain/routing/dinf.js';
import { mfdRouting } from '../../terrain/routing/mfd.js';
import { slope, slopeAspect, slopePercentAndFlowWidth } from '../../terrain/slope.js';
import { D8_NODATA } from '../../terrain/d8codes.js';
import { NEIGHBOUR_DCOL, NEIGHBOUR_DROW } from '../../terrain/neighbours.js';

const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);
/** Next float64 above x (x finite). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  F64[0] = x;
  if (x > 0) U64[0]! += 1n;
  else U64[0]! -= 1n;
  return F64[0]!;
}

/** Float64 copy of a DEM with NaN nodata (integer rasters: their nodata value → NaN). */
export function demAsFloat64(dem: Raster): Raster<Float64Array> {
  const d = dem.data;
  const out = new Float64Array(d.length);
  if (isFloatArray(d)) out.set(d);
  else {
    const nd = dem.nodata;
    for (let i = 0; i < d.length; i++) out[i] = nd !== null && d[i] === nd ? NaN : d[i]!;
  }
  return new Raster(dem.grid, out);
}

/** Binary min-heap of (elevation, index) with FIFO order among equal elevations (sequence number). */
class Heap {
  private z = new Float64Array(1024);
  private idx = new Int32Array(1024);
  private seq = new Float64Array(1024);
  private n = 0;
  private counter = 0;
  get size(): number {
    return this.n;
  }
  private less(a: number, b: number): boolean {
    return this.z[a]! < this.z[b]! || (this.z[a] === this.z[b] && this.seq[a]! < this.seq[b]!);
  }
  private swap(a: number, b: number): void {
    const z = this.z[a]!; this.z[a] = this.z[b]!; this.z[b] = z;
    const i = this.idx[a]!; this.idx[a] = this.idx[b]!; this.idx[b] = i;
    const s = this.seq[a]!; this.seq[a] = this.seq[b]!; this.seq[b] = s;
  }
  push(z: number, i: number): void {
    if (this.n === this.z.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.z = grow(this.z);
      this.idx = grow(this.idx);
      this.seq = grow(this.seq);
    }
    let k = this.n++;
    this.z[k] = z;
    this.idx[k] = i;
    this.seq[k] = this.counter++;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!this.less(k, p)) break;
      this.swap(k, p);
      k = p;
    }
  }
  pop(): number {
    const top = this.idx[0]!;
    this.n--;
    if (this.n > 0) {
      this.z[0] = this.z[this.n]!;
      this.idx[0] = this.idx[this.n]!;
      this.seq[0] = this.seq[this.n]!;
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < this.n && this.less(l, m)) m = l;
        if (r < this.n && this.less(r, m)) m = r;
        if (m === k) break;
        this.swap(k, m);
        k = m;
      }
    }
    return top;
  }
}

/** Priority-Flood+ε: a filled Float64 copy in which every valid cell has a strictly lower path to an outlet. */
export function fillEpsilon(dem: Raster): Raster<Float64Array> {
  const f = demAsFloat64(dem);
  const z = f.data;
  const w = dem.width;
  const h = dem.height;
  const done = new Uint8Array(w * h);
  const heap = new Heap();
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      if (z[i] !== z[i]) {
        done[i] = 1;
        continue;
      }
      let outlet = r === 0 || c === 0 || r === h - 1 || c === w - 1;
      if (!outlet) {
        for (let k = 0; k < 8; k++) {
          const j = (r + NEIGHBOUR_DROW[k]!) * w + c + NEIGHBOUR_DCOL[k]!;
          if (z[j] !== z[j]) {
            outlet = true;
            break;
          }
        }
      }
      if (outlet) {
        done[i] = 1;
        heap.push(z[i]!, i);
      }
    }
  }
  while (heap.size > 0) {
    const i = heap.pop();
    const r = (i / w) | 0;
    const c = i - r * w;
    const zi = z[i]!;
    for (let k = 0; k < 8; k++) {
      const rr = r + NEIGHBOUR_DROW[k]!;
      const cc = c + NEIGHBOUR_DCOL[k]!;
      if (rr < 0 || cc < 0 || rr >= h || cc >= w) continue;
      const j = rr * w + cc;
      if (done[j]) continue;
      done[j] = 1;
      if (!(z[j]! > zi)) z[j] = nextUp(zi);
      heap.push(z[j]!, j);
    }
  }
  return f;
}

/**
 * Horn (1981) slope (radians) and aspect (radians clockwise from north, downslope direction; NaN where flat), from
 * the terrain layer's `slopeAspect` with gdaldem's `-compute_edges` rule.
 */
export function hornSlopeAspect(dem: Raster<FloatArray>): { slopeRad: Float64Array; aspectRad: Float64Array } {
  const r = slopeAspect(dem, { method: 'horn', edges: 'compute' });
  return { slopeRad: r.slopeRad.data, aspectRad: r.aspectRad.data };
}

/** Horn (1981) slope as a percentage (100 · tan θ), Float32, from the terrain layer's `slope` (no atan, no aspect). */
export function hornSlopePercent(dem: Raster<FloatArray>, out?: Float32Array): Float32Array {
  return slope(dem, { method: 'horn', edges: 'compute', units: 'percent', ...(out ? { out: new Raster(dem.grid, out) } : {}) }).data;
}

/**
 * Horn (1981) slope as a percentage (Float32, the values of `hornSlopePercent`) and the Desmet & Govers flow-width
 * factor x = |sin α| + |cos α| (Float64, 1 where flat) from the same gradient in one pass, gdaldem's
 * `-compute_edges` rule.
 */
export function hornSlopePercentAndFlowWidth(dem: Raster<FloatArray>, out?: Float32Array): { slopePercent: Float32Array; flowWidth: Float64Array } {
  const r = slopePercentAndFlowWidth(dem, { method: 'horn', edges: 'compute', ...(out ? { out: new Raster(dem.grid, out) } : {}) });
  return { slopePercent: r.slopePercent.data, flowWidth: r.flowWidth.data };
}

/** The fallback Horn kernel (missing neighbours take the centre value); kept for comparison. */
export function hornSlopeAspectFallback(dem: Raster<FloatArray>): { slopeRad: Float64Array; aspectRad: Float64Array } {
  const g = dem.grid;
  const w = g.width;
  const h = g.height;
  const z = dem.data;
  const dxs = g.rowCellWidthsMeters();
  const dys = g.rowCellHeightsMeters();
  const slope = new Float64Array(w * h);
  const aspect = new Float64Array(w * h);
  for (let r = 0; r < h; r++) {
    const dx = dxs[r]!;
    const dy = dys[r]!;
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      const zc = z[i]!;
      if (zc !== zc) {
        slope[i] = NaN;
        aspect[i] = NaN;
        continue;
      }
      const at = (dr: number, dc: number): number => {
        const rr = r + dr;
        const cc = c + dc;
        if (rr < 0 || cc < 0 || rr >= h || cc >= w) return zc;
        const v = z[rr * w + cc]!;
        return v === v ? v : zc;
      };
      const a = at(-1, -1), b = at(-1, 0), cq = at(-1, 1);
      const d = at(0, -1), f = at(0, 1);
      const gg = at(1, -1), hh = at(1, 0), ii = at(1, 1);
      const dzdx = (cq + 2 * f + ii - (a + 2 * d + gg)) / (8 * dx); // east positive
      const dzdy = (gg + 2 * hh + ii - (a + 2 * b + cq)) / (8 * dy); // south positive (rows grow south)
      slope[i] = Math.atan(Math.sqrt(dzdx * dzdx + dzdy * dzdy));
      // downslope direction: −gradient; east component −dzdx, north component +dzdy
      if (dzdx === 0 && dzdy === 0) aspect[i] = NaN;
      else {
        let az = Math.atan2(-dzdx, dzdy);
        if (az < 0) az += 2 * Math.PI;
        aspect[i] = az;
      }
    }
  }
  return { slopeRad: slope, aspectRad: aspect };
}

/** D8 upslope area in m², the cell included (NaN on nodata), from D8 codes. */
export function d8UpslopeAreaM2(codes: Raster<Uint8Array>): Float64Array {
  const g = codes.grid;
  const w = g.width;
  const h = g.height;
  const n = w * h;
  const fd = codes.data;
  const areas = g.rowCellAreasM2();
  const rec = new Int32Array(n);
  const indeg = new Int32Array(n);
  const acc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const code = fd[i]!;
    if (code === D8_NODATA) {
      rec[i] = -2;
      acc[i] = NaN;
      continue;
    }
    acc[i] = areas[(i / w) | 0]!;
    let j = -1;
    if (code !== 0) {
      const k = 31 - Math.clz32(code);
      const r = (i / w) | 0;
      const rr = r + NEIGHBOUR_DROW[k]!;
      const cc = i - r * w + NEIGHBOUR_DCOL[k]!;
      if (rr >= 0 && cc >= 0 && rr < h && cc < w && fd[rr * w + cc] !== D8_NODATA) j = rr * w + cc;
    }
    rec[i] = j;
    if (j >= 0) indeg[j]!++;
  }
  const queue = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (rec[i]! >= -1 && indeg[i] === 0) queue[tail++] = i;
  let head = 0;
  while (head < tail) {
    const i = queue[head++]!;
    const j = rec[i]!;
    if (j >= 0) {
      acc[j]! += acc[i]!;
      if (--indeg[j]! === 0) queue[tail++] = j;
    }
  }
  return acc;
}

/** D8 codes of a filled DEM (steepest descent, true distances), from the routing module. */
export function d8Codes(filled: Raster<FloatArray>): Raster<Uint8Array> {
  return d8Directions(filled);
}

/** Depression filling with ε (every valid cell gets a strictly lower path to an outlet), or a float copy. */
export function conditionDem(dem: Raster, fill: boolean): Raster<FloatArray> {
  if (!fill) return isFloatArray(dem.data) ? (dem as Raster<FloatArray>) : demAsFloat64(dem);
  return fillDepressions(dem, { epsilon: true });
}

/**
 * Upslope area in m² (the cell included) under a routing; for D∞ also the flow angle (radians CCW from east,
 * -1 none), which InVEST uses for the flow-width factor.
 */
export function upslopeArea(filled: Raster<FloatArray>, routing: 'd8' | 'mfd' | 'dinf'): { areaM2: Float64Array; codes?: Raster<Uint8Array>; dinfAngle?: Float32Array } {
  if (routing === 'd8') {
    const codes = d8Directions(filled);
    return { areaM2: accumulate({ kind: 'd8', codes }, { output: 'm2' }).data, codes };
  }
  if (routing === 'mfd') return { areaM2: accumulate(mfdRouting(filled), { output: 'm2' }).data };
  const r = dinfRouting(filled);
  return { areaM2: accumulate(r, { output: 'm2' }).data, dinfAngle: r.angle.data };
}

