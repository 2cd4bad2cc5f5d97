import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Grid, Raster, RusleError, projectedCrs, gradeIntensity, intensityClassOf, classThresholds, REGION_TOLERANCE_T_KM2,
} from '../../src/index.js';

const grid = (w: number, h: number) => new Grid(w, h, [0, 30, 0, 0, 0, -30], projectedCrs({ epsg: 32650 }));
const raster = (values: number[]) => new Raster(grid(values.length, 1), Float64Array.from(values));

describe('gradeIntensity (SL 190-2007)', () => {
  it('SL 190-2007 water-erosion table, red-soil T = 500: a value exactly at a bound takes the higher class (lower bound inclusive)', () => {
    const m = [0, 499.999, 500, 2499.999, 2500, 4999.999, 5000, 7999.999, 8000, 14999.999, 15000, 1e6];
    const c = gradeIntensity(raster(m), { units: 't/km2/yr', tolerance: 'red-soil' });
    expect([...c.data]).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]);
    expect(c.nodata).toBe(0);
  });

  it('converts t/ha/yr by × 100 (5 t/ha/yr = 500 t/km2/yr is light at T = 500)', () => {
    const c = gradeIntensity(raster([4.99, 5, 25, 150]), { units: 't/ha/yr', tolerance: 500 });
    expect([...c.data]).toEqual([1, 2, 3, 6]);
  });

  it('region presets of SL 190-2007: black soil / northern rocky 200, loess 1000; the light class runs T–2500', () => {
    expect(REGION_TOLERANCE_T_KM2).toEqual({ 'red-soil': 500, southwest: 500, 'black-soil': 200, 'northern-rocky': 200, loess: 1000 });
    expect([...gradeIntensity(raster([199, 200, 2499]), { units: 't/km2/yr', tolerance: 'black-soil' }).data]).toEqual([1, 2, 2]);
    expect([...gradeIntensity(raster([999, 1000, 2500]), { units: 't/km2/yr', tolerance: 'loess' }).data]).toEqual([1, 2, 3]);
  });

  it('NaN and negative A are nodata (class 0)', () => {
    expect([...gradeIntensity(raster([NaN, -1, 0]), { units: 't/km2/yr', tolerance: 500 }).data]).toEqual([0, 0, 1]);
  });

  it('refuses to assume units, and rejects unknown regions and non-ascending bounds', () => {
    const r = raster([1]);
    expect(() => gradeIntensity(r, { tolerance: 500 } as never)).toThrow(expect.objectContaining({ code: 'BAD_UNITS' }));
    expect(() => gradeIntensity(r, { units: 't/ha' as never, tolerance: 500 })).toThrow(RusleError);
    expect(() => gradeIntensity(r, { units: 't/km2/yr', tolerance: 'mars' as never })).toThrow(expect.objectContaining({ code: 'BAD_VALUE' }));
    expect(() => gradeIntensity(r, { units: 't/km2/yr', tolerance: 3000 })).toThrow(expect.objectContaining({ code: 'BAD_VALUE' }));
    expect(() => gradeIntensity(r, { units: 't/km2/yr', tolerance: NaN })).toThrow(expect.objectContaining({ code: 'BAD_VALUE' }));
  });

  it('custom class bounds replace 2500/5000/8000/15000', () => {
    const c = gradeIntensity(raster([100, 600, 1000, 2000, 3000, 4000]), { units: 't/km2/yr', tolerance: 500, classBounds: [1000, 2000, 3000, 4000] });
    expect([...c.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('per-zone tolerances: each zone graded against its own T; unlisted zones take the default or nodata', () => {
    const g = grid(4, 1);
    const a = new Raster(g, Float64Array.from([300, 300, 300, 300]));
    const z = new Raster(g, Int16Array.from([1, 2, 3, -1]), -1);
    const withDefault = gradeIntensity(a, { units: 't/km2/yr', tolerance: { zones: z, byZone: { 1: 'black-soil', 2: 'red-soil' }, default: 1000 } });
    expect([...withDefault.data]).toEqual([2, 1, 1, 1]);
    const noDefault = gradeIntensity(a, { units: 't/km2/yr', tolerance: { zones: z, byZone: { 1: 200, 2: 500 } } });
    expect([...noDefault.data]).toEqual([2, 1, 0, 0]);
  });

  it('property: the raster kernel equals intensityClassOf and classes never decrease with A (seed 7190)', () => {
    const th = classThresholds(500);
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 40000, noNaN: true }), { minLength: 1, maxLength: 60 }), (vals) => {
        const sorted = [...vals].sort((x, y) => x - y);
        const c = gradeIntensity(raster(sorted), { units: 't/km2/yr', tolerance: 500 }).data;
        for (let i = 0; i < sorted.length; i++) {
          expect(c[i]).toBe(intensityClassOf(sorted[i]!, th));
          if (i > 0) expect(c[i]!).toBeGreaterThanOrEqual(c[i - 1]!);
        }
      }),
      { seed: 7190, numRuns: 200 },
    );
  });
});
