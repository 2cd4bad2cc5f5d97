import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Grid, Raster, projectedCrs } from '../../src/raster/index.js';
import { resolveFlats, fillDepressions } from '../../src/terrain/index.js';
import { NEIGHBOUR_DCOL, NEIGHBOUR_DROW } from '../../src/terrain/neighbours.js';
import { flatD8Neighbour } from '../../src/terrain/flats.js';

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

describe('resolveFlats properties', () => {
  const SEED = 777;
  const arb = fc.record({ w: fc.integer({ min: 3, max: 16 }), h: fc.integer({ min: 3, max: 16 }) }).chain(({ w, h }) =>
    fc.record({
      w: fc.constant(w),
      h: fc.constant(h),
      z: fc.array(fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: 3 }) }, { weight: 1, arbitrary: fc.constant(NaN) }), { minLength: w * h, maxLength: w * h }),
    }));

  it(`on a filled DEM every flat cell has a same-label neighbour lower in mask order, and following them reaches a draining cell (fast-check seed ${SEED})`, () => {
    fc.assert(fc.property(arb, ({ w, h, z }) => {
      const grid = new Grid(w, h, [0, 10, 0, h * 10, 0, -10], crs);
      const filled = fillDepressions(new Raster(grid, Float32Array.from(z)));
      const f = resolveFlats(filled);
      expect(f.undrainedCellCount).toBe(0);
      const d = filled.data;
      const isFlat = (i: number): boolean => {
        const r = Math.floor(i / w), c = i % w;
        if (Number.isNaN(d[i]!) || r === 0 || c === 0 || r === h - 1 || c === w - 1) return false;
        for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) {
          const v = d[(r + dr) * w + c + dc]!;
          if (Number.isNaN(v) || v < d[i]!) return false;
        }
        return true;
      };
      let flats = 0;
      for (let i = 0; i < w * h; i++) {
        if (!isFlat(i)) continue;
        flats++;
        expect(f.labels[i]).toBeGreaterThan(0);
        // follow the flat routing: mask strictly decreases, so this ends at a draining cell
        let j = i;
        for (let steps = 0; isFlat(j); steps++) {
          const k = flatD8Neighbour(f, j);
          expect(k).toBeGreaterThanOrEqual(0);
          const r = Math.floor(j / w) + NEIGHBOUR_DROW[k]!, c = (j % w) + NEIGHBOUR_DCOL[k]!;
          const next = r * w + c;
          expect(f.flatMask[next]!).toBeLessThan(f.flatMask[j]!);
          expect(d[next]).toBe(d[j]);
          j = next;
          expect(steps).toBeLessThan(w * h);
        }
      }
      expect(f.flatCellCount).toBe(flats);
    }), { seed: SEED, numRuns: 300 });
  });
});
