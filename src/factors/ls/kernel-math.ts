/**
 * Per-cell formula helpers shared by the LS kernels: integer codes of the S and m formulas (a switch inlines, a
 * function variable does not), class breaks written exactly as the registered functions write them, and S, m and
 * L evaluated from t = tan θ and sin θ = t / √(1 + t²). Tests pin them to the registered formulas
 * (`formulas.ts`, `presets.ts`).
 *
 * Not part of the public API.
 * @module
 */

import { UNIT_PLOT_LENGTH_M } from './formulas.js';
import type { LsMFormula, LsSFormula } from './presets.js';

/**
 * x^m for x ≥ 0 as exp(m · ln x) (V8's Math.pow costs about twice as much here), √x for m = ½. Agrees with
 * Math.pow to a relative 1e-13 or so for the magnitudes of λ and areas; tests pin the kernels to the registered
 * formulas.
 */
export function powPos(x: number, m: number): number {
  if (m === 0.5) return Math.sqrt(x);
  if (x > 0) return Math.exp(m * Math.log(x));
  return x === 0 ? (m === 0 ? 1 : 0) : NaN;
}

/** Integer codes of the S formulas for the kernels (a switch inlines; a function variable does not). */
export const S_CODE: Readonly<Record<LsSFormula, number>> = {
  'S.mccool1987': 0, 'S.mccool1987short': 1, 'S.liu1994': 2, 'S.csle': 3, 'S.nearing1997': 4, 'S.wischmeierSmith1978': 5,
};
/** Integer codes of the m formulas for the kernels. */
export const M_CODE: Readonly<Record<LsMFormula, number>> = { 'm.mccool1989': 0, 'm.usle': 1, 'm.csle': 2, 'm.invest': 3, 'm.constant': 4 };
// Class breaks written exactly as the registered functions write them (same floating-point values), and their
// tangents for kernels that only have tan θ.
export const DEG = Math.PI / 180;
export const TAN_1DEG = Math.tan(1 * DEG);
export const TAN_3DEG = Math.tan(3 * DEG);
export const TAN_5DEG = Math.tan(5 * DEG);
export const TAN_10DEG = Math.tan(10 * DEG);
export const LN_UNIT = Math.log(UNIT_PLOT_LENGTH_M);

/**
 * The kernels work with t = tan θ and sin θ = t / √(1 + t²) (one square root instead of atan then sin). Class
 * breaks that the registry states in tan θ (S.mccool1987's 9 %, m.usle, m.invest) are compared on t exactly as the
 * registered functions compare them; breaks stated in degrees (S.csle, m.csle) are compared on the angle when the
 * caller has it (`a` not NaN), else on t against the tangent of the break (equivalent up to one rounding at the
 * break itself).
 */
export function sOf(code: number, t: number, a: number, sinA: number): number {
  switch (code) {
    case 0: return t < 0.09 ? 10.8 * sinA + 0.03 : 16.8 * sinA - 0.5;
    case 1: return 3.0 * (sinA > 0 ? Math.exp(0.8 * Math.log(sinA)) : 0) + 0.56;
    case 2: return 21.91 * sinA - 0.96;
    case 3: {
      const low = a === a ? a < 5 * DEG : t < TAN_5DEG;
      const mid = a === a ? a < 10 * DEG : t < TAN_10DEG;
      return low ? 10.8 * sinA + 0.03 : mid ? 16.8 * sinA - 0.5 : 21.91 * sinA - 0.96;
    }
    case 4: return -1.5 + 17 / (1 + Math.exp(2.3 - 6.1 * sinA));
    default: return 65.41 * sinA * sinA + 4.56 * sinA + 0.065;
  }
}

/** m of McCool et al. (1989) from sin θ, sin^0.8 as exp(0.8 ln sin θ). */
export function mMcCoolSin(sinA: number, ratio: number): number {
  const beta = (ratio * (sinA / 0.0896)) / (3.0 * (sinA > 0 ? Math.exp(0.8 * Math.log(sinA)) : 0) + 0.56);
  return beta / (1 + beta);
}

/** m by code (same values as the registered m functions), from t = tan θ, the angle a (or NaN) and sin θ. */
export function mOf(code: number, t: number, a: number, sinA: number, ratio: number, mConst: number): number {
  switch (code) {
    case 0: return mMcCoolSin(sinA, ratio);
    case 1: {
      const p = t * 100;
      return p >= 5 ? 0.5 : p >= 3 ? 0.4 : p >= 1 ? 0.3 : 0.2;
    }
    case 2:
      if (a === a) return a <= 1 * DEG ? 0.2 : a <= 3 * DEG ? 0.3 : a <= 5 * DEG ? 0.4 : 0.5;
      return t <= TAN_1DEG ? 0.2 : t <= TAN_3DEG ? 0.3 : t <= TAN_5DEG ? 0.4 : 0.5;
    case 3: {
      const p = t * 100;
      return p <= 1 ? 0.2 : p <= 3.5 ? 0.3 : p <= 5 ? 0.4 : p <= 9 ? 0.5 : mMcCoolSin(sinA, 1);
    }
    default: return mConst;
  }
}

/**
 * L of the slope-length method for one cell: L.rusle = (λ/22.13)^m as exp(m (ln λ − ln 22.13)) (√ for m = ½), or
 * with `segment` L.segment = (λ^(m+1) − λin^(m+1)) / ((λ − λin)·22.13^m); capped at `capL`.
 */
export function lSlopeLength(m: number, lam: number, lin: number, segment: boolean, capL: number): number {
  let l: number;
  if (segment) {
    const pOut = powPos(lam, m);
    const unitPow = Math.pow(UNIT_PLOT_LENGTH_M, m);
    const d = lam - lin;
    l = d > 0 ? (lam * pOut - (lin > 0 ? lin * powPos(lin, m) : 0)) / (d * unitPow) : pOut / unitPow;
  } else if (m === 0.5) l = Math.sqrt(lam / UNIT_PLOT_LENGTH_M);
  else l = lam > 0 ? Math.exp(m * (Math.log(lam) - LN_UNIT)) : m === 0 ? 1 : 0;
  return l > capL ? capL : l;
}

