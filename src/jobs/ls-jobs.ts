/**
 * The tiled LS (`src/factors/ls/ls-tiled.ts`, `grass-tiled.ts`) as job kinds and stages, over a conditioned DEM
 * (the manifest's source `dem`, depressions filled with ε as `lsFactor` fills them).
 *
 * Stages and files (work-folder paths; `<t>` is the tile index, `<k>` the round):
 * 1. `ls-visit-0` (kind `ls.visit`, every tile): DEM window → `ls-visit-0/<t>.state.bin` (the tile state) and
 *    `ls-visit-0/<t>.exits.bin` (finished cells whose receiver lies in another tile, with the receiver's tile).
 * 2. `ls-route-<k>` (kind `ls.route`, one global job): the exits of round k → `ls-route-<k>/inbox.bin`, the exits
 *    sorted by receiving tile with each tile's offset (meta `tiles`: the tiles with inflows).
 * 3. `ls-visit-<k+1>` (kind `ls.visit`, the tiles with inflows): the tile's last state and the inbox → a new state and
 *    exits. The driver adds rounds until a route finds no exit.
 *
 * Manifest `params`: `{ method: 'slope-length' | 'grass', options: LsPresetOptions as JSON (Infinity as null) }`.
 * D8 codes are recomputed in each visit from the DEM window (`d8DirectionsTile`, no flats, as `lsFactor` routes).
 * @module
 */

import { RusleError } from '../raster/errors.js';
import type { Window } from '../raster/grid.js';
import type { FloatArray } from '../raster/raster.js';
import { NEIGHBOUR_DCOL, NEIGHBOUR_DROW, neighbourDistances } from '../terrain/neighbours.js';
import { d8DirectionsTile, d8RowTables } from '../terrain/routing/d8-tiled.js';
import {
  grassLsTileVisit, type GrassLsExits, type GrassLsTileInput, type GrassLsTileState,
} from '../factors/ls/grass-tiled.js';
import {
  LsCellMemo, slopeLengthLsParams, slopeLengthLsTileVisit, type SlopeLengthLsExits, type SlopeLengthLsTileInput,
  type SlopeLengthLsTileState,
} from '../factors/ls/ls-tiled.js';
import type { LsPresetOptions } from '../factors/ls/presets.js';
import { Grid } from '../raster/grid.js';
import type { Crs } from '../raster/crs.js';
import type { JobContext, JobFunction, JobManifest, StageManifest, WorkManifest } from './types.js';

/** The tiled method of a run. */
export type LsJobMethod = 'slope-length' | 'grass';

/** Halo of a method's tiles (r.watershed's rule needs a halo cell's own 3 × 3 window). */
export function lsHalo(method: LsJobMethod): number {
  return method === 'grass' ? 2 : 1;
}

/** The tile window of tile t (row-major), core and padded with `halo`. */
export function lsTileWindows(m: Pick<WorkManifest, 'width' | 'height' | 'tileWidth' | 'tileHeight'>, t: number, halo: number): { core: Window; padded: Window } {
  const ntx = Math.ceil(m.width / m.tileWidth);
  const tx = t % ntx;
  const ty = (t - tx) / ntx;
  const x = tx * m.tileWidth;
  const y = ty * m.tileHeight;
  const core = { x, y, width: Math.min(m.tileWidth, m.width - x), height: Math.min(m.tileHeight, m.height - y) };
  const px = Math.max(0, x - halo);
  const py = Math.max(0, y - halo);
  const padded = { x: px, y: py, width: Math.min(m.width, x + core.width + halo) - px, height: Math.min(m.height, y + core.height + halo) - py };
  return { core, padded };
}

/** Options (JSON: Infinity is written as null) back to numbers. */
function optionsFromJson(o: Record<string, unknown>): LsPresetOptions {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) r[k] = v === null ? Infinity : v;
  return r as unknown as LsPresetOptions;
}

/** The grid of the run (stored in the manifest's params as the source's grid). */
function manifestGrid(m: WorkManifest): Grid {
  const g = m.params['grid'] as { transform: number[]; crs: unknown } | undefined;
  if (!g) throw new RusleError('BAD_CONFIG', 'ls jobs: params.grid is missing');
  return new Grid(m.width, m.height, g.transform, g.crs as Crs);
}

/** The D8 codes of `padded` from a DEM window one cell larger (`outer`). */
function codesOf(grid: Grid, padded: Window, outer: Window, z: FloatArray): Uint8Array {
  return d8DirectionsTile({ grid, core: padded, padded: outer, z, flatMask: null, flatLabels: null }, d8RowTables(grid));
}

/** Copies window `inner` out of a row-major array covering `outer`. */
function sub<T extends FloatArray>(z: T, outer: Window, inner: Window): T {
  const out = new (z.constructor as new (n: number) => T)(inner.width * inner.height);
  for (let r = 0; r < inner.height; r++) {
    const s = (inner.y - outer.y + r) * outer.width + inner.x - outer.x;
    out.set(z.subarray(s, s + inner.width) as never, r * inner.width);
  }
  return out;
}

const memo = new LsCellMemo();

/** Receiving tile of each exit (the exit cell's receiver under its D8 code). */
function exitTargets(m: WorkManifest, index: Float64Array, codesPadded: Uint8Array, padded: Window): Float64Array {
  const ntx = Math.ceil(m.width / m.tileWidth);
  const out = new Float64Array(index.length);
  for (let i = 0; i < index.length; i++) {
    const g = index[i]!;
    const r = Math.floor(g / m.width);
    const c = g - r * m.width;
    const code = codesPadded[(r - padded.y) * padded.width + c - padded.x]!;
    const k = 31 - Math.clz32(code);
    out[i] = Math.floor((r + NEIGHBOUR_DROW[k]!) / m.tileHeight) * ntx + Math.floor((c + NEIGHBOUR_DCOL[k]!) / m.tileWidth);
  }
  return out;
}

const visitJob: JobFunction = async (ctx: JobContext) => {
  const m = ctx.manifest;
  const t = ctx.job.tile;
  if (t < 0) throw new RusleError('INTERNAL', `job ${ctx.stage.name}/${ctx.job.id} needs a tile`);
  const method = m.params['method'] as LsJobMethod;
  const opts = optionsFromJson(m.params['options'] as Record<string, unknown>);
  const grid = manifestGrid(m);
  const halo = lsHalo(method);
  const { core, padded } = lsTileWindows(m, t, halo);
  const outer = lsTileWindows(m, t, halo + 1).padded;
  const zOuter = (await ctx.io.readSource('dem', outer)).data as FloatArray;
  const z = sub(zOuter, outer, padded);
  const codes = codesOf(grid, padded, outer, zOuter);
  const dist = neighbourDistances(grid).byDirectionM;
  // inputs: [state of the previous visit, inbox] (none on the first visit)
  const stateIn = ctx.job.inputs.find((p) => p.endsWith('.state.bin'));
  const inboxIn = ctx.job.inputs.find((p) => p.endsWith('inbox.bin'));
  let inflow: Record<string, Float64Array> | null = null;
  if (inboxIn) {
    const rec = await ctx.io.readArrays(inboxIn);
    const tiles = rec.arrays['tiles'] as Float64Array;
    const starts = rec.arrays['starts'] as Float64Array;
    let q = -1;
    for (let i = 0; i < tiles.length; i++) if (tiles[i] === t) q = i;
    if (q >= 0) {
      inflow = {};
      for (const [name, a] of Object.entries(rec.arrays)) {
        if (name === 'tiles' || name === 'starts') continue;
        inflow[name] = (a as Float64Array).slice(starts[q]!, starts[q + 1]!);
      }
    }
  }
  let exits: Record<string, Float64Array>;
  let stateArrays: Record<string, Float64Array | Float32Array | Uint8Array>;
  let remaining: number;
  if (method === 'grass') {
    const input: GrassLsTileInput = { grid, core, padded, z, codes, dist, maxLen: opts.maxLengthM, ratio: opts.rillRatio };
    let st: GrassLsTileState | null = null;
    if (stateIn) {
      const a = (await ctx.io.readArrays(stateIn));
      st = { dir: a.arrays['dir'] as Uint8Array, pending: a.arrays['pending'] as Uint8Array, lam: a.arrays['lam'] as Float64Array, step: a.arrays['step'] as Float64Array, ridge: a.arrays['ridge'] as Float64Array, top: a.arrays['top'] as Float64Array, remaining: Number(a.meta['remaining']) };
    }
    const r = grassLsTileVisit(input, st, inflow ? [inflow as unknown as GrassLsExits] : []);
    exits = { ...r.exits };
    stateArrays = { dir: r.state.dir, pending: r.state.pending, lam: r.state.lam, step: r.state.step, ridge: r.state.ridge, top: r.state.top };
    remaining = r.state.remaining;
  } else {
    const input: SlopeLengthLsTileInput = { grid, core, padded, z, codes, params: slopeLengthLsParams(opts), dist, areaByRow: grid.rowCellAreasM2() };
    let st: SlopeLengthLsTileState | null = null;
    if (stateIn) {
      const a = (await ctx.io.readArrays(stateIn)).arrays;
      st = {
        dir: a['dir'] as Uint8Array, pending: a['pending'] as Uint8Array, tan: a['tan'] as Float32Array, len: a['len'] as Float64Array,
        step: a['step'] as Float64Array, area: a['area'] as Float64Array, top: a['top'] as Float64Array, ls: a['ls'] as Float32Array,
        lam: a['lam'] as Float32Array, remaining: Number((await ctx.io.readArrays(stateIn)).meta['remaining']),
      };
    }
    const r = slopeLengthLsTileVisit(input, st, inflow ? [inflow as unknown as SlopeLengthLsExits] : [], memo);
    exits = { ...r.exits };
    const s = r.state;
    stateArrays = { dir: s.dir, pending: s.pending, tan: s.tan, len: s.len, step: s.step, area: s.area, top: s.top, ls: s.ls, lam: s.lam };
    remaining = s.remaining;
  }
  const target = exitTargets(m, exits['index']!, codes, padded);
  await ctx.io.writeArrays(ctx.job.outputs[0]!, { meta: { tile: t, remaining }, arrays: stateArrays });
  await ctx.io.writeArrays(ctx.job.outputs[1]!, { meta: { tile: t }, arrays: { ...exits, target } });
};

const routeJob: JobFunction = async (ctx: JobContext) => {
  // group every exit of the round by receiving tile (ascending), keeping each tile's exits in input order
  const recs = [];
  for (const p of ctx.job.inputs) recs.push((await ctx.io.readArrays(p)).arrays as Record<string, Float64Array>);
  const names = recs.length > 0 ? Object.keys(recs[0]!).filter((n) => n !== 'target') : [];
  const byTile = new Map<number, { rec: number; i: number }[]>();
  for (let q = 0; q < recs.length; q++) {
    const tg = recs[q]!['target']!;
    for (let i = 0; i < tg.length; i++) {
      let l = byTile.get(tg[i]!);
      if (!l) byTile.set(tg[i]!, (l = []));
      l.push({ rec: q, i });
    }
  }
  const tiles = [...byTile.keys()].sort((a, b) => a - b);
  const starts = new Float64Array(tiles.length + 1);
  let total = 0;
  for (let k = 0; k < tiles.length; k++) {
    starts[k] = total;
    total += byTile.get(tiles[k]!)!.length;
  }
  starts[tiles.length] = total;
  const arrays: Record<string, Float64Array> = { tiles: Float64Array.from(tiles), starts };
  for (const n of names) {
    const a = new Float64Array(total);
    let o = 0;
    for (const tl of tiles) for (const { rec, i } of byTile.get(tl)!) a[o++] = recs[rec]![n]![i]!;
    arrays[n] = a;
  }
  await ctx.io.writeArrays(ctx.job.outputs[0]!, { meta: { tiles }, arrays });
};

/** The LS job kinds by name. */
export const LS_JOB_KINDS: Readonly<Record<string, JobFunction>> = Object.freeze({ 'ls.visit': visitJob, 'ls.route': routeJob });

/** Round k's visit stage: `tiles` with their previous state files (`lastState[t]`, undefined on the first visit). */
export function lsVisitStage(k: number, tiles: readonly number[], lastState: ReadonlyMap<number, string>, inbox: string | null): StageManifest {
  const name = `ls-visit-${k}`;
  const jobs: JobManifest[] = tiles.map((t) => {
    const prev = lastState.get(t);
    return {
      id: `t${t}`, tile: t,
      inputs: [...(prev ? [prev] : []), ...(inbox ? [inbox] : [])],
      outputs: [`${name}/${t}.state.bin`, `${name}/${t}.exits.bin`],
    };
  });
  return { name, kind: 'ls.visit', jobs };
}

/** Round k's route stage over the exits of visit stage `visit`. */
export function lsRouteStage(k: number, visit: StageManifest): StageManifest {
  return { name: `ls-route-${k}`, kind: 'ls.route', jobs: [{ id: 'global', tile: -1, inputs: visit.jobs.map((j) => j.outputs[1]!), outputs: [`ls-route-${k}/inbox.bin`] }] };
}
