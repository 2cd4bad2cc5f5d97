import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { arrayTypeOf, createRasterWriter, geographicCrs, Grid, KRASSOWSKY1940, openRaster, projectedCrs, Raster, readRaster, RusleError, type SampleType, type TypedArray, writeRaster } from '../../src/index.js';
import { firstDifference, tempDir } from './helpers.js';
import { needsBigTiff } from '../../src/io/write.js';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

const TYPES: SampleType[] = ['Byte', 'Int8', 'UInt16', 'Int16', 'UInt32', 'Int32', 'Float32', 'Float64'];

/** Deterministic pseudo-random values covering the type's range, with NaN (floats) and special values. */
function sampleData(type: SampleType, n: number, seed = 1): TypedArray {
  const T = arrayTypeOf(type);
  const a = new T(n) as TypedArray;
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
  const float = type === 'Float32' || type === 'Float64';
  for (let i = 0; i < n; i++) {
    if (float) {
      const r = rnd();
      a[i] = r < 0.05 ? NaN : r < 0.06 ? -0 : r < 0.07 ? Infinity : r < 0.08 ? -1e-38 : (rnd() - 0.5) * 10 ** Math.floor(rnd() * 12 - 4);
    } else {
      // a smooth field plus noise, so the predictor has something to do, wrapping around the type's range
      a[i] = Math.floor((i % 97) * 1000.37 + rnd() * 4294967296);
    }
  }
  return a;
}

const utm = projectedCrs({ epsg: 32650 });

describe('writeRaster → readRaster round trip', () => {
  for (const type of TYPES) {
    it(`is bit-identical for ${type} (odd size 301 × 157, tiles of 64, Deflate + predictor)`, async () => {
      const grid = new Grid(301, 157, [500000, 30, 0, 3000000, 0, -30], utm);
      const float = type === 'Float32' || type === 'Float64';
      const r = new Raster(grid, sampleData(type, grid.cellCount), float ? NaN : 7);
      const path = join(dir, `rt-${type}.tif`);
      await writeRaster(path, r, { tileSize: 64 });
      const back = await readRaster(path);
      expect(back.sampleType).toBe(type);
      expect(back.width).toBe(301);
      expect(back.height).toBe(157);
      expect(back.grid.transform).toEqual(grid.transform);
      expect(back.grid.crs.epsg).toBe(32650);
      expect(back.grid.crs.linearUnitMeters).toBe(1);
      if (float) expect(back.nodata).toBeNaN();
      else expect(back.nodata).toBe(7);
      expect(firstDifference(back.data, r.data)).toBe(-1);
    });
  }

  const variants: Array<[string, Parameters<typeof writeRaster>[2]]> = [
    ['no compression', { compression: 'none', tileSize: 48 }],
    ['Deflate without predictor', { predictor: false, tileSize: 32 }],
    ['Deflate level 1', { level: 1 }],
    ['BigTIFF', { bigTiff: true, tileSize: 16 }],
  ];
  for (const [name, options] of variants) {
    for (const type of ['Int16', 'Float64', 'Float32'] as SampleType[]) {
      it(`is bit-identical with ${name} (${type})`, async () => {
        const grid = new Grid(77, 53, [10, 0.5, 0, 20, 0, -0.5], utm);
        const r = new Raster(grid, sampleData(type, grid.cellCount, 9), type === 'Int16' ? -32768 : NaN);
        const path = join(dir, `rt-${name.replace(/\s/g, '')}-${type}.tif`);
        await writeRaster(path, r, options);
        const back = await readRaster(path);
        expect(firstDifference(back.data, r.data)).toBe(-1);
        expect(back.nodata === r.nodata || (Number.isNaN(back.nodata) && Number.isNaN(r.nodata))).toBe(true);
      });
    }
  }

  it('substitutes options.nodata for NaN in float rasters and reads it back as NaN', async () => {
    const grid = new Grid(20, 10, [0, 1, 0, 10, 0, -1], utm);
    const data = new Float32Array(200).map((_, i) => (i % 7 === 0 ? NaN : i));
    const path = join(dir, 'nodata-9999.tif');
    await writeRaster(path, new Raster(grid, data), { nodata: -9999 });
    const src = await openRaster(path);
    expect(src.declaredNodata).toBe(-9999);
    const back = await src.read(src.grid.fullWindow());
    await src.close();
    for (let i = 0; i < 200; i++) {
      if (i % 7 === 0) expect(back.data[i]).toBeNaN();
      else expect(back.data[i]).toBe(i);
    }
  });

  it('keeps a CRS without EPSG code (Youwuzhen, Beijing 1954 GK zone 39) through write and read', async () => {
    const dem = await readRaster('data/youwuzhen/ywzdem30m.tif');
    const path = join(dir, 'ywz.tif');
    await writeRaster(path, dem);
    const back = await readRaster(path);
    expect(back.grid.crs.epsg).toBeUndefined();
    expect(back.grid.crs.geographic).toBe(false);
    expect(back.grid.crs.linearUnitMeters).toBe(1);
    expect(back.grid.crs.ellipsoid).toEqual(KRASSOWSKY1940);
    expect(back.grid.crs.geoKeys).toEqual(dem.grid.crs.geoKeys);
    expect(back.grid.equals(dem.grid)).toBe(true);
    expect(firstDifference(back.data, dem.data)).toBe(-1);
  });

  it('writes a rotated grid with ModelTransformation and reads the same transform', async () => {
    const grid = new Grid(30, 20, [1000, 10, 2, 5000, 1.5, -10], utm);
    const path = join(dir, 'rotated.tif');
    await writeRaster(path, new Raster(grid, sampleData('Float32', 600)));
    const back = await readRaster(path);
    expect(back.grid.transform).toEqual(grid.transform);
  });

  it('writes a geographic grid that reads back geographic with its EPSG code', async () => {
    const grid = new Grid(40, 30, [116, 1 / 120, 0, 31, 0, -1 / 120], geographicCrs());
    const path = join(dir, 'geo.tif');
    await writeRaster(path, new Raster(grid, sampleData('Int16', 1200), -1));
    const back = await readRaster(path);
    expect(back.grid.crs.geographic).toBe(true);
    expect(back.grid.crs.epsg).toBe(4326);
    expect(back.grid.cellSizeMeters(0).dx).toBeCloseTo(grid.cellSizeMeters(0).dx, 9);
  });

  it('streams rows through createRasterWriter in uneven chunks and gives the same file as writeRaster', async () => {
    const grid = new Grid(130, 301, [0, 1, 0, 0, 0, -1], utm);
    const data = sampleData('Float32', grid.cellCount, 3) as Float32Array;
    const p1 = join(dir, 'stream.tif');
    const w = await createRasterWriter(p1, grid, { type: 'Float32', tileSize: 64 });
    let y = 0;
    for (const rows of [1, 63, 65, 100, 72]) {
      await w.writeRows(y, data.subarray(y * 130, (y + rows) * 130));
      y += rows;
    }
    expect(existsSync(p1)).toBe(false); // only the temporary file exists until close()
    await w.close();
    const p2 = join(dir, 'whole.tif');
    await writeRaster(p2, new Raster(grid, data), { tileSize: 64 });
    const a = (await import('node:fs')).readFileSync(p1);
    const b = (await import('node:fs')).readFileSync(p2);
    expect(Buffer.compare(a, b)).toBe(0);
  });

  it('refuses rows out of order, a wrong type and an early close, leaving no file behind', async () => {
    const grid = new Grid(10, 10, [0, 1, 0, 0, 0, -1], utm);
    const path = join(dir, 'refused.tif');
    const w = await createRasterWriter(path, grid, { type: 'Int16' });
    await expect(w.writeRows(3, new Int16Array(10))).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(w.writeRows(0, new Float32Array(10))).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(w.writeRows(0, new Int16Array(15))).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await w.writeRows(0, new Int16Array(20));
    await expect(w.close()).rejects.toBeInstanceOf(RusleError);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('refused'))).toEqual([]);
  });

  it('abort() removes the temporary file and leaves an existing file at the path untouched', async () => {
    const grid = new Grid(10, 10, [0, 1, 0, 0, 0, -1], utm);
    const path = join(dir, 'kept.tif');
    await writeRaster(path, new Raster(grid, new Float32Array(100).fill(1)));
    const before = statSync(path).size;
    const w = await createRasterWriter(path, grid, { type: 'Float32' });
    await w.writeRows(0, new Float32Array(50));
    await w.abort();
    expect(statSync(path).size).toBe(before);
    expect(readdirSync(dir).filter((f) => f.startsWith('.kept.tif'))).toEqual([]);
  });

  it('rejects bad writer options with BAD_ARGUMENT', async () => {
    const grid = new Grid(10, 10, [0, 1, 0, 0, 0, -1], utm);
    await expect(createRasterWriter(join(dir, 'x.tif'), grid, { type: 'Float32', tileSize: 100 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(createRasterWriter(join(dir, 'x.tif'), grid, { type: 'Float32', level: 12 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(createRasterWriter(join(dir, 'x.tif'), grid, { type: 'Complex' as SampleType })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(createRasterWriter(join(dir, 'no-such-dir', 'x.tif'), grid, { type: 'Float32' })).rejects.toMatchObject({ code: 'IO_ERROR' });
    await expect(createRasterWriter(join(dir, 'x.tif'), grid, { type: 'Byte', nodata: -1 })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
    await expect(createRasterWriter(join(dir, 'x.tif'), grid, { type: 'Int16', nodata: NaN })).rejects.toMatchObject({ code: 'BAD_ARGUMENT' });
  });
});

describe('openRaster blocks', () => {
  it('row bands and haloed tiles reassemble the whole raster', async () => {
    const dem = await readRaster('data/willamette/dem_30m.tif');
    const src = await openRaster('data/willamette/dem_30m.tif');
    const bands = new Int16Array(dem.data.length);
    for await (const { window, raster } of src.blocks({ rowsPerBlock: 100 })) {
      expect(window.width).toBe(dem.width);
      bands.set(raster.data as Int16Array, window.y * dem.width);
    }
    expect(firstDifference(bands, dem.data)).toBe(-1);
    const tiled = new Int16Array(dem.data.length);
    for await (const { raster, tile } of src.blocks({ tileWidth: 300, tileHeight: 200, halo: 2 })) {
      const c = tile!.core;
      for (let r = 0; r < c.height; r++) {
        for (let k = 0; k < c.width; k++) {
          tiled[(c.y + r) * dem.width + c.x + k] = raster.data[(r + tile!.offsetY) * raster.width + k + tile!.offsetX]!;
        }
      }
    }
    expect(firstDifference(tiled, dem.data)).toBe(-1);
    await src.close();
  });

  it('a window read equals the same cells of the whole read, with the window grid', async () => {
    const dem = await readRaster('data/bigtujunga/srtm_bigtujunga30m_utm11.tif');
    const win = { x: 101, y: 57, width: 333, height: 222 };
    const part = await readRaster('data/bigtujunga/srtm_bigtujunga30m_utm11.tif', { window: win });
    expect(part.grid.equals(dem.grid.window(win))).toBe(true);
    for (let r = 0; r < win.height; r += 17) {
      for (let c = 0; c < win.width; c += 13) expect(part.get(c, r)).toBe(dem.get(win.x + c, win.y + r));
    }
  });
});

describe('wide and odd grids', () => {
  it('a grid wider than 65,535 cells round-trips (ImageWidth is a LONG, no wrap)', async () => {
    const grid = new Grid(70001, 3, [0, 1, 0, 3, 0, -1], utm);
    const data = new Uint8Array(grid.cellCount).map((_, i) => (i * 31) & 255);
    const path = join(dir, 'wide.tif');
    await writeRaster(path, new Raster(grid, data, null), { tileSize: 1024 });
    const back = await readRaster(path);
    expect(back.width).toBe(70001);
    expect(firstDifference(back.data, data)).toBe(-1);
  });
});

describe('openRaster windows sharing blocks', () => {
  it('many small overlapping windows through the block cache equal the whole read (tiled Deflate + predictor 3)', async () => {
    const grid = new Grid(700, 530, [0, 1, 0, 0, 0, -1], utm);
    const data = sampleData('Float32', grid.cellCount, 5) as Float32Array;
    const path = join(dir, 'cache.tif');
    await writeRaster(path, new Raster(grid, data), { tileSize: 128 });
    const src = await openRaster(path, { cacheBytes: 1 << 20, concurrency: 3 });
    let s = 7;
    for (let k = 0; k < 60; k++) {
      s = (s * 48271) % 2147483647;
      const x = s % 650;
      const y = (s >>> 8) % 480;
      const win = { x, y, width: 1 + (s % 50), height: 1 + ((s >>> 4) % 50) };
      const part = await src.read(win);
      for (let r = 0; r < win.height; r++) {
        const a = part.data.subarray(r * win.width, (r + 1) * win.width);
        const b = data.subarray((y + r) * 700 + x, (y + r) * 700 + x + win.width);
        expect(firstDifference(a, b)).toBe(-1);
      }
    }
    // stopping a blocks() loop early leaves no dangling work behind
    for await (const b of src.blocks({ rowsPerBlock: 100 })) {
      expect(b.window.y).toBe(0);
      break;
    }
    await src.close();
  });
});

describe('BigTIFF choice', () => {
  it("'auto' keeps a 185 Mcell float32 province (13,600², 30 m) classic and makes 1.7 Gcells (10 m) BigTIFF", () => {
    expect(needsBigTiff(13600, 13600, 'Float32', 512)).toBe(false);
    expect(needsBigTiff(41000, 41000, 'Float32', 512)).toBe(true);
    expect(needsBigTiff(23200, 23200, 'Float64', 512)).toBe(true);
    expect(needsBigTiff(23200, 23200, 'Byte', 512)).toBe(false);
  });

  it('a BigTIFF file starts with the BigTIFF header (43, offset size 8) and a classic one with 42', async () => {
    const grid = new Grid(20, 20, [0, 1, 0, 0, 0, -1], utm);
    const r = new Raster(grid, new Float32Array(400));
    const { readFileSync } = await import('node:fs');
    for (const [big, magic] of [[true, 43], [false, 42]] as const) {
      const path = join(dir, `magic-${magic}.tif`);
      await writeRaster(path, r, { bigTiff: big });
      const b = readFileSync(path);
      expect(b.toString('latin1', 0, 2)).toBe('II');
      expect(b.readUInt16LE(2)).toBe(magic);
      if (big) expect(b.readUInt16LE(4)).toBe(8);
    }
  });
});
