import { describe, expect, it } from 'vitest';
import { Grid, Raster, projectedCrs, classChange, conservationRate, changeTableToCsv } from '../../src/index.js';

const g = (w: number, h: number) => new Grid(w, h, [0, 100, 0, 0, 0, -100], projectedCrs({ epsg: 32650 })); // 0.01 km² cells

describe('classChange', () => {
  it('hand-made 3 × 2 grid: transition matrix, rates of both years and the change raster code 10·c1 + c2', () => {
    const a1 = new Raster(g(3, 2), Float64Array.from([100, 600, 3000, 100, NaN, 20000]));
    const a2 = new Raster(a1.grid, Float64Array.from([700, 400, 3000, 100, 100, 9000]));
    const z = new Raster(a1.grid, Int32Array.from([1, 1, 1, 2, 2, 2]), null);
    const r = classChange(a1, a2, z, { units: 't/km2/yr', tolerance: 500 });
    expect([...r.change.data]).toEqual([12, 21, 33, 11, 0, 65]);
    const t = r.rows[0]!;
    expect(t.landAreaKm2).toBeCloseTo(0.05, 12);
    expect(t.transitionKm2[0]![1]).toBeCloseTo(0.01, 12); // slight → light
    expect(t.transitionKm2[1]![0]).toBeCloseTo(0.01, 12); // light → slight
    expect(t.transitionKm2[5]![4]).toBeCloseTo(0.01, 12); // severe → very intense
    expect(t.rate1).toBeCloseTo(40, 12); // slight in year 1: cells 0, 3
    expect(t.rate2).toBeCloseTo(40, 12); // slight in year 2: cells 1, 3
    expect(t.rateChange).toBeCloseTo(0, 12);
    const z1 = r.rows.find((x) => x.zone === 1)!;
    expect(z1.rate1).toBeCloseTo(100 / 3, 10);
    expect(z1.lossAreaChangeKm2).toBeCloseTo(0, 12);
    expect(r.warnings.some((w) => w.includes('1 cells are nodata'))).toBe(true);
    expect(changeTableToCsv(r).split('\n')[0]).toContain('6→5 (km2)');
  });

  it('with identical years the diagonal holds every area and the rates equal conservationRate', () => {
    const a = new Raster(g(4, 4), Float64Array.from({ length: 16 }, (_, i) => i * 1000));
    const r = classChange(a, a, null, { units: 't/km2/yr', tolerance: 'red-soil' });
    const single = conservationRate(a, null, { units: 't/km2/yr', tolerance: 'red-soil' });
    expect(r.rows[0]!.rate1).toBe(single.rows[0]!.rate);
    expect(r.rows[0]!.transitionKm2.map((row, i) => row[i])).toEqual(single.rows[0]!.classAreasKm2);
  });

  it('class rasters are accepted with input: classes, and codes outside 0–6 are refused', () => {
    const c1 = new Raster(g(2, 1), Uint8Array.from([1, 6]), 0);
    const c2 = new Raster(c1.grid, Uint8Array.from([2, 6]), 0);
    expect([...classChange(c1, c2, null, { input: 'classes' }).change.data]).toEqual([12, 66]);
    const bad = new Raster(c1.grid, Uint8Array.from([7, 1]), 0);
    expect(() => classChange(bad, c2, null, { input: 'classes' })).toThrow(expect.objectContaining({ code: 'BAD_VALUE' }));
  });
});
