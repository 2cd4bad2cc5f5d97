import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRaster, writeRaster } from '../../src/io/index.js';
import { fillDepressionsToFile } from '../../src/jobs/index.js';
import { decodeArrays, encodeArrays } from '../../src/io/array-file.js';
import { RusleError } from '../../src/raster/errors.js';
import { Grid, Raster, projectedCrs } from '../../src/raster/index.js';
import { fillDepressions } from '../../src/terrain/fill.js';
import { sameBytes } from '../terrain/tiled-helpers.js';

const SEED = 20261211;

/** A seeded rough DEM with pits, flats (0.5 m steps) and a nodata lake. */
function roughDem(w: number, h: number, seed: number): Raster {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const z = new Float32Array(w * h);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      const v = 20 * Math.sin(r / 17) * Math.cos(c / 23) + 6 * rnd() + 0.05 * (r + c);
      z[r * w + c] = Math.round(v * 2) / 2;
    }
  }
  for (let r = 30; r < 40; r++) for (let c = 50; c < 58; c++) z[r * w + c] = NaN;
  return new Raster(new Grid(w, h, [500000, 10, 0, 3000000, 0, -10], projectedCrs({ epsg: 32650 })), z);
}

async function tmp(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'rusle-jobs-test-'));
}

describe('fillDepressionsToFile (job layer)', () => {
  it(`writes what fillDepressions returns, bit for bit, for 1 and 2 workers and any tile size, ε or not (seed ${SEED})`, async () => {
    const dir = await tmp();
    try {
      const dem = roughDem(150, 110, SEED);
      await writeRaster(join(dir, 'dem.tif'), dem);
      for (const epsilon of [false, true]) {
        const whole = fillDepressions(dem, { epsilon }).data;
        for (const [tileSize, workers] of (epsilon ? [[64, 2]] : [[37, 1], [37, 2], [64, 2], [1000, 1]]) as [number, number][]) {
          const out = join(dir, `out-${epsilon}-${tileSize}-${workers}.tif`);
          const r = await fillDepressionsToFile(join(dir, 'dem.tif'), out, { epsilon, tileSize, workers });
          expect(r.tiled).toBe(true);
          expect(sameBytes((await readRaster(out)).data, whole)).toBe(true);
        }
      }
      const sf = await fillDepressionsToFile(join(dir, 'dem.tif'), join(dir, 'sf.tif'), { maxDepressionCells: 5, tileSize: 40, workers: 2 });
      expect(sameBytes((await readRaster(join(dir, 'sf.tif'))).data, fillDepressions(dem, { maxDepressionCells: 5 }).data)).toBe(true);
      expect(sf.restoredCells).toBeGreaterThan(0);
      // the work folders are gone
      expect((await readdir(dir)).filter((f) => f.startsWith('.rusle-work-'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);

  it('stays in memory below the budget and switches to tiles above it', async () => {
    const dir = await tmp();
    try {
      const dem = roughDem(120, 100, SEED + 1);
      await writeRaster(join(dir, 'dem.tif'), dem);
      const a = await fillDepressionsToFile(join(dir, 'dem.tif'), join(dir, 'a.tif'));
      expect(a.tiled).toBe(false);
      const b = await fillDepressionsToFile(join(dir, 'dem.tif'), join(dir, 'b.tif'), { memoryBudget: 100 * 1024 ** 2, workers: 1 });
      expect(b.tiled).toBe(false);
      expect(sameBytes((await readRaster(join(dir, 'a.tif'))).data, (await readRaster(join(dir, 'b.tif'))).data)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses a too-small memory budget with OUT_OF_MEMORY_BUDGET stating the minimum', async () => {
    const dir = await tmp();
    try {
      await writeRaster(join(dir, 'dem.tif'), roughDem(120, 100, SEED + 2));
      const e = await fillDepressionsToFile(join(dir, 'dem.tif'), join(dir, 'o.tif'), { memoryBudget: 1000 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(RusleError);
      expect((e as RusleError).code).toBe('OUT_OF_MEMORY_BUDGET');
      expect((e as RusleError).message).toMatch(/needs at least \d+(\.\d+)? (KiB|MiB|GiB)/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a rerun skips finished jobs, redoes a job whose output was corrupted or half-written, and keeps the work folder on request', async () => {
    const dir = await tmp();
    try {
      const dem = roughDem(130, 90, SEED + 3);
      await writeRaster(join(dir, 'dem.tif'), dem);
      const work = join(dir, 'work');
      await fillDepressionsToFile(join(dir, 'dem.tif'), join(dir, 'a.tif'), { tileSize: 32, workers: 1, workDir: work, keepWork: true, epsilon: true });
      expect(existsSync(join(work, 'manifest.json'))).toBe(true);
      // a killed writer: an output truncated behind its marker's back, and a stray temporary file
      const victim = join(work, 'fill-finish', '3.bin');
      const bytes = await readFile(victim);
      await writeFile(victim, bytes.subarray(0, bytes.length >> 1));
      await writeFile(join(work, 'fill-finish', '5.bin.tmp-999-0'), 'partial');
      const ran: string[] = [];
      await fillDepressionsToFile(join(dir, 'dem.tif'), join(dir, 'b.tif'), {
        tileSize: 32, workers: 1, workDir: work, keepWork: true, epsilon: true,
        onProgress: (e) => { if (e.job !== undefined && !e.skipped) ran.push(`${e.stage}/${e.job}`); },
      });
      expect(ran).toEqual(['fill-finish/t3']);
      expect(existsSync(join(work, 'fill-finish', '5.bin.tmp-999-0'))).toBe(false);
      const whole = fillDepressions(dem, { epsilon: true }).data;
      expect(sameBytes((await readRaster(join(dir, 'b.tif'))).data, whole)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a process killed in the middle of the tile jobs leaves nothing a rerun trusts: the rerun gives the whole-grid fill', async () => {
    const dir = await tmp();
    try {
      const dem = roughDem(200, 150, SEED + 4);
      await writeRaster(join(dir, 'dem.tif'), dem);
      const work = join(dir, 'work');
      const script = `
        import { fillDepressionsToFile } from ${JSON.stringify(join(process.cwd(), 'dist/index.js'))};
        await fillDepressionsToFile(${JSON.stringify(join(dir, 'dem.tif'))}, ${JSON.stringify(join(dir, 'x.tif'))},
          { tileSize: 25, workers: 2, workDir: ${JSON.stringify(work)}, keepWork: true,
            onProgress: (e) => { if (e.stage === 'fill-finish' && e.done === 10) process.stdout.write('KILLME\\n'); } });`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      await new Promise<void>((res) => {
        child.stdout.on('data', (b: Buffer) => { if (b.toString().includes('KILLME')) { child.kill('SIGKILL'); } });
        child.on('exit', () => res());
      });
      expect(existsSync(join(dir, 'x.tif'))).toBe(false);
      const r = await fillDepressionsToFile(join(dir, 'dem.tif'), join(dir, 'x.tif'), { tileSize: 25, workers: 2, workDir: work });
      expect(r.tiled).toBe(true);
      expect(sameBytes((await readRaster(join(dir, 'x.tif'))).data, fillDepressions(dem).data)).toBe(true);
      expect(existsSync(work)).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the array file format round-trips named typed arrays and metadata', () => {
    const rec = { meta: { tile: 3, note: 'é' }, arrays: { a: Int32Array.of(1, -2, 3), b: new Float64Array([NaN, 1.5]), c: new Float32Array(0), d: Uint8Array.of(7) } };
    const back = decodeArrays(encodeArrays(rec));
    expect(back.meta).toEqual(rec.meta);
    for (const k of Object.keys(rec.arrays) as (keyof typeof rec.arrays)[]) expect(sameBytes(back.arrays[k]!, rec.arrays[k])).toBe(true);
  });
});
