/**
 * The multiple-flow-direction routing of pygeoprocessing (natcap/pygeoprocessing `routing.pyx`, 2.4.x), the routing
 * InVEST's SDR, NDR and SWY models run on: flow directions, flow accumulation, stream extraction and the weighted
 * distance to a channel. Re-typed from that source so that InVEST's SDR can be reproduced cell for cell
 * (`sedimentDelivery` in `src/model/sdr.ts`); use `mfdRouting` (Freeman, Quinn, Holmgren) for anything else.
 *
 * - **Directions** (`flow_dir_mfd`): a cell drains to each lower neighbour in proportion to drop / step, the step
 *   being 1 for the four sides and √2 for the diagonals, in pixel units (the cell size never enters), exponent 1.
 *   The proportions are stored quantised as eight 4-bit integers (0–15) packed into an `Int32`, neighbour k in bits
 *   4k…4k+3, neighbours in the order E, NE, N, NW, W, SW, S, SE; each is ⌊0.5 + 15·wₖ/Σw⌋, so a proportion below
 *   1/30 is dropped and the nibbles need not add up to 15. 0 means nodata (and no flow).
 * - **Plateaus** (cells without a lower neighbour after pit filling): flow goes down the distance (1 or √2 per step)
 *   to the nearest cell of the plateau that has a lower neighbour, with weight 1 or 1/√2 to every same-height
 *   neighbour that is nearer; a plateau without such a cell drains into its off-grid or nodata neighbours.
 * - **Accumulation** (`flow_accumulation_mfd`): own weight plus Σ upstream accumulation · nibble / Σ nibbles of
 *   the upstream cell (flow into off-grid or nodata neighbours leaves).
 * - **Streams** (`extract_streams_mfd`): traced upstream from the outlets (cells with accumulation ≥ threshold that
 *   send flow off the grid or into nodata); a cell joins at accumulation ≥ threshold, or tentatively at ≥
 *   `traceProportion` · threshold, kept only when a full stream cell lies upstream of it.
 * - **Distance to channel** (`distance_to_channel_mfd`): 0 on a stream; else Σ p·(wₙ + dₙ) / Σ p over the
 *   downstream neighbours n whose distance is defined, p the raw nibbles and wₙ the weight of the neighbour n (1 or
 *   √2 without weights: with a weight raster the weight replaces the step length); undefined (NaN) when no flow
 *   reaches a stream.
 *
 * Nodata: NaN DEM cells get direction 0 and NaN everywhere downstream of the routing. The grid must have square
 * cells (pixel units); the caller checks that. Complexity O(n) after pit filling (plateaus breadth-first). Memory: 4 bytes per cell for the directions, 4 for the topological order.
 * Not part of the public API beyond the names exported from `src/terrain`.
 * @module
 */

import { RusleError } from '../../raster/errors.js';
import { Raster, type FloatArray } from '../../raster/raster.js';

/** Column offsets of pygeoprocessing's neighbour order E, NE, N, NW, W, SW, S, SE. */
export const PGP_DX: readonly number[] = [1, 1, 0, -1, -1, -1, 0, 1];
/** Row offsets of the same order (rows grow southward). */
export const PGP_DY: readonly number[] = [0, -1, -1, -1, 0, 1, 1, 1];
const SQRT2 = 1.4142135623730951;
const SQRT2_INV = 1.0 / 1.4142135623730951;

/** Packed MFD directions of pygeoprocessing (see the module header), `Int32Array`, 0 = nodata. */
export interface PgpMfdRouting {
  /** Discriminant. */
  readonly kind: 'pgp-mfd';
  /** Packed nibbles per cell; 0 = nodata or no flow. */
  readonly directions: Raster<Int32Array>;
}

/**
 * pygeoprocessing's `flow_dir_mfd` on a pit-filled DEM (no ε: plateaus are routed by their distance to a drain).
 *
 * @param filled - pit-filled elevations (`fillDepressions(dem, { epsilon: false })`), NaN = nodata.
 * @returns the packed directions.
 */
export function pgpMfdDirections(filled: Raster<FloatArray>): PgpMfdRouting {
  const w = filled.width;
  const h = filled.height;
  const n = w * h;
  const z = filled.data;
  const dir = new Int32Array(n);
  const flat = new Uint8Array(n);
  const drainMask = new Uint8Array(n);
  const dist = new Float64Array(n).fill(Infinity);
  const slopes = new Float64Array(8);
  const nodataSlopes = new Float64Array(8);
  const pack = (arr: Float64Array, sum: number): number => {
    let c = 0;
    for (let k = 0; k < 8; k++) c |= Math.floor(0.5 + (arr[k]! / sum) * 15) << (k * 4);
    return c;
  };
  const search: number[] = [];
  const drainQ: number[] = [];
  const nodataQ: number[] = [];
  const nodataDir: number[] = [];
  const dirQ: number[] = [];
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      const root = z[i]!;
      if (root !== root || dir[i] !== 0) continue;
      let sum = 0;
      for (let k = 0; k < 8; k++) {
        slopes[k] = 0;
        const rr = r + PGP_DY[k]!;
        const cc = c + PGP_DX[k]!;
        if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
        const nz = z[rr * w + cc]!;
        if (nz !== nz) continue;
        let s = root - nz;
        if (s > 0) {
          if (k & 1) s *= SQRT2_INV;
          slopes[k] = s;
          sum += s;
        }
      }
      if (sum > 0) {
        dir[i] = pack(slopes, sum);
        continue;
      }
      // a plateau: find its drains (same-height cells with a lower neighbour), else its nodata edges
      search.length = 0;
      let head = 0;
      search.push(i);
      flat[i] = 1;
      drainQ.length = 0;
      nodataQ.length = 0;
      nodataDir.length = 0;
      while (head < search.length) {
        const q = search[head++]!;
        const qr = (q / w) | 0;
        const qc = q - qr * w;
        let sw = 0;
        let snd = 0;
        for (let k = 0; k < 8; k++) {
          slopes[k] = 0;
          nodataSlopes[k] = 0;
          const rr = qr + PGP_DY[k]!;
          const cc = qc + PGP_DX[k]!;
          const off = rr < 0 || rr >= h || cc < 0 || cc >= w;
          const j = rr * w + cc;
          const nz = off ? NaN : z[j]!;
          if (nz !== nz) {
            const s = k & 1 ? SQRT2_INV : 1.0;
            snd += s;
            nodataSlopes[k] = s;
            continue;
          }
          let s = root - nz;
          if (s < 0) continue;
          if (s === 0) {
            if (flat[j] === 0) {
              search.push(j);
              flat[j] = 1;
            }
            continue;
          }
          if (k & 1) s *= SQRT2_INV;
          slopes[k] = s;
          sw += s;
        }
        if (sw > 0) {
          dir[q] = pack(slopes, sw);
          dist[q] = 0;
          drainMask[q] = 1;
          drainQ.push(q);
        } else if (snd > 0) {
          nodataQ.push(q);
          nodataDir.push(pack(nodataSlopes, snd));
        }
      }
      if (drainQ.length === 0) {
        for (let k = 0; k < nodataQ.length; k++) {
          const q = nodataQ[k]!;
          dir[q] = nodataDir[k]!;
          dist[q] = 0;
          drainMask[q] = 1;
          drainQ.push(q);
        }
      }
      dirQ.length = 0;
      for (const q of drainQ) dirQ.push(q);
      // distances from the drains across the plateau (label-correcting breadth-first search)
      head = 0;
      while (head < drainQ.length) {
        const q = drainQ[head++]!;
        const qr = (q / w) | 0;
        const qc = q - qr * w;
        const d = dist[q]!;
        for (let k = 0; k < 8; k++) {
          const rr = qr + PGP_DY[k]!;
          const cc = qc + PGP_DX[k]!;
          if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
          const j = rr * w + cc;
          const nd = d + (k & 1 ? SQRT2 : 1.0);
          if (z[j] === root && dist[j]! > nd) {
            dist[j] = nd;
            drainQ.push(j);
          }
        }
      }
      // directions towards nearer same-height cells
      head = 0;
      while (head < dirQ.length) {
        const q = dirQ[head++]!;
        const qr = (q / w) | 0;
        const qc = q - qr * w;
        const d = dist[q]!;
        let sw = 0;
        for (let k = 0; k < 8; k++) {
          slopes[k] = 0;
          const rr = qr + PGP_DY[k]!;
          const cc = qc + PGP_DX[k]!;
          if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
          const j = rr * w + cc;
          if (z[j] !== root) continue;
          const nd = dist[j]!;
          if (nd === Infinity) continue;
          if (nd < d) {
            const s = k & 1 ? SQRT2_INV : 1.0;
            slopes[k] = s;
            sw += s;
          } else if (!drainMask[j]) {
            dirQ.push(j);
            drainMask[j] = 1;
          }
        }
        if (sw === 0) continue;
        dir[q] = pack(slopes, sw);
      }
    }
  }
  return { kind: 'pgp-mfd', directions: new Raster(filled.grid, dir, 0) };
}

/** Sum of the eight nibbles of a packed direction. */
function nibbleSum(d: number): number {
  let s = 0;
  for (let k = 0; k < 8; k++) s += (d >> (k * 4)) & 0xf;
  return s;
}

/**
 * A topological order of the valid cells (every cell after all the cells that send flow into it) and the nibble
 * sums. Throws `INTERNAL` on a cycle (impossible for directions made by {@link pgpMfdDirections}).
 */
export function pgpMfdOrder(routing: PgpMfdRouting): { order: Int32Array; nibbleSums: Uint8Array; count: number } {
  const dir = routing.directions.data;
  const w = routing.directions.width;
  const h = routing.directions.height;
  const n = w * h;
  const indeg = new Uint8Array(n);
  const sums = new Uint8Array(n);
  let valid = 0;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const i = r * w + c;
      const d = dir[i]!;
      if (d === 0) continue;
      valid++;
      sums[i] = nibbleSum(d);
      for (let k = 0; k < 8; k++) {
        if (((d >> (k * 4)) & 0xf) === 0) continue;
        const rr = r + PGP_DY[k]!;
        const cc = c + PGP_DX[k]!;
        if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
        const j = rr * w + cc;
        if (dir[j] !== 0) indeg[j]!++;
      }
    }
  }
  const order = new Int32Array(valid);
  let tail = 0;
  for (let i = 0; i < n; i++) if (dir[i] !== 0 && indeg[i] === 0) order[tail++] = i;
  let head = 0;
  while (head < tail) {
    const i = order[head++]!;
    const d = dir[i]!;
    const r = (i / w) | 0;
    const c = i - r * w;
    for (let k = 0; k < 8; k++) {
      if (((d >> (k * 4)) & 0xf) === 0) continue;
      const rr = r + PGP_DY[k]!;
      const cc = c + PGP_DX[k]!;
      if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
      const j = rr * w + cc;
      if (dir[j] !== 0 && --indeg[j]! === 0) order[tail++] = j;
    }
  }
  if (tail !== valid) throw new RusleError('INTERNAL', `pgpMfdOrder: the directions have a cycle (${valid - tail} of ${valid} cells never cleared)`);
  return { order, nibbleSums: sums, count: valid };
}

/**
 * `flow_accumulation_mfd`: own weight (1, or the weight raster's value, nodata = 0) plus the upstream shares.
 * @returns Float64 accumulation, NaN where the directions are nodata.
 */
export function pgpMfdAccumulate(routing: PgpMfdRouting, order: ReturnType<typeof pgpMfdOrder>, weights?: FloatArray | null): Float64Array {
  const dir = routing.directions.data;
  const w = routing.directions.width;
  const h = routing.directions.height;
  const n = w * h;
  const acc = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    if (dir[i] === 0) continue;
    let v = 1;
    if (weights) {
      v = weights[i]!;
      if (v !== v) v = 0;
    }
    acc[i] = v;
  }
  const ord = order.order;
  const sums = order.nibbleSums;
  for (let t = 0; t < ord.length; t++) {
    const i = ord[t]!;
    const d = dir[i]!;
    const a = acc[i]!;
    const s = sums[i]!;
    const r = (i / w) | 0;
    const c = i - r * w;
    for (let k = 0; k < 8; k++) {
      const p = (d >> (k * 4)) & 0xf;
      if (p === 0) continue;
      const rr = r + PGP_DY[k]!;
      const cc = c + PGP_DX[k]!;
      if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
      const j = rr * w + cc;
      if (dir[j] === 0) continue;
      acc[j] = acc[j]! + (a * p) / Math.fround(s);
    }
  }
  return acc;
}

/**
 * `extract_streams_mfd`: 1 stream, 0 land, 255 nodata.
 * @param accumulation - from {@link pgpMfdAccumulate} (cells).
 * @param threshold - accumulation (cells) at which a cell is a stream.
 * @param traceProportion - share of the threshold enough to continue a stream traced from an outlet (InVEST: 0.7).
 */
export function pgpMfdStreams(routing: PgpMfdRouting, accumulation: Float64Array, threshold: number, traceProportion: number): Uint8Array {
  const dir = routing.directions.data;
  const w = routing.directions.width;
  const h = routing.directions.height;
  const n = w * h;
  const ND = 255;
  const st = new Uint8Array(n).fill(ND);
  const trace = traceProportion * threshold;
  const open: number[] = [];
  const back: number[] = [];
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const root = r * w + c;
      const fa = accumulation[root]!;
      if (fa !== fa) continue;
      if (st[root] !== ND) continue;
      st[root] = 0;
      if (fa < threshold) continue;
      const d = dir[root]!;
      let outlet = false;
      for (let k = 0; k < 8; k++) {
        if (((d >> (k * 4)) & 0xf) === 0) continue;
        const rr = r + PGP_DY[k]!;
        const cc = c + PGP_DX[k]!;
        if (rr < 0 || rr >= h || cc < 0 || cc >= w) { outlet = true; break; }
        const a = accumulation[rr * w + cc]!;
        if (a !== a) { outlet = true; break; }
      }
      if (outlet) {
        open.length = 0;
        open.push(root);
        st[root] = 1;
      }
      let head = 0;
      while (head < open.length) {
        const q = open[head++]!;
        const qr = (q / w) | 0;
        const qc = q - qr * w;
        for (let k = 0; k < 8; k++) {
          const rr = qr + PGP_DY[k]!;
          const cc = qc + PGP_DX[k]!;
          if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
          const j = rr * w + cc;
          const dj = dir[j]!;
          if (dj === 0) continue;
          if (((dj >> (((k + 4) & 7) * 4)) & 0xf) === 0) continue;
          const sv = st[j]!;
          if (sv === 1 || sv === 2) continue;
          const faj = accumulation[j]!;
          if (faj >= threshold) {
            st[j] = 1;
            open.push(j);
            back.length = 0;
            back.push(j);
            let bh = 0;
            while (bh < back.length) {
              const b = back[bh++]!;
              const br = (b / w) | 0;
              const bc = b - br * w;
              const db = dir[b]!;
              for (let kk = 0; kk < 8; kk++) {
                if (((db >> (kk * 4)) & 0xf) === 0) continue;
                const r2 = br + PGP_DY[kk]!;
                const c2 = bc + PGP_DX[kk]!;
                if (r2 < 0 || r2 >= h || c2 < 0 || c2 >= w) continue;
                const b2 = r2 * w + c2;
                if (st[b2] === 2) {
                  st[b2] = 1;
                  back.push(b2);
                }
              }
            }
          } else if (faj >= trace) {
            st[j] = 2;
            open.push(j);
          }
        }
      }
      open.length = 0;
    }
  }
  for (let i = 0; i < n; i++) if (st[i] === 2) st[i] = 0;
  return st;
}

/**
 * `distance_to_channel_mfd` with a weight raster: 0 on streams, NaN where no flow reaches a stream.
 * @param streams - 1 = stream (from {@link pgpMfdStreams}).
 * @param weights - per-cell weight of a step onto the cell (nodata = 0); null for the step length (1 or √2).
 */
export function pgpMfdDistanceToChannel(routing: PgpMfdRouting, order: ReturnType<typeof pgpMfdOrder>, streams: Uint8Array, weights: FloatArray | null): Float64Array {
  const dir = routing.directions.data;
  const w = routing.directions.width;
  const h = routing.directions.height;
  const n = w * h;
  const dist = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) if (streams[i] === 1) dist[i] = 0;
  const ord = order.order;
  for (let t = ord.length - 1; t >= 0; t--) {
    const i = ord[t]!;
    if (streams[i] === 1) continue;
    const d = dir[i]!;
    const r = (i / w) | 0;
    const c = i - r * w;
    let sw = 0;
    let swd = 0;
    for (let k = 0; k < 8; k++) {
      const p = (d >> (k * 4)) & 0xf;
      if (p === 0) continue;
      const rr = r + PGP_DY[k]!;
      const cc = c + PGP_DX[k]!;
      if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
      const j = rr * w + cc;
      const dj = dist[j]!;
      if (dj !== dj) continue;
      let wv: number;
      if (weights) {
        wv = weights[j]!;
        if (wv !== wv) wv = 0;
      } else wv = k & 1 ? SQRT2 : 1;
      sw += p;
      swd += p * (wv + dj);
    }
    if (sw !== 0) dist[i] = swd / sw;
  }
  return dist;
}

/**
 * pygeoprocessing's `calculate_slope`: percent slope from a 3 × 3 Horn-style difference in which a missing cell
 * (off-grid or nodata) is replaced by the middle cell in line, or by the centre with a √2 factor. NaN where the
 * centre is nodata. Cell sizes from the grid (metres; square or not).
 */
export function pgpSlopePercent(dem: Raster<FloatArray>): Float32Array {
  const w = dem.width;
  const h = dem.height;
  const z = dem.data;
  const out = new Float32Array(w * h);
  const size = dem.grid.cellSizeMeters(0);
  const xs = size.dx;
  const ys = size.dy;
  const at = (r: number, c: number): number => (r < 0 || r >= h || c < 0 || c >= w ? NaN : z[r * w + c]!);
  const R2 = 2 ** 0.5;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const e = z[r * w + c]!;
      if (e !== e) { out[r * w + c] = NaN; continue; }
      const a = at(r - 1, c - 1), b = at(r - 1, c), cc = at(r - 1, c + 1);
      const d = at(r, c - 1), f = at(r, c + 1);
      const g = at(r + 1, c - 1), hh = at(r + 1, c), ii = at(r + 1, c + 1);
      const av = a === a, bv = b === b, cv = cc === cc, dv = d === d, fv = f === f, gv = g === g, hv = hh === hh, iv = ii === ii;
      let dx = 0, dy = 0, xd = 0, yd = 0;
      if (av && cv) { dx += a - cc; xd += 2; } else if (av && bv) { dx += a - b; xd += 1; } else if (bv && cv) { dx += b - cc; xd += 1; } else if (av) { dx += (a - e) * R2; xd += 1; } else if (cv) { dx += (e - cc) * R2; xd += 1; }
      if (dv && fv) { dx += 2 * (d - f); xd += 4; } else if (dv) { dx += 2 * (d - e); xd += 2; } else if (fv) { dx += 2 * (e - f); xd += 2; }
      if (gv && iv) { dx += g - ii; xd += 2; } else if (gv && hv) { dx += g - hh; xd += 1; } else if (hv && iv) { dx += hh - ii; xd += 1; } else if (gv) { dx += (g - e) * R2; xd += 1; } else if (iv) { dx += (e - ii) * R2; xd += 1; }
      if (av && gv) { dy += a - g; yd += 2; } else if (av && dv) { dy += a - d; yd += 1; } else if (dv && gv) { dy += d - g; yd += 1; } else if (av) { dy += (a - e) * R2; yd += 1; } else if (gv) { dy += (e - g) * R2; yd += 1; }
      if (bv && hv) { dy += 2 * (b - hh); yd += 4; } else if (bv) { dy += 2 * (b - e); yd += 2; } else if (hv) { dy += 2 * (e - hh); yd += 2; }
      if (cv && iv) { dy += cc - ii; yd += 2; } else if (cv && fv) { dy += cc - f; yd += 1; } else if (fv && iv) { dy += f - ii; yd += 1; } else if (cv) { dy += (cc - e) * R2; yd += 1; } else if (iv) { dy += (e - ii) * R2; yd += 1; }
      const gx = xd !== 0 ? dx / (xd * xs) : 0;
      const gy = yd !== 0 ? dy / (yd * ys) : 0;
      out[r * w + c] = 100 * Math.sqrt(gx * gx + gy * gy);
    }
  }
  return out;
}
