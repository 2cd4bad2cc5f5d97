/**
 * The TIFF predictors, both ways, on one block's bytes: the horizontal predictor (2) and the floating-point
 * predictor (3) of Adobe Photoshop TIFF Technical Note 3 (2005), with libtiff `tif_predict.c` (`fpAcc`, `fpDiff`)
 * as the reference for the byte order of the planes; and the byte swap of big-endian files.
 *
 * These functions reference nothing but each other and the global typed arrays: the codec workers
 * (`codec-pool.ts`) run them from their source text, so the worker and the calling thread run the same code.
 *
 * Complexity: O(block bytes), in place where the layout allows it.
 *
 * @module
 */

import type { TypedArray } from '../raster/raster.js';

/** Swaps the bytes of `bps`-byte samples in place (big-endian file → host). */
export function swapBytes(b: Uint8Array, bps: number): void {
  const n = b.length;
  if (bps === 2) {
    for (let i = 0; i + 1 < n; i += 2) { const t = b[i]!; b[i] = b[i + 1]!; b[i + 1] = t; }
  } else if (bps === 4) {
    for (let i = 0; i + 3 < n; i += 4) {
      const t0 = b[i]!; const t1 = b[i + 1]!;
      b[i] = b[i + 3]!; b[i + 1] = b[i + 2]!; b[i + 2] = t1; b[i + 3] = t0;
    }
  } else if (bps === 8) {
    for (let i = 0; i + 7 < n; i += 8) {
      for (let k = 0; k < 4; k++) { const t = b[i + k]!; b[i + k] = b[i + 7 - k]!; b[i + 7 - k] = t; }
    }
  }
}

/** Undoes predictor 2 in place on native-endian samples, row by row, stride = samples per pixel. */
export function undoHorizontal(b: Uint8Array, bps: number, rowSamples: number, rows: number, spp: number): void {
  if (bps === 1) {
    for (let r = 0; r < rows; r++) {
      const o = r * rowSamples;
      for (let i = o + spp, e = o + rowSamples; i < e; i++) b[i] = (b[i]! + b[i - spp]!) & 255;
    }
  } else if (bps === 2) {
    const v = new Uint16Array(b.buffer, b.byteOffset, rows * rowSamples);
    for (let r = 0; r < rows; r++) {
      const o = r * rowSamples;
      for (let i = o + spp, e = o + rowSamples; i < e; i++) v[i] = v[i]! + v[i - spp]!;
    }
  } else if (bps === 4) {
    const v = new Int32Array(b.buffer, b.byteOffset, rows * rowSamples);
    for (let r = 0; r < rows; r++) {
      const o = r * rowSamples;
      for (let i = o + spp, e = o + rowSamples; i < e; i++) v[i] = (v[i]! + v[i - spp]!) | 0;
    }
  } else {
    // 64-bit samples as (low, high) 32-bit halves with carry: no BigInt in the loop
    const v = new Uint32Array(b.buffer, b.byteOffset, rows * rowSamples * 2);
    for (let r = 0; r < rows; r++) {
      const o = r * rowSamples;
      for (let i = o + spp, e = o + rowSamples; i < e; i++) {
        const lo = v[2 * i]! + v[2 * (i - spp)]!;
        v[2 * i] = lo >>> 0;
        v[2 * i + 1] = v[2 * i + 1]! + v[2 * (i - spp) + 1]! + (lo > 0xffffffff ? 1 : 0);
      }
    }
  }
}

/** Running byte sum (mod 256) in place over `src[s .. e)`, stride `spp`: the first pass of predictor 3. */
export function accumulateBytes(src: Uint8Array, s: number, e: number, spp: number): void {
  if (spp === 1) {
    let acc = src[s]!;
    for (let i = s + 1; i < e; i++) {
      acc = (acc + src[i]!) & 255;
      src[i] = acc;
    }
  } else {
    for (let i = s + spp; i < e; i++) src[i] = (src[i]! + src[i - spp]!) & 255;
  }
}

/** Undoes predictor 3: byte accumulation per row, then MSB-first planes → little-endian (host) samples. */
export function undoFloatingPoint(src: Uint8Array, bps: number, rowSamples: number, rows: number, spp: number): Uint8Array {
  const rowBytes = rowSamples * bps;
  const out = new Uint8Array(rows * rowBytes);
  const wc = rowSamples;
  if (bps === 4) {
    const o32 = new Uint32Array(out.buffer, 0, rows * wc);
    for (let r = 0; r < rows; r++) {
      const s = r * rowBytes;
      accumulateBytes(src, s, s + rowBytes, spp);
      const p1 = s + wc;
      const p2 = p1 + wc;
      const p3 = p2 + wc;
      const d = r * wc;
      for (let k = 0; k < wc; k++) {
        o32[d + k] = (src[s + k]! << 24) | (src[p1 + k]! << 16) | (src[p2 + k]! << 8) | src[p3 + k]!;
      }
    }
  } else if (bps === 8) {
    const o32 = new Uint32Array(out.buffer, 0, rows * wc * 2);
    for (let r = 0; r < rows; r++) {
      const s = r * rowBytes;
      accumulateBytes(src, s, s + rowBytes, spp);
      const d = r * wc * 2;
      for (let k = 0; k < wc; k++) {
        const q = s + k;
        o32[d + 2 * k + 1] = (src[q]! << 24) | (src[q + wc]! << 16) | (src[q + 2 * wc]! << 8) | src[q + 3 * wc]!;
        o32[d + 2 * k] = (src[q + 4 * wc]! << 24) | (src[q + 5 * wc]! << 16) | (src[q + 6 * wc]! << 8) | src[q + 7 * wc]!;
      }
    }
  } else {
    for (let r = 0; r < rows; r++) {
      const s = r * rowBytes;
      accumulateBytes(src, s, s + rowBytes, spp);
      for (let k = 0; k < wc; k++) for (let b = 0; b < bps; b++) out[s + k * bps + b] = src[s + (bps - b - 1) * wc + k]!;
    }
  }
  return out;
}

/** Applies predictor 2 (horizontal differencing) in place to a tile of `size × size` samples. */
export function predictHorizontal(t: TypedArray, size: number): void {
  for (let r = 0; r < size; r++) {
    const o = r * size;
    for (let i = o + size - 1; i > o; i--) t[i] = t[i]! - t[i - 1]!;
  }
}

/**
 * Predictor 3 (floating point): per row, the MSB-first byte planes, byte-differenced along the row (the first byte
 * of a plane against the last byte of the previous plane), in one pass. Returns new bytes.
 */
export function predictFloat(t: Float32Array | Float64Array, size: number): Uint8Array {
  const bps = t.BYTES_PER_ELEMENT;
  const rowBytes = size * bps;
  const out = new Uint8Array(size * rowBytes);
  const w = new Uint32Array(t.buffer, t.byteOffset, (t.length * bps) / 4);
  for (let r = 0; r < size; r++) {
    const s = r * rowBytes;
    if (bps === 4) {
      const p1 = s + size;
      const p2 = p1 + size;
      const p3 = p2 + size;
      const base = r * size;
      // previous byte of each plane; a plane's first byte follows the previous plane's last byte
      let u = w[base]!;
      let b0 = u >>> 24;
      let b1 = (u >>> 16) & 255;
      let b2 = (u >>> 8) & 255;
      let b3 = u & 255;
      const last = w[base + size - 1]!;
      out[s] = b0;
      out[p1] = (b1 - (last >>> 24)) & 255;
      out[p2] = (b2 - ((last >>> 16) & 255)) & 255;
      out[p3] = (b3 - ((last >>> 8) & 255)) & 255;
      for (let k = 1; k < size; k++) {
        u = w[base + k]!;
        const c0 = u >>> 24;
        const c1 = (u >>> 16) & 255;
        const c2 = (u >>> 8) & 255;
        const c3 = u & 255;
        out[s + k] = c0 - b0;
        out[p1 + k] = c1 - b1;
        out[p2 + k] = c2 - b2;
        out[p3 + k] = c3 - b3;
        b0 = c0; b1 = c1; b2 = c2; b3 = c3;
      }
    } else {
      const base = r * size * 2;
      for (let k = 0; k < size; k++) {
        const hi = w[base + 2 * k + 1]!;
        const lo = w[base + 2 * k]!;
        out[s + k] = hi >>> 24;
        out[s + size + k] = (hi >>> 16) & 255;
        out[s + 2 * size + k] = (hi >>> 8) & 255;
        out[s + 3 * size + k] = hi & 255;
        out[s + 4 * size + k] = lo >>> 24;
        out[s + 5 * size + k] = (lo >>> 16) & 255;
        out[s + 6 * size + k] = (lo >>> 8) & 255;
        out[s + 7 * size + k] = lo & 255;
      }
      for (let i = s + rowBytes - 1; i > s; i--) out[i] = (out[i]! - out[i - 1]!) & 255;
    }
  }
  return out;
}

/** Replaces NaN with `value` in place. */
export function replaceNaN(t: Float32Array | Float64Array, value: number): void {
  const n = t.length;
  for (let i = 0; i < n; i++) if (t[i] !== t[i]) t[i] = value;
}

/**
 * The bytes of an inflated block as native-endian samples (or, with `planesOk` and predictor 3 on 4- or 8-byte
 * single-sample layouts, the accumulated byte planes: the caller composes the samples). Throws `RangeError` when
 * the data is shorter than the block; `bytes` may be modified in place.
 */
export function finishBlock(
  bytes: Uint8Array,
  expected: number,
  rows: number,
  predictor: number,
  bps: number,
  rowSamples: number,
  spp: number,
  swap: boolean,
  planesOk: boolean,
): { bytes: Uint8Array; fpPlanes: boolean } {
  if (bytes.length < expected) throw new RangeError(`${bytes.length} bytes where ${expected} were expected`);
  if (bytes.length > expected) bytes = bytes.subarray(0, expected);
  if (predictor === 3) {
    if (planesOk && spp === 1 && (bps === 4 || bps === 8)) {
      for (let r = 0; r < rows; r++) accumulateBytes(bytes, r * rowSamples * bps, (r + 1) * rowSamples * bps, 1);
      return { bytes, fpPlanes: true };
    }
    return { bytes: undoFloatingPoint(bytes, bps, rowSamples, rows, spp), fpPlanes: false };
  }
  if (bytes.byteOffset % bps !== 0) bytes = new Uint8Array(bytes);
  if (swap && bps > 1) swapBytes(bytes, bps);
  if (predictor === 2) undoHorizontal(bytes, bps, rowSamples, rows, spp);
  return { bytes, fpPlanes: false };
}

/**
 * The bytes of one tile ready for Deflate: NaN replaced by `nanValue` (when not null) and the predictor applied
 * (3 for floats, 2 for integers) when `predictor` is true. `tile` may be modified in place.
 */
export function encodeTile(tile: TypedArray, size: number, nanValue: number | null, predictor: boolean): Uint8Array {
  const isFloat = tile instanceof Float32Array || tile instanceof Float64Array;
  if (isFloat && nanValue !== null) replaceNaN(tile, nanValue);
  if (predictor) {
    if (isFloat) return predictFloat(tile, size);
    predictHorizontal(tile, size);
  }
  return new Uint8Array(tile.buffer, tile.byteOffset, tile.byteLength);
}

/**
 * Composes `n` float samples from the accumulated byte planes of one predictor-3 row (planes of `wc` bytes each,
 * most significant first, starting at `s`; samples from column `k0`) into `dst32` (a `Uint32Array` view of a
 * Float32Array or Float64Array) at sample index `d`.
 */
export function composeFloatPlanes(src: Uint8Array, s: number, wc: number, k0: number, n: number, bps: number, dst32: Uint32Array, d: number): void {
  if (bps === 4) {
    const a = s + k0;
    const b = a + wc;
    const c = b + wc;
    const e = c + wc;
    for (let k = 0; k < n; k++) dst32[d + k] = (src[a + k]! << 24) | (src[b + k]! << 16) | (src[c + k]! << 8) | src[e + k]!;
  } else {
    const q0 = s + k0;
    const d2 = 2 * d;
    for (let k = 0; k < n; k++) {
      const q = q0 + k;
      dst32[d2 + 2 * k + 1] = (src[q]! << 24) | (src[q + wc]! << 16) | (src[q + 2 * wc]! << 8) | src[q + 3 * wc]!;
      dst32[d2 + 2 * k] = (src[q + 4 * wc]! << 24) | (src[q + 5 * wc]! << 16) | (src[q + 6 * wc]! << 8) | src[q + 7 * wc]!;
    }
  }
}

/**
 * Places the part of a decoded block that falls in a window into the window's array `dest` (rows of `winW`
 * cells): cells `[x0, x1) × [y0, y1)` of the grid, from a block of `bw` columns whose first cell is at grid
 * `(blockX, blockY)`, `spp` samples per pixel (sample `band` is taken), or from predictor-3 byte planes when
 * `fpPlanes`.
 */
export function placeBlock(
  bytes: Uint8Array,
  fpPlanes: boolean,
  bps: number,
  bw: number,
  spp: number,
  band: number,
  blockX: number,
  blockY: number,
  winX: number,
  winY: number,
  winW: number,
  x0: number,
  x1: number,
  y0: number,
  y1: number,
  dest: TypedArray,
): void {
  const w = x1 - x0;
  if (w <= 0 || y1 <= y0) return;
  if (fpPlanes) {
    const d32 = new Uint32Array(dest.buffer, dest.byteOffset, dest.byteLength >>> 2);
    for (let y = y0; y < y1; y++) composeFloatPlanes(bytes, (y - blockY) * bw * bps, bw, x0 - blockX, w, bps, d32, (y - winY) * winW + (x0 - winX));
    return;
  }
  const T = dest.constructor as unknown as { new (b: ArrayBufferLike, o: number, n: number): TypedArray };
  const src = new T(bytes.buffer, bytes.byteOffset, bytes.byteLength / bps);
  if (spp === 1) {
    for (let y = y0; y < y1; y++) {
      const s = (y - blockY) * bw + (x0 - blockX);
      (dest as Float32Array).set((src as Float32Array).subarray(s, s + w), (y - winY) * winW + (x0 - winX));
    }
  } else {
    for (let y = y0; y < y1; y++) {
      let s = ((y - blockY) * bw + (x0 - blockX)) * spp + band;
      let o = (y - winY) * winW + (x0 - winX);
      for (let i = 0; i < w; i++, s += spp, o++) dest[o] = src[s]!;
    }
  }
}
