/**
 * The LS of GRASS `r.watershed length_slope` (the `grass-r.watershed` preset): slope length along the single flow
 * directions as r.watershed accumulates it, and S and m from the mean gradient since the ridge.
 *
 * - GRASS GIS `r.watershed` (Ehlschlaeger 1989; GRASS 7–8 sources `sg_factor.c`, `slope_len.c`): a cell without
 *   donors has λ = its own step; otherwise λ = max over donors of (λ_donor + step_donor), plus its own step unless it
 *   drains off the grid (the outer ring and cells beside nodata drain off the grid, as r.watershed's A* search starts
 *   from them). The ridge elevation follows the donor that set λ. S (McCool et al. 1987) and m (McCool et al. 1989,
 *   β × `ratio`) use the mean gradient since the ridge, height/λ, with λ and height scaled down to `maxLen`.
 *
 * Passes (why: speed, so that the LS step adds little to the hydrology chain; the LS suite of the benchmarks measures
 * it, docs/ls-methods.md reports the figures):
 * 1. receivers and in-degrees; "beside nodata" from a rolling per-column flag of the three rows (three loads per
 *    cell instead of eight); each row's valid span (first to last valid column), so that the nodata margins of a
 *    clipped basin are filled in bulk and skipped by the other passes;
 * 2. the topological sweep of `accumulate`'s D8 form (row-major scan, each chain followed while the in-degrees clear
 *    behind the scan), carrying λ and the ridge elevation (stored in the DEM's own float type: it is a DEM value);
 * 3. per row piece: LS of cells whose (λ, height) pair is in a memo straight from it; gather (λ, height, sin θ, S)
 *    of the others, then m and L (two logs and two exps a cell) in `ls-math.c`, fdlibm's exp and log in
 *    WebAssembly SIMD, bit-identical to Math.exp and Math.log. On a DEM filled without ε the pairs repeat (quantised
 *    heights), so most cells cost one lookup.
 * Same floating-point operations in the same order as the plain JavaScript form: output bit-identical.
 *
 * Nodata: NaN elevation → NaN; cells that the sweep never reaches (a cycle in foreign D8 codes) → NaN.
 * Complexity O(n); memory 1 + 8 bytes per cell besides the output (+ 8 for the ridge of a Float64 DEM; a Float32
 * DEM's ridge lives in the output array, one array less to stream through).
 * Not part of the public API.
 * @module
 */

import { type FloatArray } from '../../raster/raster.js';
import { D8_NODATA } from '../../terrain/d8codes.js';
import { NEIGHBOUR_DCOL, NEIGHBOUR_DROW } from '../../terrain/neighbours.js';
import { UNIT_PLOT_LENGTH_M } from './formulas.js';
import { lsMath } from './ls-math.js';

/** log2 of the entries of the (λ, height) memo (131 072 entries of 24 bytes, 3 MB: in L3, not L2). */
const GRASS_MEMO_BITS = 17;

/**
 * GRASS `r.watershed` length_slope LS into `out` (and λ in metres, slope in radians when asked). `dist` = step
 * length by row and direction (`neighbourDistances(grid).byDirectionM`).
 */
export function grassKernel(
  z: FloatArray, codes: Uint8Array, width: number, height: number, dist: Float64Array, maxLen: number, ratio: number,
  out: Float32Array, outLen: Float32Array | null, outSlope: Float32Array | null,
): void {
  const n = width * height;
  // one state byte per cell (one cache line less per step of the sweep than two arrays): the low nibble is the
  // direction index (0..7 = receiver k, 8 = drains off the grid / no receiver, 9 = nodata), the high nibble the
  // in-degree (0..8), all ones once the cell is finalised
  const NONE = 8;
  const NODATA_K = 9;
  const DONE = 0xf0;
  const st = new Uint8Array(n);
  const lam = new Float64Array(n); // 0 = not yet reached by a donor (every reached λ is > 0)
  // ridge elevations; on a Float32 DEM they live in `out`, which pass 3 overwrites cell by cell after reading them
  const ridge = z instanceof Float32Array ? out : new Float64Array(n);
  const off = new Int32Array(8);
  for (let k = 0; k < 8; k++) off[k] = NEIGHBOUR_DROW[k]! * width + NEIGHBOUR_DCOL[k]!;
  // 1. receivers and in-degrees. nanCol[c] = 1 when a cell of column c in rows r−1…r+1 is nodata. Each row's valid
  // span [rowFirst, rowLast] (first and last valid columns) is kept: the nodata on either side of a clipped basin
  // (half of Willamette's grid) is then filled in bulk here and in pass 3, and skipped by the sweep.
  const nanCol = new Uint8Array(width);
  const rowFirst = new Int32Array(height);
  const rowLast = new Int32Array(height);
  for (let r = 0; r < height; r++) {
    const base = r * width;
    let first = 0;
    while (first < width && z[base + first] !== z[base + first]) first++;
    let last = width - 1;
    while (last > first && z[base + last] !== z[base + last]) last--;
    if (first === width) last = -1;
    rowFirst[r] = first;
    rowLast[r] = last;
    // no donor or receiver among nodata cells, so their state bytes are still 0
    st.fill(NODATA_K, base, base + first);
    st.fill(NODATA_K, base + last + 1, base + width);
    if (first > last) continue;
    if (r === 0 || r === height - 1) {
      for (let i = base + first; i <= base + last; i++) st[i] = (st[i]! & 0xf0) | (z[i] === z[i] ? NONE : NODATA_K);
      continue;
    }
    const n0 = first > 0 ? first - 1 : 0;
    const n1 = last < width - 1 ? last + 1 : width - 1;
    for (let c = n0; c <= n1; c++) {
      const i = base + c;
      const a = z[i - width]!;
      const b = z[i]!;
      const d = z[i + width]!;
      nanCol[c] = a !== a || b !== b || d !== d ? 1 : 0;
    }
    // the first and last columns drain off the grid
    if (first === 0) st[base] = (st[base]! & 0xf0) | NONE;
    if (last === width - 1) st[base + last] = (st[base + last]! & 0xf0) | NONE;
    const c1 = last < width - 2 ? last : width - 2;
    for (let c = first > 1 ? first : 1; c <= c1; c++) {
      const i = base + c;
      if (z[i] !== z[i]) {
        st[i] = (st[i]! & 0xf0) | NODATA_K;
        continue;
      }
      const code = codes[i]!;
      // no receiver, or beside nodata: drains off the grid (r.watershed's A* search starts there)
      if (code === 0 || code === D8_NODATA || (nanCol[c - 1]! | nanCol[c]! | nanCol[c + 1]!) !== 0) {
        st[i] = (st[i]! & 0xf0) | NONE;
        continue;
      }
      const k = 31 - Math.clz32(code);
      st[i] = (st[i]! & 0xf0) | k;
      st[i + off[k]!]! += 16;
    }
  }
  // 2. topological sweep: row-major scan following each chain downstream while in-degrees clear behind the scan
  for (let r0 = 0; r0 < height; r0++) {
    const cEnd = rowLast[r0]!;
    for (let c0 = rowFirst[r0]!; c0 <= cEnd; c0++) {
      const start = r0 * width + c0;
      const s0 = st[start]!;
      if ((s0 & 0xf0) !== 0 || (s0 & 15) === NODATA_K) continue;
      let i = start;
      let r = r0;
      for (;;) {
        const k = st[i]! & 15;
        st[i] = DONE | k;
        if (k >= NONE) {
          // drains off the grid: λ as reached by its donors (0 without donors)
          if (lam[i] === 0) ridge[i] = z[i]!;
          break;
        }
        const step = dist[r * 8 + k]!;
        // finalise λ of i
        let li = lam[i]!;
        if (li === 0) {
          ridge[i] = z[i]!;
          li = step;
        } else li += step;
        lam[i] = li;
        const j = i + off[k]!;
        const cand = li + step;
        if (z[i]! > z[j]! && cand > lam[j]!) {
          lam[j] = cand;
          ridge[j] = ridge[i]!;
        }
        const sj = st[j]! - 16;
        st[j] = sj;
        if ((sj & 0xf0) === 0 && j < start) {
          i = j;
          r += NEIGHBOUR_DROW[k]!;
        } else break;
      }
    }
  }
  // 3. LS per row piece (at most `cap` cells): gather λ, sin θ and S of the valid cells, packed; m and L in
  // ls-math.c (fdlibm exp/log: the same bits as Math.exp and Math.log)
  const wasm = lsMath();
  const cap = wasm.cap;
  const segSin = wasm.a;
  const segX = wasm.b;
  const segL = wasm.o;
  const segCol = new Int32Array(cap);
  const segLen = new Float64Array(cap);
  const segS = new Float64Array(cap);
  const segSlot = new Int32Array(cap);
  const segH = new Float64Array(cap);
  // LS is a pure function of (λ, height) after the cap, and on a DEM filled without ε both repeat (λ is a sum of a
  // few steps, the height a difference of quantised elevations: 107 k distinct pairs over 3.4 M cells of the 2048²
  // fractal, 59 k over Willamette's 872 k), so a direct-mapped memo keyed by the two exact doubles returns the value
  // the formulas computed for the first cell with that pair (bit-identical output) and skips the exp/log work.
  // Entries [λ | height | LS], 24 bytes; NaN keys mark empty slots (a NaN pair never matches). Not used when the
  // intermediates are asked for.
  const useMemo = outLen === null && outSlope === null;
  const memo = new Float64Array(useMemo ? 3 << GRASS_MEMO_BITS : 0).fill(NaN);
  const memoSize = 1 << GRASS_MEMO_BITS;
  for (let r = 0; r < height; r++) {
    const rb = r * width;
    const first = rowFirst[r]!;
    const end = rowLast[r]! + 1;
    if (first > 0) {
      out.fill(NaN, rb, rb + first);
      if (outLen) outLen.fill(NaN, rb, rb + first);
      if (outSlope) outSlope.fill(NaN, rb, rb + first);
    }
    if (end < width) {
      out.fill(NaN, rb + Math.max(end, first), rb + width);
      if (outLen) outLen.fill(NaN, rb + Math.max(end, first), rb + width);
      if (outSlope) outSlope.fill(NaN, rb + Math.max(end, first), rb + width);
    }
    for (let c0 = first; c0 < end; c0 += cap) {
      const base = rb + c0;
      const cn = Math.min(cap, end - c0);
      let nv = 0;
      for (let c = 0; c < cn; c++) {
        const i = base + c;
        const si = st[i]!;
        if ((si & 15) === NODATA_K || (si & 0xf0) !== DONE) {
          out[i] = NaN;
          if (outLen) outLen[i] = NaN;
          if (outSlope) outSlope[i] = NaN;
          continue;
        }
        let length = lam[i]!;
        let h = ridge[i]! - z[i]!;
        if (!(length > 0)) length = 0;
        if (length > maxLen) {
          h *= maxLen / length;
          length = maxLen;
        }
        let slot = -1;
        if (useMemo) {
          // slot from the fractional part of a mix of the two doubles (no bit extraction through a typed array:
          // 5–9 % less step time than hashing the four 32-bit words, with as many hits; λ, height ≥ 0, so f ≥ 0
          // and its fractional part is exact; the mask is a guard). Which slot a pair takes never changes a value.
          const f = length * 0.6180339887498949 + h * 7.548776662466927;
          slot = 3 * ((((f - Math.floor(f)) * memoSize) | 0) & (memoSize - 1));
          if (memo[slot] === length && memo[slot + 1] === h) {
            out[i] = memo[slot + 2]!;
            continue;
          }
        }
        const sinT = length > 0 ? h / Math.sqrt(h * h + length * length) : 0;
        const v = nv++;
        segSlot[v] = slot;
        segCol[v] = c;
        segLen[v] = length;
        segH[v] = h;
        segSin[v] = sinT;
        segX[v] = length / UNIT_PLOT_LENGTH_M; // 0 without length: L = 1
        segS[v] = length > 0 && h / length >= 0.09 ? 16.8 * sinT - 0.5 : 10.8 * sinT + 0.03;
      }
      if (nv & 1) {
        segSin[nv] = 0;
        segX[nv] = 0;
      }
      // sin^0.8 θ as exp(0.8 ln sin θ) (0 at sin θ = 0); β = ratio (sin θ / 0.0896) / (3 sin^0.8 θ + 0.56),
      // m = β / (1 + β); L = (λ/22.13)^m as exp(m ln x), √x for m = ½, 1 without length
      wasm.grassL(nv + (nv & 1), ratio);
      for (let v = 0; v < nv; v++) {
        const i = base + segCol[v]!;
        const ls = segL[v]! * segS[v]!;
        out[i] = ls;
        const slot = segSlot[v]!;
        if (slot >= 0) {
          memo[slot] = segLen[v]!;
          memo[slot + 1] = segH[v]!;
          memo[slot + 2] = Math.fround(ls);
        }
        if (outLen) outLen[i] = segLen[v]!;
        if (outSlope) outSlope[i] = Math.asin(segSin[v]!);
      }
    }
  }
}
