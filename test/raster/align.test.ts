import { describe, expect, it } from 'vitest';
import { Grid, Raster, alignTo, cellOffset, projectedCrs, readRaster } from '../../src/index.js';

const crs = projectedCrs({ epsg: 32650 });
const grid = (x0: number, y0: number, w: number, h: number, cell = 30) => new Grid(w, h, [x0, cell, 0, y0, 0, -cell], crs);

describe('alignTo (nearest-neighbour re-indexing onto the DEM grid)', () => {
  it('a source shifted by whole cells lands on the target; outside cells are nodata', () => {
    // source: 3 × 3 starting one column right and one row down of the target's origin
    const src = new Raster(grid(30, -30, 3, 3), Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]), 255);
    const { raster, info } = alignTo(src, grid(0, 0, 4, 4), 'lu');
    expect(info).toMatchObject({ colOffset: -1, rowOffset: -1, outsideCells: 7 });
    expect(Array.from(raster.data)).toEqual([255, 255, 255, 255, 255, 1, 2, 3, 255, 4, 5, 6, 255, 7, 8, 9]);
    expect(raster.nodata).toBe(255);
  });

  it('a larger source is cropped', () => {
    const src = new Raster(grid(0, 0, 4, 4), Float32Array.from({ length: 16 }, (_, i) => i));
    const { raster } = alignTo(src, grid(30, -60, 2, 2));
    expect(Array.from(raster.data)).toEqual([9, 10, 13, 14]);
  });

  it('float sources get NaN outside; integer sources without nodata get the type maximum as nodata', () => {
    const f = alignTo(new Raster(grid(0, 0, 1, 1), Float32Array.from([5])), grid(0, 0, 2, 1)).raster;
    expect(f.data[1]).toBeNaN();
    const i = alignTo(new Raster(grid(0, 0, 1, 1), Int16Array.from([5]), null), grid(0, 0, 2, 1)).raster;
    expect(Array.from(i.data)).toEqual([5, 32767]);
    expect(i.nodata).toBe(32767);
  });

  it('the same grid returns the source itself', () => {
    const src = new Raster(grid(0, 0, 2, 2), new Float32Array(4));
    expect(alignTo(src, grid(0, 0, 2, 2)).raster).toBe(src);
  });

  it.each([
    ['another cell size', grid(0, 0, 2, 2, 10), 'the cell size differs'],
    ['another CRS', new Grid(2, 2, [0, 30, 0, 0, 0, -30], projectedCrs({ epsg: 32611 })), 'the CRS differs'],
  ])('%s is refused with GRID_MISMATCH', (_w, g, msg) => {
    expect(() => alignTo(new Raster(g, new Float32Array(4)), grid(0, 0, 2, 2), 'inputs.C.raster')).toThrow(expect.objectContaining({ code: 'GRID_MISMATCH', message: expect.stringContaining(msg) }));
  });

  it('Youwuzhen land use (60 m lower, 2 fewer columns) aligns to the DEM by whole cells', async () => {
    const dem = await readRaster('data/youwuzhen/ywzdem30m.tif');
    const lu = await readRaster('data/youwuzhen/ywzlanduse30m_upd.tif');
    const off = cellOffset(lu.grid, dem.grid);
    expect(off).toEqual({ col: 0, row: -2, whole: true });
    const { raster } = alignTo(lu, dem.grid, 'landuse');
    expect(raster.width).toBe(dem.width);
    // the DEM's cell (row 10, col 5) is the land use's (row 8, col 5)
    expect(raster.get(5, 10)).toBe(lu.get(5, 8));
    expect(raster.get(dem.width - 1, 10)).toBe(lu.nodata); // beyond the land use's 125 columns
  });

  it('a fractional offset takes, for each target cell, the source cell containing its centre', () => {
    // source origin 20 m left of the target's: target centres x = 15, 45, 75 are source x 35, 65, 95 → source
    // columns 1, 2 and 3 (outside the 3-column source → nodata)
    const src = new Raster(grid(-20, 0, 3, 1), Uint8Array.from([1, 2, 3]), 0);
    const { raster, info } = alignTo(src, grid(0, 0, 3, 1));
    expect(info.wholeCells).toBe(false);
    expect(Array.from(raster.data)).toEqual([2, 3, 0]);
  });

  it('Willamette land use (larger than the DEM, origin 187.23 columns away) is looked up by cell centre', async () => {
    const dem = await readRaster('data/willamette/dem_30m.tif');
    const lu = await readRaster('data/willamette/landuse_90.tif');
    const off = cellOffset(lu.grid, dem.grid) as { col: number; row: number; whole: boolean };
    expect(off.whole).toBe(false);
    expect(off.col).toBeCloseTo(187.2331, 3);
    expect(off.row).toBeCloseTo(83.45, 3);
    const { raster, info } = alignTo(lu, dem.grid, 'landuse');
    // DEM cell (0, 0) centre → land-use column floor(187.2331 + 0.5) = 187, row floor(83.45 + 0.5) = 83
    expect(raster.get(0, 0)).toBe(lu.get(187, 83));
    expect(raster.get(100, 200)).toBe(lu.get(287, 283));
    expect(raster.width).toBe(dem.width);
    expect(raster.height).toBe(dem.height);
    expect(info.outsideCells).toBe(0);
  });
});
