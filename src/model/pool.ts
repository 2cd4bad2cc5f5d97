/**
 * A pool of `worker_threads` that run generated kernels over `SharedArrayBuffer`s.
 *
 * A job is a kernel source (see `kernel.ts`), the shared arrays it reads and writes, and a list of blocks (row
 * ranges). Threads take blocks from a shared atomic counter; each block writes only its own rows of the output and
 * of the per-row partial sums, and its own per-block statistics record, so the result does not depend on which
 * thread ran which block or in which order. The calling thread takes blocks too, so `workers: 2` is one extra thread.
 *
 * **Why the worker is an eval'd string.** The worker's code is the small dispatcher below, kept as a string and
 * started with `new Worker(code, { eval: true })`. The kernels themselves arrive as generated source in each job.
 * This runs unchanged from `src` under vitest and from `dist` after the build, with no worker file to resolve
 * relative to `import.meta.url` and no TypeScript loader in the worker. Workers start with an empty `execArgv`, so
 * they do not inherit the caller's module flags or loaders.
 *
 * Workers are `unref`'d while idle so an idle pool never keeps the process alive; {@link closeWorkerPool} ends them.
 *
 * @module
 */

import { Worker } from 'node:worker_threads';
import { RusleError } from '../raster/errors.js';
import type { TypedArray } from '../raster/raster.js';
import { BLOCK_STATS, compileKernel, type KernelSource } from './kernel.js';
import { KERNEL_WASM_BASE64 } from './kernel-wasm.js';

/** The code every worker runs: build (and cache) the job's kernel, take blocks until none are left. */
const WORKER_CODE = `
'use strict';
const { parentPort } = require('node:worker_threads');
globalThis.__rusleEngineWorker = true;
const cache = new Map();
const CTORS = { Float32Array, Float64Array, Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array };
${runJobSource()}
${wasmDriverSource()}
parentPort.on('message', (job) => {
  try {
    let fn = cache.get(job.key);
    if (!fn) { fn = new Function(...job.params, job.body); cache.set(job.key, fn); }
    if (job.wasm) fn = wasmKernel(job.wasm, job.nInputs, fn);
    const view = (a) => new CTORS[a.type](a.buffer, a.byteOffset, a.length);
    runJob(fn, job.arrays.map(view), job.scalars, view(job.rowSum), view(job.rowCount), view(job.blockStats), view(job.badCounts), job.nBad, new Int32Array(job.blocks), new Int32Array(job.counter));
    parentPort.postMessage({ ok: true });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String(e && e.stack || e) });
  }
});
`;

/** The block loop shared (as source) by the workers and the calling thread. */
function runJobSource(): string {
  return `function runJob(fn, arrays, scalars, rowSum, rowCount, blockStats, badCounts, nBad, blocks, counter) {
  const nBlocks = blocks.length / 3;
  for (;;) {
    const b = Atomics.add(counter, 0, 1);
    if (b >= nBlocks) break;
    const st = blockStats.subarray(b * ${BLOCK_STATS}, (b + 1) * ${BLOCK_STATS});
    const bad = badCounts.subarray(b * nBad, (b + 1) * nBad);
    fn(...arrays, ...scalars.pre, scalars.width, blocks[3 * b], blocks[3 * b + 1], blocks[3 * b + 2], rowSum, rowCount, st, bad, scalars.col0, scalars.gridWidth);
  }
}`;
}

/**
 * The driver of the WebAssembly kernel (source shared by the workers and the calling thread). One instance per
 * thread, with a 16 MiB memory of its own; the block's rows are copied chunk by chunk (64 Ki cells, small enough to
 * stay in cache) into the instance's memory, combined there, and the output chunk copied back. The returned function
 * has the JS kernel's signature; a block with bad values is re-run with the JS kernel, which reports them per factor.
 */
function wasmDriverSource(): string {
  return `let wasmState = null;
function wasmKernel(b64, n, jsFn) {
  if (!wasmState) {
    const inst = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(b64, 'base64')), {});
    const ex = inst.exports;
    const mem = ex.memory.buffer;
    const heap = (ex.__heap_base.value + 63) & ~63;
    const CH = 65536; // a multiple of 4: pieces of a wide row keep their columns' partial sums
    const slot = (CH + 16) * 4;
    const bases = [];
    const bufs = [];
    for (let j = 0; j < 8; j++) { bases.push(heap + j * slot); bufs.push(new Float32Array(mem, heap + j * slot, CH + 2)); }
    wasmState = { bufs, bases, ptrs: new Uint32Array(mem, ex.inPtr(), 7), outP: new Uint32Array(mem, ex.outPtr(), 1),
      res: new Float64Array(mem, ex.resPtr(), 8), CH, runs: [null, ex.run1, ex.run2, ex.run3, ex.run4, ex.run5, ex.run6, ex.run7] };
  }
  const S = wasmState, run = S.runs[n], bufs = S.bufs, bases = S.bases, ptrs = S.ptrs, outP = S.outP, res = S.res, CH = S.CH;
  const ob = bufs[7];
  // Copies between a SharedArrayBuffer and wasm memory are fast only when source and destination are aligned alike
  // (mod 8 bytes); each chunk is placed at the same parity as its source, and the kernel pointed there.
  const load = (a, o, len) => {
    for (let j = 0; j < n; j++) {
      const src = a[1 + j];
      const sh = ((src.byteOffset >>> 2) + o) & 1;
      ptrs[j] = bases[j] + 4 * sh;
      bufs[j].set(src.subarray(o, o + len), sh);
    }
    const osh = ((a[0].byteOffset >>> 2) + o) & 1;
    outP[0] = bases[7] + 4 * osh;
    return osh;
  };
  return function (...a) {
    const O = a[0], k = a[1 + 2 * n], width = a[2 + 2 * n], rowFrom = a[3 + 2 * n], rowTo = a[4 + 2 * n];
    const arrayRow0 = a[5 + 2 * n], rowPart = a[6 + 2 * n], rowCount = a[7 + 2 * n], st = a[8 + 2 * n], bad = a[9 + 2 * n];
    let mn = st[0], mx = st[1], badCount = 0;
    // The row partials are continued in place; kept so that a block with bad cells can be re-run from them.
    const savedPart = rowPart.slice(4 * rowFrom, 4 * rowTo), savedCount = rowCount.slice(rowFrom, rowTo);
    // res: 0..3 partial row sums by column mod 4, 4 valid count, 5 min, 6 max, 7 bad count (see kernel.c)
    if (width <= CH) {
      const rowsPer = Math.floor(CH / width);
      for (let r0 = rowFrom; r0 < rowTo; r0 += rowsPer) {
        const nr = Math.min(rowsPer, rowTo - r0), o = (r0 - arrayRow0) * width, len = nr * width;
        const osh = load(a, o, len);
        for (let r = 0; r < nr; r++) {
          const q = 4 * (r0 + r);
          res[0] = rowPart[q]; res[1] = rowPart[q + 1]; res[2] = rowPart[q + 2]; res[3] = rowPart[q + 3]; res[4] = 0; res[5] = mn; res[6] = mx; res[7] = 0;
          run(r * width, width, k);
          rowPart[q] = res[0]; rowPart[q + 1] = res[1]; rowPart[q + 2] = res[2]; rowPart[q + 3] = res[3]; rowCount[r0 + r] += res[4];
          mn = res[5]; mx = res[6]; badCount += res[7];
        }
        O.set(ob.subarray(osh, osh + len), o);
      }
    } else {
      for (let r = rowFrom; r < rowTo; r++) {
        const q = 4 * r;
        res[0] = rowPart[q]; res[1] = rowPart[q + 1]; res[2] = rowPart[q + 2]; res[3] = rowPart[q + 3]; res[4] = 0; res[7] = 0;
        const base = (r - arrayRow0) * width;
        for (let c0 = 0; c0 < width; c0 += CH) {
          const len = Math.min(CH, width - c0), o = base + c0;
          const osh = load(a, o, len);
          res[5] = mn; res[6] = mx;
          run(0, len, k);
          mn = res[5]; mx = res[6];
          O.set(ob.subarray(osh, osh + len), o);
        }
        rowPart[q] = res[0]; rowPart[q + 1] = res[1]; rowPart[q + 2] = res[2]; rowPart[q + 3] = res[3]; rowCount[r] += res[4]; badCount += res[7];
      }
    }
    if (badCount > 0) {
      st[0] = Infinity; st[1] = -Infinity; st[2] = 0; st[3] = -1; st[4] = -1;
      bad.fill(0);
      rowPart.set(savedPart, 4 * rowFrom); rowCount.set(savedCount, rowFrom);
      jsFn(...a);
      return;
    }
    st[0] = mn; st[1] = mx;
  };
}`;
}

// eslint-disable-next-line @typescript-eslint/no-implied-eval
const wasmKernel = new Function(`${wasmDriverSource()}; return wasmKernel;`)() as (b64: string, n: number, jsFn: unknown) => unknown;

let wasmOk: boolean | undefined;
/** True when this runtime runs the WebAssembly SIMD kernel (validated once). */
export function wasmKernelAvailable(): boolean {
  if (wasmOk === undefined) {
    const wasm = (globalThis as { WebAssembly?: { validate(bytes: Uint8Array): boolean } }).WebAssembly;
    try {
      wasmOk = wasm !== undefined && wasm.validate(Buffer.from(KERNEL_WASM_BASE64, 'base64'));
    } catch {
      wasmOk = false;
    }
  }
  return wasmOk === true;
}

// eslint-disable-next-line @typescript-eslint/no-implied-eval
const runJob = new Function(`${runJobSource()}; return runJob;`)() as (
  fn: unknown,
  arrays: TypedArray[],
  scalars: { pre: number[]; width: number; col0: number; gridWidth: number },
  rowSum: Float64Array,
  rowCount: Float64Array,
  blockStats: Float64Array,
  badCounts: Float64Array,
  nBad: number,
  blocks: Int32Array,
  counter: Int32Array,
) => void;

/** A shared array described for transfer to a worker. */
interface SharedSpec {
  type: string;
  buffer: SharedArrayBuffer;
  byteOffset: number;
  length: number;
}

/** One kernel job over blocks. */
export interface KernelJob {
  /** Generated kernel. */
  source: KernelSource;
  /** Output array then input arrays (all on SharedArrayBuffer when `threads > 1`). */
  arrays: TypedArray[];
  /** Scalars passed after the arrays and before `width`: the nodata values and `k`. */
  pre: number[];
  /** Row width of the arrays (cells). */
  width: number;
  /** Grid column of the arrays' first column. @defaultValue 0 */
  col0?: number;
  /** Width of the grid (for flat cell indices). @defaultValue width */
  gridWidth?: number;
  /** Run the WebAssembly kernel with this many float32 inputs (1–7; the output is float32), or not (0). */
  wasmInputs?: number;
  /** Blocks as triples `[rowFrom, rowTo, arrayRow0]`. */
  blocks: Int32Array;
  /** Per grid row partials (layout defined by the kernel; the combine keeps four sums per row) and counts. */
  rowSum: Float64Array;
  rowCount: Float64Array;
  /** `BLOCK_STATS` entries per block, initialised. */
  blockStats: Float64Array;
  /** `nBad` entries per block, zeroed. */
  badCounts: Float64Array;
  nBad: number;
}

function isShared(a: TypedArray): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && a.buffer instanceof SharedArrayBuffer;
}

function spec(a: TypedArray): SharedSpec {
  return { type: a.constructor.name, buffer: a.buffer as SharedArrayBuffer, byteOffset: a.byteOffset, length: a.length };
}

/** Allocates a typed array on a SharedArrayBuffer. */
export function sharedArray<C extends { new (buffer: ArrayBufferLike, byteOffset?: number, length?: number): TypedArray; BYTES_PER_ELEMENT: number }>(
  type: C,
  length: number,
): InstanceType<C> {
  return new type(new SharedArrayBuffer(length * type.BYTES_PER_ELEMENT), 0, length) as InstanceType<C>;
}

let pool: Worker[] = [];

function ensureWorkers(n: number): Worker[] {
  while (pool.length < n) {
    // execArgv: [] so that the caller's flags (--input-type=module, --experimental-default-type=module, a loader)
    // do not change how the dispatcher is parsed: it is always CommonJS.
    const w = new Worker(WORKER_CODE, { eval: true, execArgv: [] });
    w.unref();
    pool.push(w);
  }
  return pool.slice(0, n);
}

/** Terminates the idle worker threads of the pool (they are re-created on demand). */
export async function closeWorkerPool(): Promise<void> {
  const ws = pool;
  pool = [];
  await Promise.all(ws.map((w) => w.terminate()));
}

/**
 * Runs a kernel job on `threads` threads (the caller plus `threads − 1` workers). With `threads > 1` every array of
 * the job must live on a SharedArrayBuffer (`INTERNAL` otherwise).
 */
export async function runKernelJob(job: KernelJob, threads: number): Promise<void> {
  const js = compileKernel(job.source);
  const nIn = job.wasmInputs ?? 0;
  const fn = nIn > 0 ? wasmKernel(KERNEL_WASM_BASE64, nIn, js) : js;
  const nBlocks = job.blocks.length / 3;
  const useWorkers = Math.max(0, Math.min(threads, nBlocks) - 1);
  if (useWorkers === 0) {
    runJob(fn, job.arrays, { pre: job.pre, width: job.width, col0: job.col0 ?? 0, gridWidth: job.gridWidth ?? job.width }, job.rowSum, job.rowCount, job.blockStats, job.badCounts, job.nBad, job.blocks, new Int32Array(1));
    return;
  }
  const all = [...job.arrays, job.rowSum, job.rowCount, job.blockStats, job.badCounts, job.blocks];
  for (const a of all) {
    if (!isShared(a)) throw new RusleError('INTERNAL', 'runKernelJob: every array of a multi-threaded job must live on a SharedArrayBuffer');
  }
  const counter = sharedArray(Int32Array, 1);
  const message = {
    key: job.source.key,
    params: job.source.params,
    body: job.source.body,
    arrays: job.arrays.map(spec),
    scalars: { pre: job.pre, width: job.width, col0: job.col0 ?? 0, gridWidth: job.gridWidth ?? job.width },
    rowSum: spec(job.rowSum),
    rowCount: spec(job.rowCount),
    blockStats: spec(job.blockStats),
    badCounts: spec(job.badCounts),
    nBad: job.nBad,
    wasm: nIn > 0 ? KERNEL_WASM_BASE64 : null,
    nInputs: nIn,
    blocks: job.blocks.buffer,
    counter: counter.buffer,
  };
  const workers = ensureWorkers(useWorkers);
  const done = workers.map(
    (w) =>
      new Promise<void>((resolve, reject) => {
        const onMessage = (m: { ok: boolean; error?: string }): void => {
          w.off('error', onError);
          w.unref();
          if (m.ok) resolve();
          else reject(new RusleError('INTERNAL', `worker failed: ${m.error}`));
        };
        const onError = (e: Error): void => {
          w.off('message', onMessage);
          pool = pool.filter((x) => x !== w);
          reject(new RusleError('INTERNAL', `worker crashed: ${e.message}`, undefined, { cause: e }));
        };
        w.once('message', onMessage);
        w.once('error', onError);
        w.ref();
        w.postMessage(message);
      }),
  );
  // The calling thread takes blocks too.
  let mainError: unknown;
  try {
    runJob(fn, job.arrays, message.scalars, job.rowSum, job.rowCount, job.blockStats, job.badCounts, job.nBad, job.blocks, counter);
  } catch (e) {
    mainError = e;
  }
  await Promise.all(done);
  if (mainError) throw mainError;
}
