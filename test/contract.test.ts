// The shared contract of the public raster functions (after xarray-spatial's tests/general_checks.py): each one
// keeps the grid of its inputs, never mutates them, maps nodata to nodata, and refuses inputs on different grids.
// A new public raster function gets one entry in CASES.
import { describe, expect, it } from 'vitest';
import {
  Grid, Raster, RusleError, projectedCrs, slope, aspect, fillDepressions, d8Directions, flowAccumulation, slopeLength,
  lsFactor, lsFromSlopeAndArea, kFactorFromTexture, cFactorFromNdvi, fvcFromNdvi, rFactorFromPrecipitation, lookupRaster,
  pFactorFromSlope, bFactorFromTable, gradeIntensity, soilLoss, csleSoilLoss, type FloatArray,
} from '../src/index.js';

const W = 9, H = 7, N = W * H;
const crs = projectedCrs({ epsg: 32650 });
const GRID = new Grid(W, H, [500000, 30, 0, 3000000, 0, -30], crs);
/** Same size, shifted by one cell: the mismatched grid. */
const OTHER = new Grid(W, H, [500030, 30, 0, 3000000, 0, -30], crs);

/** A seeded value in [lo, hi) per cell, NaN on the cells of `holes`. */
function field(seed: number, lo: number, hi: number, grid = GRID): Raster<Float32Array> {
  let s = seed;
  const d = Float32Array.from({ length: N }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return lo + (hi - lo) * (s / 2147483648);
  });
  for (const i of HOLES) d[i] = NaN;
  return new Raster(grid, d);
}
/** A DEM sloping to the south-east with noise, NaN on the holes. */
function dem(grid = GRID): Raster<Float32Array> {
  const r = field(7, 0, 2, grid);
  for (let i = 0; i < N; i++) if (r.data[i] === r.data[i]) r.data[i] = 100 - 3 * (i % W) - 4 * Math.floor(i / W) + r.data[i]!;
  return r;
}
/** Interior nodata cells (away from the edges, so that neighbourhood functions have valid cells around them). */
const HOLES = [3 * W + 4, 2 * W + 6];
/** Class codes 1–3 with nodata 0 on the holes. */
function codes(grid = GRID): Raster<Uint8Array> {
  const d = Uint8Array.from({ length: N }, (_, i) => 1 + (i % 3));
  for (const i of HOLES) d[i] = 0;
  return new Raster(grid, d, 0);
}

interface Case {
  readonly name: string;
  /** The inputs on the grid `g`. */
  readonly inputs: (g: Grid) => Raster[];
  /** Runs the function; returns its output raster. */
  readonly run: (inputs: Raster[]) => Raster | Promise<Raster>;
}

const table = new Map([[1, 0.1], [2, 0.2], [3, 0.3]]);
const CASES: Case[] = [
  { name: 'slope', inputs: (g) => [dem(g)], run: ([d]) => slope(d!) },
  { name: 'aspect', inputs: (g) => [dem(g)], run: ([d]) => aspect(d!) },
  { name: 'fillDepressions', inputs: (g) => [dem(g)], run: ([d]) => fillDepressions(d!) },
  { name: 'd8Directions', inputs: (g) => [dem(g)], run: ([d]) => d8Directions(d!) },
  { name: 'flowAccumulation', inputs: (g) => [dem(g)], run: ([d]) => flowAccumulation(d!, { routing: 'mfd' }) },
  { name: 'slopeLength', inputs: (g) => [dem(g)], run: ([d]) => slopeLength(d as Raster<FloatArray>).lengthM },
  { name: 'lsFactor', inputs: (g) => [dem(g)], run: ([d]) => lsFactor(d!, { preset: 'csle' }).ls },
  {
    name: 'lsFromSlopeAndArea', inputs: (g) => [field(3, 1, 20, g), field(4, 900, 90000, g)],
    run: ([s, a]) => lsFromSlopeAndArea(s!, a!, { slopeUnits: 'degrees', areaUnits: 'm2', method: 'desmet-govers' }).ls,
  },
  {
    name: 'kFactorFromTexture',
    inputs: (g) => {
      const sand = field(5, 20, 40, g), silt = field(6, 20, 40, g);
      const clay = new Raster(g, sand.data.map((v, i) => 100 - v - silt.data[i]!)); // sand + silt + clay = 100 %
      return [sand, silt, clay, field(9, 0.5, 2, g)];
    },
    run: ([sand, silt, clay, oc]) => kFactorFromTexture({ sandPct: sand!, siltPct: silt!, clayPct: clay!, organicCarbonPct: oc! }, { method: 'epic' }).raster,
  },
  { name: 'cFactorFromNdvi', inputs: (g) => [field(10, 0.1, 0.8, g)], run: ([n]) => cFactorFromNdvi(n!).raster },
  { name: 'fvcFromNdvi', inputs: (g) => [field(11, 0.1, 0.8, g)], run: ([n]) => fvcFromNdvi(n!, { ndviSoil: 0.05, ndviVeg: 0.9 }).raster },
  { name: 'rFactorFromPrecipitation', inputs: (g) => [field(12, 800, 1800, g)], run: ([p]) => rFactorFromPrecipitation(p!).raster },
  { name: 'lookupRaster', inputs: (g) => [codes(g)], run: ([c]) => lookupRaster(c!, table).raster },
  {
    name: 'pFactorFromSlope', inputs: (g) => [field(13, 0, 30, g)],
    run: ([s]) => pFactorFromSlope(s!, { slopeUnits: 'percent', table: [{ maxSlopePct: 10, p: 0.6 }, { maxSlopePct: Infinity, p: 0.9 }] }).raster,
  },
  {
    name: 'bFactorFromTable', inputs: (g) => [codes(g), field(14, 10, 90, g)],
    run: ([lu, cover]) => bFactorFromTable(lu!, cover!, [1, 2, 3].map((code) => ({ code, coverMinPct: 0, coverMaxPct: 100, b: 0.1 * code }))).raster,
  },
  { name: 'gradeIntensity', inputs: (g) => [field(15, 0, 200, g)], run: ([a]) => gradeIntensity(a!, { units: 't/ha/yr', tolerance: 500 }) },
  {
    name: 'soilLoss', inputs: (g) => [field(16, 3000, 6000, g), field(17, 0.01, 0.05, g), field(18, 0.5, 5, g), field(19, 0.01, 0.5, g)],
    run: async ([r, k, ls, c]) => (await soilLoss({ R: r!, K: k!, LS: ls!, C: c!, P: 1 }, { workers: 1 })).raster!,
  },
  {
    name: 'csleSoilLoss', inputs: (g) => [field(20, 3000, 6000, g), field(21, 0.01, 0.05, g), field(22, 0.5, 3, g), field(23, 0.5, 3, g)],
    run: async ([r, k, l, s]) => (await csleSoilLoss({ R: r!, K: k!, L: l!, S: s!, B: 0.2, E: 1, T: 1 }, { workers: 1 })).raster!,
  },
];

function isNodata(r: Raster, i: number): boolean {
  const v = r.data[i]!;
  return v !== v || (r.nodata !== null && v === r.nodata);
}

describe('the contract of every public raster function', () => {
  for (const c of CASES) {
    describe(c.name, () => {
      it('keeps the grid of its inputs', async () => {
        const out = await c.run(c.inputs(GRID));
        expect(out.grid.equals(GRID)).toBe(true);
      });
      it('never mutates its inputs', async () => {
        const inputs = c.inputs(GRID);
        const before = inputs.map((r) => r.data.slice());
        await c.run(inputs);
        inputs.forEach((r, k) => expect(Object.is(r.data, before[k]) || Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength).equals(Buffer.from(before[k]!.buffer))).toBe(true));
      });
      it('maps nodata to nodata', async () => {
        const out = await c.run(c.inputs(GRID));
        for (const i of HOLES) expect(isNodata(out, i), `cell ${i}`).toBe(true);
      });
      if (c.inputs(GRID).length > 1) {
        it('refuses inputs on different grids (GRID_MISMATCH)', async () => {
          const inputs = c.inputs(GRID);
          inputs[inputs.length - 1] = c.inputs(OTHER)[inputs.length - 1]!;
          await expect((async () => c.run(inputs))()).rejects.toSatisfy((e: unknown) => e instanceof RusleError && e.code === 'GRID_MISMATCH');
        });
      }
    });
  }
});
