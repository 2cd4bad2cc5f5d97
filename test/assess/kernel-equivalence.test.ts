import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Grid, Raster, conservationRate, geographicCrs, gradeIntensity, projectedCrs } from '../../src/index.js';

// The Float32/no-mask path of conservationRate and gradeIntensity runs in the WebAssembly SIMD kernel; Float64 A
// takes the JavaScript loop. Both must give the same table and classes for the same values (seed printed on failure).
describe('assessment kernels', () => {
  it('a Float32 A and its Float64 copy give identical rate tables and class rasters (WebAssembly vs JavaScript path, seed 7311)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 40 }), fc.boolean(), fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        (w, h, geographic, seed) => {
          let s = seed;
          const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
          const crs = geographic ? geographicCrs() : projectedCrs({ epsg: 32650 });
          const t = geographic ? [116, 0.001, 0, 26, 0, -0.001] : [500000, 30, 0, 2900000, 0, -30];
          const g = new Grid(w, h, t, crs);
          const bounds = [5, 25, 50, 80, 150]; // t/ha/yr equivalents of 500 … 15000 t/km²/yr
          const a32 = new Float32Array(w * h);
          const z = new Int32Array(w * h);
          for (let i = 0; i < a32.length; i++) {
            const r = rnd();
            a32[i] = r < 0.05 ? NaN : r < 0.25 ? bounds[Math.floor(rnd() * 5)]! : rnd() * 200;
            z[i] = 1 + Math.floor(rnd() * 4);
          }
          const a64 = Float64Array.from(a32);
          const zones = new Raster(g, z, 0);
          const opts = { units: 't/ha/yr', tolerance: 'red-soil' } as const;
          const t32 = conservationRate(new Raster(g, a32), zones, opts);
          const t64 = conservationRate(new Raster(g, a64), zones, opts);
          expect(JSON.stringify(t32.rows)).toBe(JSON.stringify(t64.rows));
          expect(gradeIntensity(new Raster(g, a32), opts).data).toEqual(gradeIntensity(new Raster(g, a64), opts).data);
        },
      ),
      { seed: 7311, numRuns: 60, verbose: true },
    );
  });
});
