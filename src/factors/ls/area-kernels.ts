/**
 * The LS kernels of the area methods: Desmet & Govers (1996) eq. 6 on the upslope area at the cell's inlet (the
 * `invest` and `saga-desmet-govers` presets) and Moore & Burch (1986) on the specific catchment area.
 *
 * - Desmet, P.J.J., Govers, G. (1996). A GIS procedure for automatically calculating the USLE LS factor on
 *   topographically complex landscape units. Journal of Soil and Water Conservation 51(5), 427–433.
 * - Moore, I.D., Burch, G.J. (1986). Physical basis of the length-slope factor in the Universal Soil Loss Equation.
 *   Soil Science Society of America Journal 50(5), 1294–1298. doi:10.2136/sssaj1986.03615995005000050042x
 *
 * Why the Desmet & Govers kernel looks the way it does (speed, so that the LS step adds little to the hydrology
 * chain). Per cell L = ((A + D²)^p − A^p) / (D^(p+1) x^m 22.13^m), p = m + 1. The transcendental calls dominate
 * (log1p and expm1 cost more than log and exp in V8), so the kernel uses the fewest the accuracy allows, by
 * ε = D²/A:
 * - ε ≥ 1/32 (small areas, most cells): exp(p ln(A + D²) − ln den) − exp(p ln A − ln den), two logs and two exps.
 *   The subtraction loses at most a factor 1/(1 − (1+ε)^−p) ≤ 33 of the double precision (relative error
 *   < 1e-14, six orders below the Float32 output's rounding).
 * - ε < 1/32 (large areas): exp(p ln A − ln den) · ((1 + ε)^p − 1) with the binomial series of (1 + ε)^p − 1 to
 *   ten terms (the remainder is below 1e-17 relative): one log and one exp, no cancellation.
 * That loop runs in WebAssembly SIMD (`ls-math.c`: fdlibm's exp and log, bit-identical to Math.exp and Math.log),
 * on the valid cells of a row piece packed together. m and S depend on the slope only and are memoised on the exact
 * bits of a Float32 slope input (bit-identical to evaluating them per cell). The flow-width factor x comes as x
 * itself (`slopePercentAndFlowWidth`: no aspect, no trigonometry) and enters as m ln x in the exponent; ln x, p = m
 * + 1 and the log of the denominator are formed in the WebAssembly loop too (`dgLx`, same operations in the same
 * order as JavaScript: LS bit-identical). The LS suite of the benchmarks measures the step; docs/ls-methods.md
 * reports the figures.
 * Against the previous form (log1p/expm1 throughout, x from the aspect's ½ log1p |sin 2α|) the results differ by a
 * few units in the last place of a double at most, below the Float32 output's rounding: the LS rasters of
 * Willamette and of the 2048² fractal DEM of the benchmark are bit-identical (sha-256) before and after.
 *
 * Nodata: NaN slope or area gives NaN. Complexity O(n), no allocation per cell.
 * Not part of the public API.
 * @module
 */

import { type FloatArray } from '../../raster/raster.js';
import { lsMooreBurch1986 } from './formulas.js';
import { LN_UNIT, mOf, sOf } from './kernel-math.js';
import { lsMath } from './ls-math.js';

/**
 * log2 of the number of entries of the m and S memo: 16 384 entries of 32 bytes (512 KB). Willamette and the 2048²
 * fractal DEM have 26 000 and 89 000 distinct Float32 tangents; 14 bits misses 7 % of the fractal's cells, 12 bits
 * 15 %.
 */
const AREA_MEMO_BITS = 14;
/**
 * LS on Desmet & Govers (1996) eq. 6. Slope as tan θ (`tan`, Float32, times `tanScale`: 0.01 for percent; m and S
 * memoised on its bits) or as the angle (`angle`; tan computed per cell). `flowWidth` = x = |sin α| + |cos α|
 * (NaN or ≤ 1 = 1) may be null (x = 1). Areas: `areaM2` includes the cell; A_in = A − cell area, or A / D with
 * `sagaConvention` (SAGA's -CONV 1, the specific catchment area fed into the formula as an area).
 *
 * `tan` may be `out` itself (lsFactor writes the slope into its output array): a piece reads every slope of its
 * cells (gather, misses) before its output loop writes their LS, and the gather writes only the cells it skips.
 *
 * Row pieces of at most `cap` cells go through separate loops: gather (A_in, x, memo lookups; valid cells packed),
 * the memo misses (m and S from the formulas), L in `ls-math.c` (`dgLx`: ln x, p, ln den and L), output. Split this way each loop
 * stays small and monomorphic for V8's optimiser; fused into one loop, the same work ran slower.
 */
export function lsDesmetGoversKernel(
  tan: Float32Array | null, tanScale: number, angle: FloatArray | null, areaM2: FloatArray, flowWidth: Float64Array | null,
  cellSizeByRow: Float64Array, cellAreaByRow: Float64Array, width: number, sagaConvention: boolean,
  sCode: number, mCode: number, ratio: number, mConst: number, capL: number,
  out: Float32Array, outL: Float32Array | null, outS: Float32Array | null,
): void {
  const height = out.length / width;
  // m, S memo: one interleaved entry (key bits, m, S, unused) per slot so that a lookup touches one cache line; the
  // NaN key never equals an int32, so an empty slot never matches. Without a Float32 tangent (angle input) slot 0
  // is a scratch entry recomputed per cell.
  const tb = tan ? new Int32Array(tan.buffer, tan.byteOffset, out.length) : null;
  const shift = 32 - AREA_MEMO_BITS;
  const memo = new Float64Array(tan ? 4 << AREA_MEMO_BITS : 4).fill(NaN);
  // segment buffers (a row in pieces of at most `cap` cells; valid cells packed, `segCol` = their column in the
  // piece): A_in, p = m + 1 and ln den go into the WebAssembly buffers, L comes back; ln x and S stay here;
  // `segMiss` lists the cells whose m and S are not in the memo (their p and ln den are filled in after)
  const wasm = lsMath();
  const cap = wasm.cap;
  const segAin = wasm.a;
  const segM = wasm.b;
  const segX = wasm.c;
  const segL = wasm.o;
  const withX = flowWidth ? 1 : 0;
  const segCol = new Int32Array(cap);
  const segS = new Float64Array(cap);
  const segMiss = new Int32Array(cap);
  for (let r = 0; r < height; r++) {
    const D = cellSizeByRow[r]!;
    const d2 = D * D;
    const lnD = Math.log(D);
    const lnD2 = 2 * lnD;
    const cellArea = cellAreaByRow[r]!;
    for (let c0 = 0; c0 < width; c0 += cap) {
      const base = r * width + c0;
      const cn = Math.min(cap, width - c0);
      // gather: A_in, ln x, and m and S from the memo; misses are listed and computed in the next loop, which
      // keeps the formula switches (mOf, sOf) out of this loop: inlined here they slowed it down by a third
      let nv = 0;
      let misses = 0;
      for (let c = 0; c < cn; c++) {
        const i = base + c;
        const A = areaM2[i]!;
        const slope = tan ? tan[i]! : angle![i]!;
        if (slope !== slope || A !== A) {
          out[i] = NaN;
          if (outL) outL[i] = NaN;
          if (outS) outS[i] = NaN;
          continue;
        }
        const v = nv++;
        segCol[v] = c;
        let ain: number;
        if (sagaConvention) ain = A / D;
        else {
          ain = A - cellArea;
          if (ain < 0) ain = 0;
        }
        segAin[v] = ain;
        if (flowWidth) segX[v] = flowWidth[i]!;
        if (tb) {
          const bt = tb[i]!;
          const h = (Math.imul(bt, 0x9e3779b1) >>> shift) << 2;
          if (memo[h] === bt) {
            segM[v] = memo[h + 1]!;
            segS[v] = memo[h + 2]!;
            continue;
          }
        }
        segMiss[misses++] = v;
      }
      // misses: m and S from the formulas (a hit above read a value computed by this same code for the same bits,
      // so the result does not depend on the memo)
      for (let k = 0; k < misses; k++) {
        const v = segMiss[k]!;
        const i = base + segCol[v]!;
        let t: number;
        let a = NaN;
        if (tan) t = tan[i]! * tanScale;
        else {
          a = angle![i]!;
          t = Math.tan(a);
        }
        const sinA = t / Math.sqrt(1 + t * t);
        const m = mOf(mCode, t, a, sinA, ratio, mConst);
        const s = sOf(sCode, t, a, sinA);
        segM[v] = m;
        segS[v] = s;
        if (tb) {
          const bt = tb[i]!;
          const h = (Math.imul(bt, 0x9e3779b1) >>> shift) << 2;
          memo[h] = bt;
          memo[h + 1] = m;
          memo[h + 2] = s;
        }
      }
      // L = ((A_in + D²)^p − A_in^p) / e^lnDen, p = m + 1, in ls-math.c (fdlibm exp/log, the same bits as Math.exp
      // and Math.log): A_in ≤ 0 gives exp(p ln D² − lnDen); ε = D²/A_in ≥ 1/32 the difference of the two powers;
      // below, exp(p ln A_in − lnDen) times the binomial series of (1 + ε)^p − 1
      if (nv & 1) {
        segAin[nv] = 1;
        segM[nv] = 0;
        segX[nv] = 1;
      }
      wasm.dgLx(nv + (nv & 1), d2, lnD2, lnD, LN_UNIT, withX);
      for (let v = 0; v < nv; v++) {
        const i = base + segCol[v]!;
        const l = segL[v]!;
        const lc = l > capL ? capL : l;
        out[i] = lc * segS[v]!;
        if (outL) outL[i] = lc;
        if (outS) outS[i] = segS[v]!;
      }
    }
  }
}

/**
 * The flow-width factor x = |sin α| + |cos α| = √(1 + |sin 2α|) from an aspect or flow angle in radians (any
 * origin and sense: x depends on the axis-relative angle only). NaN, 0 and negative angles (D∞ cells without a
 * facet are −1) give x = 1.
 */
export function flowWidthFromAngle(angle: FloatArray): Float64Array {
  const n = angle.length;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const al = angle[i]!;
    x[i] = al > 0 ? Math.sqrt(1 + Math.abs(Math.sin(2 * al))) : 1;
  }
  return x;
}

/** LS of Moore & Burch (1986) (`LS.mooreBurch1986`, n = 0.4, m = 1.3) from the slope (radians) and the SCA (m). */
export function lsMooreBurchKernel(slope: FloatArray, scaM: FloatArray, out: Float32Array): void {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const a = slope[i]!;
    const sca = scaM[i]!;
    out[i] = a !== a || sca !== sca ? NaN : lsMooreBurch1986(sca, a, 0.4, 1.3);
  }
}
