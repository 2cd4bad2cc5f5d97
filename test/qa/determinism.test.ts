/**
 * QA: same inputs and options give bit-identical outputs for any worker count, band size or run mode; the terrain
 * chain gives the same arrays when run twice on the same DEM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { flowAccumulation, lsFactor, Raster, readRaster, soilLoss, writeRaster } from '../../src/index.js';
import { DATA, rusle, sha256, tempDir } from './helpers.js';

const dir = tempDir('det');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (f: string) => join(dir, f);

function sameBits(a: ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; byteLength: number }, b: typeof a): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

describe('QA: determinism', () => {
  let dem: Raster;
  let small: Raster;
  beforeAll(async () => {
    dem = await readRaster(DATA.willametteDem);
    small = await readRaster(DATA.youwuzhenDem);
  });

  it.each([['csle'], ['invest'], ['saga-desmet-govers']] as const)('lsFactor (preset %s) and D∞ flowAccumulation give bit-identical arrays when run twice on the Youwuzhen DEM', (preset) => {
    expect(sameBits(lsFactor(small, { preset }).ls.data, lsFactor(small, { preset }).ls.data)).toBe(true);
    const f1 = flowAccumulation(small, { routing: 'dinf', output: 'sca' });
    const f2 = flowAccumulation(small, { routing: 'dinf', output: 'sca' });
    expect(sameBits(f1.data, f2.data)).toBe(true);
  });

  it('soilLoss written to GeoTIFF is byte-identical for 1 or 2 workers and a 60MB budget (bands of 512 or 1024 rows) or 1GiB (one band of 1669 rows)', async () => {
    // Factors made from the elevations (NaN where the DEM is nodata): the combine, not the terrain, is under test.
    const n = dem.data.length;
    const lsData = new Float32Array(n);
    const k = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const z = dem.data[i] as number;
      const valid = z === z && z !== dem.nodata;
      lsData[i] = valid ? 0.1 + (z % 97) / 7 : NaN;
      k[i] = valid ? 0.02 + (z % 13) / 1000 : NaN;
    }
    await writeRaster(p('LS.tif'), new Raster(dem.grid, lsData, NaN));
    await writeRaster(p('K.tif'), new Raster(dem.grid, k, NaN));
    const hashes = new Set<string>();
    const stats = new Set<string>();
    const progressCalls = new Map<string, number>();
    for (const [workers, memoryBudget, name] of [[1, '1GiB', 'a'], [2, '1GiB', 'b'], [1, '60MB', 'c'], [2, '60MB', 'd']] as const) {
      let bands = 0;
      const r = await soilLoss({ R: 681, K: p('K.tif'), LS: p('LS.tif'), C: 0.2, P: 1 }, { workers, memoryBudget, output: p(`A-${name}.tif`), onProgress: () => { bands++; } });
      progressCalls.set(memoryBudget, bands);
      hashes.add(sha256(p(`A-${name}.tif`)));
      stats.add(JSON.stringify(r.stats));
    }
    expect(progressCalls.get('60MB')).toBeGreaterThan(progressCalls.get('1GiB')!); // the small budget did cut more bands
    expect(hashes.size).toBe(1);
    expect(stats.size).toBe(1);
  });

  it('rusle run on the Youwuzhen example: every GeoTIFF and the rate table are byte-identical for --workers 1/2, in memory or streamed in a 64MB budget', async () => {
    const cfg = resolve('examples/pipelines/youwuzhen.json');
    const runs = [['--workers', '1'], ['--workers', '2'], ['--workers', '2', '--streamed', '--memory-budget', '64MB']];
    const digests: string[] = [];
    for (const [i, flags] of runs.entries()) {
      const out = p(`run-${i}`);
      const r = await rusle(['run', cfg, '-o', out, '-q', ...flags]);
      expect(r.status, r.stderr).toBe(0);
      const files = readdirSync(out).filter((f) => f.endsWith('.tif') || f === 'rate.csv').sort();
      expect(files).toContain('A.tif');
      digests.push(files.map((f) => `${f}:${sha256(join(out, f))}`).join('\n'));
    }
    expect(new Set(digests).size).toBe(1);
  });
});
