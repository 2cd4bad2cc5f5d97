/**
 * The per-cell product kernel of RUSLE and CSLE: `A = k · x₀ · x₁ · … · xₙ₋₁` over typed arrays, with the
 * statistics of the result in the same pass.
 *
 * The product itself is Wischmeier & Smith (1978), *Predicting rainfall erosion losses*, USDA Agriculture Handbook
 * 537, eq. 1 (RUSLE: Renard et al. 1997, USDA AH 703, eq. 2-1; CSLE: Liu Baoyuan et al. 2002, doi:10.1007/978-94-017-0571-5_5).
 *
 * **Code generation.** For every combination of raster input types and output type (the "signature"), one kernel is
 * generated with `new Function` ONCE and cached. Constant factors do not appear in the kernel at all: they are folded
 * into the scalar `k` (with the unit conversion), so a constant costs no memory traffic. Each generated kernel is a
 * monomorphic double loop (rows, then columns) over typed arrays with no calls, closures or allocations in the
 * cell loop; the rare bad or nodata cell takes an out-of-line branch. The same generated source runs in the worker
 * threads (see `pool.ts`), so every thread executes identical arithmetic; JavaScript forbids fused multiply-add
 * contraction, so results are bit-identical across threads.
 *
 * **Cell rule.** A cell is valid when every factor is ≥ 0 and finite and the product is finite: `A = k·Πxⱼ`,
 * rounded once to the output type. A cell where any factor is NaN (or an integer input's nodata value) is nodata
 * (NaN out). Otherwise a cell with a negative or infinite factor is *bad*: NaN out, counted per factor, and the
 * first one (lowest flat index) is remembered. A product that overflows is counted as bad with factor index −1.
 *
 * **Statistics.** Per row: the sum of the stored (rounded) values in Float64 as four partial sums by column mod 4
 * (each left to right, kept per row so that a row combined in several windows continues them), combined as
 * `(s0 + s1) + (s2 + s3)` — the order the WebAssembly SIMD kernel (`kernel.c`)
 * uses too, so both give the same bits — and the valid count; per block: min, max, bad count, first bad cell. Rows are never split between blocks, so the per-row
 * partials, and the totals combined from them in row order, do not depend on the block size or thread count.
 *
 * Complexity: O(cells · inputs) reads, one write per cell, O(1) extra memory per block.
 *
 * @module
 */

import type { TypedArray } from '../raster/raster.js';

/** Names of the typed arrays a kernel input or output can be. */
export type KernelArrayType =
  | 'Float32Array'
  | 'Float64Array'
  | 'Int8Array'
  | 'Uint8Array'
  | 'Uint8ClampedArray'
  | 'Int16Array'
  | 'Uint16Array'
  | 'Int32Array'
  | 'Uint32Array';

/** Number of entries of the per-block statistics record: min, max, bad count, first bad flat index, its factor. */
export const BLOCK_STATS = 5;

/** The generated source of a kernel: parameter names and body, enough to rebuild it in another thread. */
export interface KernelSource {
  /** Cache key: the signature. */
  readonly key: string;
  /** Parameter names, in call order. */
  readonly params: readonly string[];
  /** Function body. */
  readonly body: string;
}

/**
 * A compiled kernel. Arguments: output array, the `n` input arrays, the `n` integer nodata values (NaN for float
 * inputs or integer inputs without nodata), `k`, `width` (of the arrays' rows), `rowFrom`, `rowTo` (grid rows, end
 * exclusive), `arrayRow0` (the grid row of the arrays' first element), `rowPart` (four partial sums per grid row,
 * continued from their values: a row read in several windows, left to right, adds up exactly as in one),
 * `rowCount` (per grid row, added to), `stats` (a {@link BLOCK_STATS}-long record, min/max initialised to
 * ±Infinity, the rest 0 and −1 for the first index), `badCounts` (one per input, initialised to 0), `col0` (the grid
 * column of the arrays' first column, a multiple of 4) and `gridWidth` (for the flat index of the first bad cell).
 */
export type Kernel = (...args: unknown[]) => void;

const INT_TYPES = new Set<KernelArrayType>(['Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array']);

/** The kernel type name of a typed array. */
export function arrayTypeName(a: TypedArray): KernelArrayType {
  return a.constructor.name as KernelArrayType;
}

/** Generates the source of the kernel for raster inputs of `inputTypes` and an output of `outputType`. */
export function kernelSource(inputTypes: readonly KernelArrayType[], outputType: 'Float32Array' | 'Float64Array'): KernelSource {
  const n = inputTypes.length;
  const key = `${inputTypes.join(',')}>${outputType}`;
  const xs = inputTypes.map((_, j) => `x${j}`);
  const params = ['O', ...xs.map((_, j) => `I${j}`), ...xs.map((_, j) => `nd${j}`), 'k', 'width', 'rowFrom', 'rowTo', 'arrayRow0', 'rowPart', 'rowCount', 'st', 'bad', 'col0', 'gridWidth'];
  const cell = (idx: string, acc: string): string => {
    const loads = inputTypes
      .map((t, j) => (INT_TYPES.has(t) ? `let x${j} = I${j}[${idx}]; if (x${j} === nd${j}) x${j} = NaN;` : `const x${j} = I${j}[${idx}];`))
      .join(' ');
    const product = ['k', ...xs].join(' * ');
    const valid = ['p < Infinity', ...xs.map((x) => `${x} >= 0`)].join(' && ');
    const anyNaN = xs.length ? xs.map((x) => `${x} !== ${x}`).join(' || ') : 'false';
    const badFactor = xs.map((x, j) => `if (!(${x} >= 0 && ${x} < Infinity)) { bad[${j}]++; if (f < 0) f = ${j}; }`).join(' ');
    const round = outputType === 'Float32Array' ? 'Math.fround(p)' : 'p';
    return `{
      ${loads}
      const p = ${product};
      if (${valid}) {
        const v = ${round};
        O[${idx}] = v;
        ${acc} += v; c++;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
      } else {
        O[${idx}] = NaN;
        if (!(${anyNaN})) {
          let f = -1;
          ${badFactor}
          st[2]++;
          const g = r * gridWidth + col0 + (${idx} - row0);
          if (st[3] < 0 || g < st[3]) { st[3] = g; st[4] = f; }
        }
      }
    }`;
  };
  const body = `"use strict";
let mn = st[0], mx = st[1];
for (let r = rowFrom; r < rowTo; r++) {
  const row0 = (r - arrayRow0) * width;
  const e = row0 + width;
  const e4 = row0 + (width - (width % 4));
  const q = 4 * r;
  let s0 = rowPart[q], s1 = rowPart[q + 1], s2 = rowPart[q + 2], s3 = rowPart[q + 3], c = 0;
  let i = row0;
  for (; i < e4; i += 4) {
    ${cell('i', 's0')}
    ${cell('i + 1', 's1')}
    ${cell('i + 2', 's2')}
    ${cell('i + 3', 's3')}
  }
  if (i < e) {
    ${cell('i', 's0')}
    if (i + 1 < e) {
      ${cell('i + 1', 's1')}
      if (i + 2 < e) {
        ${cell('i + 2', 's2')}
      }
    }
  }
  rowPart[q] = s0; rowPart[q + 1] = s1; rowPart[q + 2] = s2; rowPart[q + 3] = s3;
  rowCount[r] += c;
}
st[0] = mn; st[1] = mx;
`;
  void n;
  return { key, params, body };
}

const cache = new Map<string, Kernel>();

/** The compiled kernel for a signature, generated once and cached. */
export function compileKernel(src: KernelSource): Kernel {
  let fn = cache.get(src.key);
  if (!fn) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    fn = new Function(...src.params, src.body) as Kernel;
    cache.set(src.key, fn);
  }
  return fn;
}

/** A fresh per-block statistics record. */
export function newBlockStats(): Float64Array {
  const s = new Float64Array(BLOCK_STATS);
  initBlockStats(s);
  return s;
}

/** Initialises a per-block statistics record in place: min +∞, max −∞, no bad cells. */
export function initBlockStats(s: Float64Array, offset = 0): void {
  s[offset] = Infinity;
  s[offset + 1] = -Infinity;
  s[offset + 2] = 0;
  s[offset + 3] = -1;
  s[offset + 4] = -1;
}
