/**
 * LS on the slope-length method: L and S evaluated per cell from the D8 slope-length sweep's outputs
 * (`terrain/slope-length.ts`).
 *
 * Not part of the public API.
 * @module
 */

import type { FloatArray } from '../../raster/raster.js';
import { lSlopeLength, mOf, sOf } from './kernel-math.js';

/** log2 of the size of the memo table of `lsSlopeLengthKernelMemo` (65 536 entries, 1.3 MB). */
export const MEMO_BITS = 16;

/**
 * LS on the slope-length method from the sweep's Float32 tangent, λ and λ_in, memoised: L and S are pure functions
 * of (tan θ, λ, λ_in), and these Float32 values repeat a lot (λ is a sum of a few distinct steps; tan θ is a
 * quantised drop over one of three distances: Willamette has 1 361 distinct tangents, 4 550 distinct λ and 34 419
 * distinct (tan θ, λ) pairs over 872 138 cells). A direct-mapped table keyed by the exact bit patterns returns the
 * very values the formulas computed for the first cell with those inputs, so the output is bit-identical to
 * evaluating every cell.
 */
export function lsSlopeLengthKernelMemo(
  tan: Float32Array, len: Float32Array, lenIn: Float32Array | null, sCode: number, mCode: number,
  ratio: number, mConst: number, capL: number, out: Float32Array, outL: Float32Array | null, outS: Float32Array | null,
): void {
  const n = out.length;
  const tb = new Int32Array(tan.buffer, tan.byteOffset, n);
  const lb = new Int32Array(len.buffer, len.byteOffset, n);
  const ib = lenIn ? new Int32Array(lenIn.buffer, lenIn.byteOffset, n) : null;
  const size = 1 << MEMO_BITS;
  const shift = 32 - MEMO_BITS;
  const kT = new Int32Array(size);
  const kL = new Int32Array(size);
  const kI = new Int32Array(size);
  const used = new Uint8Array(size);
  const vL = new Float64Array(size);
  const vS = new Float64Array(size);
  const segment = lenIn !== null;
  for (let i = 0; i < n; i++) {
    const t = tan[i]!;
    const lam = len[i]!;
    if (t !== t || lam !== lam) {
      out[i] = NaN;
      if (outL) outL[i] = NaN;
      if (outS) outS[i] = NaN;
      continue;
    }
    const bt = tb[i]!;
    const bl = lb[i]!;
    const bi = ib ? ib[i]! : 0;
    const h = (Math.imul(bt, 0x9e3779b1) ^ Math.imul(bl, 0x85ebca6b) ^ Math.imul(bi, 0xc2b2ae35)) >>> shift;
    let l: number;
    let s: number;
    if (used[h] === 1 && kT[h] === bt && kL[h] === bl && kI[h] === bi) {
      l = vL[h]!;
      s = vS[h]!;
    } else {
      const sinA = t / Math.sqrt(1 + t * t);
      const m = mOf(mCode, t, NaN, sinA, ratio, mConst);
      l = lSlopeLength(m, lam, segment ? lenIn[i]! : 0, segment, capL);
      s = sOf(sCode, t, NaN, sinA);
      used[h] = 1;
      kT[h] = bt;
      kL[h] = bl;
      kI[h] = bi;
      vL[h] = l;
      vS[h] = s;
    }
    out[i] = l * s;
    if (outL) outL[i] = l;
    if (outS) outS[i] = s;
  }
}

/** LS on the slope-length method from the slope angle (Horn slope source): no memo, tan θ computed per cell. */
export function lsSlopeLengthKernelAngle(
  angle: FloatArray, len: Float32Array, lenIn: Float32Array | null, sCode: number, mCode: number,
  ratio: number, mConst: number, capL: number, out: Float32Array, outL: Float32Array | null, outS: Float32Array | null,
): void {
  const n = out.length;
  const segment = lenIn !== null;
  for (let i = 0; i < n; i++) {
    const lam = len[i]!;
    const a = angle[i]!;
    if (a !== a || lam !== lam) {
      out[i] = NaN;
      if (outL) outL[i] = NaN;
      if (outS) outS[i] = NaN;
      continue;
    }
    const t = Math.tan(a);
    const sinA = t / Math.sqrt(1 + t * t);
    const m = mOf(mCode, t, a, sinA, ratio, mConst);
    const l = lSlopeLength(m, lam, segment ? lenIn[i]! : 0, segment, capL);
    const s = sOf(sCode, t, a, sinA);
    out[i] = l * s;
    if (outL) outL[i] = l;
    if (outS) outS[i] = s;
  }
}
