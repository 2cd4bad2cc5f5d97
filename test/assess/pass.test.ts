import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Grid, Raster, projectedCrs, soilLoss, RateAccumulator, rateBlockHook, conservationRate, gradeIntensity, zonesFromRaster,
  conservationRateStreamed, gradeIntensityStreamed, writeRaster, readRaster,
} from '../../src/index.js';

const grid = new Grid(37, 23, [500000, 30, 0, 3000000, 0, -30], projectedCrs({ epsg: 32650 }));
const n = grid.width * grid.height;
let s = 12345;
const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
const LS = new Raster(grid, Float32Array.from({ length: n }, () => (rnd() < 0.03 ? NaN : rnd() * 12)));
const C = new Raster(grid, Float32Array.from({ length: n }, () => rnd() * 0.4));
const zones = new Raster(grid, Int32Array.from({ length: n }, (_, i) => 1 + ((i % grid.width) >> 3)), null);

describe('assessment in the engine pass', () => {
  it('soilLoss + rateBlockHook gives the in-memory table bit for bit and the classes of gradeIntensity, for any band height', async () => {
    const factors = { R: 5000, K: 0.004, LS, C, P: 1 };
    const { raster: A } = await soilLoss(factors, { units: 't/ha/yr' });
    const layer = zonesFromRaster(zones);
    const opts = { units: 't/ha/yr' as const, tolerance: 'red-soil' as const };
    const memory = conservationRate(A!, layer, opts);
    const memoryClasses = gradeIntensity(A!, opts);
    for (const blockRows of [1, 5, 23]) {
      const acc = new RateAccumulator(opts, layer);
      const classes = new Raster(grid, new Uint8Array(n), 0);
      await soilLoss(factors, {
        units: 't/ha/yr', blockRows, extraInputs: { zones }, extraOutputs: { classes: { type: 'Byte', into: classes, nodata: 0 } },
        onBlock: rateBlockHook(acc, { classes: 'classes' }),
      });
      expect(acc.finish().rows).toEqual(memory.rows);
      expect(classes.data).toEqual(memoryClasses.data);
    }
  });

  it('conservationRateStreamed and gradeIntensityStreamed read a GeoTIFF band by band with the same results', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-assess-pass-'));
    const { raster: A } = await soilLoss({ R: 5000, K: 0.004, LS, C, P: 1 }, { units: 't/km2/yr' });
    await writeRaster(join(dir, 'A.tif'), A!);
    const layer = zonesFromRaster(zones);
    const opts = { units: 't/km2/yr' as const, tolerance: 500 };
    const streamed = await conservationRateStreamed(join(dir, 'A.tif'), layer, { ...opts, classesOutput: join(dir, 'c.tif') });
    expect(streamed.rows).toEqual(conservationRate(A!, layer, opts).rows);
    const counts = await gradeIntensityStreamed(join(dir, 'A.tif'), join(dir, 'c2.tif'), opts);
    const c2 = await readRaster(join(dir, 'c2.tif'));
    expect(c2.data).toEqual(gradeIntensity(A!, opts).data);
    expect((await readRaster(join(dir, 'c.tif'))).data).toEqual(c2.data);
    expect(counts.reduce((x, y) => x + y, 0)).toBe(n);
  });
});
