/**
 * QA: cases found by the QA pass that were bugs when found (all-nodata inputs written as all-nodata maps, a slope in
 * degrees declared as radians); each now pins the refusal.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Raster, readRaster, writeRaster } from '../../src/index.js';
import { DATA, rusle, tempDir } from './helpers.js';

const dir = tempDir('open');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const p = (f: string) => join(dir, f);

beforeAll(async () => {
  const dem = await readRaster(DATA.youwuzhenDem);
  await writeRaster(p('dem-nodata.tif'), new Raster(dem.grid, new Float32Array(dem.data.length).fill(NaN), NaN));
  const ls = new Float32Array(dem.data.length);
  for (let i = 0; i < ls.length; i++) ls[i] = (dem.data[i] as number) === (dem.data[i] as number) ? 2 : NaN;
  await writeRaster(p('ls.tif'), new Raster(dem.grid, ls, NaN));
  expect((await rusle(['slope', resolve(DATA.youwuzhenDem), '-o', 'slope-deg.tif', '--units', 'degrees'], dir)).status).toBe(0);
  expect((await rusle(['flow', resolve(DATA.youwuzhenDem), '-o', 'area-m2.tif', '--output', 'm2'], dir)).status).toBe(0);
});

it('the inputs of the open-bug cases exist (so each case below fails on its own assertion, not on setup)', () => {
  for (const f of ['dem-nodata.tif', 'ls.tif', 'slope-deg.tif', 'area-m2.tif']) expect(existsSync(p(f)), f).toBe(true);
});

describe('QA: an all-nodata input is refused with exit 2 (BAD_VALUE), not written as an all-nodata map', () => {
  it.each([['slope'], ['fill'], ['ls']])('rusle %s on a DEM that is nodata everywhere', async (cmd) => {
    const r = await rusle([cmd, 'dem-nodata.tif', '-o', `${cmd}-empty.tif`], dir);
    expect(r.status).toBe(2);
    expect(existsSync(p(`${cmd}-empty.tif`))).toBe(false);
  });

  it('rusle csle with B nodata everywhere', async () => {
    const r = await rusle(['csle', '--r', '6000', '--k', '0.03', '--l', 'ls.tif', '--s', 'ls.tif', '--b', 'dem-nodata.tif', '--e', '1', '--t', '1', '-o', 'csle-empty.tif', '-q'], dir);
    expect(r.status).toBe(2);
  });

  it('rusle grade of an A that is nodata everywhere', async () => {
    const r = await rusle(['grade', 'dem-nodata.tif', '--units', 't/ha/yr', '--region', 'red-soil', '-o', 'grade-empty.tif'], dir);
    expect(r.status).toBe(2);
  });
});

describe('QA open bugs: units', () => {
  // Slope in degrees (0–38) declared as radians: every value above π/2 is impossible for radians, yet LS is computed
  // (negative and −6e36 values on the UTM test DEM) and the command exits 0.
  it('rusle ls --slope-units radians on a slope raster in degrees is refused (BAD_UNITS or BAD_VALUE)', async () => {
    const r = await rusle(['ls', '--slope', 'slope-deg.tif', '--slope-units', 'radians', '--area', 'area-m2.tif', '--area-units', 'm2', '--method', 'desmet-govers', '-o', 'ls-bad-units.tif'], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/BAD_UNITS|BAD_VALUE/);
  });
});
