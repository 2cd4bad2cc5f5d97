import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertAligned, Grid, openRaster, projectedCrs, Raster, readRaster, RusleError, writeRaster,
} from '../../src/index.js';
import { GEO_TAGS, handMadeTiff, tempDir, type TagSpec } from './helpers.js';

const { dir, cleanup } = tempDir('rusle-io-bad-');
afterAll(cleanup);

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return e instanceof RusleError ? e.code : `not a RusleError: ${String(e)}`;
  }
}

const base = (w: number, h: number, bits: number, format: number, extra: TagSpec[] = []): TagSpec[] => [
  { tag: 256, type: 4, values: [w] },
  { tag: 257, type: 4, values: [h] },
  { tag: 258, type: 3, values: [bits] },
  { tag: 259, type: 3, values: [1] },
  { tag: 262, type: 3, values: [1] },
  { tag: 277, type: 3, values: [1] },
  { tag: 278, type: 4, values: [h] },
  { tag: 339, type: 3, values: [format] },
  ...extra,
];

function put(name: string, bytes: Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

describe('bad input gives RusleError codes', () => {
  it('a missing file is IO_ERROR', async () => {
    expect(await codeOf(readRaster(join(dir, 'nope.tif')))).toBe('IO_ERROR');
  });

  it('a file that is not a TIFF is NOT_A_TIFF (text, PNG header, empty file)', async () => {
    expect(await codeOf(readRaster(put('text.tif', new TextEncoder().encode('ncols 10\nnrows 10\n'))))).toBe('NOT_A_TIFF');
    expect(await codeOf(readRaster(put('png.tif', new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 0, 0]))))).toBe('NOT_A_TIFF');
    expect(await codeOf(readRaster(put('empty.tif', new Uint8Array(0))))).toBe('NOT_A_TIFF');
  });

  it('a truncated file is TRUNCATED (cut in the data, and cut in the header)', async () => {
    const dem = readFileSync('data/willamette/dem_30m.tif');
    expect(await codeOf(readRaster(put('cut-data.tif', dem.subarray(0, Math.floor(dem.length * 0.6)))))).toBe('TRUNCATED');
    expect(await codeOf(readRaster(put('cut-head.tif', dem.subarray(0, 12))))).toBe('TRUNCATED');
  });

  it('a TIFF without georeference is NO_GEOREFERENCE, unless allowMissingGeoreference', async () => {
    const p = put('nogeo.tif', handMadeTiff(base(4, 3, 8, 1), new Uint8Array(12).map((_, i) => i)));
    expect(await codeOf(readRaster(p))).toBe('NO_GEOREFERENCE');
    const r = await readRaster(p, { allowMissingGeoreference: true });
    expect(r.grid.transform).toEqual([0, 1, 0, 0, 0, 1]);
    expect(Array.from(r.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // cell sizes in metres are refused, never guessed
    expect(() => r.grid.cellSizeMeters()).toThrow(expect.objectContaining({ code: 'BAD_UNITS' }));
  });

  it('a hand-made georeferenced 8-bit strip reads with its tiepoint grid and EPSG code', async () => {
    const p = put('geo.tif', handMadeTiff([...base(4, 3, 8, 1), ...GEO_TAGS], new Uint8Array(12).fill(5)));
    const r = await readRaster(p);
    expect(r.grid.transform).toEqual([500000, 1, 0, 3000000, 0, -1]);
    expect(r.grid.crs.epsg).toBe(32650);
  });

  it('1-bit, 12-bit, 16-bit float, complex and 64-bit integer samples are UNSUPPORTED_TIFF', async () => {
    const cases: Array<[string, number, number]> = [['1bit', 1, 1], ['12bit', 12, 1], ['f16', 16, 3], ['complex', 32, 6], ['i64', 64, 2]];
    for (const [name, bits, format] of cases) {
      const p = put(`${name}.tif`, handMadeTiff([...base(4, 3, bits, format), ...GEO_TAGS], new Uint8Array(Math.ceil((12 * bits) / 8))));
      expect(await codeOf(readRaster(p)), name).toBe('UNSUPPORTED_TIFF');
    }
  });

  it('an unknown compression is UNSUPPORTED_TIFF', async () => {
    const tags = base(4, 3, 8, 1).map((t) => (t.tag === 259 ? { ...t, values: [34676] } : t));
    const p = put('sgilog.tif', handMadeTiff([...tags, ...GEO_TAGS], new Uint8Array(12)));
    expect(await codeOf(readRaster(p))).toBe('UNSUPPORTED_TIFF');
  });

  it('a window outside the grid is WINDOW_OUT_OF_BOUNDS; a band out of range is BAD_ARGUMENT', async () => {
    const f = 'data/youwuzhen/ywzdem30m.tif';
    expect(await codeOf(readRaster(f, { window: { x: 100, y: 0, width: 28, height: 10 } }))).toBe('WINDOW_OUT_OF_BOUNDS');
    expect(await codeOf(readRaster(f, { window: { x: -1, y: 0, width: 5, height: 5 } }))).toBe('WINDOW_OUT_OF_BOUNDS');
    expect(await codeOf(readRaster(f, { window: { x: 0, y: 0, width: 0, height: 5 } }))).toBe('WINDOW_OUT_OF_BOUNDS');
    expect(await codeOf(readRaster(f, { band: 2 }))).toBe('BAD_ARGUMENT');
  });

  it('rasters read from files on different grids are GRID_MISMATCH', async () => {
    const dem = await readRaster('data/willamette/dem_30m.tif');
    const lulc = await readRaster('data/willamette/landuse_90.tif');
    expect(() => assertAligned(dem, lulc, ['dem', 'landuse'])).toThrow(expect.objectContaining({ code: 'GRID_MISMATCH' }));
    const soil = await readRaster('data/youwuzhen/ywzsoil30m.tif');
    const ywz = await readRaster('data/youwuzhen/ywzdem30m.tif');
    expect(() => assertAligned(ywz, soil, ['dem', 'soil'])).toThrow(expect.objectContaining({ code: 'GRID_MISMATCH' }));
  });

  it('reading after close() is IO_ERROR', async () => {
    const src = await openRaster('data/youwuzhen/ywzdem30m.tif');
    await src.close();
    expect(await codeOf(src.read({ x: 0, y: 0, width: 2, height: 2 }))).toBe('IO_ERROR');
  });
});

describe('corrupted bytes (fast-check, seeded)', () => {
  /** Runs `p` with a deadline; a hang becomes a failure instead of a stuck test. */
  function withDeadline<T>(p: Promise<T>, ms: number): Promise<T | 'HANG'> {
    let timer: NodeJS.Timeout;
    return Promise.race([p, new Promise<'HANG'>((res) => { timer = setTimeout(() => res('HANG'), ms); })]).finally(() => clearTimeout(timer));
  }

  const seeds = { tiled: 20261128, strips: 424242 };
  for (const layout of ['tiled', 'strips'] as const) {
    it(`every corruption of a small ${layout} file gives a raster or a RusleError, never another exception or a hang (seed ${seeds[layout]})`, async () => {
      const grid = new Grid(37, 29, [500000, 30, 0, 3000000, 0, -30], projectedCrs({ epsg: 32650 }));
      const data = new Float32Array(37 * 29).map((_, i) => (i % 13 === 0 ? NaN : Math.sin(i / 7) * 100));
      const good = join(dir, `fuzz-${layout}.tif`);
      await writeRaster(good, new Raster(grid, data), layout === 'tiled' ? { tileSize: 16 } : { tileSize: 64, compression: 'none' });
      const bytes = new Uint8Array(readFileSync(good));
      const target = join(dir, `fuzz-${layout}-case.tif`);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
          fc.option(fc.nat({ max: bytes.length - 1 }), { nil: undefined }),
          async (edits, cut) => {
            const b = bytes.slice(0, cut ?? bytes.length);
            for (const [pos, v] of edits) if (pos < b.length) b[pos] = v;
            writeFileSync(target, b);
            const outcome = await withDeadline(
              readRaster(target).then(() => 'value', (e: unknown) => (e instanceof RusleError ? `RusleError ${e.code}` : `other: ${String(e)}`)),
              5000,
            );
            expect(outcome === 'value' || (typeof outcome === 'string' && outcome.startsWith('RusleError')), String(outcome)).toBe(true);
          },
        ),
        { seed: seeds[layout], numRuns: 400 },
      );
    });
  }

  const fixtures = ['ywz-lzw-pred3.tif', 'ywz-zstd-tiled.tif', 'ywz-packbits-i16.tif', 'ywz-lerc-tiled.tif'];
  for (const [k, name] of fixtures.entries()) {
    const seed = 777 + k;
    it(`every corruption of the GDAL-written fixture ${name} gives a raster or a RusleError (seed ${seed})`, async () => {
      const bytes = new Uint8Array(readFileSync(join('test/io/fixtures', name)));
      expect((await readRaster(join('test/io/fixtures', name))).width).toBe(40);
      const target = join(dir, `fuzz-${name}`);
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
          async (edits) => {
            const b = bytes.slice();
            for (const [pos, v] of edits) b[pos] = v;
            writeFileSync(target, b);
            const outcome = await withDeadline(
              readRaster(target).then(() => 'value', (e: unknown) => (e instanceof RusleError ? `RusleError ${e.code}` : `other: ${String(e)}`)),
              5000,
            );
            expect(outcome === 'value' || (typeof outcome === 'string' && outcome.startsWith('RusleError')), String(outcome)).toBe(true);
          },
        ),
        { seed, numRuns: 300 },
      );
    });
  }
});
