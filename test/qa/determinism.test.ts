/**
 * QA: same inputs and options give bit-identical outputs for any worker count, band size or run mode; the terrain
 * chain gives the same arrays when run twice on the same DEM.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { flowAccumulation, lsFactor, Raster, readRaster, soilLoss, writeRaster } from '../../src/index.js';
import { DATA, rusle, sha256, tempDir } from './helpers.js';

const dir = tempDir('det');
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
  let ls: Raster<Float32Array>;
  beforeAll(async () => {
    dem = await readRaster(DATA.willametteDem);
    ls = lsFactor(dem, { preset: 'invest' }).ls;
  });

  it('lsFactor and MFD flowAccumulation give bit-identical arrays when run twice on the Willamette DEM', () => {
    const again = lsFactor(dem, { preset: 'invest' }).ls;
    expect(sameBits(ls.data, again.data)).toBe(true);
    const f1 = flowAccumulation(dem, { routing: 'mfd', output: 'm2' });
    const f2 = flowAccumulation(dem, { routing: 'mfd', output: 'm2' });
    expect(sameBits(f1.data, f2.data)).toBe(true);
  });

  it('soilLoss written to GeoTIFF is byte-identical for 1 or 2 workers and a 60MB budget (bands of 512 or 1024 rows) or 1GiB (one band of 1669 rows)', async () => {
    const k = new Float32Array(ls.data.length);
    for (let i = 0; i < k.length; i++) k[i] = 0.02 + 0.001 * Math.sqrt(ls.data[i]!); // NaN stays NaN
    await writeRaster(p('LS.tif'), ls);
    await writeRaster(p('K.tif'), new Raster(dem.grid, k, NaN));
    const hashes = new Set<string>();
    const stats = new Set<string>();
    for (const [workers, memoryBudget, name] of [[1, '1GiB', 'a'], [2, '1GiB', 'b'], [1, '60MB', 'c'], [2, '60MB', 'd']] as const) {
      const r = await soilLoss({ R: 681, K: p('K.tif'), LS: p('LS.tif'), C: 0.2, P: 1 }, { workers, memoryBudget, output: p(`A-${name}.tif`) });
      hashes.add(sha256(p(`A-${name}.tif`)));
      stats.add(JSON.stringify(r.stats));
    }
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
