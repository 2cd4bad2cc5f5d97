/**
 * Worker threads that decompress and compress GeoTIFF blocks, so that reading and writing use every core: a block's
 * bytes go to a worker (transferred, not copied), which inflates them and undoes the predictor, or applies the
 * predictor and deflates them, and sends the result back (transferred again). The calling thread is left with the
 * row copies, the combine and the file I/O.
 *
 * The workers run `zlib.inflateSync`/`deflateSync` and the predictor functions of `predictors.ts` from their source
 * text, the very code the calling thread runs for small blocks, so a block gives the same bytes whichever thread
 * encoded it; jobs are independent and carry their own options, so results do not depend on the number of threads
 * or on which worker ran which job.
 *
 * Threads: one per available core (`os.availableParallelism()`, at most {@link CODEC_DEFAULTS.maxThreads}),
 * started on first use. Each worker runs its jobs in order; a job goes to the worker with the fewest pending jobs.
 * Workers are `unref`'d while idle, so an idle pool never keeps the process alive; {@link closeCodecPool} ends them.
 *
 * @module
 */

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { RusleError } from '../raster/errors.js';
import type { TypedArray } from '../raster/raster.js';
import {
  accumulateBytes,
  composeFloatPlanes,
  encodeTile,
  finishBlock,
  placeBlock,
  predictFloat,
  predictHorizontal,
  replaceNaN,
  swapBytes,
  undoFloatingPoint,
  undoHorizontal,
} from './predictors.js';

/** Defaults of the codec pool. */
export const CODEC_DEFAULTS = {
  /** At most this many codec threads. */
  maxThreads: 8,
  /** Blocks of fewer bytes (decoded) are handled on the calling thread: a hand-over costs more than they do. */
  minWorkerBytes: 64 * 1024,
} as const;

const CTORS = 'Float32Array, Float64Array, Int8Array, Uint8Array, Int16Array, Uint16Array, Int32Array, Uint32Array';

const WORKER_CODE = `
'use strict';
const { parentPort } = require('node:worker_threads');
const zlib = require('node:zlib');
const CTORS = { ${CTORS} };
${[accumulateBytes, swapBytes, undoHorizontal, undoFloatingPoint, predictHorizontal, predictFloat, replaceNaN, finishBlock, encodeTile, composeFloatPlanes, placeBlock].map((f) => f.toString()).join('\n')}
// Inflate into one reused buffer per worker: fresh memory costs a page fault per 4 KiB, more than the inflate of
// a well-compressed tile. Node's zlib handle writes into a given buffer (writeSync, as zlib's own sync path does);
// where the handle lacks it, zlib.inflateSync.
let inf = null, infError = null, scratch = new Uint8Array(0);
function inflateReused(input, expected) {
  const cap = Math.max(expected, 1) + 4096;
  if (scratch.length < cap) scratch = new Uint8Array(cap);
  if (!inf) {
    inf = new zlib.Inflate();
    if (!inf._handle || typeof inf._handle.writeSync !== 'function' || !inf._writeState) inf = false;
    else inf._handle.onerror = (message) => { infError = message; };
  }
  if (inf === false) return zlib.inflateSync(input, { maxOutputLength: cap, chunkSize: Math.max(64, Math.min(expected + 64, 1 << 30)), finishFlush: zlib.constants.Z_SYNC_FLUSH });
  infError = null;
  inf._handle.writeSync(zlib.constants.Z_SYNC_FLUSH, input, 0, input.length, scratch, 0, cap);
  if (infError !== null) {
    inf = null;
    throw new RangeError(String(infError));
  }
  const written = cap - inf._writeState[0];
  inf.reset();
  return scratch.subarray(0, written);
}
// A result whose buffer may be transferred: large zlib outputs own their ArrayBuffer; small ones may sit in a
// shared allocation pool, so they are copied.
function owned(b) {
  return b.byteLength >= 65536 && b.buffer.byteLength >= 65536 ? b : new Uint8Array(b);
}
parentPort.on('message', (m) => {
  try {
    let out;
    const input = new Uint8Array(m.buffer, m.byteOffset, m.byteLength);
    if (m.op === 'inflateInto') {
      const raw = inflateReused(input, m.expected);
      const b = finishBlock(raw, m.expected, m.rows, m.predictor, m.bps, m.rowSamples, m.spp, m.swap, true);
      const d = m.dest;
      const p = m.place;
      placeBlock(b.bytes, b.fpPlanes, m.bps, p[0], m.spp, p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], new CTORS[d.type](d.buffer, d.byteOffset, d.length));
      parentPort.postMessage({ id: m.id, ok: true });
      return;
    }
    if (m.op === 'inflate') {
      const raw = zlib.inflateSync(input, { maxOutputLength: Math.max(m.expected, 1) + 4096, chunkSize: Math.max(64, Math.min(m.expected + 64, 1 << 30)), finishFlush: zlib.constants.Z_SYNC_FLUSH });
      out = finishBlock(raw, m.expected, m.rows, m.predictor, m.bps, m.rowSamples, m.spp, m.swap, false).bytes;
    } else {
      const tile = new CTORS[m.type](m.buffer, m.byteOffset, m.byteLength / CTORS[m.type].BYTES_PER_ELEMENT);
      const bytes = encodeTile(tile, m.size, m.nanValue, m.predictor);
      out = zlib.deflateSync(bytes, { level: m.level, chunkSize: bytes.length + (bytes.length >>> 8) + 1024 });
    }
    out = owned(out);
    parentPort.postMessage({ id: m.id, ok: true, buffer: out.buffer, byteOffset: out.byteOffset, byteLength: out.byteLength }, [out.buffer]);
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, error: String((e && e.message) || e) });
  }
});
`;

interface Slot {
  worker: Worker;
  pending: number;
}

interface Waiter {
  resolve: (b: Uint8Array) => void;
  reject: (e: Error) => void;
}

let slots: Slot[] = [];
const waiters = new Map<number, Waiter>();
let nextId = 1;

/** Number of codec threads the pool uses. */
export function codecThreads(): number {
  return Math.max(1, Math.min(CODEC_DEFAULTS.maxThreads, availableParallelism()));
}

function startSlot(): Slot {
  // execArgv: [] so that the eval'd CommonJS dispatcher does not inherit flags such as --input-type=module.
  const worker = new Worker(WORKER_CODE, { eval: true, execArgv: [] });
  const slot: Slot = { worker, pending: 0 };
  worker.unref();
  worker.on('message', (m: { id: number; ok: boolean; buffer?: ArrayBuffer; byteOffset?: number; byteLength?: number; error?: string }) => {
    const w = waiters.get(m.id);
    waiters.delete(m.id);
    slot.pending--;
    if (slot.pending === 0) worker.unref();
    if (!w) return;
    if (m.ok) w.resolve(m.buffer ? new Uint8Array(m.buffer, m.byteOffset, m.byteLength) : new Uint8Array(0));
    else w.reject(new RangeError(m.error));
  });
  worker.on('error', (e: Error) => {
    // A crashed worker fails every job it held; the next job starts a new one.
    slots = slots.filter((s) => s !== slot);
    for (const [id, w] of waiters) {
      if ((w as Waiter & { slot?: Slot }).slot === slot) {
        waiters.delete(id);
        w.reject(new RusleError('INTERNAL', `codec worker crashed: ${e.message}`, undefined, { cause: e }));
      }
    }
  });
  return slot;
}

function pick(): Slot {
  const n = codecThreads();
  let best: Slot | undefined;
  for (const s of slots) if (!best || s.pending < best.pending) best = s;
  if ((!best || best.pending > 0) && slots.length < n) {
    best = startSlot();
    slots.push(best);
  }
  return best!;
}

function submit(message: Record<string, unknown>, data: Uint8Array): Promise<Uint8Array> {
  const slot = pick();
  const id = nextId++;
  // The bytes are transferred when they are the whole of their buffer; otherwise (a view into a larger buffer)
  // they are copied into a buffer of their own first.
  const own = data.byteOffset === 0 && data.byteLength === data.buffer.byteLength && !(data.buffer instanceof SharedArrayBuffer) ? data : new Uint8Array(data);
  return new Promise<Uint8Array>((resolve, reject) => {
    const w: Waiter & { slot?: Slot } = { resolve, reject, slot };
    waiters.set(id, w);
    if (slot.pending++ === 0) slot.worker.ref();
    slot.worker.postMessage({ ...message, id, buffer: own.buffer, byteOffset: own.byteOffset, byteLength: own.byteLength }, [own.buffer as ArrayBuffer]);
  });
}

/**
 * Inflates a block in a codec worker and returns its native-endian samples (see `finishBlock`). `raw` is
 * transferred (unusable afterwards) when it is the whole of its buffer. Rejects with `RangeError` (the zlib or
 * length message) when the data is corrupt.
 */
export function inflateBlockInWorker(raw: Uint8Array, job: { expected: number; rows: number; predictor: number; bps: number; rowSamples: number; spp: number; swap: boolean }): Promise<Uint8Array> {
  return submit({ op: 'inflate', ...job }, raw);
}

/**
 * Inflates a block in a codec worker, undoes its predictor and places its cells straight into `dest` (an array on
 * a SharedArrayBuffer): `place` is `[blockWidth, band, blockX, blockY, winX, winY, winW, x0, x1, y0, y1]` (see
 * `placeBlock`). Rejects with `RangeError` when the data is corrupt.
 */
export async function inflateBlockInto(
  raw: Uint8Array,
  job: { expected: number; rows: number; predictor: number; bps: number; rowSamples: number; spp: number; swap: boolean },
  dest: TypedArray,
  place: readonly number[],
): Promise<void> {
  await submit({ op: 'inflateInto', ...job, dest: { type: dest.constructor.name, buffer: dest.buffer, byteOffset: dest.byteOffset, length: dest.length }, place }, raw);
}

/**
 * Applies NaN replacement and the predictor (see `encodeTile`) and deflates a tile in a codec worker; `tile` is
 * transferred (unusable afterwards) when it is the whole of its buffer.
 */
export function deflateTileInWorker(tile: TypedArray, job: { size: number; nanValue: number | null; predictor: boolean; level: number }): Promise<Uint8Array> {
  const bytes = new Uint8Array(tile.buffer, tile.byteOffset, tile.byteLength);
  return submit({ op: 'deflate', type: tile.constructor.name, ...job }, bytes);
}

/** Terminates the codec threads (they are started again on demand). */
export async function closeCodecPool(): Promise<void> {
  const s = slots;
  slots = [];
  await Promise.all(s.map((x) => x.worker.terminate()));
}
