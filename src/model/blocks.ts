/**
 * The block engine: one pass over a grid in full-width row bands, reading aligned windows from several sources
 * (GeoTIFFs, in-memory rasters, generators, constants), running a block function, and writing tiled compressed
 * outputs, within a memory budget.
 *
 * **The pass.** Bands are processed strictly in index order (top to bottom): read every source's window → call
 * `fn(block)` → write every file output's rows → report progress. `fn` is awaited before the next band starts, so a
 * block function may keep per-zone accumulators and will see the bands in order; the pass resolves after the last
 * band. Band heights are multiples of the output tile height (so the writer flushes whole tile rows) and every band
 * has the same height except the last.
 *
 * **Memory.** Every buffer held per band is counted: per GeoTIFF source 2 × band (the window and the decoded tiles
 * it is assembled from, or the previous band's array not yet collected) plus its decode concurrency; per generator
 * 1 × band; per file output 1 × band plus 3 × one tile row (the writer's staging band of `tileSize` rows, the tiles
 * cut from it and their compressed bytes); per in-memory output or raster source nothing (bands are
 * views of the raster), plus 1 × band when a shared copy is needed for worker threads. A budget that cannot hold a
 * band of the minimum height gives `OUT_OF_MEMORY_BUDGET` with the minimum in bytes, before anything is read.
 *
 * **Errors.** If a read, the block function or a write throws, every output writer is aborted (its temporary file
 * is removed, no half-written output remains), sources the pass opened are closed, and the error is rethrown.
 *
 * Complexity: one read of every input cell, one write of every output cell; memory O(band).
 *
 * @module
 */

import { type RasterSource, openRaster } from '../io/index.js';
import * as io from '../io/index.js';
import { RusleError } from '../raster/errors.js';
import type { Grid, Window } from '../raster/grid.js';
import { assertAligned } from '../raster/grid.js';
import { arrayTypeOf, Raster, type SampleType, type TypedArray } from '../raster/raster.js';
import { sharedArray } from './pool.js';

/** A source computed on demand: fills (or returns) the cells of a window. Used for benchmarks and synthetic inputs. */
export interface GeneratorSource {
  /** Sample type of the generated values. @defaultValue 'Float32' */
  readonly type?: SampleType;
  /** Nodata of integer values (float values use NaN). @defaultValue null */
  readonly nodata?: number | null;
  /**
   * Fills `out` (length `window.width × window.height`, row-major) with the window's cells and returns nothing or
   * `out`, or returns another typed array of that length.
   */
  generate(window: Window, out: TypedArray): TypedArray | void | Promise<TypedArray | void>;
}

/** One source of a pass: an open GeoTIFF, a file path, an in-memory raster, a generator, or a constant. */
export type BlockSource = RasterSource | string | Raster | GeneratorSource | number;

/** Options of the writer of a file output (see the io writer; tiled Deflate with predictor by default). */
export interface BlockWriteOptions {
  /** Tile size in cells. @defaultValue 512 */
  tileSize?: number;
  /** Compression. @defaultValue 'deflate' */
  compression?: 'deflate' | 'none';
  /** Horizontal predictor. @defaultValue true */
  predictor?: boolean;
  /** Deflate level. */
  level?: number;
  /** BigTIFF: always, never, or when needed. @defaultValue 'auto' */
  bigTiff?: boolean | 'auto';
}

/** One output of a pass. */
export interface BlockOutput {
  /** Sample type of the output. */
  readonly type: SampleType;
  /** Write the output to this GeoTIFF (temp file + rename at the end). */
  readonly path?: string;
  /** Fill this in-memory raster (on the pass's grid) instead of, or as well as, a file. */
  readonly into?: Raster;
  /** Nodata: for float outputs the value written for NaN (default: NaN itself); for integers the declared value. */
  readonly nodata?: number | null;
  /** Writer options for `path`. */
  readonly write?: BlockWriteOptions;
}

/** What the block function receives for one band. */
export interface Block {
  /** Band index, from 0, in processing order (top to bottom). */
  readonly index: number;
  /** The band's cells: full width, `height` rows starting at row `y`. */
  readonly window: Window;
  /** The whole grid of the pass. */
  readonly grid: Grid;
  /** Input values of the window, row-major (constants stay numbers). Do not keep references across blocks. */
  readonly inputs: Readonly<Record<string, TypedArray | number>>;
  /** Integer nodata of each input (NaN for float inputs, null when none). */
  readonly nodata: Readonly<Record<string, number | null>>;
  /** Output buffers of the window to fill, row-major, length `window.width × window.height`. */
  readonly outputs: Readonly<Record<string, TypedArray>>;
  /** True cell area (m²) of each of the window's rows (length `window.height`). */
  readonly rowAreasM2: Float64Array;
}

/** Progress of a pass, reported after every band. */
export interface BlockProgress {
  /** Cells done so far. */
  readonly cellsDone: number;
  /** Cells in the grid. */
  readonly totalCells: number;
  /** Seconds since the pass started. */
  readonly elapsedSeconds: number;
  /** Estimated seconds left (from the rate so far; NaN before the first band). */
  readonly secondsLeft: number;
}

/** Options of {@link runBlocks}. */
export interface RunBlocksOptions {
  /** Inputs by name. Paths are opened (and closed) by the pass; open sources are left open for the caller. */
  sources: Record<string, BlockSource>;
  /** The grid of the pass; required when no source is a raster or a GeoTIFF. Must align with every source. */
  grid?: Grid;
  /** Outputs by name. */
  outputs?: Record<string, BlockOutput>;
  /** Rows per band (a multiple of the output tile height when there are file outputs). @defaultValue as many as the budget allows, up to about 2 M cells per band (at least one output tile row) */
  blockRows?: number;
  /** Memory budget in bytes, or a string such as `'512MB'`, `'1.5GiB'` (decimal kB, MB, GB; binary KiB, MiB, GiB). @defaultValue '1GiB' */
  memoryBudget?: number | string;
  /**
   * Read the next band while the block function runs on this one and the previous one is written (two bands in
   * flight, counted in the budget; falls back to one band when the budget cannot hold two minimum bands).
   * @defaultValue true
   */
  pipeline?: boolean;
  /** Give the block function buffers on SharedArrayBuffer (needed to hand them to worker threads). @defaultValue false */
  shared?: boolean;
  /** The block function, awaited once per band in index order. */
  fn: (block: Block) => void | Promise<void>;
  /** Called after each band. */
  onProgress?: (progress: BlockProgress) => void;
}

/** What {@link runBlocks} returns. */
export interface RunBlocksResult {
  /** Number of bands. */
  readonly blocks: number;
  /** Rows per band. */
  readonly blockRows: number;
  /** Cells processed. */
  readonly cells: number;
  /** Bytes of buffers counted for the bands in flight (what the budget was checked against). */
  readonly bytesPerBand: number;
  /** Bands in flight: 2 when the next band was read while the current one was computed and the last one written. */
  readonly stages: number;
  /** Wall-clock seconds. */
  readonly seconds: number;
}

/** Defaults of {@link RunBlocksOptions}. */
export const RUN_BLOCKS_DEFAULTS = { memoryBudget: 1024 ** 3, targetBandCells: 2 * 1024 * 1024, tileSize: 512 } as const;

const UNITS: Record<string, number> = {
  b: 1, k: 1e3, kb: 1e3, m: 1e6, mb: 1e6, g: 1e9, gb: 1e9, t: 1e12, tb: 1e12,
  kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4,
};

/**
 * Parses a byte count: a number of bytes, or a string like `'512MB'`, `'1.5 GiB'`, `'2G'`. Decimal suffixes (kB, MB,
 * GB, TB, and the bare K, M, G, T) are powers of 1000; binary suffixes (KiB, MiB, GiB, TiB) powers of 1024.
 *
 * @throws RusleError `BAD_ARGUMENT` for anything else.
 * @example
 * ```ts
 * parseBytes('512MB'); // 512000000
 * parseBytes('1GiB');  // 1073741824
 * ```
 */
export function parseBytes(value: number | string, what = 'memoryBudget'): number {
  if (typeof value === 'number') {
    if (!(value > 0) || !Number.isFinite(value)) throw new RusleError('BAD_ARGUMENT', `${what} must be a positive number of bytes, got ${value}`);
    return Math.floor(value);
  }
  const m = /^\s*([0-9]*\.?[0-9]+)\s*([a-zA-Z]*)\s*$/.exec(String(value));
  const unit = m ? UNITS[(m[2] || 'b').toLowerCase()] : undefined;
  if (!m || unit === undefined || !(Number(m[1]) > 0)) {
    throw new RusleError('BAD_ARGUMENT', `${what} must be bytes or a size like '512MB' or '2GiB', got '${value}'`);
  }
  return Math.floor(Number(m[1]) * unit);
}

function isRasterSource(v: unknown): v is RasterSource {
  return typeof v === 'object' && v !== null && !(v instanceof Raster) && typeof (v as RasterSource).read === 'function' && 'grid' in v;
}

function isGenerator(v: unknown): v is GeneratorSource {
  return typeof v === 'object' && v !== null && typeof (v as GeneratorSource).generate === 'function';
}

function bytesOf(type: SampleType): number {
  return arrayTypeOf(type).BYTES_PER_ELEMENT;
}

function isShared(a: TypedArray): boolean {
  return a.buffer instanceof SharedArrayBuffer;
}

function alloc(type: SampleType, n: number, shared: boolean): TypedArray {
  const C = arrayTypeOf(type);
  return shared ? sharedArray(C, n) : new C(n);
}

type Prepared =
  | { kind: 'file'; name: string; src: RasterSource; type: SampleType; nodata: number | null; scratch?: TypedArray }
  | { kind: 'raster'; name: string; raster: Raster; type: SampleType; nodata: number | null; scratch?: TypedArray }
  | { kind: 'gen'; name: string; gen: GeneratorSource; type: SampleType; nodata: number | null; buf?: TypedArray }
  | { kind: 'const'; name: string; value: number };

/** Bytes of one decoded file block (tile) estimate used for the decode concurrency of GeoTIFF sources. */
const DECODE_CONCURRENCY = 8;

/**
 * Runs one pass over the grid in row bands (see the module header).
 *
 * @param options - sources, outputs, the block function, band height, memory budget, progress callback.
 * @returns the number of bands, rows per band, cells, bytes per band and seconds.
 * @throws RusleError `OUT_OF_MEMORY_BUDGET` (with `details.minimumBytes`) when one band of the minimum height does
 * not fit; `GRID_MISMATCH` naming the two sources that do not align; `BAD_ARGUMENT` for a missing grid or bad
 * options; and whatever a read, the block function or a write throws (after aborting the outputs).
 *
 * @example
 * ```ts
 * await runBlocks({
 *   sources: { dem: 'data/willamette/dem_30m.tif', k: 0.03 },
 *   outputs: { twice: { type: 'Float32', path: 'twice.tif' } },
 *   memoryBudget: '256MB',
 *   fn: ({ inputs, outputs }) => {
 *     const dem = inputs.dem as Float32Array, out = outputs.twice;
 *     for (let i = 0; i < out.length; i++) out[i] = 2 * dem[i];
 *   },
 * });
 * ```
 */
export async function runBlocks(options: RunBlocksOptions): Promise<RunBlocksResult> {
  const t0 = performance.now();
  const shared = options.shared === true;
  const opened: RasterSource[] = [];
  const writers: { name: string; writer: io.RasterWriter }[] = [];
  let finished = false;
  let nextRead: Promise<unknown> = Promise.resolve();
  let writeChain: Promise<void> = Promise.resolve();
  try {
    // Sources.
    const prepared: Prepared[] = [];
    let grid: Grid | undefined = options.grid;
    let gridFrom = 'grid';
    for (const [name, s] of Object.entries(options.sources)) {
      if (typeof s === 'number') {
        prepared.push({ kind: 'const', name, value: s });
        continue;
      }
      if (typeof s === 'string') {
        const src = await openRaster(s, { cacheBytes: 0 });
        opened.push(src);
        prepared.push({ kind: 'file', name, src, type: src.sampleType, nodata: src.nodata });
      } else if (s instanceof Raster) {
        prepared.push({ kind: 'raster', name, raster: s, type: s.sampleType, nodata: s.nodata });
      } else if (isRasterSource(s)) {
        prepared.push({ kind: 'file', name, src: s, type: s.sampleType, nodata: s.nodata });
      } else if (isGenerator(s)) {
        const type = s.type ?? 'Float32';
        prepared.push({ kind: 'gen', name, gen: s, type, nodata: isFloatType(type) ? NaN : s.nodata ?? null });
        continue;
      } else {
        throw new RusleError('BAD_ARGUMENT', `runBlocks: source '${name}' must be a GeoTIFF path, an open RasterSource, a Raster, a generator { generate(window, out) } or a number`);
      }
      const p = prepared[prepared.length - 1]!;
      const g = p.kind === 'file' ? p.src.grid : p.kind === 'raster' ? p.raster.grid : undefined;
      if (g) {
        if (!grid) {
          grid = g;
          gridFrom = name;
        } else assertAligned(grid, g, [gridFrom, name]);
      }
    }
    if (!grid) throw new RusleError('BAD_ARGUMENT', 'runBlocks: no source has a grid (all are generators or constants); pass options.grid');
    const W = grid.width;
    const H = grid.height;
    const outputs = Object.entries(options.outputs ?? {});
    for (const [name, o] of outputs) {
      if (o.into) assertAligned(grid, o.into, [gridFrom, `output ${name}`]);
      if (o.into && o.into.sampleType !== o.type) throw new RusleError('BAD_ARGUMENT', `runBlocks: output ${name}: 'into' holds ${o.into.sampleType} but type is ${o.type}`);
    }

    // Memory plan: bytes per row of one band in flight, and fixed bytes.
    let perRow = 0;
    let fixed = 8 * 3 * H; // row areas and the caller's per-row partials
    for (const p of prepared) {
      if (p.kind === 'const') continue;
      const rowBytes = W * bytesOf(p.type);
      if (p.kind === 'file') {
        perRow += rowBytes * (shared ? 3 : 2);
        fixed += DECODE_CONCURRENCY * 2 * p.src.blockWidth * p.src.blockHeight * bytesOf(p.type);
      } else if (p.kind === 'gen') perRow += rowBytes;
      else if (shared && !isShared(p.raster.data)) perRow += rowBytes;
    }
    let align = 1;
    for (const [, o] of outputs) {
      const rowBytes = W * bytesOf(o.type);
      if (o.path) {
        const ts = o.write?.tileSize ?? RUN_BLOCKS_DEFAULTS.tileSize;
        perRow += rowBytes;
        fixed += 3 * ts * rowBytes; // the writer's band of tileSize rows, its tiles, their compressed bytes
        align = lcm(align, ts);
      } else if (!o.into || (shared && !isShared(o.into.data))) perRow += rowBytes;
    }
    const budget = parseBytes(options.memoryBudget ?? RUN_BLOCKS_DEFAULTS.memoryBudget);
    const minRows = Math.min(H, align);
    const minimumBytes = fixed + minRows * perRow;
    if (minimumBytes > budget) {
      throw new RusleError(
        'OUT_OF_MEMORY_BUDGET',
        `runBlocks: the memory budget of ${budget} bytes cannot hold one band of ${minRows} rows × ${W} columns of every input and output; at least ${minimumBytes} bytes (${(minimumBytes / 2 ** 20).toFixed(1)} MiB) are needed`,
        { budget, minimumBytes, minRows, bytesPerRow: perRow },
      );
    }
    // Two bands in flight (the next band is read while this one is computed and the previous one written) when
    // the budget allows the minimum band twice; otherwise one.
    const wantStages = options.pipeline === false || perRow === 0 ? 1 : 2;
    let rows: number;
    let stages: number;
    if (options.blockRows !== undefined) {
      rows = options.blockRows;
      if (!Number.isInteger(rows) || rows <= 0) throw new RusleError('BAD_ARGUMENT', `runBlocks: blockRows must be a positive integer, got ${rows}`);
      if (rows % align !== 0 && rows < H) throw new RusleError('BAD_ARGUMENT', `runBlocks: blockRows (${rows}) must be a multiple of the output tile height ${align}`);
      rows = Math.min(rows, H);
      const need = fixed + rows * perRow;
      if (need > budget) {
        throw new RusleError('OUT_OF_MEMORY_BUDGET', `runBlocks: blockRows ${rows} needs ${need} bytes, over the memory budget of ${budget}; the minimum band (${minRows} rows) needs ${minimumBytes}`, { budget, minimumBytes, minRows, bytesPerRow: perRow });
      }
      stages = wantStages === 2 && fixed + 2 * rows * perRow <= budget ? 2 : 1;
    } else {
      stages = wantStages === 2 && fixed + 2 * minRows * perRow <= budget ? 2 : 1;
      const byBudget = perRow > 0 ? Math.floor((budget - fixed) / (stages * perRow)) : H;
      // Bands that hold nothing (in-memory sources and outputs) can be larger: fewer hand-overs to the workers.
      const byTarget = Math.ceil((perRow === 0 ? 8 : 1) * RUN_BLOCKS_DEFAULTS.targetBandCells / W);
      rows = Math.min(byBudget, Math.max(byTarget, minRows));
      rows = Math.max(minRows, Math.floor(rows / align) * align);
      rows = Math.min(rows, H);
    }
    const bandCells = rows * W;

    // Buffers, allocated once per stage.
    const genBufs = prepared.map((p) => Array.from({ length: stages }, () => (p.kind === 'gen' ? alloc(p.type, bandCells, shared) : undefined)));
    const scratch = prepared.map((p) =>
      Array.from({ length: stages }, () =>
        (p.kind === 'file' && shared) || (p.kind === 'raster' && shared && !isShared(p.raster.data)) ? alloc(p.type, bandCells + 8, true) : undefined,
      ),
    );
    const outBufs = outputs.map(([, o]) =>
      Array.from({ length: stages }, () => (o.into && (!shared || isShared(o.into.data)) ? undefined : alloc(o.type, bandCells, shared))),
    );
    for (const [name, o] of outputs) {
      if (!o.path) continue;
      const writer = await io.createRasterWriter(o.path, grid, { type: o.type, ...(o.nodata !== undefined ? { nodata: o.nodata } : {}), ...(o.write ?? {}) });
      writers.push({ name, writer });
    }
    const writerOf = new Map(writers.map((w) => [w.name, w.writer]));
    const areas = grid.rowCellAreasM2();
    const nBands = Math.ceil(H / rows);

    const readBand = async (k: number): Promise<{ inputs: Record<string, TypedArray | number>; nodata: Record<string, number | null> }> => {
      const y = k * rows;
      const h = Math.min(rows, H - y);
      const n = h * W;
      const st = k % stages;
      const window: Window = { x: 0, y, width: W, height: h };
      const inputs: Record<string, TypedArray | number> = {};
      const nodata: Record<string, number | null> = {};
      await Promise.all(
        prepared.map(async (p, j) => {
          if (p.kind === 'const') {
            inputs[p.name] = p.value;
            nodata[p.name] = null;
            return;
          }
          nodata[p.name] = p.nodata;
          let sc = scratch[j]![st]?.subarray(0, n);
          if (p.kind === 'raster') {
            const view = p.raster.data.subarray(y * W, y * W + n);
            if (sc) {
              // Same alignment (mod 8 bytes) as the source: copies into a SharedArrayBuffer are byte-wise otherwise.
              const sh = (view.byteOffset % 8) / view.BYTES_PER_ELEMENT;
              sc = scratch[j]![st]!.subarray(sh, sh + n);
              sc.set(view);
              inputs[p.name] = sc;
            } else inputs[p.name] = view;
          } else if (p.kind === 'file') {
            const r = await p.src.read(window);
            if (sc) {
              sc.set(r.data);
              inputs[p.name] = sc;
            } else inputs[p.name] = r.data;
          } else {
            const buf = genBufs[j]![st]!.subarray(0, n);
            const r = await p.gen.generate(window, buf);
            const data = r ?? buf;
            if (data.length !== n) throw new RusleError('BAD_ARGUMENT', `runBlocks: generator '${p.name}' returned ${data.length} values for a window of ${n} cells`);
            if (shared && !isShared(data)) {
              buf.set(data);
              inputs[p.name] = buf;
            } else inputs[p.name] = data;
          }
        }),
      );
      return { inputs, nodata };
    };

    const total = W * H;
    const quiet = <T>(p: Promise<T>): Promise<T> => {
      p.catch(() => undefined); // awaited later; never an unhandled rejection
      return p;
    };
    nextRead = quiet(readBand(0));
    const writesDone: Promise<void>[] = Array.from({ length: stages }, () => Promise.resolve());
    for (let k = 0; k < nBands; k++) {
      const y = k * rows;
      const h = Math.min(rows, H - y);
      const n = h * W;
      const st = k % stages;
      const { inputs, nodata } = (await nextRead) as Awaited<ReturnType<typeof readBand>>;
      // The buffers of stage st are free once the write of band k − stages is done.
      await writesDone[st];
      if (k + 1 < nBands) {
        if (stages > 1) nextRead = quiet(readBand(k + 1));
      }
      const outs: Record<string, TypedArray> = {};
      outputs.forEach(([name, o], j) => {
        const b = outBufs[j]![st];
        outs[name] = b ? b.subarray(0, n) : o.into!.data.subarray(y * W, y * W + n);
      });
      await options.fn({ index: k, window: { x: 0, y, width: W, height: h }, grid, inputs, nodata, outputs: outs, rowAreasM2: areas.subarray(y, y + h) });
      for (let j = 0; j < outputs.length; j++) {
        const [name, o] = outputs[j]!;
        if (o.into && outBufs[j]![st]) o.into.data.set(outs[name]!, y * W);
      }
      const prev = writeChain;
      writeChain = quiet(
        (async () => {
          await prev;
          for (const [name] of outputs) {
            const w = writerOf.get(name);
            if (w) await w.writeRows(y, outs[name]!);
          }
        })(),
      );
      writesDone[st] = writeChain;
      if (stages === 1) await writeChain;
      if (stages === 1 && k + 1 < nBands) nextRead = quiet(readBand(k + 1));
      if (options.onProgress) {
        const done = y * W + n;
        const el = (performance.now() - t0) / 1000;
        options.onProgress({ cellsDone: done, totalCells: total, elapsedSeconds: el, secondsLeft: (el / done) * (total - done) });
      }
    }
    await writeChain;
    for (const { writer } of writers) await writer.close();
    finished = true;
    return { blocks: nBands, blockRows: rows, stages, cells: total, bytesPerBand: fixed + stages * rows * perRow, seconds: (performance.now() - t0) / 1000 };
  } finally {
    // Let reads and writes in flight settle before aborting the writers and closing the files.
    await Promise.allSettled([nextRead, writeChain]);
    if (!finished) await Promise.all(writers.map(({ writer }) => writer.abort().catch(() => undefined)));
    await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
  }
}

function isFloatType(t: SampleType): boolean {
  return t === 'Float32' || t === 'Float64';
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

function lcm(a: number, b: number): number {
  return (a / gcd(a, b)) * b;
}
