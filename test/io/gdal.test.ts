// GDAL reads what we write, and we read what GDAL writes. Runs only where gdal-bin is installed (CI installs it).
import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import {
  arrayTypeOf, Grid, openRaster, projectedCrs, Raster, readRaster, type SampleType, type TypedArray, writeRaster,
} from '../../src/index.js';
import { firstDifference, gdalInfo, gdalValues, has, run, tempDir } from './helpers.js';

const HAS_GDAL = has('gdalinfo') && has('gdal_translate');
const { dir, cleanup } = tempDir('rusle-io-gdal-');
afterAll(cleanup);

/**
 * Number of cells where our reading differs from GDAL's raw values: integers must be equal; floats equal, or
 * NaN in ours where GDAL has NaN or the declared nodata.
 */
async function mismatches(file: string, gdal: TypedArray, band = 1): Promise<number> {
  const src = await openRaster(file, { band });
  const r = await src.read(src.grid.fullWindow());
  await src.close();
  const d = r.data;
  if (d.length !== gdal.length) return Math.max(d.length, gdal.length);
  let bad = 0;
  if (d instanceof Float32Array || d instanceof Float64Array) {
    const nd = src.declaredNodata === null ? NaN : d instanceof Float32Array ? Math.fround(src.declaredNodata) : src.declaredNodata;
    for (let i = 0; i < d.length; i++) {
      const a = d[i]!;
      const b = gdal[i]!;
      if (!(a === b || (a !== a && (b !== b || b === nd)))) bad++;
    }
  } else {
    for (let i = 0; i < d.length; i++) if (d[i] !== gdal[i]) bad++;
  }
  return bad;
}

describe.skipIf(!HAS_GDAL)('GDAL reads what writeRaster writes', () => {
  const cases: Array<{ name: string; type: SampleType; crs: 'epsg' | 'ywz'; nodata?: number | null }> = [
    { name: 'Byte', type: 'Byte', crs: 'epsg', nodata: 255 },
    { name: 'UInt16', type: 'UInt16', crs: 'epsg', nodata: 0 },
    { name: 'Int16', type: 'Int16', crs: 'epsg', nodata: -32768 },
    { name: 'UInt32', type: 'UInt32', crs: 'epsg', nodata: null },
    { name: 'Int32', type: 'Int32', crs: 'epsg', nodata: -1 },
    { name: 'Float32', type: 'Float32', crs: 'ywz' },
    { name: 'Float64', type: 'Float64', crs: 'epsg' },
  ];
  for (const c of cases) {
    it(`${c.name}: same size, geotransform, CRS, nodata, type and values`, async () => {
      const ywz = await readRaster('data/youwuzhen/ywzdem30m.tif');
      const grid = c.crs === 'ywz' ? ywz.grid : new Grid(613, 389, [447466.69, 30, 0, 4952570.4, 0, -30], projectedCrs({ epsg: 26910 }));
      const T = arrayTypeOf(c.type);
      const data = new T(grid.cellCount) as TypedArray;
      const float = c.type === 'Float32' || c.type === 'Float64';
      for (let i = 0; i < data.length; i++) data[i] = float ? (i % 11 === 0 ? NaN : Math.sin(i) * 1000) : (i * 7919) % 250;
      const r = new Raster(grid, data, float ? NaN : c.nodata ?? null);
      const path = join(dir, `ours-${c.name}.tif`);
      await writeRaster(path, r, { tileSize: 256 });
      const info = gdalInfo(path);
      expect(info.size).toEqual([grid.width, grid.height]);
      for (let k = 0; k < 6; k++) expect(info.geoTransform[k]).toBeCloseTo(grid.transform[k]!, 9);
      expect(info.bands[0]!.type).toBe(c.type);
      expect(info.bands[0]!.block).toEqual([256, 256]);
      if (float) expect(info.bands[0]!.noDataValue).toBe('NaN');
      else if (c.nodata === null) expect(info.bands[0]!.noDataValue).toBeUndefined();
      else expect(info.bands[0]!.noDataValue).toBe(c.nodata);
      const wkt = info.coordinateSystem!.wkt;
      if (c.crs === 'epsg') {
        expect(wkt).toMatch(/ID\["EPSG",26910\]\]$/);
      } else {
        expect(wkt).toContain('Beijing 1954');
        expect(wkt).toContain('ELLIPSOID["Krassowsky 1940",6378245,298.3');
        expect(wkt).toMatch(/"False easting",39500000/);
        expect(wkt).toMatch(/"Longitude of natural origin",117/);
      }
      const g = gdalValues(path, dir);
      expect(firstDifference(g.data, data)).toBe(-1);
    });
  }

  it('a float raster written with nodata -9999 is declared -9999 to GDAL with NaN cells as -9999', async () => {
    const grid = new Grid(50, 40, [0, 10, 0, 400, 0, -10], projectedCrs({ epsg: 32650 }));
    const data = new Float32Array(2000).map((_, i) => (i % 5 === 0 ? NaN : i / 3));
    const path = join(dir, 'ours-nd.tif');
    await writeRaster(path, new Raster(grid, data), { nodata: -9999 });
    expect(gdalInfo(path).bands[0]!.noDataValue).toBe(-9999);
    const g = gdalValues(path, dir).data;
    for (let i = 0; i < 2000; i += 1) expect(g[i]).toBe(i % 5 === 0 ? -9999 : Math.fround(i / 3));
  });

  it('GDAL reads our rotated grid (ModelTransformation) and our geographic grid with the same transform and CRS', async () => {
    const rotated = new Grid(30, 20, [1000, 10, 2, 5000, 1.5, -10], projectedCrs({ epsg: 32650 }));
    const p1 = join(dir, 'ours-rotated.tif');
    await writeRaster(p1, new Raster(rotated, new Float32Array(600).map((_, i) => i)));
    const i1 = gdalInfo(p1);
    for (let k = 0; k < 6; k++) expect(i1.geoTransform[k]).toBeCloseTo(rotated.transform[k]!, 9);
    expect(i1.coordinateSystem!.wkt).toMatch(/ID\["EPSG",32650\]\]$/);
    const geo = (await readRaster('data/pysheds/dem.tif')).grid;
    const p2 = join(dir, 'ours-geographic.tif');
    await writeRaster(p2, new Raster(geo, new Int16Array(geo.cellCount).fill(3), -32768));
    const i2 = gdalInfo(p2);
    for (let k = 0; k < 6; k++) expect(i2.geoTransform[k]).toBeCloseTo(geo.transform[k]!, 12);
    expect(i2.coordinateSystem!.wkt).toMatch(/^GEOGCRS\["WGS 84"/);
    expect(i2.coordinateSystem!.wkt).toMatch(/ID\["EPSG",4326\]\]$/);
  });

  it('GDAL reads our BigTIFF and our uncompressed files', async () => {
    const dem = await readRaster('data/willamette/dem_30m.tif');
    for (const [name, opt] of [['big', { bigTiff: true }], ['raw', { compression: 'none' as const }]] as const) {
      const path = join(dir, `ours-${name}.tif`);
      await writeRaster(path, dem, opt);
      const g = gdalValues(path, dir);
      expect(firstDifference(g.data, dem.data)).toBe(-1);
      if (name === 'big') expect(run('gdalinfo', [path])).toMatch(/Size is 1081, 1669/);
    }
  });
});

describe.skipIf(!HAS_GDAL)('readRaster reads what GDAL writes', () => {
  const sources = {
    f32: 'data/youwuzhen/ywzdem30m.tif',
    i16: 'data/willamette/dem_30m.tif',
    u8: 'data/willamette/landuse_90.tif',
    geo: 'data/pysheds/dem.tif',
  };
  const hasLerc = HAS_GDAL && /LERC/.test(run('gdalinfo', ['--format', 'GTiff']));
  const layouts: Array<[string, string[]]> = [
    ['NONE strips', ['-co', 'COMPRESS=NONE']],
    ['NONE one row per strip', ['-co', 'COMPRESS=NONE', '-co', 'BLOCKYSIZE=1']],
    ['DEFLATE tiled', ['-co', 'COMPRESS=DEFLATE', '-co', 'TILED=YES', '-co', 'BLOCKXSIZE=128', '-co', 'BLOCKYSIZE=64']],
    ['DEFLATE PREDICTOR=2 strips', ['-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2']],
    ['LZW PREDICTOR=2 tiled', ['-co', 'COMPRESS=LZW', '-co', 'PREDICTOR=2', '-co', 'TILED=YES']],
    ['ZSTD tiled', ['-co', 'COMPRESS=ZSTD', '-co', 'TILED=YES']],
    ['PACKBITS', ['-co', 'COMPRESS=PACKBITS']],
    ['BIGTIFF DEFLATE tiled', ['-co', 'BIGTIFF=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'TILED=YES']],
    ['big-endian DEFLATE PREDICTOR=2', ['-co', 'ENDIANNESS=BIG', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2']],
    ['big-endian NONE tiled', ['-co', 'ENDIANNESS=BIG', '-co', 'TILED=YES']],
    ['COG', ['-of', 'COG', '-co', 'COMPRESS=DEFLATE', '-co', 'BLOCKSIZE=128']],
    ...(hasLerc ? ([['LERC lossless tiled', ['-co', 'COMPRESS=LERC', '-co', 'MAX_Z_ERROR=0', '-co', 'TILED=YES']]] as Array<[string, string[]]>) : []),
  ];
  // Not listed: big-endian files with PREDICTOR=3. GDAL 3.6 cannot read back its own such files (its reader and
  // ours, both following libtiff's fpAcc, give garbage; geotiff.js gives the source values), so GDAL is no
  // reference there.
  const floatOnly: Array<[string, string[]]> = [
    ['DEFLATE PREDICTOR=3 tiled', ['-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=3', '-co', 'TILED=YES']],
    ['LZW PREDICTOR=3 strips', ['-co', 'COMPRESS=LZW', '-co', 'PREDICTOR=3']],
    ['Float64 DEFLATE PREDICTOR=3', ['-ot', 'Float64', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=3']],
  ];
  const typeVariants: Array<[string, string[]]> = [
    ['UInt16', ['-ot', 'UInt16', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2']],
    ['Int32', ['-ot', 'Int32', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2', '-co', 'TILED=YES']],
    ['UInt32', ['-ot', 'UInt32', '-co', 'COMPRESS=LZW']],
    ['Float64 raw', ['-ot', 'Float64']],
    ['Float64 PREDICTOR=2 (64-bit horizontal differencing)', ['-ot', 'Float64', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2']],
    ['UInt16 big-endian LZW PREDICTOR=2', ['-ot', 'UInt16', '-co', 'ENDIANNESS=BIG', '-co', 'COMPRESS=LZW', '-co', 'PREDICTOR=2']],
  ];

  const check = async (src: string, name: string, args: string[], band = 1): Promise<void> => {
    const path = join(dir, `gdal-${name.replace(/[^A-Za-z0-9]/g, '_')}-${src.split('/').pop()}`);
    run('gdal_translate', ['-q', ...args, src, path]);
    const info = gdalInfo(path);
    const ours = await readRaster(path, { band });
    expect([ours.width, ours.height]).toEqual(info.size);
    for (let k = 0; k < 6; k++) expect(ours.grid.transform[k]).toBeCloseTo(info.geoTransform[k]!, 9);
    const g = gdalValues(path, dir, band);
    expect(ours.sampleType).toBe(g.type);
    expect(await mismatches(path, g.data, band)).toBe(0);
  };

  for (const [name, args] of layouts) {
    for (const key of ['f32', 'i16', 'u8'] as const) {
      it(`${name} (${key}) reads identically to GDAL`, async () => check(sources[key], name, args));
    }
  }
  for (const [name, args] of floatOnly) {
    it(`${name} reads identically to GDAL`, async () => check(sources.f32, name, args));
  }
  for (const [name, args] of typeVariants) {
    it(`${name} reads identically to GDAL`, async () => check(sources.i16, name, args));
  }

  it('band 2 of a pixel-interleaved and of a band-interleaved 3-band file reads as GDAL reads it', async () => {
    for (const inter of ['PIXEL', 'BAND']) {
      const three = join(dir, `three-${inter}.vrt`);
      run('gdalbuildvrt', ['-q', '-separate', three, sources.i16, sources.i16, sources.i16]);
      const path = join(dir, `three-${inter}.tif`);
      run('gdal_translate', ['-q', '-co', `INTERLEAVE=${inter}`, '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2', '-scale_2', '0', '1000', '0', '500', three, path]);
      const ours = await readRaster(path, { band: 2 });
      expect(firstDifference(ours.data, gdalValues(path, dir, 2).data)).toBe(-1);
      const src = await openRaster(path);
      expect(src.bandCount).toBe(3);
      await src.close();
    }
  });

  it('a signed-byte file (PIXELTYPE=SIGNEDBYTE) reads as Int8 with the bytes GDAL reads', async () => {
    const path = join(dir, 'signed.tif');
    run('gdal_translate', ['-q', '-co', 'PIXELTYPE=SIGNEDBYTE', '-ot', 'Byte', sources.u8, path]);
    const ours = await readRaster(path);
    expect(ours.sampleType).toBe('Int8');
    expect(firstDifference(ours.data, gdalValues(path, dir).data)).toBe(-1);
  });

  it('a sparse tiled file (SPARSE_OK, no tile written) reads as all nodata (NaN)', async () => {
    const path = join(dir, 'sparse.tif');
    run('gdal_create', ['-of', 'GTiff', '-outsize', '700', '500', '-bands', '1', '-ot', 'Float32', '-a_nodata', '-9999',
      '-co', 'SPARSE_OK=TRUE', '-co', 'TILED=YES', '-a_srs', 'EPSG:32650', '-a_ullr', '500000', '3000000', '521000', '2985000', path]);
    const ours = await readRaster(path);
    expect(ours.validCount()).toBe(0);
    expect(ours.grid.transform).toEqual([500000, 30, 0, 3000000, 0, -30]);
  });

  it('a JPEG-compressed Byte file reads within 1 grey level of GDAL (lossy codec, different IDCT)', async () => {
    const path = join(dir, 'jpeg.tif');
    run('gdal_translate', ['-q', '-co', 'COMPRESS=JPEG', '-co', 'TILED=YES', sources.u8, path]);
    const ours = await readRaster(path);
    const g = gdalValues(path, dir).data;
    let worst = 0;
    for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i]! - ours.data[i]!));
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('a PixelIsPoint file gets the same half-cell-shifted transform as GDAL reports', async () => {
    const path = join(dir, 'point.tif');
    run('gdal_translate', ['-q', '-mo', 'AREA_OR_POINT=Point', sources.i16, path]);
    const info = gdalInfo(path);
    expect(info.metadata?.['']?.AREA_OR_POINT).toBe('Point');
    const ours = await readRaster(path);
    for (let k = 0; k < 6; k++) expect(ours.grid.transform[k]).toBeCloseTo(info.geoTransform[k]!, 9);
    // and our rewrite (PixelIsArea) keeps the transform
    const again = join(dir, 'point-rewritten.tif');
    await writeRaster(again, ours);
    const info2 = gdalInfo(again);
    for (let k = 0; k < 6; k++) expect(info2.geoTransform[k]).toBeCloseTo(info.geoTransform[k]!, 9);
    // and the rewrite is on the same grid as the PixelIsPoint original (same CRS, same transform)
    expect((await readRaster(again)).grid.equals(ours.grid)).toBe(true);
  });

  it('a geographic file (pysheds DEM) reads as geographic EPSG:4326 with true cell sizes in metres', async () => {
    const dem = await readRaster(sources.geo);
    expect(dem.grid.crs.geographic).toBe(true);
    expect(dem.grid.crs.epsg).toBe(4326);
    const info = gdalInfo(sources.geo);
    for (let k = 0; k < 6; k++) expect(dem.grid.transform[k]).toBeCloseTo(info.geoTransform[k]!, 12);
    // 3″ cells near 32.8° N: about 78 m east-west and 92 m north-south, never 0.00083 "metres"
    const { dx, dy } = dem.grid.cellSizeMeters(0);
    expect(dx).toBeGreaterThan(77);
    expect(dx).toBeLessThan(79);
    expect(dy).toBeGreaterThan(92);
    expect(dy).toBeLessThan(93);
    expect(firstDifference(dem.data, gdalValues(sources.geo, dir).data)).toBe(-1);
  });
});
