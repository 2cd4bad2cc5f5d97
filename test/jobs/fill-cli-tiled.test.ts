import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { readRaster, writeRaster } from '../../src/io/index.js';
import { Grid, Raster, projectedCrs } from '../../src/raster/index.js';
import { sameBytes } from '../terrain/tiled-helpers.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), isTTY: false, ci: true, cwd: process.cwd() } };
}

/** A 1000 × 800 rough DEM with flats and pits (0.8 Mcells: about 10 MB in memory). */
async function bigDem(path: string): Promise<void> {
  const w = 1000;
  const h = 800;
  let s = 20261215;
  const z = new Float32Array(w * h);
  for (let i = 0; i < z.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const r = Math.floor(i / w);
    const c = i % w;
    z[i] = Math.round((30 * Math.sin(r / 40) * Math.cos(c / 55) + 4 * (s / 4294967296) + 0.02 * (r + c)) * 2) / 2;
  }
  await writeRaster(path, new Raster(new Grid(w, h, [500000, 10, 0, 3000000, 0, -10], projectedCrs({ epsg: 32650 })), z));
}

describe('rusle fill over the memory budget', () => {
  it('switches to tiles, says so on one line, and writes the in-memory result bit for bit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-fill-tiled-cli-'));
    try {
      const dem = join(dir, 'dem.tif');
      await bigDem(dem);
      for (const eps of [[]]) {
        expect(await runCli(['fill', dem, '-o', join(dir, 'm.tif'), '-q', ...eps], io().io)).toBe(0);
        const o = io();
        expect(await runCli(['fill', dem, '-o', join(dir, 't.tif'), '--memory-budget', '8MiB', '--workers', '2', ...eps], o.io)).toBe(0);
        const text = o.out.join('');
        expect(text).toMatch(/^fill: the in-memory fill needs .* over the budget of 8\.0 MiB: filling in tiles of \d+ × \d+ cells on \d workers? \(at most .*\)$/m);
        expect(o.err.join('')).toMatch(/fill fill-summary \(stage 1\): 100 %/);
        const m = await readRaster(join(dir, 'm.tif'));
        const t = await readRaster(join(dir, 't.tif'));
        expect(sameBytes(t.data, m.data)).toBe(true);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--tile-size forces tiles; a too-small --memory-budget exits 2 with OUT_OF_MEMORY_BUDGET stating the minimum', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-fill-tiled-cli-'));
    try {
      const o = io();
      expect(await runCli(['fill', 'data/youwuzhen/ywzdem30m.tif', '-o', join(dir, 't.tif'), '--tile-size', '50', '--epsilon', '--json'], o.io)).toBe(0);
      expect(JSON.parse(o.out.join('').slice(o.out.join('').indexOf('{'))).tiled).toBe(true);
      const e = io();
      const dem = join(dir, 'dem.tif');
      await bigDem(dem);
      expect(await runCli(['fill', dem, '-o', join(dir, 'x.tif'), '--memory-budget', '1MB'], e.io)).toBe(2);
      expect(e.err.join('')).toMatch(/OUT_OF_MEMORY_BUDGET.*needs at least \d+(\.\d+)? (KiB|MiB|GiB)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
