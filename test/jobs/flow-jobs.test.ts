import { describe, expect, it } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRaster, writeRaster } from '../../src/io/index.js';
import { flowAccumulationToFile } from '../../src/jobs/index.js';
import { RusleError } from '../../src/raster/errors.js';
import { Grid, Raster, projectedCrs } from '../../src/raster/index.js';
import { flowAccumulation } from '../../src/terrain/routing/chain.js';
import { sameBytes } from '../terrain/tiled-helpers.js';

const SEED = 20261214;

/** A seeded DEM with pits, large flats (1 m steps) and a nodata lake. */
function dem(w: number, h: number, seed: number): Raster {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const z = new Float32Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) z[r * w + c] = Math.round(15 * Math.sin(r / 19) * Math.cos(c / 13) + 3 * rnd() + 0.1 * (r + c));
  for (let r = 20; r < 27; r++) for (let c = 40; c < 49; c++) z[r * w + c] = NaN;
  return new Raster(new Grid(w, h, [500000, 30, 0, 3000000, 0, -30], projectedCrs({ epsg: 32650 })), z);
}

describe('flowAccumulationToFile (job layer)', () => {
  it(`tiled fill, flats, D8 and accumulation through files give flowAccumulation bit for bit (seed ${SEED})`, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rusle-flow-jobs-'));
    try {
      const d = dem(100, 77, SEED);
      await writeRaster(join(dir, 'dem.tif'), d);
      const read = await readRaster(join(dir, 'dem.tif'));
      for (const [output, tileSize, workers] of [['m2', 32, 2], ['cells', 45, 1]] as const) {
        const out = join(dir, `${output}.tif`);
        const r = await flowAccumulationToFile(join(dir, 'dem.tif'), out, { output, tileSize, workers, float64: true });
        expect(r.tiled).toBe(true);
        expect(sameBytes((await readRaster(out)).data, flowAccumulation(read, { output }).data), `${output} ${tileSize}`).toBe(true);
      }
      expect((await readdir(dir)).filter((f) => f.startsWith('.rusle-work-'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180000);

  it('MFD over the budget stops with OUT_OF_MEMORY_BUDGET before reading', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rusle-flow-jobs-'));
    try {
      await writeRaster(join(dir, 'dem.tif'), dem(40, 30, SEED));
      await expect(flowAccumulationToFile(join(dir, 'dem.tif'), join(dir, 'x.tif'), { routing: 'mfd', memoryBudget: 1000 }))
        .rejects.toSatisfy((e: unknown) => e instanceof RusleError && e.code === 'OUT_OF_MEMORY_BUDGET' && /in memory only/.test(e.message));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
