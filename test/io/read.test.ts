// Reading the bundled data: CRS facts, true cell sizes, and the same values as geotiff.js (an independent reader),
// without needing GDAL.
import { describe, expect, it } from 'vitest';
import { fromFile } from 'geotiff';
import { GRS80, KRASSOWSKY1940, openRaster, readRaster, WGS84 } from '../../src/index.js';
import { firstDifference } from './helpers.js';

const FILES = [
  'data/youwuzhen/ywzdem30m.tif',
  'data/youwuzhen/ywzlanduse30m_upd.tif',
  'data/youwuzhen/ywzsoil30m.tif',
  'data/willamette/dem_30m.tif',
  'data/willamette/landuse_90.tif',
  'data/pysheds/dem.tif',
  'data/bigtujunga/srtm_bigtujunga30m_utm11.tif',
  'test/io/fixtures/ywz-lzw-pred3.tif',
  'test/io/fixtures/ywz-zstd-tiled.tif',
  'test/io/fixtures/ywz-packbits-i16.tif',
  'test/io/fixtures/ywz-lerc-tiled.tif',
];

describe('readRaster on the bundled data', () => {
  it('the Youwuzhen DEM (Beijing 1954 GK zone 39, no EPSG code) is projected, in metres, on Krassowsky 1940', async () => {
    const dem = await readRaster('data/youwuzhen/ywzdem30m.tif');
    const crs = dem.grid.crs;
    expect(crs.geographic).toBe(false);
    expect(crs.epsg).toBeUndefined();
    expect(crs.linearUnitMeters).toBe(1);
    expect(crs.ellipsoid).toEqual(KRASSOWSKY1940);
    expect(crs.name).toMatch(/Beijing_1954_3_Degree_GK_Zone_39/);
    expect(crs.geoKeys?.[3082]).toBe(39500000); // false easting of zone 39
    expect(dem.grid.cellSizeMeters()).toEqual({ dx: 30, dy: 30, diagonal: Math.hypot(30, 30) });
    expect(dem.sampleType).toBe('Float32');
    expect(dem.nodata).toBeNaN();
    expect(dem.validCount()).toBe(dem.width * dem.height); // this DEM has no nodata cells
  });

  it('the pysheds DEM is geographic EPSG:4326 on WGS 84 with true cell sizes in metres per row', async () => {
    const dem = await readRaster('data/pysheds/dem.tif');
    expect(dem.grid.crs.geographic).toBe(true);
    expect(dem.grid.crs.epsg).toBe(4326);
    expect(dem.grid.crs.ellipsoid).toEqual(WGS84);
    const top = dem.grid.cellSizeMeters(0);
    const bottom = dem.grid.cellSizeMeters(dem.height - 1);
    expect(top.dx).toBeGreaterThan(77);
    expect(top.dx).toBeLessThan(79);
    expect(bottom.dx).toBeGreaterThan(top.dx); // further south, wider cells
    expect(dem.sampleType).toBe('Int16');
    expect(dem.nodata).toBe(-32768);
  });

  it('the Willamette DEM is EPSG:26910 (NAD83 / UTM 10N) on GRS 1980, in metres', async () => {
    const src = await openRaster('data/willamette/dem_30m.tif');
    expect(src.grid.crs.epsg).toBe(26910);
    expect(src.grid.crs.ellipsoid).toEqual(GRS80);
    expect(src.grid.crs.linearUnitMeters).toBe(1);
    expect(src.declaredNodata).toBe(-32768);
    await src.close();
  });

  for (const f of FILES) {
    it(`${f} gives the same values and georeference as geotiff.js`, async () => {
      const ours = await readRaster(f);
      const tiff = await fromFile(f);
      const image = await tiff.getImage();
      const [theirs] = (await image.readRasters()) as unknown as [ArrayLike<number> & { buffer: ArrayBuffer }];
      const nodata = image.getGDALNoData();
      const expected = (theirs as unknown as Float32Array | Float64Array | Int16Array).slice();
      if ((expected instanceof Float32Array || expected instanceof Float64Array) && nodata !== null) {
        const nd = expected instanceof Float32Array ? Math.fround(nodata) : nodata;
        for (let i = 0; i < expected.length; i++) if (expected[i] === nd) expected[i] = NaN;
      }
      expect(firstDifference(ours.data, expected)).toBe(-1);
      const [ox, oy] = image.getOrigin();
      const [rx, ry] = image.getResolution();
      expect(ours.grid.transform[0]).toBeCloseTo(ox!, 6);
      expect(ours.grid.transform[3]).toBeCloseTo(oy!, 6);
      expect(ours.grid.transform[1]).toBeCloseTo(rx!, 12);
      expect(ours.grid.transform[5]).toBeCloseTo(ry!, 12);
      await tiff.close?.();
    });
  }
});
