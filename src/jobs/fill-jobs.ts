/**
 * The tiled fill (`src/terrain/fill-tiled.ts`) as job kinds and stages.
 *
 * Stages and files (work-folder paths; `<t>` is the tile index):
 * 1. `fill-summary` (kind `fill.summary`, one job per tile): DEM window → `fill-summary/<t>.bin`
 *    (`ringLabels`, `ringValues`, `edgeA`, `edgeB`, `edgeWeight`).
 * 2. `fill-spill` (kind `fill.spill`, one global job): every summary → `fill-spill/<t>.ring.bin` (`ring`: final ring
 *    values of tile t without ε).
 * 3. With ε, rounds `fill-eps-1`, `fill-eps-2`, … (kind `fill.eps-round`, one job per tile): the rings of the tile's
 *    neighbourhood from the two previous ring stages → `fill-eps-<k>/<t>.ring.bin`. A tile whose halo did not change
 *    keeps its ring without filling. The driver adds rounds until one changes no ring.
 * 4. `fill-finish` (kind `fill.finish`, per tile): DEM window + the last ring stage's rings → `fill-finish/<t>.bin`
 *    (`values`: the filled tile, meta `raisedCells`), and with a size filter `fill-finish/<t>.raised.bin`.
 * 5. With `maxDepressionCells`: `fill-sizes` (global: `fill-sizes/<t>.bin`, whole-grid size of each raised region)
 *    and `fill-restore` (per tile: `fill-restore/<t>.bin`, `values`, meta `restoredCells`).
 *
 * Manifest `params`: `{ epsilon: boolean, maxDepressionCells: number | null }` (null = no size filter).
 * @module
 */

import { RusleError } from '../raster/errors.js';
import type { FloatArray } from '../raster/raster.js';
import {
  fillSpill, fillTileFinish, fillTileSummary, type FillTileSummary, haloFromRings, haloWindowValues, raisedSizes,
  raisedTileSummary, restoreTile, sameRing, type Tiling, tileTotal, tileWindow, windowCore,
} from '../terrain/fill-tiled.js';
import type { JobContext, JobFunction, JobManifest, StageManifest, WorkManifest } from './types.js';

/** The tiling of a manifest. */
export function manifestTiling(m: WorkManifest): Tiling {
  return { width: m.width, height: m.height, tileWidth: m.tileWidth, tileHeight: m.tileHeight };
}

/** The tiles whose rings hold tile t's halo (t's 8-neighbourhood of tiles, t included), ascending. */
export function neighbourTiles(tiling: Tiling, t: number): number[] {
  const ntx = Math.ceil(tiling.width / tiling.tileWidth);
  const nty = Math.ceil(tiling.height / tiling.tileHeight);
  const tx = t % ntx;
  const ty = (t - tx) / ntx;
  const out: number[] = [];
  for (let y = Math.max(0, ty - 1); y <= Math.min(nty - 1, ty + 1); y++) {
    for (let x = Math.max(0, tx - 1); x <= Math.min(ntx - 1, tx + 1); x++) out.push(y * ntx + x);
  }
  return out;
}

/** Reads tile t's window (core + one cell, clipped) from the manifest's `dem` source as fill values. */
async function demWindow(ctx: JobContext, tiling: Tiling, t: number): Promise<FloatArray> {
  const core = tileWindow(tiling, t);
  const x = Math.max(0, core.x - 1);
  const y = Math.max(0, core.y - 1);
  const x2 = Math.min(tiling.width, core.x + core.width + 1);
  const y2 = Math.min(tiling.height, core.y + core.height + 1);
  return haloWindowValues(tiling, t, await ctx.io.readSource('dem', { x, y, width: x2 - x, height: y2 - y }));
}

function tileOf(ctx: JobContext): number {
  if (ctx.job.tile < 0) throw new RusleError('INTERNAL', `job ${ctx.stage.name}/${ctx.job.id} needs a tile`);
  return ctx.job.tile;
}

/** Reads the rings of the given ring stage for tiles `list` into a lookup. */
async function readRings(ctx: JobContext, stage: string, list: readonly number[]): Promise<Map<number, Float64Array>> {
  const out = new Map<number, Float64Array>();
  for (const k of list) out.set(k, (await ctx.io.readArrays(`${stage}/${k}.ring.bin`)).arrays['ring'] as Float64Array);
  return out;
}

function ringLookup(rings: Map<number, Float64Array>): (k: number) => Float64Array {
  return (k) => {
    const r = rings.get(k);
    if (!r) throw new RusleError('INTERNAL', `ring of tile ${k} was not read`);
    return r;
  };
}

const summaryJob: JobFunction = async (ctx) => {
  const tiling = manifestTiling(ctx.manifest);
  const t = tileOf(ctx);
  const s = fillTileSummary(tiling, t, await demWindow(ctx, tiling, t));
  await ctx.io.writeArrays(ctx.job.outputs[0]!, { meta: { tile: t }, arrays: { ringLabels: s.ringLabels, ringValues: s.ringValues, edgeA: s.edgeA, edgeB: s.edgeB, edgeWeight: s.edgeWeight } });
};

const spillJob: JobFunction = async (ctx) => {
  const tiling = manifestTiling(ctx.manifest);
  const T = tileTotal(tiling);
  const summaries: FillTileSummary[] = [];
  for (let t = 0; t < T; t++) {
    const a = (await ctx.io.readArrays(`fill-summary/${t}.bin`)).arrays;
    summaries.push({ ringLabels: a['ringLabels'] as Int32Array, ringValues: a['ringValues'] as Float64Array, edgeA: a['edgeA'] as Int32Array, edgeB: a['edgeB'] as Int32Array, edgeWeight: a['edgeWeight'] as Float64Array });
  }
  const rings = fillSpill(tiling, summaries);
  for (let t = 0; t < T; t++) await ctx.io.writeArrays(`fill-spill/${t}.ring.bin`, { meta: { tile: t }, arrays: { ring: rings[t]! } });
};

/** Inputs of an ε round: `prev` and `prevPrev` name the two previous ring stages (`prevPrev` null in round 1). */
const epsRoundJob: JobFunction = async (ctx) => {
  const tiling = manifestTiling(ctx.manifest);
  const t = tileOf(ctx);
  const stages = ctx.manifest.stages;
  const k = stages.indexOf(ctx.stage);
  const prev = stages[k - 1]!.name;
  const prevPrev = stages[k - 2]!.kind === 'fill.eps-round' || stages[k - 2]!.kind === 'fill.spill' ? stages[k - 2]!.name : null;
  const nb = neighbourTiles(tiling, t);
  const now = await readRings(ctx, prev, nb);
  const halo = haloFromRings(tiling, t, ringLookup(now));
  let ring: Float64Array;
  if (prevPrev !== null && sameRing(halo, haloFromRings(tiling, t, ringLookup(await readRings(ctx, prevPrev, nb))))) {
    ring = now.get(t)!;
  } else {
    ring = fillTileFinish(tiling, t, await demWindow(ctx, tiling, t), halo, true).ring;
  }
  await ctx.io.writeArrays(ctx.job.outputs[0]!, { meta: { tile: t }, arrays: { ring } });
};

const finishJob: JobFunction = async (ctx) => {
  const tiling = manifestTiling(ctx.manifest);
  const t = tileOf(ctx);
  const ringStage = ctx.job.inputs[0]!.split('/')[0]!;
  const rings = await readRings(ctx, ringStage, neighbourTiles(tiling, t));
  const window = await demWindow(ctx, tiling, t);
  const r = fillTileFinish(tiling, t, window, haloFromRings(tiling, t, ringLookup(rings)), ctx.manifest.params['epsilon'] === true);
  await ctx.io.writeArrays(ctx.job.outputs[0]!, { meta: { tile: t, raisedCells: r.raisedCells }, arrays: { values: r.values } });
  if (ctx.job.outputs.length > 1) {
    const s = raisedTileSummary(tiling, t, r.values, windowCore(tiling, t, window));
    await ctx.io.writeArrays(ctx.job.outputs[1]!, { meta: { tile: t }, arrays: { ringRegion: s.ringRegion, regionCells: s.regionCells } });
  }
};

const sizesJob: JobFunction = async (ctx) => {
  const tiling = manifestTiling(ctx.manifest);
  const T = tileTotal(tiling);
  const summaries = [];
  for (let t = 0; t < T; t++) {
    const a = (await ctx.io.readArrays(`fill-finish/${t}.raised.bin`)).arrays;
    summaries.push({ ringRegion: a['ringRegion'] as Int32Array, regionCells: a['regionCells'] as Float64Array });
  }
  const sizes = raisedSizes(tiling, summaries);
  for (let t = 0; t < T; t++) await ctx.io.writeArrays(`fill-sizes/${t}.bin`, { meta: { tile: t }, arrays: { sizes: sizes[t]! } });
};

const restoreJob: JobFunction = async (ctx) => {
  const tiling = manifestTiling(ctx.manifest);
  const t = tileOf(ctx);
  const maxCells = ctx.manifest.params['maxDepressionCells'];
  if (typeof maxCells !== 'number') throw new RusleError('BAD_CONFIG', 'fill.restore: params.maxDepressionCells must be a number');
  const filled = (await ctx.io.readArrays(`fill-finish/${t}.bin`)).arrays['values'] as FloatArray;
  const sizes = (await ctx.io.readArrays(`fill-sizes/${t}.bin`)).arrays['sizes'] as Float64Array;
  const original = windowCore(tiling, t, await demWindow(ctx, tiling, t));
  const restored = restoreTile(tiling, t, filled, original, sizes, maxCells);
  await ctx.io.writeArrays(ctx.job.outputs[0]!, { meta: { tile: t, restoredCells: restored }, arrays: { values: filled } });
};

/** The fill's job kinds by name. */
export const FILL_JOB_KINDS: Readonly<Record<string, JobFunction>> = Object.freeze({
  'fill.summary': summaryJob,
  'fill.spill': spillJob,
  'fill.eps-round': epsRoundJob,
  'fill.finish': finishJob,
  'fill.sizes': sizesJob,
  'fill.restore': restoreJob,
});

function perTile(tiling: Tiling, name: string, kind: string, inputs: (t: number) => string[], outputs: (t: number) => string[]): StageManifest {
  const jobs: JobManifest[] = [];
  for (let t = 0; t < tileTotal(tiling); t++) jobs.push({ id: `t${t}`, tile: t, inputs: inputs(t), outputs: outputs(t) });
  return { name, kind, jobs };
}

/** Stages 1 and 2 of the tiled fill (summaries, spill). */
export function fillFirstStages(tiling: Tiling): StageManifest[] {
  const T = tileTotal(tiling);
  const all = Array.from({ length: T }, (_, t) => t);
  return [
    perTile(tiling, 'fill-summary', 'fill.summary', () => [], (t) => [`fill-summary/${t}.bin`]),
    { name: 'fill-spill', kind: 'fill.spill', jobs: [{ id: 'global', tile: -1, inputs: all.map((t) => `fill-summary/${t}.bin`), outputs: all.map((t) => `fill-spill/${t}.ring.bin`) }] },
  ];
}

/** ε round `k` (1-based), reading the ring stages `prev` and `prevPrev` (null in round 1). */
export function fillEpsilonStage(tiling: Tiling, k: number, prev: string, prevPrev: string | null): StageManifest {
  const name = `fill-eps-${k}`;
  return perTile(tiling, name, 'fill.eps-round', (t) => {
    const nb = neighbourTiles(tiling, t);
    return [...nb.map((q) => `${prev}/${q}.ring.bin`), ...(prevPrev ? nb.map((q) => `${prevPrev}/${q}.ring.bin`) : [])];
  }, (t) => [`${name}/${t}.ring.bin`]);
}

/** The finishing stages: `fill-finish` from the ring stage `ringStage`, and the size filter's stages when asked. */
export function fillLastStages(tiling: Tiling, ringStage: string, sizeFilter: boolean): StageManifest[] {
  const T = tileTotal(tiling);
  const all = Array.from({ length: T }, (_, t) => t);
  const stages = [
    perTile(tiling, 'fill-finish', 'fill.finish', (t) => neighbourTiles(tiling, t).map((q) => `${ringStage}/${q}.ring.bin`),
      (t) => (sizeFilter ? [`fill-finish/${t}.bin`, `fill-finish/${t}.raised.bin`] : [`fill-finish/${t}.bin`])),
  ];
  if (sizeFilter) {
    stages.push({ name: 'fill-sizes', kind: 'fill.sizes', jobs: [{ id: 'global', tile: -1, inputs: all.map((t) => `fill-finish/${t}.raised.bin`), outputs: all.map((t) => `fill-sizes/${t}.bin`) }] });
    stages.push(perTile(tiling, 'fill-restore', 'fill.restore', (t) => [`fill-finish/${t}.bin`, `fill-sizes/${t}.bin`], (t) => [`fill-restore/${t}.bin`]));
  }
  return stages;
}

/** The stage whose `<t>.bin` files hold the final filled tiles. */
export function fillResultStage(sizeFilter: boolean): string {
  return sizeFilter ? 'fill-restore' : 'fill-finish';
}
