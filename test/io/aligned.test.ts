import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Grid, Raster, RusleError, alignTo, openAligned, projectedCrs, writeRaster } from '../../src/index.js';

const crs = projectedCrs({ epsg: 32650 });
const grid = (x0: number, y0: number, w: number, h: number) => new Grid(w, h, [x0, 30, 0, y0, 0, -30], crs);

describe('openAligned (alignTo window by window, for files larger than memory)', () => {
  it('every window equals the same window of alignTo on the whole raster (whole-cell and cell-centre offsets, float and integer)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-aligned-'));
    try {
      const src = grid(60, -30, 11, 9);
      const floats = new Raster(src, Float32Array.from({ length: 99 }, (_, i) => (i % 7 === 0 ? NaN : i * 0.5)));
      const ints = new Raster(src, Int16Array.from({ length: 99 }, (_, i) => (i % 5 === 0 ? -1 : i)), -1);
      for (const [name, r] of [['f.tif', floats], ['i.tif', ints]] as [string, Raster][]) {
        const path = join(dir, name);
        await writeRaster(path, r);
        for (const target of [grid(0, 0, 14, 12), grid(12, -7, 13, 10)]) {
          const whole = alignTo(r, target).raster;
          const reader = await openAligned(path, target, name);
          try {
            for (const win of [{ x: 0, y: 0, width: target.width, height: target.height }, { x: 3, y: 2, width: 5, height: 4 }]) {
              const part = await reader.read(win);
              expect(part.grid.equals(target.window(win))).toBe(true);
              const expected = Array.from({ length: win.width * win.height }, (_, k) => whole.data[(win.y + Math.floor(k / win.width)) * target.width + win.x + (k % win.width)]);
              expect(Array.from(part.data)).toEqual(expected);
              expect(part.nodata).toEqual(whole.nodata);
            }
          } finally {
            await reader.close();
          }
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a file on another CRS or cell size with GRID_MISMATCH naming the input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-aligned-'));
    try {
      const path = join(dir, 'x.tif');
      await writeRaster(path, new Raster(new Grid(4, 4, [0, 10, 0, 0, 0, -10], crs), new Float32Array(16)));
      await expect(openAligned(path, grid(0, 0, 4, 4), 'land use')).rejects.toSatisfy((e: unknown) => e instanceof RusleError && e.code === 'GRID_MISMATCH' && e.message.startsWith('land use'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
