/**
 * The tiled D8 routing and accumulation (`src/terrain/routing/d8-tiled.ts`, `src/terrain/accumulate-tiled.ts`) as
 * job kinds, after the tiled fill and flats, over the manifest's source `filled` (the filled DEM) and the flats
 * stage's tiles (`flats-finish/<t>.bin`: Int32 `labels` and `flatMask` per tile cell).
 *
 * Stages (`<t>` the tile, `<k>` the round):
 * 1. `flow-visit-0` (kind `flow.visit`, every tile): D8 codes of the tile's window (core + one cell) from the filled
 *    DEM (core + two cells) and the flat arrays of the tiles around it, then the first accumulation visit →
 *    `flow-visit-0/<t>.state.bin` and `<t>.exits.bin` (with each exit's receiving tile).
 * 2. `flow-route-<k>` (kind `flow.route`, global): the round's exits grouped by receiving tile → `inbox.bin`.
 * 3. `flow-visit-<k+1>` for the tiles with inflows, until a route finds no exit.
 *
 * Manifest `params`: `{ output: 'cells' | 'm2' | 'sca', grid: { transform, crs } }` (plus the flats' params).
 * @module
 */

import { RusleError } from '../raster/errors.js';
import type { Crs } from '../raster/crs.js';
import { Grid, type Window } from '../raster/grid.js';
import type { FloatArray } from '../raster/raster.js';
import { d8AccumulationTileVisit, type D8AccumulationTileState, type TileExits } from '../terrain/accumulate-tiled.js';
import type { AccumulationOutput } from '../terrain/accumulate.js';
import { d8DirectionsTile, d8RowTables } from '../terrain/routing/d8-tiled.js';
import { LS_JOB_KINDS, lsTileWindows } from './ls-jobs.js';
import type { JobContext, JobFunction, JobManifest, StageManifest, WorkManifest } from './types.js';

function manifestGrid(m: WorkManifest): Grid {
  const g = m.params['grid'] as { transform: number[]; crs: unknown } | undefined;
  if (!g) throw new RusleError('BAD_CONFIG', 'flow jobs: params.grid is missing');
  return new Grid(m.width, m.height, g.transform, g.crs as Crs);
}

/** The tiles whose cores overlap `win`. */
function tilesOver(m: WorkManifest, win: Window): number[] {
  const ntx = Math.ceil(m.width / m.tileWidth);
  const out: number[] = [];
  for (let ty = Math.floor(win.y / m.tileHeight); ty <= Math.floor((win.y + win.height - 1) / m.tileHeight); ty++) {
    for (let tx = Math.floor(win.x / m.tileWidth); tx <= Math.floor((win.x + win.width - 1) / m.tileWidth); tx++) out.push(ty * ntx + tx);
  }
  return out;
}

/** The flats tiles a visit of tile t reads (those overlapping its window with a two-cell halo). */
export function flowFlatsInputs(m: Pick<WorkManifest, 'width' | 'height' | 'tileWidth' | 'tileHeight'>, t: number): string[] {
  return tilesOver(m as WorkManifest, lsTileWindows(m, t, 2).padded).map((q) => `flats-finish/${q}.bin`);
}

const visitJob: JobFunction = async (ctx: JobContext) => {
  const m = ctx.manifest;
  const t = ctx.job.tile;
  if (t < 0) throw new RusleError('INTERNAL', `job ${ctx.stage.name}/${ctx.job.id} needs a tile`);
  const grid = manifestGrid(m);
  const output = m.params['output'] as AccumulationOutput;
  const { core, padded } = lsTileWindows(m, t, 1);
  const outer = lsTileWindows(m, t, 2).padded;
  const z = (await ctx.io.readSource('filled', outer)).data as FloatArray;
  // flat arrays over `outer`, from the flats tiles around
  const n = outer.width * outer.height;
  const labels = new Int32Array(n);
  const mask = new Int32Array(n);
  const ntx = Math.ceil(m.width / m.tileWidth);
  for (const q of tilesOver(m, outer)) {
    const a = (await ctx.io.readArrays(`flats-finish/${q}.bin`)).arrays;
    const ql = a['labels'] as Int32Array;
    const qm = a['flatMask'] as Int32Array;
    const qx = (q % ntx) * m.tileWidth;
    const qy = Math.floor(q / ntx) * m.tileHeight;
    const qw = Math.min(m.tileWidth, m.width - qx);
    const qh = Math.min(m.tileHeight, m.height - qy);
    for (let r = Math.max(qy, outer.y); r < Math.min(qy + qh, outer.y + outer.height); r++) {
      for (let c = Math.max(qx, outer.x); c < Math.min(qx + qw, outer.x + outer.width); c++) {
        const o = (r - outer.y) * outer.width + c - outer.x;
        const s = (r - qy) * qw + c - qx;
        labels[o] = ql[s]!;
        mask[o] = qm[s]!;
      }
    }
  }
  const codes = d8DirectionsTile({ grid, core: padded, padded: outer, z, flatMask: mask, flatLabels: labels }, d8RowTables(grid));
  const stateIn = ctx.job.inputs.find((p) => p.endsWith('.state.bin'));
  const inboxIn = ctx.job.inputs.find((p) => p.endsWith('inbox.bin'));
  let inflow: TileExits | null = null;
  if (inboxIn) {
    const rec = await ctx.io.readArrays(inboxIn);
    const tiles = rec.arrays['tiles'] as Float64Array;
    const starts = rec.arrays['starts'] as Float64Array;
    for (let i = 0; i < tiles.length; i++) {
      if (tiles[i] !== t) continue;
      const pick = (name: string): Float64Array => (rec.arrays[name] as Float64Array).slice(starts[i]!, starts[i + 1]!);
      inflow = { index: pick('index'), acc: pick('acc'), top: pick('top') };
    }
  }
  let state: D8AccumulationTileState | null = null;
  if (stateIn) {
    const rec = await ctx.io.readArrays(stateIn);
    state = { acc: rec.arrays['acc'] as Float64Array, top: rec.arrays['top'] as Float64Array, pending: rec.arrays['pending'] as Uint8Array, remaining: Number(rec.meta['remaining']) };
  }
  const r = d8AccumulationTileVisit({ grid, core, padded, codes, weights: 1, output }, state, inflow ? [inflow] : []);
  // receiving tile of each exit
  const target = new Float64Array(r.exits.index.length);
  const DR = [0, 1, 1, 1, 0, -1, -1, -1];
  const DC = [1, 1, 0, -1, -1, -1, 0, 1];
  for (let i = 0; i < target.length; i++) {
    const g = r.exits.index[i]!;
    const gr = Math.floor(g / m.width);
    const gc = g - gr * m.width;
    const k = 31 - Math.clz32(codes[(gr - padded.y) * padded.width + gc - padded.x]!);
    target[i] = Math.floor((gr + DR[k]!) / m.tileHeight) * ntx + Math.floor((gc + DC[k]!) / m.tileWidth);
  }
  await ctx.io.writeArrays(ctx.job.outputs[0]!, { meta: { tile: t, remaining: r.state.remaining }, arrays: { acc: r.state.acc, top: r.state.top, pending: r.state.pending } });
  await ctx.io.writeArrays(ctx.job.outputs[1]!, { meta: { tile: t }, arrays: { index: r.exits.index, acc: r.exits.acc, top: r.exits.top, target } });
};

/** The flow job kinds by name (the route is the LS one: it groups any exit arrays by `target`). */
export const FLOW_JOB_KINDS: Readonly<Record<string, JobFunction>> = Object.freeze({ 'flow.visit': visitJob, 'flow.route': LS_JOB_KINDS['ls.route']! });

/** Round k's visit stage. */
export function flowVisitStage(m: Pick<WorkManifest, 'width' | 'height' | 'tileWidth' | 'tileHeight'>, k: number, tiles: readonly number[], lastState: ReadonlyMap<number, string>, inbox: string | null): StageManifest {
  const name = `flow-visit-${k}`;
  const jobs: JobManifest[] = tiles.map((t) => {
    const prev = lastState.get(t);
    return { id: `t${t}`, tile: t, inputs: [...flowFlatsInputs(m, t), ...(prev ? [prev] : []), ...(inbox ? [inbox] : [])], outputs: [`${name}/${t}.state.bin`, `${name}/${t}.exits.bin`] };
  });
  return { name, kind: 'flow.visit', jobs };
}

/** Round k's route stage. */
export function flowRouteStage(k: number, visit: StageManifest): StageManifest {
  return { name: `flow-route-${k}`, kind: 'flow.route', jobs: [{ id: 'global', tile: -1, inputs: visit.jobs.map((j) => j.outputs[1]!), outputs: [`flow-route-${k}/inbox.bin`] }] };
}
