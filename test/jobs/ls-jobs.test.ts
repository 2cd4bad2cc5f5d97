import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRaster, writeRaster } from '../../src/io/index.js';
import { lsFactorToFile } from '../../src/jobs/index.js';
import { RusleError } from '../../src/raster/errors.js';
import { Grid, Raster, geographicCrs, projectedCrs } from '../../src/raster/index.js';
import { lsFactor } from '../../src/factors/ls/ls-factor.js';
import { fillDepressions } from '../../src/terrain/fill.js';
import { sameBytes } from '../terrain/tiled-helpers.js';

const SEED = 20261213;

/** A seeded rough DEM with pits, flats (0.5 m steps) and a nodata lake. */
function roughDem(w: number, h: number, seed: number, geographic = false): Raster {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const z = new Float32Array(w * h);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const v = 20 * Math.sin(r / 17) * Math.cos(c / 23) + 6 * rnd() + 0.3 * (r + c);
      z[r * w + c] = Math.round(v * 2) / 2;
    }
  }
  for (let r = 30; r < 40; r++) for (let c = 50; c < 58; c++) z[r * w + c] = NaN;
  const grid = geographic
    ? new Grid(w, h, [110, 1 / 1200, 0, 28.5, 0, -1 / 1200], geographicCrs({ epsg: 4326 }))
    : new Grid(w, h, [500000, 10, 0, 3000000, 0, -10], projectedCrs({ epsg: 32650 }));
  return new Raster(grid, z);
}

describe('lsFactorToFile (job layer)', () => {
  it(`writes what lsFactor returns, bit for bit, tile by tile for csle, rusle-aml and grass-r.watershed, 1 and 2 workers, projected and geographic (seed ${SEED})`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rusle-ls-jobs-'));
    try {
      for (const geographic of [false, true]) {
        // the conditioned DEM as lsFactor makes it (the tiled ε fill is tested with the fill's jobs)
        const filled = fillDepressions(roughDem(130, 95, SEED, geographic), { epsilon: true });
        await writeRaster(join(dir, 'filled.tif'), filled);
        const read = await readRaster(join(dir, 'filled.tif'));
        for (const preset of geographic ? ['csle'] as const : ['csle', 'rusle-aml', 'grass-r.watershed'] as const) {
          const whole = lsFactor(read, { preset, fill: false }).ls.data;
          for (const [tileSize, workers] of geographic ? [[40, 2]] as const : [[29, 1], [40, 2]] as const) {
            const out = join(dir, `ls-${preset}-${tileSize}-${workers}.tif`);
            const r = await lsFactorToFile(join(dir, 'filled.tif'), out, { preset, tileSize, workers, fill: false });
            expect(r.tiled).toBe(true);
            expect(r.rounds).toBeGreaterThan(1);
            expect(sameBytes((await readRaster(out)).data, whole), `${preset} ${tileSize} ${workers} geographic ${geographic}`).toBe(true);
          }
        }
      }
      expect((await readdir(dir)).filter((f) => f.startsWith('.rusle-work-'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120000);

  it('fills the DEM tile by tile first (ε, as lsFactor) and gives the in-memory LS', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rusle-ls-jobs-'));
    try {
      const dem = roughDem(70, 48, SEED);
      await writeRaster(join(dir, 'dem.tif'), dem);
      const r = await lsFactorToFile(join(dir, 'dem.tif'), join(dir, 'ls.tif'), { preset: 'csle', tileSize: 36, workers: 2 });
      expect(r.tiled).toBe(true);
      expect(sameBytes((await readRaster(join(dir, 'ls.tif'))).data, lsFactor(await readRaster(join(dir, 'dem.tif')), { preset: 'csle' }).ls.data)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120000);

  it('runs in memory below the budget and refuses an in-memory-only preset over it before reading', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rusle-ls-jobs-'));
    try {
      const dem = roughDem(60, 50, SEED);
      await writeRaster(join(dir, 'dem.tif'), dem);
      const r = await lsFactorToFile(join(dir, 'dem.tif'), join(dir, 'a.tif'), { preset: 'csle' });
      expect(r.tiled).toBe(false);
      expect(sameBytes((await readRaster(join(dir, 'a.tif'))).data, lsFactor(dem, { preset: 'csle' }).ls.data)).toBe(true);
      await expect(lsFactorToFile(join(dir, 'dem.tif'), join(dir, 'b.tif'), { preset: 'invest', memoryBudget: 1000 }))
        .rejects.toSatisfy((e: unknown) => e instanceof RusleError && e.code === 'OUT_OF_MEMORY_BUDGET' && /180000/.test(e.message));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
