import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { lsFactor, lsFromSlopeAndArea, readRaster } from '../../src/index.js';

async function cli(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runCli(argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, isTTY: false, ci: true, cwd: process.cwd() });
  return { status, out, err };
}
const dir = mkdtempSync(join(tmpdir(), 'rusle-ls-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DEM = 'data/youwuzhen/ywzdem30m.tif';

describe('rusle ls', () => {
  it('from a DEM with --preset csle --max-length 300 writes the same LS as lsFactor', async () => {
    const out = join(dir, 'csle.tif');
    const r = await cli(['ls', DEM, '-o', out, '--preset', 'csle', '--max-length', '300']);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toMatch(/LS \(custom\)/);
    const written = await readRaster(out);
    const want = lsFactor(await readRaster(DEM), { preset: 'csle', maxLengthM: 300 }).ls;
    expect(Buffer.from(written.data.buffer).equals(Buffer.from(want.data.buffer))).toBe(true);
  });
  it('with --tile-size runs tile by tile through the job layer, says so on one line and writes the in-memory LS', async () => {
    const out = join(dir, 'tiled.tif');
    const r = await cli(['ls', DEM, '-o', out, '--preset', 'csle', '--memory-budget', '1GiB', '--tile-size', '64']);
    expect(r.status, r.err).toBe(0);
    expect(r.out.split('\n').filter((l) => /running tile by tile/.test(l))).toHaveLength(1);
    expect(r.out).toMatch(/in 4 tiles, \d+ rounds/);
    const written = await readRaster(out);
    const want = lsFactor(await readRaster(DEM), { preset: 'csle' }).ls;
    expect(Buffer.from(written.data.buffer).equals(Buffer.from(want.data.buffer))).toBe(true);
  }, 120000);
  it('with --memory-budget below the need, an in-memory-only preset exits with OUT_OF_MEMORY_BUDGET stating the need', async () => {
    const r = await cli(['ls', DEM, '-o', join(dir, 'no.tif'), '--preset', 'invest', '--memory-budget', '100KB']);
    expect(r.status).not.toBe(0);
    expect(r.err).toMatch(/OUT_OF_MEMORY_BUDGET/);
    expect(r.err).toMatch(/needs about \d+ bytes/);
  });
  it('from slope and area files with --preset saga-desmet-govers matches lsFromSlopeAndArea', async () => {
    const out = join(dir, 'saga.tif');
    const r = await cli(['ls', '--slope', 'test/fixtures/ls/slope_rad.tif', '--slope-units', 'radians', '--area', 'test/fixtures/ls/area_m2.tif', '--area-units', 'm2', '--preset', 'saga-desmet-govers', '-o', out, '--json']);
    expect(r.status, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ preset: 'saga-desmet-govers' });
    const want = lsFromSlopeAndArea(await readRaster('test/fixtures/ls/slope_rad.tif'), await readRaster('test/fixtures/ls/area_m2.tif'), { slopeUnits: 'radians', areaUnits: 'm2', preset: 'saga-desmet-govers' }).ls;
    const got = await readRaster(out);
    expect(Buffer.from(got.data.buffer).equals(Buffer.from(want.data.buffer))).toBe(true);
  });
  it('missing --slope-units exits 2 with BAD_UNITS; an unknown preset exits 2 naming the presets', async () => {
    const a = await cli(['ls', '--slope', 'test/fixtures/ls/slope_rad.tif', '--area', 'test/fixtures/ls/area_m2.tif', '--area-units', 'm2', '--method', 'moore-burch', '-o', join(dir, 'x.tif')]);
    expect(a.status).toBe(2);
    expect(a.err).toMatch(/BAD_UNITS/);
    const b = await cli(['ls', DEM, '-o', join(dir, 'y.tif'), '--preset', 'usle']);
    expect(b.status).toBe(2);
    expect(b.err).toMatch(/csle, rusle-aml/);
  });
  it('--help names every flag with its unit', async () => {
    const h = await cli(['ls', '--help']);
    expect(h.status).toBe(0);
    for (const flag of ['--preset', '--routing', '--s-formula', '--m-formula', '--max-length', '--channel-threshold', '--slope-units', '--area-units', '--method']) expect(h.out).toContain(flag);
    expect(h.out).toMatch(/metres/);
  });
});
