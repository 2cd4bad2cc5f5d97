/**
 * LS on the slope-length method in one pass: the D8 slope-length sweep of `terrain/slope-length.ts` with L and S
 * evaluated as each cell's λ is finalised, so λ, λ_in and the tangent are never written out and read back.
 *
 * The sweep applies exactly the rules of `slopeLength` (Van Remortel et al. 2001, 2004; Zhang et al. 2013 — see
 * that module's header): the same direction indices, in-degrees and Float32 tangents, the same topological order,
 * the same cutoff, channel stop and cap, the same Float32 rounding of λ, λ_in and tan θ. A property test pins the λ
 * of both to be bit-identical. The formulas are those of `kernel-math.ts` evaluated on exactly the Float32 values
 * `slopeLength` returns, so LS is bit-identical to evaluating L.rusle / L.segment and S on its outputs.
 *
 * A deliberate specialisation, kept for speed: it repeats the sweep of `slopeLength` instead of calling it, and
 * test/ls/fused-sweep.test.ts pins the two bit for bit. Change both together.
 *
 * Why fused: the separate form spends most of its time writing λ, λ_in and tan θ (12 bytes per cell) and reading
 * them back in a second pass. Here L · S is computed where λ is finalised, through memos (all keyed
 * by exact bit patterns):
 * - a cell memo, when no intermediates are asked for: (tan θ, λ, λ_in) → the Float32 bits of LS. On DEMs filled
 *   without ε (the hydrology chain's) tangents take a few dozen values (quantised drops over three distances) and the
 *   triples repeat (48 k distinct over the 3.4 M valid cells of the 2048² fractal, 26 k over Willamette's 872 k), so
 *   most cells cost one lookup;
 * - on a miss, memos split by what each part depends on: for a class m (m.csle, m.usle) or a constant m, S and the
 *   class straight from t and a λ memo keyed by (λ bits, class) → λ·λ^m (L.segment) or L (L.rusle); for a
 *   continuous m (m.mccool1989, m.invest) or a transcendental S, a tangent memo (tan θ bits → S, m, 22.13^m) and a λ
 *   memo (λ bits → ln λ), leaving one exp for L.rusle. λ takes few values (sums of a few distinct steps).
 * Memo entries hold the very values the formulas computed for the first cell with those inputs, so the output
 * does not depend on the order or on collisions. L.segment with a continuous m is evaluated per cell.
 *
 * Not part of the public API.
 * @module
 */

import type { FloatArray } from '../../raster/raster.js';
import { OutletDonors, SWEEP_DONE, SWEEP_NODATA, SWEEP_NONE, prepareD8Sweep } from '../../terrain/d8-sweep.js';
import { NEIGHBOUR_DCOL, NEIGHBOUR_DROW } from '../../terrain/neighbours.js';
import { LN_UNIT, TAN_1DEG, TAN_3DEG, TAN_5DEG, lSlopeLength, mOf, powPos, sOf } from './kernel-math.js';
import { UNIT_PLOT_LENGTH_M } from './formulas.js';

/** log2 of the size of the tangent memo (8 192 entries of 32 bytes, 256 kB). */
const T_BITS = 13;
/** log2 of the size of the cell memo ((tan θ, λ, λ_in) → LS: 131 072 entries of 16 bytes, 2 MB). */
const C_BITS = 17;
/** log2 of the size of the λ memo (32 768 entries of 16 bytes, 512 kB). */
const L_BITS = 15;
/** A key no Float32 tangent of a valid cell has (a NaN bit pattern): marks an empty slot of the tangent memo. */
const EMPTY = -1;

/** The m values of the class formulas (m.usle, m.csle) by class, as `mOf` returns them. */
const M_CLASS = Float64Array.of(0.2, 0.3, 0.4, 0.5);

/** Rules and formulas of one slope-length LS run (codes of `kernel-math.ts`). */
export interface SlopeLengthLsParams {
  readonly cutLow: number;
  readonly cutHigh: number;
  readonly channelM2: number;
  readonly maxLen: number;
  readonly sCode: number;
  readonly mCode: number;
  readonly ratio: number;
  readonly mConst: number;
  readonly capL: number;
  /** L.segment (Foster & Wischmeier) on (λ_in, λ) instead of L.rusle on λ. */
  readonly segment: boolean;
}

/** Optional per-cell outputs besides LS (null = not wanted): L, S, λ (m) and tan θ (downslope, D8). */
export interface SlopeLengthLsExtras {
  readonly l: Float32Array | null;
  readonly s: Float32Array | null;
  readonly len: Float32Array | null;
  readonly tan: Float32Array | null;
}

/**
 * The fused slope-length + LS kernel. `fd` D8 codes, `z` the conditioned DEM, `dist` per-row neighbour distances
 * (row · 8 + k), `areaByRow` true cell areas (channel stop). Writes LS into `out`, which must be zero-filled (NaN =
 * nodata or a cell on a cycle of the given codes), and the wanted extras.
 *
 * Memory: 1 byte per cell of state (direction and in-degree, `terrain/d8-sweep.ts`) and the Float32 tangent, plus
 * `out`, which holds each cell's best donor λ until the cell is finalised and its LS then; outlets (few) keep their
 * main donor in a small open-addressing table (`OutletDonors`).
 */
export function slopeLengthLsKernel(
  fd: Uint8Array, z: FloatArray, width: number, height: number, dist: Float64Array, areaByRow: Float64Array,
  p: SlopeLengthLsParams, out: Float32Array, extras: SlopeLengthLsExtras,
): void {
  const n = width * height;
  const st = new Uint8Array(n);
  const tan = extras.tan ?? new Float32Array(n);
  const tanBits = new Int32Array(tan.buffer, tan.byteOffset, n);
  const { valid, outlets: outletCount, spans } = prepareD8Sweep(fd, z, width, height, dist, st, tan, out);
  const off = new Int32Array(8);
  for (let k = 0; k < 8; k++) off[k] = NEIGHBOUR_DROW[k]! * width + NEIGHBOUR_DCOL[k]!;
  const { cutLow, cutHigh, channelM2, maxLen, sCode, mCode, ratio, mConst, capL, segment } = p;
  const outL = extras.l;
  const outS = extras.s;
  const outLen = extras.len;
  const area = channelM2 < Infinity ? new Float64Array(n) : null;
  const outlets = new OutletDonors(outletCount);
  // m from a class table (m.usle, m.csle) or a constant: no memo needed for m, and the λ memo is keyed by class
  const mClass = mCode === 1 || mCode === 2 ? 1 : mCode === 4 ? 2 : 0;
  const u0 = Math.pow(UNIT_PLOT_LENGTH_M, mConst);
  const uClass = M_CLASS.map((m) => Math.pow(UNIT_PLOT_LENGTH_M, m));
  // tangent memo for transcendental S or m: 32-byte entries [bits, pad | S | m | 22.13^m]
  const useTMemo = mClass === 0 || sCode === 1 || sCode === 4;
  const tSize = useTMemo ? 1 << T_BITS : 0;
  const tShift = 32 - T_BITS;
  const tMemoF = new Float64Array(4 * tSize);
  const tMemoI = new Int32Array(tMemoF.buffer);
  for (let h = 0; h < tSize; h++) tMemoI[8 * h] = EMPTY;
  // λ memo, 16-byte entries [bits, class | value]: λ·λ^m (L.segment) or L (L.rusle) for a class m; ln λ otherwise
  const lSize = 1 << L_BITS;
  const lShift = 32 - L_BITS;
  const lMemoF = new Float64Array(2 * lSize);
  const lMemoI = new Int32Array(lMemoF.buffer);
  // (zero-filled: λ > 0 on every valid cell, so a λ key of 0 bits marks an empty slot)
  const f32 = new Float32Array(3); // λ and λ_in rounded to Float32 (slots 1, 2) …
  const b32 = new Int32Array(f32.buffer); // … and their bits
  // Cell memo in front of all that (not with intermediates): (tan θ, λ, λ_in) bits → the Float32 bits of LS, 16-byte
  // entries [t | λ | λ_in | LS]. On DEMs filled without ε the triples repeat (48 k distinct over the 3.4 M valid
  // cells of the 2048² fractal, 26 k over Willamette's 872 k), so most cells cost one lookup and one store.
  const useCellMemo = outL === null && outS === null;
  const cShift = 32 - C_BITS;
  const cMemo = new Int32Array(useCellMemo ? 4 << C_BITS : 0);
  // (zero-filled: empty slots have λ bits 0, which no valid cell has)
  const outBits = new Int32Array(out.buffer, out.byteOffset, n);
  let processed = 0;
  for (let r0 = 0; r0 < height; r0++) {
    const cEnd = spans[2 * r0 + 1]!;
    for (let c0 = spans[2 * r0]!; c0 < cEnd; c0++) {
      const start = r0 * width + c0;
      const s0 = st[start]!;
      if (s0 >= 16 || s0 === SWEEP_NODATA) continue;
      let i = start;
      let r = r0;
      let si = s0;
      for (;;) {
        st[i] = si | SWEEP_DONE;
        processed++;
        const k = si & 15;
        let s: number;
        let j = -1;
        let md: number;
        if (k < SWEEP_NONE) {
          s = step(dist, r * 8 + k);
          j = i + off[k]!;
        } else if ((md = outlets.slot(i)) >= 0) {
          // outlet: continues the step and the tangent of its main donor
          s = outlets.step(md);
          tan[i] = outlets.tan(md);
        } else {
          s = dist[r * 8 + 2]!;
          tan[i] = 0;
        }
        const ti = tan[i]!;
        let isChannel = false;
        if (area) {
          area[i]! += areaByRow[r]!;
          isChannel = area[i]! > channelM2;
          if (j >= 0) area[j]! += area[i]!;
        }
        let l: number;
        let lin: number;
        const bl = out[i]!; // best eligible donor λ so far, 0 = none
        if (bl === 0 || isChannel) {
          l = 0.5 * s;
          lin = 0;
        } else {
          lin = bl;
          l = lin + s;
        }
        if (l > maxLen) l = maxLen;
        if (lin > l) lin = l;
        // ---- LS of cell i from (tan θ, λ, λ_in) rounded to Float32, as slopeLength returns them
        f32[1] = l;
        f32[2] = lin;
        const lam = f32[1]!;
        const lamIn = f32[2]!;
        let ch = -1;
        if (useCellMemo) {
          const tb = tanBits[i]!;
          const lb = b32[1]!;
          const ib = b32[2]!;
          ch = ((Math.imul(tb, 0x9e3779b1) ^ Math.imul(lb, 0x85ebca6b) ^ Math.imul(ib, 0xc2b2ae35)) >>> cShift) << 2;
          if (cMemo[ch] === tb && cMemo[ch + 1] === lb && cMemo[ch + 2] === ib) {
            outBits[i] = cMemo[ch + 3]!;
            if (outLen) outLen[i] = lam;
            ch = -2; // hit
          }
        }
        if (ch !== -2) {
          let S: number;
          let m: number;
          let u: number;
          let cls = 0;
          if (mClass === 1) {
            // the breaks of mOf on tan θ (a = NaN), as class indices
            if (mCode === 2) cls = ti <= TAN_1DEG ? 0 : ti <= TAN_3DEG ? 1 : ti <= TAN_5DEG ? 2 : 3;
            else {
              const pct = ti * 100;
              cls = pct >= 5 ? 3 : pct >= 3 ? 2 : pct >= 1 ? 1 : 0;
            }
          }
          if (useTMemo) {
            const tb = tanBits[i]!;
            const th = (Math.imul(tb, 0x9e3779b1) >>> tShift) << 2;
            if (tMemoI[2 * th] !== tb) {
              const sinA = ti / Math.sqrt(1 + ti * ti);
              const mm = mOf(mCode, ti, NaN, sinA, ratio, mConst);
              tMemoI[2 * th] = tb;
              tMemoF[th + 1] = sOf(sCode, ti, NaN, sinA);
              tMemoF[th + 2] = mm;
              tMemoF[th + 3] = Math.pow(UNIT_PLOT_LENGTH_M, mm);
            }
            S = tMemoF[th + 1]!;
            m = tMemoF[th + 2]!;
            u = tMemoF[th + 3]!;
          } else {
            S = sOf(sCode, ti, NaN, ti / Math.sqrt(1 + ti * ti));
            m = mClass === 2 ? mConst : M_CLASS[cls]!;
            u = mClass === 2 ? u0 : uClass[cls]!;
          }
          let L: number;
          if (mClass !== 0) {
            const lb = b32[1]!;
            const salt = Math.imul(cls + 1, 0x85ebca6b);
            let h = ((Math.imul(lb, 0x9e3779b1) ^ salt) >>> lShift) << 2;
            let v: number;
            if (lMemoI[h] === lb && lMemoI[h + 1] === cls) v = lMemoF[(h >> 1) + 1]!;
            else {
              v = segment ? lam * powPos(lam, m) : lSlopeLength(m, lam, 0, false, Infinity);
              lMemoI[h] = lb;
              lMemoI[h + 1] = cls;
              lMemoF[(h >> 1) + 1] = v;
            }
            if (segment) {
              const d = lam - lamIn;
              if (d > 0) {
                let q = 0;
                if (lamIn > 0) {
                  const ib = b32[2]!;
                  h = ((Math.imul(ib, 0x9e3779b1) ^ salt) >>> lShift) << 2;
                  if (lMemoI[h] === ib && lMemoI[h + 1] === cls) q = lMemoF[(h >> 1) + 1]!;
                  else {
                    q = lamIn * powPos(lamIn, m);
                    lMemoI[h] = ib;
                    lMemoI[h + 1] = cls;
                    lMemoF[(h >> 1) + 1] = q;
                  }
                }
                L = (v - q) / (d * u);
              } else L = powPos(lam, m) / u;
            } else L = v;
          } else if (segment) {
            L = lSlopeLength(m, lam, lamIn, true, Infinity);
          } else if (m === 0.5) {
            L = Math.sqrt(lam / UNIT_PLOT_LENGTH_M);
          } else {
            const lb = b32[1]!;
            const h = (Math.imul(lb, 0x9e3779b1) >>> lShift) << 2;
            let ln: number;
            if (lMemoI[h] === lb) ln = lMemoF[(h >> 1) + 1]!;
            else {
              ln = Math.log(lam);
              lMemoI[h] = lb;
              lMemoF[(h >> 1) + 1] = ln;
            }
            L = lam > 0 ? Math.exp(m * (ln - LN_UNIT)) : m === 0 ? 1 : 0;
          }
          if (L > capL) L = capL;
          out[i] = L * S;
          if (outL) outL[i] = L;
          if (outS) outS[i] = S;
          if (outLen) outLen[i] = lam;
          if (ch >= 0) {
            cMemo[ch] = tanBits[i]!;
            cMemo[ch + 1] = b32[1]!;
            cMemo[ch + 2] = b32[2]!;
            cMemo[ch + 3] = outBits[i]!;
          }
        }
        // ---- pass λ on to the receiver
        if (j < 0) break;
        const sj = st[j]!;
        const kj = sj & 15;
        if (kj === SWEEP_NONE) outlets.offer(j, l, ti, s);
        if (!isChannel) {
          // the receiver's own downslope tan: towards its receiver, or (outlet) the continuation of this donor
          const tj = kj < SWEEP_NONE ? tan[j]! : ti;
          const cut = tj < 0.05 ? cutLow : cutHigh;
          // the slope ends where it flattens enough for deposition to begin (tan θ_j < cut · tan θ_i)
          if (!(tj < cut * ti) && l > out[j]!) out[j] = l;
        }
        si = sj - 16;
        st[j] = si;
        if (si < 16 && j < start) {
          i = j;
          r += NEIGHBOUR_DROW[k]!;
        } else break;
      }
    }
  }
  if (processed < valid || outL || outS || outLen) {
    // nodata, and cells on a cycle of the given codes (their in-degree never clears): NaN out
    for (let i = 0; i < n; i++) {
      const si = st[i]!;
      if ((si & 15) === SWEEP_NODATA || si < SWEEP_DONE) {
        out[i] = NaN;
        if (outL) outL[i] = NaN;
        if (outS) outS[i] = NaN;
        if (outLen) outLen[i] = NaN;
        tan[i] = NaN;
      }
    }
  }
}

/** The Float32 flow step of direction slot `ks` (row · 8 + k), as `slopeLength` rounds it. */
function step(dist: Float64Array, ks: number): number {
  return Math.fround(dist[ks]!);
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

