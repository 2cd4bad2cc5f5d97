import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Grid, Raster, projectedCrs, readRaster, writeRaster } from '../../src/index.js';
import { parsePipelineConfig } from '../../src/cli/pipeline/config.js';
import { runPipeline, type PipelineHooks } from '../../src/cli/pipeline/run.js';
import { fx, tmp } from './helpers.js';

let dir = '';
const progressLabels: string[] = [];
const hooks: PipelineHooks = { log: () => {}, progress: (label) => { progressLabels.push(label); return { update: () => {}, finish: () => {} }; } };

beforeAll(async () => {
  dir = tmp();
  for (const f of ['wil-m.tif', 'wil-2band.tif', 'wil-ftus-navd88.tif', 'wil-rgb.tif']) copyFileSync(fx(f), join(dir, f));
  const dem = await readRaster(fx('wil-m.tif'));
  const g = dem.grid;
  // land use on the DEM's grid, and the same cells declared in another projection (UTM 11N instead of 10N)
  const lu = new Uint8Array(g.width * g.height).fill(1);
  await writeRaster(join(dir, 'lu.tif'), new Raster(g, lu, 0));
  await writeRaster(join(dir, 'lu-utm11.tif'), new Raster(new Grid(g.width, g.height, g.transform, projectedCrs({ epsg: 26911 })), lu, 0));
  await writeRaster(join(dir, 'ndvi.tif'), new Raster(g, new Float32Array(g.width * g.height).fill(0.5)));
  writeFileSync(join(dir, 'cover.csv'), 'lucode,usle_c\n1,0.1\n');
});

const cfgOf = (inputs: Record<string, unknown>, name: string) =>
  parsePipelineConfig({ inputs: { R: 5000, K: 0.03, C: 0.1, ...inputs }, output: { folder: name, maps: false, report: false } }, join(dir, 'p.json'), dir);

describe('rusle run: every input grid is checked before LS', () => {
  it('a land-use raster in another projection is refused (GRID_MISMATCH naming inputs.C.raster) before the LS step', async () => {
    progressLabels.length = 0;
    const cfg = cfgOf({ dem: 'wil-m.tif', C: { type: 'table', table: 'cover.csv', raster: 'lu-utm11.tif', valueColumn: 'usle_c' } }, 'g1');
    await expect(runPipeline(cfg, hooks)).rejects.toMatchObject({ code: 'GRID_MISMATCH', message: expect.stringMatching(/^inputs\.C\.raster cannot be put on the DEM's grid: the CRS differs/) });
    expect(progressLabels).not.toContain('LS');
    expect(existsSync(join(dir, 'g1', 'LS.tif'))).toBe(false);
  });
  it('a 2-band factor raster without a band is refused before LS (MULTI_BAND naming its key); with "band" it runs', async () => {
    progressLabels.length = 0;
    await expect(runPipeline(cfgOf({ dem: 'wil-m.tif', K: { type: 'raster', path: 'wil-2band.tif' } }, 'g2'), hooks))
      .rejects.toMatchObject({ code: 'MULTI_BAND', message: expect.stringContaining('inputs.K.path') });
    expect(progressLabels).not.toContain('LS');
  });
});

describe('rusle run: the DEM input', () => {
  it('a 2-band DEM is refused (MULTI_BAND) unless given as { path, band }', async () => {
    await expect(runPipeline(cfgOf({ dem: 'wil-2band.tif' }, 'd1'), hooks)).rejects.toMatchObject({ code: 'MULTI_BAND' });
    const r = await runPipeline(cfgOf({ dem: { path: 'wil-2band.tif', band: 2 } }, 'd2'), hooks);
    const ref = await runPipeline(cfgOf({ dem: 'wil-m.tif' }, 'd3'), hooks);
    expect(r.summary).toEqual(ref.summary);
  });
  it('an RGB picture is refused as a DEM (BAD_VALUE)', async () => {
    await expect(runPipeline(cfgOf({ dem: { path: 'wil-rgb.tif', band: 1 } }, 'd4'), hooks)).rejects.toMatchObject({ code: 'BAD_VALUE', message: expect.stringContaining('RGB image') });
  });
  it('a DEM in feet is refused (BAD_UNITS) unless given with "zFactor"', async () => {
    progressLabels.length = 0;
    await expect(runPipeline(cfgOf({ dem: 'wil-ftus-navd88.tif' }, 'd5'), hooks)).rejects.toMatchObject({ code: 'BAD_UNITS', message: expect.stringContaining('zFactor') });
    expect(progressLabels).not.toContain('LS');
    const r = await runPipeline(cfgOf({ dem: { path: 'wil-ftus-navd88.tif', zFactor: 1200 / 3937 } }, 'd6'), hooks);
    const ref = await runPipeline(cfgOf({ dem: 'wil-m.tif' }, 'd7'), hooks);
    const ratio = Number(r.summary['soilLossTonnesPerYear']) / Number(ref.summary['soilLossTonnesPerYear']);
    expect(Math.abs(ratio - 1)).toBeLessThan(0.02);
  });
});

describe('rusle run: the NDVI factor names its raster "raster"', () => {
  it('"raster" works; the old "path" still works with a deprecation note', async () => {
    const a = await runPipeline(cfgOf({ dem: 'wil-m.tif', C: { type: 'ndvi', raster: 'ndvi.tif' } }, 'n1'), hooks);
    expect(a.notes.join('\n')).not.toContain('deprecated');
    const b = await runPipeline(cfgOf({ dem: 'wil-m.tif', C: { type: 'ndvi', path: 'ndvi.tif' } }, 'n2'), hooks);
    expect(b.notes.join('\n')).toContain('inputs.C.path: deprecated for type "ndvi"; call it "raster"');
    expect(b.summary).toEqual(a.summary);
  });
  it('"path" on a table factor gets "did you mean \'raster\'?"', () => {
    expect(() => cfgOf({ dem: 'wil-m.tif', C: { type: 'table', table: 'cover.csv', path: 'lu.tif' } }, 'n3'))
      .toThrow(/inputs\.C\.path: unknown key \(did you mean 'raster'\?\)/);
  });
});

describe('rusle run: the LS map shows the study area only', () => {
  it('with zones, LS cells outside every zone are transparent in LS.png (as on the A map)', async () => {
    const { PNG } = await import('pngjs');
    const dem = await readRaster(fx('wil-m.tif'));
    const g = dem.grid;
    // zone 1 on the west half only
    await writeRaster(join(dir, 'westzone.tif'), new Raster(g, Int32Array.from({ length: g.width * g.height }, (_, i) => ((i % g.width) < g.width / 2 ? 1 : 0)), 0));
    const transparent = async (inputs: Record<string, unknown>, name: string): Promise<number> => {
      const cfg = parsePipelineConfig({ inputs: { R: 5000, K: 0.03, C: 0.1, dem: 'wil-m.tif', ...inputs }, output: { folder: name, maps: true, report: false } }, join(dir, 'p.json'), dir);
      await runPipeline(cfg, hooks);
      const png = PNG.sync.read(readFileSync(join(dir, name, 'LS.png')));
      let n = 0;
      for (let i = 3; i < png.data.length; i += 4) if (png.data[i] === 0) n++;
      return n;
    };
    const all = await transparent({}, 'm1');
    const west = await transparent({ zones: 'westzone.tif' }, 'm2');
    expect(west).toBeGreaterThan(all + 100);
  });
});
