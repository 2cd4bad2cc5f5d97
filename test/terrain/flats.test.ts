import { describe, expect, it } from 'vitest';
import { Grid, Raster, projectedCrs } from '../../src/raster/index.js';
import { resolveFlats, flatD8Neighbour } from '../../src/terrain/index.js';

const crs = projectedCrs({ epsg: 32650 });
function dem(rows: number[][]): Raster<Float32Array> {
  const h = rows.length;
  const w = rows[0]!.length;
  const grid = new Grid(w, h, [0, 10, 0, h * 10, 0, -10], crs);
  return new Raster(grid, Float32Array.from(rows.flat()));
}

describe('resolveFlats', () => {
  it('a flat draining through one low edge gets a receiver for every flat cell, towards the outlet', () => {
    // 7 × 5; the interior 5 × 3 block is flat at 5, surrounded by 9, with one outlet at the east edge (row 2).
    const d = dem([
      [9, 9, 9, 9, 9, 9, 9],
      [9, 5, 5, 5, 5, 5, 9],
      [9, 5, 5, 5, 5, 5, 5],
      [9, 5, 5, 5, 5, 5, 9],
      [9, 9, 9, 9, 9, 9, 9],
    ]);
    const f = resolveFlats(d);
    expect(f.flatCount).toBe(1);
    expect(f.flatCellCount).toBe(15);
    expect(f.undrainedCellCount).toBe(0);
    // the low edge (row 2, col 6) has the smallest mask, 2
    expect(f.flatMask[2 * 7 + 6]).toBe(2);
    for (let r = 1; r <= 3; r++) for (let c = 1; c <= 5; c++) {
      const i = r * 7 + c;
      const k = flatD8Neighbour(f, i);
      expect(k).toBeGreaterThanOrEqual(0);
    }
    // the cell next to the outlet drains east into it
    expect(flatD8Neighbour(f, 2 * 7 + 5)).toBe(0);
  });

  it('an undrainable flat (an unfilled pit) is left unlabelled and counted', () => {
    const d = dem([
      [9, 9, 9, 9],
      [9, 5, 5, 9],
      [9, 5, 5, 9],
      [9, 9, 9, 9],
    ]);
    const f = resolveFlats(d);
    expect(f.flatCount).toBe(0);
    expect(f.undrainedCellCount).toBe(4);
    expect(Array.from(f.labels).every((v) => v === 0)).toBe(true);
  });
});
