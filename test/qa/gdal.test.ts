/**
 * QA with GDAL: GDAL reads what `rusle run` writes (same grid and CRS as the DEM, nodata declared, same values), and
 * slope and LS of the geographic test DEM (EPSG:4326) use true metres: they agree with those of a UTM reprojection
 * made by gdalwarp, and are nowhere near what degrees-as-metres would give.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { lsFactor, readRaster, slope } from '../../src/index.js';
import { DATA, has, rusle, tempDir } from './helpers.js';

const gdal = has('gdalinfo') && has('gdalwarp') && has('gdallocationinfo') && has('gdalsrsinfo');
const dir = tempDir('gdal');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tool(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

interface GdalInfo { size: [number, number]; geoTransform: number[]; bands: { type: string; noDataValue?: number | string }[] }

describe.skipIf(!gdal)('QA: GDAL reads the outputs of rusle run (Youwuzhen example)', () => {
  const out = join(dir, 'yw');
  beforeAll(async () => {
    const r = await rusle(['run', resolve('examples/pipelines/youwuzhen.json'), '-o', out, '-q']);
    if (r.status !== 0) throw new Error(r.stderr);
  });

  it.each([['A.tif', 'Float32'], ['LS.tif', 'Float32'], ['K.tif', 'Float32'], ['intensity.tif', 'Byte']])(
    '%s: gdalinfo reports the DEM\'s size, geotransform and CRS, type %s and a declared nodata', (file, type) => {
      const demInfo = JSON.parse(tool('gdalinfo', ['-json', DATA.youwuzhenDem])) as GdalInfo;
      const info = JSON.parse(tool('gdalinfo', ['-json', join(out, file)])) as GdalInfo;
      expect(info.size).toEqual(demInfo.size);
      expect(info.geoTransform).toEqual(demInfo.geoTransform);
      expect(tool('gdalsrsinfo', ['-o', 'proj4', join(out, file)]).trim()).toBe(tool('gdalsrsinfo', ['-o', 'proj4', DATA.youwuzhenDem]).trim());
      expect(info.bands[0]!.type).toBe(type);
      expect(info.bands[0]!.noDataValue).toBeDefined();
    });

  it('gdallocationinfo reads the same A as the library, and nodata where the DEM is nodata', async () => {
    const a = await readRaster(join(out, 'A.tif'));
    const W = a.grid.width;
    let checked = 0;
    for (const [x, y] of [[60, 50], [30, 40], [100, 20], [0, 0], [126, 97]] as const) {
      const v = a.data[y * W + x] as number;
      const g = tool('gdallocationinfo', ['-valonly', join(out, 'A.tif'), String(x), String(y)]).trim();
      if (Number.isNaN(v)) expect(g.toLowerCase()).toBe('nan');
      else {
        expect(Number(g)).toBeCloseTo(v, 4);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe.skipIf(!gdal)('QA: a geographic DEM (EPSG:4326, 3″) is handled in true metres', () => {
  const utm = join(dir, 'utm.tif');
  beforeAll(() => {
    tool('gdalwarp', ['-q', '-overwrite', '-t_srs', 'EPSG:32614', '-r', 'bilinear', '-tr', '90', '90', DATA.pysheds, utm]);
  });
  const mean = (d: ArrayLike<number>): number => {
    let s = 0;
    let n = 0;
    for (let i = 0; i < d.length; i++) { const v = d[i]!; if (v === v) { s += v; n++; } }
    return s / n;
  };

  it('mean slope and mean LS agree within 10 % with those of a gdalwarp UTM 14N reprojection (degrees as metres would give ~89°)', async () => {
    const geo = await readRaster(DATA.pysheds);
    const proj = await readRaster(utm);
    expect(geo.grid.crs.geographic).toBe(true);
    const sGeo = mean(slope(geo, { units: 'degrees' }).data);
    const sUtm = mean(slope(proj, { units: 'degrees' }).data);
    expect(sGeo).toBeGreaterThan(0.3);
    expect(sGeo / sUtm).toBeGreaterThan(0.9);
    expect(sGeo / sUtm).toBeLessThan(1.1);
    const lGeo = mean(lsFactor(geo, { preset: 'csle' }).ls.data);
    const lUtm = mean(lsFactor(proj, { preset: 'csle' }).ls.data);
    expect(lGeo / lUtm).toBeGreaterThan(0.9);
    expect(lGeo / lUtm).toBeLessThan(1.1);
  });

  it('cell by cell, the geographic slope warped onto the UTM grid follows the UTM slope (correlation > 0.95)', async () => {
    const geoSlope = join(dir, 'geo-slope.tif');
    const r = await rusle(['slope', resolve(DATA.pysheds), '-o', geoSlope]);
    expect(r.status, r.stderr).toBe(0);
    const proj = await readRaster(utm);
    const t = proj.grid.transform;
    const W = proj.grid.width;
    const H = proj.grid.height;
    const onUtm = join(dir, 'geo-slope-utm.tif');
    tool('gdalwarp', ['-q', '-overwrite', '-t_srs', 'EPSG:32614', '-r', 'bilinear', '-te', String(t[0]), String(t[3] + t[5] * H), String(t[0] + t[1] * W), String(t[3]), '-ts', String(W), String(H), geoSlope, onUtm]);
    const a = (await readRaster(onUtm)).data;
    const b = slope(proj, { units: 'degrees' }).data;
    let n = 0, sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
    for (let i = 0; i < a.length; i++) {
      const x = a[i] as number;
      const y = b[i] as number;
      if (!(x === x && y === y)) continue;
      n++; sa += x; sb += y; saa += x * x; sbb += y * y; sab += x * y;
    }
    const corr = (sab - (sa * sb) / n) / Math.sqrt((saa - (sa * sa) / n) * (sbb - (sb * sb) / n));
    expect(n).toBeGreaterThan(100_000);
    expect(corr).toBeGreaterThan(0.95);
  });
  it('a projected CRS in US survey feet (EPSG:2276) gives the same mean slope and LS as UTM in metres (within 2 %)', async () => {
    const ft = join(dir, 'ft.tif');
    tool('gdalwarp', ['-q', '-overwrite', '-t_srs', 'EPSG:2276', '-r', 'bilinear', '-tr', '295.2756', '295.2756', DATA.pysheds, ft]);
    const f = await readRaster(ft);
    const u = await readRaster(utm);
    const slopeRatio = mean(slope(f, { units: 'degrees' }).data) / mean(slope(u, { units: 'degrees' }).data);
    const lsRatio = mean(lsFactor(f, { preset: 'csle' }).ls.data) / mean(lsFactor(u, { preset: 'csle' }).ls.data);
    for (const ratio of [slopeRatio, lsRatio]) {
      expect(ratio).toBeGreaterThan(0.98);
      expect(ratio).toBeLessThan(1.02);
    }
  });

  it('a DEM whose CRS was stripped (transform in degrees, no GeoKeys) is refused with BAD_UNITS by slope, ls and flow', async () => {
    const vrt = join(dir, 'nocrs.vrt');
    tool('gdal_translate', ['-q', '-of', 'VRT', resolve(DATA.pysheds), vrt]);
    writeFileSync(vrt, readFileSync(vrt, 'utf8').replace(/<SRS[^>]*>[\s\S]*?<\/SRS>/, ''));
    tool('gdal_translate', ['-q', vrt, join(dir, 'nocrs.tif')]);
    for (const cmd of ['slope', 'ls', 'flow']) {
      const r = await rusle([cmd, 'nocrs.tif', '-o', `nocrs-${cmd}.tif`], dir);
      expect(r.status, cmd).toBe(2);
      expect(r.stderr, cmd).toMatch(/BAD_UNITS/);
    }
  });
});
