import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRaster, readRaster, writeRaster } from '../../src/io/index.js';
import { lsFactor } from '../../src/factors/ls/ls-factor.js';
import { fillDepressions } from '../../src/terrain/fill.js';
import { flowAccumulation } from '../../src/terrain/routing/chain.js';
import { slope } from '../../src/terrain/slope.js';
import { Grid } from '../../src/raster/grid.js';
import { Raster } from '../../src/raster/raster.js';
import { RusleError } from '../../src/raster/errors.js';
import { cli, fx, tmp } from './helpers.js';

const US_FOOT = 1200 / 3937;

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Infinity;
      continue;
    }
    m = Math.max(m, Math.abs(x - y) / Math.max(1e-9, Math.abs(y)));
  }
  return m;
}

describe('heights in feet', () => {
  it('readRaster reads the vertical unit of a compound CRS (NAVD88 height (ftUS))', async () => {
    const dem = await readRaster(fx('wil-ftus-navd88.tif'));
    expect(dem.grid.crs.verticalUnitMeters).toBeCloseTo(US_FOOT, 12);
    expect(dem.grid.crs.verticalUnitName).toContain('US survey foot');
    const m = await readRaster(fx('wil-m.tif'));
    expect(m.grid.crs.verticalUnitMeters).toBeUndefined();
  });

  it('readRaster reads VerticalUnitsGeoKey (9002 foot) written by the library', async () => {
    const m = await readRaster(fx('wil-m.tif'));
    const crs = { ...m.grid.crs, geoKeys: { ...m.grid.crs.geoKeys, 4099: 9002 } };
    const p = join(tmp(), 'ft.tif');
    await writeRaster(p, new Raster(new Grid(m.width, m.height, m.grid.transform, crs), m.data, m.nodata));
    const back = await readRaster(p);
    expect(back.grid.crs.verticalUnitMeters).toBe(0.3048);
    expect(() => lsFactor(back)).toThrow(expect.objectContaining({ code: 'BAD_UNITS', message: expect.stringContaining('foot') }));
  });

  it('lsFactor, fillDepressions, flowAccumulation and slope refuse a DEM in feet without zFactor (BAD_UNITS)', async () => {
    const ft = await readRaster(fx('wil-ftus-navd88.tif'));
    for (const f of [() => lsFactor(ft), () => fillDepressions(ft), () => flowAccumulation(ft), () => slope(ft)]) {
      expect(f).toThrow(RusleError);
      expect(f).toThrow(expect.objectContaining({ code: 'BAD_UNITS', message: expect.stringContaining('zFactor') }));
    }
  });

  it('lsFactor with zFactor 0.3048006 on heights in feet equals lsFactor on the same heights in metres (every preset)', async () => {
    const ft = await readRaster(fx('wil-ftus-navd88.tif'));
    const m = await readRaster(fx('wil-m.tif'));
    for (const preset of ['csle', 'rusle-aml', 'invest', 'saga-desmet-govers', 'grass-r.watershed'] as const) {
      const a = lsFactor(ft, { preset, zFactor: US_FOOT }).ls.data;
      const b = lsFactor(m, { preset }).ls.data;
      // heights in feet are Float32 (rounded to 1e-4 ft): a few cells on flats route differently after filling
      let close = 0; let valid = 0; let sa = 0; let sb = 0;
      for (let i = 0; i < a.length; i++) {
        if (Number.isNaN(b[i]!)) continue;
        valid++; sa += a[i]!; sb += b[i]!;
        if (Math.abs(a[i]! - b[i]!) <= 1e-3 * b[i]!) close++;
      }
      expect(close / valid, preset).toBeGreaterThan(0.95);
      expect(Math.abs(sa / sb - 1), preset).toBeLessThan(0.02);
    }
    // without the factor the heights are 3.28 times too steep: LS far too high
    const wrong = lsFactor(ft, { preset: 'rusle-aml', zFactor: 1 }).ls.data;
    const right = lsFactor(m, { preset: 'rusle-aml' }).ls.data;
    let sw = 0; let sr = 0;
    for (let i = 0; i < wrong.length; i++) if (wrong[i] === wrong[i]) { sw += wrong[i]!; sr += right[i]!; }
    expect(sw / sr).toBeGreaterThan(2);
  });

  it('fillDepressions with zFactor returns heights in metres and a CRS that declares metres', async () => {
    const ft = await readRaster(fx('wil-ftus-navd88.tif'));
    const m = await readRaster(fx('wil-m.tif'));
    const f = fillDepressions(ft, { zFactor: US_FOOT });
    expect(f.grid.crs.verticalUnitMeters).toBe(1);
    expect(maxRelDiff(f.data, fillDepressions(m).data)).toBeLessThan(1e-5);
  });

  it.each([
    ['ls', ['-o', 'out.tif']],
    ['fill', ['-o', 'out.tif']],
    ['flow', ['-o', 'out.tif']],
    ['slope', ['-o', 'out.tif']],
  ])('rusle %s refuses a DEM in feet without --z-factor (exit 2, BAD_UNITS) and runs with it', async (cmd, rest) => {
    const dir = tmp();
    const bad = await cli([cmd, fx('wil-ftus-navd88.tif'), ...rest], dir);
    expect(bad.status).toBe(2);
    expect(bad.err).toMatch(/BAD_UNITS: .*US survey foot.*--z-factor 0\.3048/);
    const ok = await cli([cmd, fx('wil-ftus-navd88.tif'), ...rest, '--z-factor', String(US_FOOT)], dir);
    expect(ok.err).toBe('');
    expect(ok.status).toBe(0);
  });

  it('rusle ls warns when the CRS is in feet and the DEM declares no vertical unit', async () => {
    const r = await cli(['ls', fx('wil-crs-feet.tif'), '-o', 'out.tif'], tmp());
    expect(r.status).toBe(0);
    expect(r.err).toMatch(/warning: .*horizontal unit is a foot.*heights are taken as metres.*--z-factor 0\.3048/);
    const quiet = await cli(['ls', fx('wil-crs-feet.tif'), '-o', 'out.tif', '--z-factor', '1'], tmp());
    expect(quiet.err).toBe('');
  });

  it('--z-factor must be a positive number (BAD_VALUE, exit 2)', async () => {
    const r = await cli(['ls', fx('wil-m.tif'), '-o', 'out.tif', '--z-factor', '0'], tmp());
    expect(r.status).toBe(2);
    expect(r.err).toContain('BAD_VALUE: --z-factor must be a positive number');
  });
});

describe('multi-band files', () => {
  it('readRaster refuses a file with more than one band unless a band is chosen (MULTI_BAND)', async () => {
    await expect(readRaster(fx('wil-2band.tif'))).rejects.toMatchObject({ code: 'MULTI_BAND', message: expect.stringContaining('2 bands') });
    const src = await openRaster(fx('wil-2band.tif'));
    expect(src.bandCount).toBe(2);
    await expect(src.read(src.grid.fullWindow())).rejects.toMatchObject({ code: 'MULTI_BAND' });
    await src.close();
    const b2 = await readRaster(fx('wil-2band.tif'), { band: 2 });
    const m = await readRaster(fx('wil-m.tif'));
    expect(Array.from(b2.data)).toEqual(Array.from(m.data));
  });

  it.each(['slope', 'fill', 'flow', 'ls'])('rusle %s refuses a 2-band file (exit 2, MULTI_BAND) and reads --band 2', async (cmd) => {
    const dir = tmp();
    const bad = await cli([cmd, fx('wil-2band.tif'), '-o', 'out.tif'], dir);
    expect(bad.status).toBe(2);
    expect(bad.err).toContain('MULTI_BAND');
    expect(bad.err).toContain('--band N');
    const ok = await cli([cmd, fx('wil-2band.tif'), '-o', 'out.tif', '--band', '2'], dir);
    expect(ok.err).toBe('');
    expect(ok.status).toBe(0);
  });

  it.each(['slope', 'fill', 'flow', 'ls'])('rusle %s refuses an 8-bit RGB picture as a DEM, even with --band 1 (exit 2)', async (cmd) => {
    const dir = tmp();
    const a = await cli([cmd, fx('wil-rgb.tif'), '-o', 'out.tif'], dir);
    expect(a.status).toBe(2);
    expect(a.err).toMatch(/BAD_VALUE: .*3-band 8-bit RGB image .*not elevations/);
    const b = await cli([cmd, fx('wil-rgb.tif'), '-o', 'out.tif', '--band', '1'], dir);
    expect(b.status).toBe(2);
    expect(b.err).toMatch(/BAD_VALUE: .*8-bit RGB image .*not elevations/);
  });

  it('--band must be a band number (BAD_ARGUMENT)', async () => {
    const r = await cli(['slope', fx('wil-m.tif'), '-o', 'o.tif', '--band', 'x'], tmp());
    expect(r.status).toBe(2);
    expect(r.err).toContain('--band must be a band number');
  });
});

describe('URLs given as paths', () => {
  it('readRaster refuses a URL with UNSUPPORTED_URL', async () => {
    await expect(readRaster('https://example.com/dem.tif')).rejects.toMatchObject({ code: 'UNSUPPORTED_URL' });
  });
  it('rusle refuses a URL argument before reading anything (exit 2)', async () => {
    const r = await cli(['slope', 'https://example.com/dem.tif', '-o', 'o.tif'], tmp());
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/UNSUPPORTED_URL: https:\/\/example\.com\/dem\.tif: URLs are not supported; download the file first/);
  });
});

describe('--band on the other raster commands', () => {
  it.each([
    ['soil-loss', (f: string) => ['--r', '5000', '--k', '0.03', '--ls', f, '--c', '0.1', '--p', '1', '-o', 'a.tif']],
    ['grade', (f: string) => [f, '--units', 't/ha/yr', '--region', 'red-soil', '-o', 'c.tif']],
    ['rate', (f: string) => [f, '--units', 't/ha/yr', '--region', 'red-soil', '-o', 'r.csv']],
  ] as const)('rusle %s refuses a 2-band input (MULTI_BAND, exit 2) and reads it with --band 2', async (cmd, args) => {
    const dir = tmp();
    const bad = await cli([cmd, ...args(fx('wil-2band.tif'))], dir);
    expect(bad.status).toBe(2);
    expect(bad.err).toContain('MULTI_BAND');
    const ok = await cli([cmd, ...args(fx('wil-2band.tif')), '--band', '2'], dir);
    expect(ok.err).not.toMatch(/[A-Z_]{6,}: /);
    expect(ok.status).toBe(0);
  });
});
