/**
 * The LS factor from a raster source to a GeoTIFF: in memory (`lsFactor`) when it fits the memory budget, else tile
 * by tile through the job layer — depression filling with ε (`fillDepressionsToFile`), then the tiled LS visits
 * (`ls-jobs.ts`) in rounds until no exit is left, then the output assembled row band by row band.
 * @module
 */

import { mkdir, mkdtemp } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { decodeArrays } from '../io/array-file.js';
import { openRaster, type RasterSource } from '../io/read.js';
import { createRasterWriter, writeRaster } from '../io/write.js';
import { freeDiskBytes, readWorkFile, removeFolder } from '../io/work-files.js';
import { RusleError } from '../raster/errors.js';
import { lsFactor } from '../factors/ls/ls-factor.js';
import { lsPlan, slopeLengthLsTileOutput } from '../factors/ls/ls-tiled.js';
import { grassLsTileOutput } from '../factors/ls/grass-tiled.js';
import { LS_BASE_OPTIONS, LS_PRESETS, type LsPresetName, type LsPresetOptions } from '../factors/ls/presets.js';
import { fillDepressionsToFile } from './fill-run.js';
import { type LsJobMethod, lsHalo, lsRouteStage, lsTileWindows, lsVisitStage } from './ls-jobs.js';
import { writeManifest } from './manifest.js';
import { runStages } from './runner.js';
import { MANIFEST_VERSION, type JobProgressEvent, type StageManifest, type WorkManifest } from './types.js';

/** Options of {@link lsFactorToFile}. */
export interface LsToFileOptions extends Partial<LsPresetOptions> {
  /** Preset. @defaultValue `'rusle-aml'` */
  readonly preset?: LsPresetName;
  /**
   * Fill depressions (Priority-Flood+ε, tiled above the budget) first; turn off for an already conditioned DEM, as
   * `lsFactor`'s `fill`.
   * @defaultValue true
   */
  readonly fill?: boolean;
  /** Bytes of memory LS may use; above what `lsFactor` needs it runs tile by tile. @defaultValue 4 GiB */
  readonly memoryBudget?: number;
  /** Tile side in cells (square tiles); forces the tiled path. @defaultValue 1024 when tiled */
  readonly tileSize?: number;
  /** Worker threads for tile jobs. @defaultValue 2 */
  readonly workers?: number;
  /** Work folder. Default: a new folder beside the output. */
  readonly workDir?: string;
  /** Keep the work folder at the end. @defaultValue false */
  readonly keepWork?: boolean;
  /** Progress per stage and per tile job (tiled path only). */
  readonly onProgress?: (e: JobProgressEvent) => void;
}

/** What {@link lsFactorToFile} did. */
export interface LsToFileResult {
  readonly tiled: boolean;
  readonly width: number;
  readonly height: number;
  readonly tileSize?: number;
  readonly tiles?: number;
  /** Visit rounds (tiled path). */
  readonly rounds?: number;
  /** Bytes the work folder was sized for (tiled path). */
  readonly workBytes?: number;
}

/** Bytes per cell of a tile's state file (slope-length method; r.watershed's is smaller), on disk until the end. */
export const LS_STATE_BYTES_PER_CELL = 47;

function formatBytes(b: number): string {
  if (b >= 1024 ** 3) return `${(b / 1024 ** 3).toFixed(2)} GiB`;
  if (b >= 1024 ** 2) return `${(b / 1024 ** 2).toFixed(1)} MiB`;
  return `${Math.ceil(b / 1024)} KiB`;
}

/** JSON form of the options (Infinity as null). */
function optionsJson(o: LsPresetOptions): Record<string, unknown> {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) r[k] = typeof v === 'number' && !Number.isFinite(v) ? null : v;
  return r;
}

/**
 * LS of a DEM read from a raster source, written as a Float32 GeoTIFF; bit-identical to `lsFactor(dem, options)`.
 * Above the memory budget (or with `tileSize`) the presets `csle`, `rusle-aml` and `grass-r.watershed` run tile by
 * tile; the others refuse with `OUT_OF_MEMORY_BUDGET` (see `lsPlan`) before reading anything.
 *
 * @param source - an open raster source or a GeoTIFF path (elevations in metres).
 * @param outputPath - the GeoTIFF to write.
 * @param options - preset and overrides, budget, tiles, workers, work folder.
 * @returns whether it ran tiled, the tiles and the rounds.
 * @throws RusleError `OUT_OF_MEMORY_BUDGET` for an in-memory-only preset over the budget; `IO_ERROR` when the disk
 *   lacks the space the work folder needs (stated).
 * @example
 * ```ts
 * const r = await lsFactorToFile('dem.tif', 'ls.tif', { preset: 'csle', memoryBudget: 2 * 1024 ** 3 });
 * ```
 */
export async function lsFactorToFile(source: RasterSource | string, outputPath: string, options: LsToFileOptions = {}): Promise<LsToFileResult> {
  const budget = options.memoryBudget ?? 4 * 1024 ** 3;
  const presetName = options.preset ?? 'rusle-aml';
  const preset = LS_PRESETS[presetName];
  if (!preset) throw new RusleError('BAD_ARGUMENT', `ls: unknown preset '${String(presetName)}'`);
  // the caller's overrides alone (lsFactor refuses an option the preset's method ignores, so the in-memory path gets
  // only these), and the preset with them applied for the plan and the tiled path
  const given: Record<string, unknown> = {};
  for (const k of Object.keys(LS_BASE_OPTIONS)) {
    const v = (options as Record<string, unknown>)[k];
    if (v !== undefined) given[k] = v;
  }
  const o: Record<string, unknown> = { ...preset, ...given };
  const opts = o as unknown as LsPresetOptions;
  if (options.tileSize !== undefined && (!Number.isInteger(options.tileSize) || options.tileSize < 1)) {
    throw new RusleError('BAD_ARGUMENT', `ls: tileSize must be a positive integer number of cells, got ${String(options.tileSize)}`);
  }
  const owned = typeof source === 'string';
  const src = typeof source === 'string' ? await openRaster(resolve(source)) : source;
  try {
    const { width, height } = src.grid;
    const plan = lsPlan({ ...opts, preset: presetName }, width, height, budget);
    if (options.tileSize === undefined && plan.mode === 'memory') {
      const dem = await src.read({ x: 0, y: 0, width, height });
      const { ls } = lsFactor(dem, { ...(given as Partial<LsPresetOptions>), preset: presetName, fill: options.fill ?? true });
      await writeRaster(resolve(outputPath), ls);
      return { tiled: false, width, height };
    }
    if (!((opts.method === 'slope-length' && opts.slopeSource === 'd8-downslope') || opts.method === 'grass-r.watershed')) {
      throw new RusleError('OUT_OF_MEMORY_BUDGET', `ls: preset '${presetName}' (method ${opts.method}) runs in memory only; tiles were asked for`);
    }
    return await lsTiled(src, resolve(outputPath), opts, presetName, options, budget);
  } finally {
    if (owned) await src.close();
  }
}

/** Bytes of one LS tile job: the padded window's state, DEM and codes, the visit's scratch arrays, the memo. */
export function tiledLsMemory(side: number, workers: number): number {
  return workers * ((side + 6) ** 2 * 80 + 2 * 1024 ** 2) + 64 * 1024 ** 2;
}

async function lsTiled(src: RasterSource, outputPath: string, opts: LsPresetOptions, presetName: LsPresetName, options: LsToFileOptions, budget: number): Promise<LsToFileResult> {
  const { width, height } = src.grid;
  const side = options.tileSize ?? 1024;
  const wanted = options.workers ?? 2;
  if (tiledLsMemory(side, 1) > budget) {
    throw new RusleError('OUT_OF_MEMORY_BUDGET', `ls: tiles of ${side} cells need ${formatBytes(tiledLsMemory(side, 1))} with one worker, more than the memory budget of ${formatBytes(budget)}; tiles of 256 cells need ${formatBytes(tiledLsMemory(256, 1))}`,
      { minimumBytes: tiledLsMemory(256, 1), memoryBudget: budget });
  }
  const workers = tiledLsMemory(side, wanted) <= budget ? wanted : 1;
  const method: LsJobMethod = opts.method === 'grass-r.watershed' ? 'grass' : 'slope-length';
  const ntx = Math.ceil(width / side);
  const nty = Math.ceil(height / side);
  const T = ntx * nty;
  const f64 = src.sampleType === 'Float64';
  const workNeed = width * height * ((f64 ? 8 : 4) + LS_STATE_BYTES_PER_CELL);
  const workDir = options.workDir !== undefined ? resolve(options.workDir) : await mkdtemp(join(dirname(outputPath), '.rusle-work-'));
  await mkdir(workDir, { recursive: true });
  const free = await freeDiskBytes(workDir);
  if (free < workNeed + width * height * 4) {
    if (options.workDir === undefined) await removeFolder(workDir);
    throw new RusleError('IO_ERROR', `ls: not enough free disk space: the tiled LS of ${width} × ${height} cells needs ${formatBytes(workNeed)} in the work folder ${workDir} and up to ${formatBytes(width * height * 4)} for ${outputPath}; ${formatBytes(free)} free`);
  }
  let ok = false;
  try {
    // 1. the conditioned DEM (ε fill, as lsFactor), itself tiled above the budget
    const fill = options.fill ?? true;
    if (!fill && src.sampleType !== 'Float32' && src.sampleType !== 'Float64') {
      throw new RusleError('BAD_ARGUMENT', `ls: with fill: false the DEM must be a float raster (a conditioned DEM), got ${src.sampleType}`);
    }
    const filledPath = fill ? join(workDir, 'filled.tif') : src.path;
    if (fill) await fillDepressionsToFile(src, filledPath, {
      epsilon: true, memoryBudget: budget, workers, workDir: join(workDir, 'fill'), keepWork: options.keepWork ?? false,
      ...(options.tileSize !== undefined ? { tileSize: options.tileSize } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    // 2. visit rounds
    const stages: StageManifest[] = [];
    const manifest = (): WorkManifest => ({
      format: 'rusle-work', version: MANIFEST_VERSION, task: 'ls', width, height, tileWidth: side, tileHeight: side,
      sources: { dem: { path: filledPath, band: 1 } },
      params: { method, preset: presetName, options: optionsJson(opts), grid: { transform: [...src.grid.transform], crs: src.grid.crs } },
      stages,
    });
    const run = async (from: number): Promise<void> => {
      const m = manifest();
      await writeManifest(workDir, m);
      await runStages(workDir, m, { workers, ...(options.onProgress ? { onProgress: options.onProgress } : {}) }, from);
    };
    const lastState = new Map<number, string>();
    let tilesNow = Array.from({ length: T }, (_, t) => t);
    let inbox: string | null = null;
    let k = 0;
    for (;;) {
      const visit = lsVisitStage(k, tilesNow, lastState, inbox);
      const route = lsRouteStage(k, visit);
      stages.push(visit, route);
      await run(stages.length - 2);
      for (const j of visit.jobs) lastState.set(j.tile, j.outputs[0]!);
      inbox = route.jobs[0]!.outputs[0]!;
      const rec = decodeArrays(await readWorkFile(join(workDir, inbox)));
      tilesNow = (rec.meta['tiles'] as number[]) ?? [];
      k++;
      if (tilesNow.length === 0) break;
    }
    // 3. the output, row band by row band
    const writer = await createRasterWriter(outputPath, src.grid, { type: 'Float32' });
    const m = manifest();
    const halo = lsHalo(method);
    const filled = method === 'grass' ? await openRaster(filledPath) : null;
    try {
      for (let ty = 0; ty < nty; ty++) {
        const bandH = Math.min(side, height - ty * side);
        const band = new Float32Array(width * bandH);
        for (let tx = 0; tx < ntx; tx++) {
          const t = ty * ntx + tx;
          const { core, padded } = lsTileWindows(m, t, halo);
          const rec = decodeArrays(await readWorkFile(join(workDir, lastState.get(t)!)));
          const a = rec.arrays;
          const remaining = Number(rec.meta['remaining']);
          if (remaining !== 0) throw new RusleError('INTERNAL', `ls: tile ${t} has ${remaining} unfinished cells after the last round`);
          let v: Float32Array;
          if (method === 'grass') {
            // r.watershed's LS reads the conditioned DEM: the filled window, as the visits did
            const zf = (await filled!.read(padded)).data;
            v = grassLsTileOutput({ grid: src.grid, core, padded, z: zf as Float32Array, codes: new Uint8Array(0), dist: new Float64Array(0), maxLen: opts.maxLengthM, ratio: opts.rillRatio },
              { dir: a['dir'] as Uint8Array, pending: a['pending'] as Uint8Array, lam: a['lam'] as Float64Array, step: a['step'] as Float64Array, ridge: a['ridge'] as Float64Array, top: a['top'] as Float64Array, remaining }).ls;
          } else {
            v = slopeLengthLsTileOutput({ grid: src.grid, core, padded, z: new Float32Array(0), codes: new Uint8Array(0), params: null as never, dist: new Float64Array(0), areaByRow: new Float64Array(0) },
              { ls: a['ls'] as Float32Array, lam: a['lam'] as Float32Array } as never).ls;
          }
          for (let r = 0; r < core.height; r++) band.set(v.subarray(r * core.width, (r + 1) * core.width), r * width + core.x);
        }
        await writer.writeRows(ty * side, band);
      }
      await writer.close();
    } catch (e) {
      await writer.abort();
      throw e;
    } finally {
      await filled?.close();
    }
    ok = true;
    return { tiled: true, width, height, tileSize: side, tiles: T, rounds: k, workBytes: workNeed };
  } finally {
    if (!(options.keepWork ?? false) && (ok || options.workDir === undefined)) await removeFolder(workDir);
  }
}

