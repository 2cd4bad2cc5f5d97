/**
 * Flow accumulation from a raster source to a GeoTIFF: in memory (`flowAccumulation`) when the chain fits the memory
 * budget, else tile by tile through the job layer — the tiled fill (`fillDepressionsToFile`), the tiled flats
 * (`flatsStages`), then the tiled D8 routing and accumulation visits (`flow-jobs.ts`) in rounds until no exit is
 * left, and the output assembled row band by row band. MFD and D∞ are in memory only.
 * @module
 */

import { mkdir, mkdtemp } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { decodeArrays } from '../io/array-file.js';
import { openRaster, type RasterSource } from '../io/read.js';
import { createRasterWriter, writeRaster } from '../io/write.js';
import { freeDiskBytes, readWorkFile, removeFolder } from '../io/work-files.js';
import { RusleError } from '../raster/errors.js';
import { Raster } from '../raster/raster.js';
import { d8AccumulationTileOutput, flowAccumulationPlan } from '../terrain/accumulate-tiled.js';
import type { AccumulationOutput } from '../terrain/accumulate.js';
import { flowAccumulation, type FlowRoutingMethod } from '../terrain/routing/chain.js';
import { fillDepressionsToFile } from './fill-run.js';
import { flatsStages } from './flats-jobs.js';
import { flowRouteStage, flowVisitStage } from './flow-jobs.js';
import { lsTileWindows } from './ls-jobs.js';
import { writeManifest } from './manifest.js';
import { runStages } from './runner.js';
import { MANIFEST_VERSION, type JobProgressEvent, type StageManifest, type WorkManifest } from './types.js';

/** Options of {@link flowAccumulationToFile}. */
export interface FlowToFileOptions {
  /** Routing. @defaultValue `'d8'` */
  readonly routing?: FlowRoutingMethod;
  /** `cells`, `m2` or `sca`. @defaultValue `'cells'` */
  readonly output?: AccumulationOutput;
  /** MFD exponent (in memory only). */
  readonly exponent?: number;
  /** Fill depressions first. @defaultValue true */
  readonly fill?: boolean;
  /** Write Float64 instead of Float32. @defaultValue false */
  readonly float64?: boolean;
  /** Bytes the chain may use; above the in-memory need D8 runs tile by tile. @defaultValue 4 GiB */
  readonly memoryBudget?: number;
  /** Tile side in cells; forces the tiled path. @defaultValue 1024 when tiled */
  readonly tileSize?: number;
  /** Worker threads. @defaultValue 2 */
  readonly workers?: number;
  /** Work folder. Default: a new folder beside the output. */
  readonly workDir?: string;
  /** Keep the work folder. @defaultValue false */
  readonly keepWork?: boolean;
  /** Progress per stage and tile job (tiled path). */
  readonly onProgress?: (e: JobProgressEvent) => void;
}

/** What {@link flowAccumulationToFile} did. */
export interface FlowToFileResult {
  readonly tiled: boolean;
  readonly width: number;
  readonly height: number;
  readonly tileSize?: number;
  readonly tiles?: number;
  readonly rounds?: number;
}

/** Bytes per cell of a flow tile's state file (Float64 total and top, a pending byte). */
export const FLOW_STATE_BYTES_PER_CELL = 17;

function formatBytes(b: number): string {
  if (b >= 1024 ** 3) return `${(b / 1024 ** 3).toFixed(2)} GiB`;
  if (b >= 1024 ** 2) return `${(b / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.ceil(b / 1024)} KiB`;
}

/**
 * Flow accumulation of a DEM read from a raster source, written as a GeoTIFF; bit-identical to
 * `flowAccumulation(dem, { routing, output, fill })` (Float64 values, written as Float32 unless `float64`).
 *
 * @param source - an open raster source or a GeoTIFF path.
 * @param outputPath - the GeoTIFF to write.
 * @param options - routing, output, budget, tiles, workers, work folder.
 * @returns whether it ran tiled, the tiles and the rounds.
 * @throws RusleError `OUT_OF_MEMORY_BUDGET` for MFD or D∞ over the budget (before reading), or when tiles do not fit;
 *   `IO_ERROR` when the disk lacks the space the work folder needs.
 * @example
 * ```ts
 * await flowAccumulationToFile('dem.tif', 'area.tif', { output: 'm2', memoryBudget: 2 * 1024 ** 3 });
 * ```
 */
export async function flowAccumulationToFile(source: RasterSource | string, outputPath: string, options: FlowToFileOptions = {}): Promise<FlowToFileResult> {
  const routing = options.routing ?? 'd8';
  const output = options.output ?? 'cells';
  const budget = options.memoryBudget ?? 4 * 1024 ** 3;
  if (options.tileSize !== undefined && (!Number.isInteger(options.tileSize) || options.tileSize < 16)) {
    throw new RusleError('BAD_ARGUMENT', `flow: tileSize must be an integer ≥ 16 cells, got ${String(options.tileSize)}`);
  }
  const owned = typeof source === 'string';
  const src = typeof source === 'string' ? await openRaster(resolve(source)) : source;
  try {
    const { width, height } = src.grid;
    const plan = flowAccumulationPlan(routing, width, height, budget);
    if (options.tileSize === undefined && plan.mode === 'memory') {
      const dem = await src.read({ x: 0, y: 0, width, height });
      const acc = flowAccumulation(dem, { routing, output, fill: options.fill ?? true, ...(options.exponent !== undefined ? { exponent: options.exponent } : {}) });
      await writeRaster(resolve(outputPath), options.float64 ? acc : new Raster(acc.grid, Float32Array.from(acc.data), NaN));
      return { tiled: false, width, height };
    }
    if (routing !== 'd8') throw new RusleError('OUT_OF_MEMORY_BUDGET', `flow: ${routing} accumulation runs in memory only; tiles were asked for`);
    return await flowTiled(src, resolve(outputPath), output, options, budget);
  } finally {
    if (owned) await src.close();
  }
}

async function flowTiled(src: RasterSource, outputPath: string, output: AccumulationOutput, options: FlowToFileOptions, budget: number): Promise<FlowToFileResult> {
  const { width, height } = src.grid;
  const side = options.tileSize ?? 1024;
  const workers = options.workers ?? 2;
  const ntx = Math.ceil(width / side);
  const nty = Math.ceil(height / side);
  const T = ntx * nty;
  const workNeed = width * height * (8 + 2 * 4 + FLOW_STATE_BYTES_PER_CELL + 8);
  const workDir = options.workDir !== undefined ? resolve(options.workDir) : await mkdtemp(join(dirname(outputPath), '.rusle-work-'));
  await mkdir(workDir, { recursive: true });
  const free = await freeDiskBytes(workDir);
  if (free < workNeed) {
    if (options.workDir === undefined) await removeFolder(workDir);
    throw new RusleError('IO_ERROR', `flow: not enough free disk space: the tiled chain of ${width} × ${height} cells needs ${formatBytes(workNeed)} in the work folder ${workDir}; ${formatBytes(free)} free`);
  }
  let ok = false;
  try {
    const fill = options.fill ?? true;
    const filledPath = fill ? join(workDir, 'filled.tif') : src.path;
    if (fill) {
      await fillDepressionsToFile(src, filledPath, {
        memoryBudget: budget, workers, tileSize: side, workDir: join(workDir, 'fill'), keepWork: options.keepWork ?? false,
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
    }
    const tiling = { width, height, tileWidth: side, tileHeight: side };
    const stages: StageManifest[] = [...flatsStages(tiling, null)];
    const manifest = (): WorkManifest => ({
      format: 'rusle-work', version: MANIFEST_VERSION, task: 'flow', width, height, tileWidth: side, tileHeight: side,
      sources: { filled: { path: filledPath, band: 1 } },
      params: { output, grid: { transform: [...src.grid.transform], crs: src.grid.crs } },
      stages,
    });
    const run = async (from: number): Promise<void> => {
      const m = manifest();
      await writeManifest(workDir, m);
      await runStages(workDir, m, { workers, ...(options.onProgress ? { onProgress: options.onProgress } : {}) }, from);
    };
    await run(0);
    const lastState = new Map<number, string>();
    let tilesNow = Array.from({ length: T }, (_, t) => t);
    let inbox: string | null = null;
    let k = 0;
    for (;;) {
      const visit = flowVisitStage(tiling, k, tilesNow, lastState, inbox);
      const route = flowRouteStage(k, visit);
      stages.push(visit, route);
      await run(stages.length - 2);
      for (const j of visit.jobs) lastState.set(j.tile, j.outputs[0]!);
      inbox = route.jobs[0]!.outputs[0]!;
      tilesNow = (decodeArrays(await readWorkFile(join(workDir, inbox))).meta['tiles'] as number[]) ?? [];
      k++;
      if (tilesNow.length === 0) break;
    }
    const f64 = options.float64 === true;
    const writer = await createRasterWriter(outputPath, src.grid, { type: f64 ? 'Float64' : 'Float32' });
    try {
      for (let ty = 0; ty < nty; ty++) {
        const bandH = Math.min(side, height - ty * side);
        const band = f64 ? new Float64Array(width * bandH) : new Float32Array(width * bandH);
        for (let tx = 0; tx < ntx; tx++) {
          const t = ty * ntx + tx;
          const { core, padded } = lsTileWindows(tiling, t, 1);
          const rec = decodeArrays(await readWorkFile(join(workDir, lastState.get(t)!)));
          const v = d8AccumulationTileOutput({ grid: src.grid, core, padded, codes: new Uint8Array(0), weights: 1, output },
            { acc: rec.arrays['acc'] as Float64Array, top: rec.arrays['top'] as Float64Array, pending: rec.arrays['pending'] as Uint8Array, remaining: Number(rec.meta['remaining']) });
          for (let r = 0; r < core.height; r++) band.set(v.subarray(r * core.width, (r + 1) * core.width), r * width + core.x);
        }
        await writer.writeRows(ty * side, band);
      }
      await writer.close();
    } catch (e) {
      await writer.abort();
      throw e;
    }
    ok = true;
    return { tiled: true, width, height, tileSize: side, tiles: T, rounds: k };
  } finally {
    if (!(options.keepWork ?? false) && (ok || options.workDir === undefined)) await removeFolder(workDir);
  }
}
