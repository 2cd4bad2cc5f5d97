/**
 * The tiled flat resolution (`src/terrain/flats-tiled.ts`) as job kinds and stages.
 *
 * The filled DEM comes either from a source raster (manifest `sources.filled`) or from the tiles of an earlier stage
 * (manifest `params.flatsInput`, e.g. `'fill-finish'`: files `<stage>/<t>.bin` with a `values` array per tile).
 *
 * Stages and files:
 * 1. `flats-summary` (kind `flats.summary`, per tile) → `flats-summary/<t>.bin` (the {@link FlatsTileSummary} arrays).
 * 2. `flats-global` (kind `flats.global`, one job) → `flats-global/<t>.bin` (`compLabel`, `compFlatHeight`,
 *    `crossMask`; meta `flatCount`). `params.maxCrossingFlatCells` (number or null) bounds its memory.
 * 3. `flats-finish` (kind `flats.finish`, per tile) → `flats-finish/<t>.bin` (`labels`, `flatMask`: Int32 per cell of
 *    the tile; meta `flatCellCount`, `totalFlatCells`).
 * @module
 */

import { RusleError } from '../raster/errors.js';
import type { TypedArray } from '../raster/raster.js';
import { type Tiling, tileTotal, tileWindow } from '../terrain/fill-tiled.js';
import { flatsGlobal, flatsReadWindow, flatsTileFinish, flatsTileSummary, type FlatsTileSummary, flatsWindowValues } from '../terrain/flats-tiled.js';
import { manifestTiling } from './fill-jobs.js';
import type { JobContext, JobFunction, JobManifest, StageManifest } from './types.js';

/** Tiles that intersect a window (ascending). */
export function tilesOverlapping(tiling: Tiling, win: { x: number; y: number; width: number; height: number }): number[] {
  const ntx = Math.ceil(tiling.width / tiling.tileWidth);
  const out: number[] = [];
  for (let ty = Math.floor(win.y / tiling.tileHeight); ty <= Math.floor((win.y + win.height - 1) / tiling.tileHeight); ty++) {
    for (let tx = Math.floor(win.x / tiling.tileWidth); tx <= Math.floor((win.x + win.width - 1) / tiling.tileWidth); tx++) out.push(ty * ntx + tx);
  }
  return out;
}

/** The filled DEM's window for tile t (two-cell halo), from the source or from an earlier stage's tiles. */
async function filledWindow(ctx: JobContext, tiling: Tiling, t: number): Promise<Float64Array> {
  const rw = flatsReadWindow(tiling, t);
  const stage = ctx.manifest.params['flatsInput'];
  if (typeof stage !== 'string') return flatsWindowValues(tiling, t, await ctx.io.readSource('filled', rw));
  const data = new Float64Array(rw.width * rw.height);
  for (const q of tilesOverlapping(tiling, rw)) {
    const v = (await ctx.io.readArrays(`${stage}/${q}.bin`)).arrays['values'] as TypedArray;
    const w = tileWindow(tiling, q);
    for (let r = Math.max(w.y, rw.y); r < Math.min(w.y + w.height, rw.y + rw.height); r++) {
      for (let c = Math.max(w.x, rw.x); c < Math.min(w.x + w.width, rw.x + rw.width); c++) data[(r - rw.y) * rw.width + c - rw.x] = v[(r - w.y) * w.width + c - w.x]!;
    }
  }
  return flatsWindowValues(tiling, t, { data, width: rw.width, height: rw.height, nodata: NaN });
}

const SUMMARY_KEYS = ['ringComp', 'ringZ', 'compKey', 'compMaxAway', 'crossIndex', 'crossPiece', 'crossFlags', 'pieceComp'] as const;

const summaryJob: JobFunction = async (ctx) => {
  const tiling = manifestTiling(ctx.manifest);
  const t = ctx.job.tile;
  const s = flatsTileSummary(tiling, t, await filledWindow(ctx, tiling, t));
  const arrays: Record<string, TypedArray> = {};
  for (const k of SUMMARY_KEYS) arrays[k] = s[k];
  await ctx.io.writeArrays(ctx.job.outputs[0]!, { meta: { tile: t }, arrays });
};

const globalJob: JobFunction = async (ctx) => {
  const tiling = manifestTiling(ctx.manifest);
  const T = tileTotal(tiling);
  const summaries: FlatsTileSummary[] = [];
  for (let t = 0; t < T; t++) summaries.push((await ctx.io.readArrays(`flats-summary/${t}.bin`)).arrays as unknown as FlatsTileSummary);
  const max = ctx.manifest.params['maxCrossingFlatCells'];
  const g = flatsGlobal(tiling, summaries, typeof max === 'number' ? { maxCrossingFlatCells: max } : {});
  for (let t = 0; t < T; t++) {
    const x = g.tiles[t]!;
    await ctx.io.writeArrays(`flats-global/${t}.bin`, { meta: { tile: t, flatCount: g.flatCount }, arrays: { compLabel: x.compLabel, compFlatHeight: x.compFlatHeight, crossMask: x.crossMask } });
  }
};

const finishJob: JobFunction = async (ctx) => {
  const tiling = manifestTiling(ctx.manifest);
  const t = ctx.job.tile;
  const a = (await ctx.io.readArrays(`flats-global/${t}.bin`)).arrays;
  const r = flatsTileFinish(tiling, t, await filledWindow(ctx, tiling, t), {
    compLabel: a['compLabel'] as Int32Array, compFlatHeight: a['compFlatHeight'] as Int32Array, crossMask: a['crossMask'] as Int32Array,
  });
  await ctx.io.writeArrays(ctx.job.outputs[0]!, { meta: { tile: t, flatCellCount: r.flatCellCount, totalFlatCells: r.totalFlatCells }, arrays: { labels: r.labels, flatMask: r.flatMask } });
};

/** The flats' job kinds by name. */
export const FLATS_JOB_KINDS: Readonly<Record<string, JobFunction>> = Object.freeze({
  'flats.summary': summaryJob,
  'flats.global': globalJob,
  'flats.finish': finishJob,
});

/**
 * The three flats stages. `input`: the stage whose `<t>.bin` tiles hold the filled DEM (set `params.flatsInput` to
 * it), or null when the manifest names a `filled` source.
 */
export function flatsStages(tiling: Tiling, input: string | null): StageManifest[] {
  const T = tileTotal(tiling);
  const all = Array.from({ length: T }, (_, t) => t);
  const reads = (t: number): string[] => (input === null ? [] : tilesOverlapping(tiling, flatsReadWindow(tiling, t)).map((q) => `${input}/${q}.bin`));
  const per = (name: string, kind: string, inputs: (t: number) => string[]): StageManifest => ({
    name, kind, jobs: all.map((t): JobManifest => ({ id: `t${t}`, tile: t, inputs: inputs(t), outputs: [`${name}/${t}.bin`] })),
  });
  if (T === 0) throw new RusleError('INTERNAL', 'flatsStages: no tiles');
  return [
    per('flats-summary', 'flats.summary', reads),
    { name: 'flats-global', kind: 'flats.global', jobs: [{ id: 'global', tile: -1, inputs: all.map((t) => `flats-summary/${t}.bin`), outputs: all.map((t) => `flats-global/${t}.bin`) }] },
    per('flats-finish', 'flats.finish', (t) => [...reads(t), `flats-global/${t}.bin`]),
  ];
}
