import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Grid, geographicCrs, projectedCrs, Raster, RusleError } from '../../src/raster/index.js';
import { closeWorkerPool, csleSoilLoss, soilLoss } from '../../src/model/index.js';

afterAll(async () => {
  await closeWorkerPool();
});

const utm = projectedCrs({ epsg: 32650 });

function grid(w: number, h: number, cell = 30): Grid {
  return new Grid(w, h, [500000, cell, 0, 3000000, 0, -cell], utm);
}

function raster(g: Grid, values: ArrayLike<number>): Raster<Float32Array> {
  return new Raster(g, Float32Array.from(values), NaN);
}

async function code(p: Promise<unknown>): Promise<RusleError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RusleError) return e;
    throw e;
  }
  throw new Error('expected a RusleError');
}

describe('soilLoss', () => {
  it('multiplies R·K·LS·C·P per cell and computes min, max, mean, tonnes and count by hand on a 3 × 2 projected grid', async () => {
    const g = grid(3, 2, 100); // 100 m cells: 1 ha each
    const R = raster(g, [1000, 2000, 1000, 1000, 1000, NaN]);
    const K = raster(g, [0.01, 0.01, 0.02, 0.04, 0.01, 0.01]);
    const LS = raster(g, [1, 2, 0.5, 1, 0, 1]);
    const { raster: A, stats } = await soilLoss({ R, K, LS, C: 0.5, P: 1 });
    // A = 5, 20, 5, 20, 0, NaN
    expect(Array.from(A!.data)).toEqual([5, 20, 5, 20, 0, NaN]);
    expect(A!.data).toBeInstanceOf(Float32Array);
    expect(stats.min).toBe(0);
    expect(stats.max).toBe(20);
    expect(stats.validCount).toBe(5);
    expect(stats.nodataCount).toBe(1);
    expect(stats.validAreaM2).toBe(5e4);
    expect(stats.sumTonnesPerYear).toBe(50); // 5 + 20 + 5 + 20 + 0 t/ha/yr × 1 ha
    expect(stats.mean).toBe(10);
    expect(stats.units).toBe('t/ha/yr');
  });

  it('uses true ellipsoidal cell areas per row on a geographic grid for the tonnes and the area-weighted mean', async () => {
    const g = new Grid(2, 3, [115, 0.5, 0, 30, 0, -0.5], geographicCrs());
    const areas = [0, 1, 2].map((r) => g.cellAreaM2(r));
    expect(areas[0]).not.toBe(areas[2]);
    const R = raster(g, [1, 2, 3, 4, 5, 6]);
    const { stats } = await soilLoss({ R, K: 1, LS: 1, C: 1, P: 1 });
    const sumAreaWeighted = (1 + 2) * areas[0]! + (3 + 4) * areas[1]! + (5 + 6) * areas[2]!;
    expect(stats.sumTonnesPerYear).toBeCloseTo(sumAreaWeighted / 1e4, 6);
    expect(stats.validAreaM2).toBeCloseTo(2 * (areas[0]! + areas[1]! + areas[2]!), 3);
    expect(stats.mean).toBeCloseTo(sumAreaWeighted / stats.validAreaM2, 12);
    // A 0.5° cell near 30° N is about 48 km × 55 km: the mean must not be the unweighted 3.5.
    expect(stats.mean).not.toBeCloseTo(3.5, 6);
  });

  it("reports A in t/km2/yr as 100 × t/ha/yr with the same tonnes", async () => {
    const g = grid(4, 3);
    const R = raster(g, Array.from({ length: 12 }, (_, i) => 1000 + i));
    const a = await soilLoss({ R, K: 0.03, LS: 1.5, C: 0.2, P: 1 });
    const b = await soilLoss({ R, K: 0.03, LS: 1.5, C: 0.2, P: 1 }, { units: 't/km2/yr' });
    for (let i = 0; i < 12; i++) expect(b.raster!.data[i]).toBeCloseTo(a.raster!.data[i]! * 100, 2);
    expect(b.stats.sumTonnesPerYear).toBeCloseTo(a.stats.sumTonnesPerYear, 6);
    expect(b.stats.units).toBe('t/km2/yr');
  });

  it('gives nodata wherever any factor is nodata, including an integer factor with a declared nodata value', async () => {
    const g = grid(4, 1);
    const R = raster(g, [100, NaN, 100, 100]);
    const P = new Raster(g, Uint8Array.from([1, 1, 255, 1]), 255);
    const C = raster(g, [0.5, 0.5, 0.5, NaN]);
    const { raster: A, stats } = await soilLoss({ R, K: 1, LS: 1, C, P });
    expect(Array.from(A!.data)).toEqual([50, NaN, NaN, NaN]);
    expect(stats.validCount).toBe(1);
    expect(stats.badValues.count).toBe(0);
  });

  it('returns Float64 output on request', async () => {
    const g = grid(2, 1);
    const { raster: A } = await soilLoss({ R: raster(g, [0.1, 0.2]), K: 3, LS: 1, C: 1, P: 1 }, { outputType: 'Float64' });
    expect(A!.data).toBeInstanceOf(Float64Array);
    expect(A!.data[0]).toBe(3 * Math.fround(0.1));
  });

  it('throws BAD_VALUE with the count and the first location for negative and infinite factor values', async () => {
    const g = grid(5, 4);
    const v = Array.from({ length: 20 }, () => 1);
    v[2 * 5 + 3] = -0.5; // col 3, row 2
    v[3 * 5 + 1] = Infinity;
    const LS = raster(g, v);
    const K = raster(g, Array.from({ length: 20 }, (_, i) => (i === 19 ? -Infinity : 0.02)));
    const e = await code(soilLoss({ R: 1000, K, LS, C: 1, P: 1 }));
    expect(e.code).toBe('BAD_VALUE');
    expect(e.details).toMatchObject({ count: 3, first: { factor: 'LS', col: 3, row: 2, value: -0.5 } });
    expect(e.message).toContain('LS: 2');
    expect(e.message).toContain('K: 1');
    expect(e.message).toContain('col 3, row 2');
  });

  it("treats bad factor values as nodata and reports them with onBadValue: 'nodata'", async () => {
    const g = grid(3, 1);
    const R = raster(g, [1000, -1, 1000]);
    const C = raster(g, [0.1, 0.1, Infinity]);
    const { raster: A, stats } = await soilLoss({ R, K: 0.02, LS: 1, C, P: 1 }, { onBadValue: 'nodata' });
    expect(A!.data[0]).toBeCloseTo(2, 5);
    expect(Number.isNaN(A!.data[1])).toBe(true);
    expect(Number.isNaN(A!.data[2])).toBe(true);
    expect(stats.badValues.count).toBe(2);
    expect(stats.badValues.byFactor).toMatchObject({ R: 1, C: 1 });
    expect(stats.badValues.first).toEqual({ factor: 'R', col: 1, row: 0, value: -1 });
    expect(stats.validCount).toBe(1);
    expect(stats.nodataCount).toBe(2);
  });

  it('does not count a cell as bad when another of its factors is nodata', async () => {
    const g = grid(2, 1);
    const { stats } = await soilLoss({ R: raster(g, [NaN, 1]), K: raster(g, [-1, 1]), LS: 1, C: 1, P: 1 });
    expect(stats.badValues.count).toBe(0);
    expect(stats.validCount).toBe(1);
  });

  it('refuses a negative, NaN or infinite constant factor with BAD_VALUE naming it', async () => {
    const g = grid(2, 2);
    const R = raster(g, [1, 2, 3, 4]);
    for (const bad of [-0.1, NaN, Infinity]) {
      const e = await code(soilLoss({ R, K: 0.02, LS: 1, C: bad, P: 1 }));
      expect(e.code).toBe('BAD_VALUE');
      expect(e.message).toContain('factor C');
    }
  });

  it('refuses factors on different grids with GRID_MISMATCH naming both factors', async () => {
    const R = raster(grid(3, 3), new Array(9).fill(1));
    const K = raster(grid(3, 4), new Array(12).fill(1));
    const e = await code(soilLoss({ R, K, LS: 1, C: 1, P: 1 }));
    expect(e.code).toBe('GRID_MISMATCH');
    expect(e.message).toMatch(/R and K/);
    const shifted = new Raster(new Grid(3, 3, [500030, 30, 0, 3000000, 0, -30], utm), new Float32Array(9), NaN);
    const e2 = await code(soilLoss({ R, K: 1, LS: shifted, C: 1, P: 1 }));
    expect(e2.code).toBe('GRID_MISMATCH');
    expect(e2.message).toMatch(/R and LS/);
  });

  it('refuses an all-constant call without a grid, and fills the grid when one is given', async () => {
    const e = await code(soilLoss({ R: 1, K: 1, LS: 1, C: 1, P: 1 }));
    expect(e.code).toBe('BAD_ARGUMENT');
    const { raster: A, stats } = await soilLoss({ R: 2, K: 3, LS: 1, C: 1, P: 1 }, { grid: grid(2, 2, 100) });
    expect(Array.from(A!.data)).toEqual([6, 6, 6, 6]);
    expect(stats.sumTonnesPerYear).toBe(24);
  });

  it('computes the CSLE product R·K·L·S·B·E·T', async () => {
    const g = grid(2, 1);
    const { raster: A } = await csleSoilLoss({ R: raster(g, [1000, 2000]), K: 0.01, L: 2, S: raster(g, [1, 3]), B: 0.5, E: 1, T: 0.5 });
    expect(Array.from(A!.data)).toEqual([5, 30]);
  });

  it('is bit-identical for 1, 2 and 3 workers and any band height, values and statistics (property, seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 1, max: 70 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (w, h, workers, blockRows, geographic, seed) => {
          const g = geographic ? new Grid(w, h, [110, 0.01, 0, 28, 0, -0.01], geographicCrs()) : grid(w, h);
          let s = seed;
          const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
          const mk = (): Raster<Float32Array> => raster(g, Array.from({ length: w * h }, () => { const u = rnd(); return u < 0.05 ? NaN : u < 0.07 ? -u : u * 100; }));
          const f = { R: mk(), K: mk(), LS: mk(), C: mk(), P: 0.7 };
          const ref = await soilLoss(f, { onBadValue: 'nodata' });
          const got = await soilLoss(f, { onBadValue: 'nodata', workers, blockRows });
          expect(Buffer.from(got.raster!.data.buffer, got.raster!.data.byteOffset, got.raster!.data.byteLength).equals(Buffer.from(ref.raster!.data.buffer, ref.raster!.data.byteOffset, ref.raster!.data.byteLength))).toBe(true);
          expect(got.stats).toEqual(ref.stats);
          expect(Object.is(got.stats.sumTonnesPerYear, ref.stats.sumTonnesPerYear)).toBe(true);
        },
      ),
      { seed: 20261128, numRuns: 40 },
    );
  });

  it("the WebAssembly kernel and the JavaScript kernel give bit-identical values and statistics (property, seeded)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 70 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        async (w, h, nRasters, workers, seed) => {
          const g = grid(w, h);
          let s = seed;
          const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
          const mk = (): Raster<Float32Array> =>
            raster(g, Array.from({ length: w * h }, () => { const u = rnd(); return u < 0.04 ? NaN : u < 0.05 ? -u : u < 0.055 ? Infinity : u < 0.06 ? 0 : u * 50; }));
          const names = ['R', 'K', 'LS', 'C', 'P'] as const;
          // One factor is a view at an odd element offset of a larger buffer (copies into wasm memory must cope).
          const shifted = (r: Raster<Float32Array>): Raster<Float32Array> => {
            const big = new Float32Array(r.data.length + 3);
            big.set(r.data, 1);
            return new Raster(r.grid, big.subarray(1, 1 + r.data.length), NaN);
          };
          const f = Object.fromEntries(names.map((n, j) => [n, j < nRasters ? (j === 1 ? shifted(mk()) : mk()) : 0.5 + j])) as unknown as Parameters<typeof soilLoss>[0];
          const js = await soilLoss(f, { onBadValue: 'nodata', kernel: 'js' });
          const wasm = await soilLoss(f, { onBadValue: 'nodata', workers });
          expect(Buffer.from(wasm.raster!.data.buffer).equals(Buffer.from(js.raster!.data.buffer))).toBe(true);
          expect(wasm.stats).toEqual(js.stats);
        },
      ),
      { seed: 42, numRuns: 60 },
    );
  });

  it('the WebAssembly kernel handles rows wider than its 64 Ki-cell chunk like the JavaScript kernel', async () => {
    const w = 70001;
    const g = new Grid(w, 2, [0, 30, 0, 0, 0, -30], utm);
    const R = raster(g, Array.from({ length: 2 * w }, (_, i) => (i % 1001 === 0 ? NaN : 1 + (i % 97))));
    const K = raster(g, Array.from({ length: 2 * w }, (_, i) => 0.01 + (i % 13) * 0.003));
    const js = await soilLoss({ R, K, LS: 1.3, C: 0.2, P: 1 }, { kernel: 'js' });
    const wasm = await soilLoss({ R, K, LS: 1.3, C: 0.2, P: 1 });
    expect(Buffer.from(wasm.raster!.data.buffer).equals(Buffer.from(js.raster!.data.buffer))).toBe(true);
    expect(wasm.stats).toEqual(js.stats);
  });

  it('is linear in each factor: doubling K doubles A (property, seeded)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.float({ min: 0, max: 1000, noNaN: true }), { minLength: 6, maxLength: 6 }), async (vals) => {
        const g = grid(3, 2);
        const R = raster(g, vals);
        const a = await soilLoss({ R, K: 0.25, LS: 1, C: 1, P: 1 }, { outputType: 'Float64' });
        const b = await soilLoss({ R, K: 0.5, LS: 1, C: 1, P: 1 }, { outputType: 'Float64' });
        for (let i = 0; i < 6; i++) expect(b.raster!.data[i]).toBe(2 * a.raster!.data[i]!);
      }),
      { seed: 6, numRuns: 30 },
    );
  });
});
