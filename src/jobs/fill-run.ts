/**
 * Depression filling from a raster source to a GeoTIFF, in memory when the grid fits the memory budget and tile by
 * tile through the job layer otherwise.
 * @module
 */

import { mkdtemp } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { decodeArrays } from '../io/array-file.js';
import { openRaster, type RasterSource } from '../io/read.js';
import { createRasterWriter, writeRaster } from '../io/write.js';
import { freeDiskBytes, readWorkFile, removeFolder, sameFileSystem } from '../io/work-files.js';
import { RusleError } from '../raster/errors.js';
import type { FloatArray } from '../raster/raster.js';
import { fillDepressionsWithStats } from '../terrain/fill.js';
import { checkTiling, ringSize, sameRing, type Tiling, tileTotal, tileWindow } from '../terrain/fill-tiled.js';
import { fillEpsilonStage, fillFirstStages, fillLastStages, fillResultStage } from './fill-jobs.js';
import { writeManifest } from './manifest.js';
import { createJobPool, runStages } from './runner.js';
import { MANIFEST_VERSION, type JobProgressEvent, type StageManifest, type WorkManifest } from './types.js';

/** Options of {@link fillDepressionsToFile}. */
export interface FillToFileOptions {
  /** Priority-Flood+ε; see `FillOptions.epsilon`. @defaultValue false */
  readonly epsilon?: boolean;
  /** Size filter; see `FillOptions.maxDepressionCells`. @defaultValue Infinity */
  readonly maxDepressionCells?: number;
  /** Bytes of memory the fill may use; above what the in-memory fill needs it runs tile by tile. @defaultValue 4 GiB */
  readonly memoryBudget?: number;
  /** Tile side in cells (square tiles); forces the tiled path. Default: the largest side that fits the budget. */
  readonly tileSize?: number;
  /** Worker threads for tile jobs. @defaultValue 2 */
  readonly workers?: number;
  /** Work folder for intermediate files. Default: a new folder under the output's folder. */
  readonly workDir?: string;
  /** Keep the work folder at the end. @defaultValue false */
  readonly keepWork?: boolean;
  /** Progress per stage and per tile job (tiled path only). */
  readonly onProgress?: (e: JobProgressEvent) => void;
  /** Band of the source. @defaultValue 1 */
  readonly band?: number;
  /** Called once, before any work, with the plan (in memory or tiled, tile size, memory). */
  readonly onPlan?: (plan: FillPlan) => void;
}

/** How {@link fillDepressionsToFile} will run, from the grid and the budget ({@link planFill}). */
export interface FillPlan {
  readonly tiled: boolean;
  /** Bytes the in-memory fill would hold. */
  readonly inMemoryBytes: number;
  /** Tiled path: tile side, worker threads, bytes held at most. */
  readonly tileSize?: number;
  readonly workers?: number;
  readonly tiledBytes?: number;
}

/**
 * Chooses between the in-memory and the tiled fill: in memory when it fits the budget (and no tile size is forced),
 * else the largest square tiles (≤ 4096 cells, multiples of 64) whose jobs on every worker fit; one worker when only
 * one fits.
 * @throws RusleError `OUT_OF_MEMORY_BUDGET` stating the minimum budget when even 64-cell tiles on one worker do not fit.
 */
export function planFill(width: number, height: number, sampleType: string, options: { memoryBudget: number; tileSize?: number | undefined; workers: number }): FillPlan {
  const f64 = sampleType === 'Float64';
  const srcBytes = f64 ? 8 : sampleType === 'Byte' || sampleType === 'Int8' ? 1 : sampleType.endsWith('16') ? 2 : 4;
  const inMemoryBytes = width * height * inMemoryFillBytesPerCell(f64, srcBytes);
  if (options.tileSize === undefined && inMemoryBytes <= options.memoryBudget) return { tiled: false, inMemoryBytes };
  const minimum = tiledFillMemory(width, height, MIN_FILL_TILE_SIZE, 1, f64);
  let side = options.tileSize;
  if (side === undefined) {
    if (minimum > options.memoryBudget) {
      throw new RusleError('OUT_OF_MEMORY_BUDGET', `fill: a memory budget of ${formatBytes(options.memoryBudget)} is too small for a ${width} × ${height} DEM: the tiled fill needs at least ${formatBytes(minimum)} (${MIN_FILL_TILE_SIZE}-cell tiles on one worker)`);
    }
    side = MIN_FILL_TILE_SIZE;
    for (let s = 4096; s >= MIN_FILL_TILE_SIZE; s -= 64) {
      if (tiledFillMemory(width, height, s, options.workers, f64) <= options.memoryBudget || (s === MIN_FILL_TILE_SIZE)) {
        side = s;
        break;
      }
    }
  } else if (tiledFillMemory(width, height, side, 1, f64) > options.memoryBudget) {
    throw new RusleError('OUT_OF_MEMORY_BUDGET', `fill: tiles of ${side} cells need ${formatBytes(tiledFillMemory(width, height, side, 1, f64))} on one worker, more than the memory budget of ${formatBytes(options.memoryBudget)}; the smallest tiles (${MIN_FILL_TILE_SIZE} cells) need ${formatBytes(minimum)}`);
  }
  const workers = tiledFillMemory(width, height, side, options.workers, f64) <= options.memoryBudget ? options.workers : 1;
  return { tiled: true, inMemoryBytes, tileSize: side, workers, tiledBytes: tiledFillMemory(width, height, side, workers, f64) };
}

/** Defaults of {@link FillToFileOptions}. */
export const FILL_TO_FILE_DEFAULTS: Readonly<{ epsilon: boolean; maxDepressionCells: number; memoryBudget: number; workers: number; keepWork: boolean }> = Object.freeze({ epsilon: false, maxDepressionCells: Infinity, memoryBudget: 4 * 1024 ** 3, workers: 2, keepWork: false });

/** What {@link fillDepressionsToFile} did. */
export interface FillToFileResult {
  readonly tiled: boolean;
  readonly width: number;
  readonly height: number;
  /** Tile side used (tiled path), else undefined. */
  readonly tileSize?: number;
  readonly tiles?: number;
  readonly raisedCells: number;
  readonly restoredCells: number;
  /** ε rounds (tiled path with ε). */
  readonly epsilonRounds?: number;
  /** Bytes in the work folder at its largest (tiled path). */
  readonly workBytes?: number;
}

/** Bytes per cell the in-memory fill holds: the DEM as read, the output, the closed bitset and the queues. */
export function inMemoryFillBytesPerCell(f64: boolean, sourceBytesPerCell: number): number {
  return sourceBytesPerCell + (f64 ? 8 : 4) + 4;
}

/** Bytes per cell of a tile job (window, its copy, labels, state, queues). */
export function tileFillBytesPerCell(f64: boolean): number {
  return f64 ? 48 : 32;
}

/** Smallest tile side the tiled fill uses. */
export const MIN_FILL_TILE_SIZE = 64;

/** Memory of the tiled fill for a tile side: jobs on every worker, the global step, the output band. */
export function tiledFillMemory(width: number, height: number, side: number, workers: number, f64: boolean): number {
  const tiling: Tiling = { width, height, tileWidth: side, tileHeight: side };
  const T = tileTotal(tiling);
  const ring = T * ringSize(Math.min(side, width), Math.min(side, height));
  const cell = f64 ? 8 : 4;
  return workers * side * side * tileFillBytesPerCell(f64) + ring * 96 + T * 512 + width * Math.min(side, height) * cell * 2;
}

/**
 * Fills the depressions of a DEM read from a raster source and writes a GeoTIFF (Float32; Float64 for a Float64
 * DEM). Output bit-identical to {@link fillDepressions}. When the in-memory fill would exceed `memoryBudget` (or
 * `tileSize` is given) it runs tile by tile (Barnes 2016; see `src/terrain/fill-tiled.ts`) with intermediate files
 * in a work folder, removed at the end unless `keepWork`.
 *
 * @param source - an open raster source (`openRaster`) or a GeoTIFF path.
 * @param outputPath - the GeoTIFF to write.
 * @param options - see {@link FillToFileOptions}.
 * @returns what was done: tiled or not, tiles, cells raised.
 * @throws RusleError `OUT_OF_MEMORY_BUDGET` when even the smallest tiles do not fit the budget (the message states the
 *   minimum); `IO_ERROR` when the disk lacks the space the work folder and output need (the message states it).
 * @example
 * ```ts
 * const r = await fillDepressionsToFile('dem.tif', 'filled.tif', { memoryBudget: 2 * 1024 ** 3 });
 * console.log(r.tiled ? `${r.tiles} tiles` : 'in memory');
 * ```
 */
export async function fillDepressionsToFile(source: RasterSource | string, outputPath: string, options: FillToFileOptions = {}): Promise<FillToFileResult> {
  const o = { ...FILL_TO_FILE_DEFAULTS, ...options };
  if (!(o.memoryBudget > 0)) throw new RusleError('BAD_VALUE', `fill: memoryBudget must be a number of bytes > 0, got ${String(o.memoryBudget)}`);
  if (!(o.maxDepressionCells >= 0)) throw new RusleError('BAD_VALUE', `fill: maxDepressionCells must be ≥ 0 (or Infinity), got ${String(o.maxDepressionCells)}`);
  if (o.tileSize !== undefined && (!Number.isInteger(o.tileSize) || o.tileSize < 1)) {
    throw new RusleError('BAD_ARGUMENT', `fill: tileSize must be a positive integer number of cells, got ${String(o.tileSize)}`);
  }
  const owned = typeof source === 'string';
  const src = typeof source === 'string' ? await openRaster(resolve(source), { band: o.band ?? 1 }) : source;
  try {
    const { width, height } = src.grid;
    const f64 = src.sampleType === 'Float64';
    const plan = planFill(width, height, src.sampleType, { memoryBudget: o.memoryBudget, tileSize: o.tileSize, workers: o.workers });
    o.onPlan?.(plan);
    if (!plan.tiled) {
      const dem = await src.read({ x: 0, y: 0, width, height });
      const { filled, stats } = fillDepressionsWithStats(dem, { epsilon: o.epsilon, maxDepressionCells: o.maxDepressionCells });
      await writeRaster(resolve(outputPath), filled);
      return { tiled: false, width, height, raisedCells: stats.raisedCells, restoredCells: stats.restoredCells };
    }
    return await fillTiled(src, resolve(outputPath), plan.tileSize!, plan.workers!, f64, o);
  } finally {
    if (owned) await src.close();
  }
}

/** Bytes as KiB, MiB or GiB for messages. */
export function formatBytes(b: number): string {
  if (b >= 1024 ** 3) return `${(b / 1024 ** 3).toFixed(2)} GiB`;
  if (b >= 1024 ** 2) return `${(b / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.ceil(b / 1024)} KiB`;
}

async function fillTiled(src: RasterSource, outputPath: string, side: number, workers: number, f64: boolean, o: FillToFileOptions & typeof FILL_TO_FILE_DEFAULTS): Promise<FillToFileResult> {
  const { width, height } = src.grid;
  const tiling: Tiling = { width, height, tileWidth: side, tileHeight: side };
  checkTiling(tiling, 'fill');
  const T = tileTotal(tiling);
  const cell = f64 ? 8 : 4;
  const sizeFilter = Number.isFinite(o.maxDepressionCells);
  // Disk: the finished tiles (twice with the size filter), the rings and summaries, and the output GeoTIFF.
  const workNeed = width * height * cell * (sizeFilter ? 2 : 1) + T * ringSize(Math.min(side, width), Math.min(side, height)) * 64;
  const outNeed = width * height * cell;
  const workDir = o.workDir !== undefined ? resolve(o.workDir) : await mkdtemp(join(dirname(outputPath), '.rusle-work-'));
  const freeWork = await freeDiskBytes(workDir);
  const freeOut = await freeDiskBytes(dirname(outputPath));
  const sameFs = await sameFileSystem(workDir, dirname(outputPath));
  if ((sameFs && freeWork < workNeed + outNeed) || (!sameFs && (freeWork < workNeed || freeOut < outNeed))) {
    if (o.workDir === undefined) await removeFolder(workDir);
    throw new RusleError('IO_ERROR', `fill: not enough free disk space: the tiled fill of ${width} × ${height} cells needs ${formatBytes(workNeed)} in the work folder ${workDir} and up to ${formatBytes(outNeed)} for ${outputPath}; ${formatBytes(freeWork)} free${sameFs ? '' : ` and ${formatBytes(freeOut)} free`}`);
  }
  const stages: StageManifest[] = [...fillFirstStages(tiling)];
  const manifest = (): WorkManifest => ({
    format: 'rusle-work', version: MANIFEST_VERSION, task: 'fill', width, height, tileWidth: side, tileHeight: side,
    sources: { dem: { path: src.path, band: 1 } },
    params: { epsilon: o.epsilon, maxDepressionCells: sizeFilter ? o.maxDepressionCells : null },
    stages,
  });
  const pool = createJobPool(workers);
  const run = async (from: number): Promise<void> => {
    const m = manifest();
    await writeManifest(workDir, m);
    await runStages(workDir, m, { pool, ...(o.onProgress ? { onProgress: o.onProgress } : {}) }, from);
  };
  let ok = false;
  try {
    await run(0);
    let ringStage = 'fill-spill';
    let rounds = 0;
    if (o.epsilon) {
      let prevPrev: string | null = null;
      for (;;) {
        rounds++;
        const stage = fillEpsilonStage(tiling, rounds, ringStage, prevPrev);
        stages.push(stage);
        await run(stages.length - 1);
        let same = true;
        for (let t = 0; t < T && same; t++) {
          const a = decodeArrays(await readWorkFile(join(workDir, `${stage.name}/${t}.ring.bin`))).arrays['ring'] as Float64Array;
          const b = decodeArrays(await readWorkFile(join(workDir, `${ringStage}/${t}.ring.bin`))).arrays['ring'] as Float64Array;
          same = sameRing(a, b);
        }
        prevPrev = ringStage;
        ringStage = stage.name;
        if (same) break;
      }
    }
    const from = stages.length;
    stages.push(...fillLastStages(tiling, ringStage, sizeFilter));
    await run(from);
    // Assemble the GeoTIFF row band by row band.
    const result = fillResultStage(sizeFilter);
    const ntx = Math.ceil(width / side);
    const writer = await createRasterWriter(outputPath, src.grid, { type: f64 ? 'Float64' : 'Float32' });
    let raised = 0;
    let restored = 0;
    try {
      for (let ty = 0; ty * side < height; ty++) {
        const bandH = Math.min(side, height - ty * side);
        const band: FloatArray = f64 ? new Float64Array(width * bandH) : new Float32Array(width * bandH);
        for (let tx = 0; tx < ntx; tx++) {
          const t = ty * ntx + tx;
          const win = tileWindow(tiling, t);
          const rec = decodeArrays(await readWorkFile(join(workDir, `${result}/${t}.bin`)));
          const v = rec.arrays['values'] as FloatArray;
          for (let r = 0; r < win.height; r++) band.set(v.subarray(r * win.width, (r + 1) * win.width), r * width + win.x);
          if (sizeFilter) {
            restored += Number(rec.meta['restoredCells']);
            raised += Number(decodeArrays(await readWorkFile(join(workDir, `fill-finish/${t}.bin`))).meta['raisedCells']);
          } else raised += Number(rec.meta['raisedCells']);
        }
        await writer.writeRows(ty * side, band);
      }
      await writer.close();
    } catch (e) {
      await writer.abort();
      throw e;
    }
    ok = true;
    return { tiled: true, width, height, tileSize: side, tiles: T, raisedCells: raised, restoredCells: restored, epsilonRounds: rounds, workBytes: workNeed };
  } finally {
    await pool.close();
    if (!o.keepWork && (ok || o.workDir === undefined)) await removeFolder(workDir);
  }
}
