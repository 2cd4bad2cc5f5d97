import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { readRaster, writeRaster } from '../../src/io/index.js';
import { Grid, projectedCrs, Raster } from '../../src/raster/index.js';
import { closeWorkerPool, soilLoss } from '../../src/model/index.js';

let dir: string;
const grid = new Grid(64, 48, [500000, 30, 0, 3000000, 0, -30], projectedCrs({ epsg: 32650 }));
const mk = (f: (i: number) => number): Raster<Float32Array> => new Raster(grid, Float32Array.from({ length: 64 * 48 }, (_, i) => f(i)), NaN);
const R = mk((i) => 3000 + (i % 50));
const K = mk((i) => (i % 31 === 0 ? NaN : 0.02 + (i % 7) * 0.001));
const LS = mk((i) => (i % 13) / 4);

async function cli(args: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, ci: true, cwd: dir });
  return { status, out, err };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rusle-cli-sl-'));
  await writeRaster(join(dir, 'R.tif'), R, { tileSize: 16 });
  await writeRaster(join(dir, 'K.tif'), K, { tileSize: 16 });
  await writeRaster(join(dir, 'LS.tif'), LS, { tileSize: 16 });
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeWorkerPool();
});

describe('rusle soil-loss and rusle csle', () => {
  it('writes the same A as the library, with numbers as constants, and prints the statistics as JSON', async () => {
    const r = await cli(['soil-loss', '--r', 'R.tif', '--k', 'K.tif', '--ls', 'LS.tif', '--c', '0.25', '--p', '1', '-o', 'A.tif', '--units', 't/km2/yr', '--workers', '2', '--json']);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const json = JSON.parse(r.out) as { stats: { validCount: number; units: string } };
    const lib = await soilLoss({ R, K, LS, C: 0.25, P: 1 }, { units: 't/km2/yr' });
    expect(json.stats.validCount).toBe(lib.stats.validCount);
    expect(json.stats.units).toBe('t/km2/yr');
    const back = await readRaster(join(dir, 'A.tif'));
    expect(Buffer.from((back.data as Float32Array).buffer).equals(Buffer.from(lib.raster!.data.buffer))).toBe(true);
  });

  it('--compress-level sets the Deflate level of A (same values at any level) and refuses a level outside 1–9', async () => {
    const args = ['soil-loss', '--r', 'R.tif', '--k', 'K.tif', '--ls', 'LS.tif', '--c', '0.25', '--p', '1', '--quiet'];
    expect((await cli([...args, '-o', 'A1.tif', '--compress-level', '1'])).status).toBe(0);
    expect((await cli([...args, '-o', 'A9.tif', '--compress-level', '9'])).status).toBe(0);
    const a1 = await readRaster(join(dir, 'A1.tif'));
    const a9 = await readRaster(join(dir, 'A9.tif'));
    expect(Buffer.from((a1.data as Float32Array).buffer).equals(Buffer.from((a9.data as Float32Array).buffer))).toBe(true);
    for (const bad of ['0', '10', 'fast']) {
      const r = await cli([...args, '-o', 'Ax.tif', '--compress-level', bad]);
      expect(r.status).toBe(2);
      expect(r.err).toMatch(/--compress-level must be an integer/);
    }
  });

  it('csle multiplies seven factors', async () => {
    const r = await cli(['csle', '--r', 'R.tif', '--k', '0.01', '--l', '2', '--s', 'LS.tif', '--b', '0.5', '--e', '1', '--t', '1', '-o', 'C.tif', '--quiet']);
    expect(r.status).toBe(0);
    const lib = await soilLoss({ R, K: 0.01, LS, C: 1, P: 1 });
    const back = await readRaster(join(dir, 'C.tif'));
    for (let i = 0; i < 64 * 48; i += 97) expect(back.data[i]).toBeCloseTo(lib.raster!.data[i]!, 3);
  });

  it('exits 2 with OUT_OF_MEMORY_BUDGET for a budget too small, leaving no output', async () => {
    const before = readdirSync(dir).length;
    const r = await cli(['soil-loss', '--r', 'R.tif', '--k', 'K.tif', '--ls', 'LS.tif', '--c', '1', '--p', '1', '-o', 'X.tif', '--memory-budget', '2kB']);
    expect(r.status).toBe(2);
    expect(r.err).toContain('OUT_OF_MEMORY_BUDGET');
    expect(readdirSync(dir).length).toBe(before);
  });

  it('exits 2 with BAD_VALUE for a negative constant factor and GRID_MISMATCH is named for misaligned files', async () => {
    const r = await cli(['soil-loss', '--r', 'R.tif', '--k', 'K.tif', '--ls', 'LS.tif', '--c', '1', '--p=-0.5', '-o', 'Y.tif']);
    expect(r.status).toBe(2);
    expect(r.err).toContain('BAD_VALUE');
    const other = new Raster(new Grid(64, 48, [600000, 30, 0, 3000000, 0, -30], projectedCrs({ epsg: 32650 })), new Float32Array(64 * 48), NaN);
    await writeRaster(join(dir, 'other.tif'), other);
    const m = await cli(['soil-loss', '--r', 'R.tif', '--k', 'other.tif', '--ls', '1', '--c', '1', '--p', '1', '-o', 'Z.tif']);
    expect(m.status).toBe(2);
    expect(m.err).toMatch(/GRID_MISMATCH: .*R and K/);
  });
});
