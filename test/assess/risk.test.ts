import { describe, expect, it } from 'vitest';
import { Grid, Raster, geographicCrs, disturbanceRisk, riskClassOf, riskTableToCsv } from '../../src/index.js';

// 10 × 10 cells of 0.001° in lon/lat; A = 2 t/ha/yr (200 t/km2/yr) everywhere, baseline C = 0.1, P = 1
const grid = new Grid(10, 10, [116, 0.001, 0, 26, 0, -0.001], geographicCrs());
const a = new Raster(grid, new Float64Array(100).fill(2));
const box = (x0: number, y0: number, x1: number, y1: number) => ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });
const patches = {
  type: 'FeatureCollection',
  features: [
    { type: 'Feature', properties: { id: 'S1', type: 'spoil' }, geometry: box(116.0, 25.995, 116.005, 26.0) },        // 50 cells
    { type: 'Feature', properties: { id: 'C1', type: 'construction' }, geometry: box(116.005, 25.995, 116.01, 26.0) }, // 50 cells
    { type: 'Feature', properties: { id: 'M1', type: 'mine', c: 0.2 }, geometry: box(116.0, 25.99, 116.01, 25.995) },  // 50 cells
    { type: 'Feature', properties: { id: 'X', type: 'mine' }, geometry: box(120, 30, 120.1, 30.1) },
  ],
};

describe('disturbanceRisk', () => {
  it('bare soil (C = P = 1) over baseline C = 0.1 multiplies A by 10; classes and ranks follow the documented rule', () => {
    const r = disturbanceRisk(a, patches, {
      units: 't/ha/yr', tolerance: 500, factors: { C: 0.1, P: 1 }, idField: 'id', cField: 'c',
      byType: { construction: { C: 0.5, P: 1 } },
    });
    expect(r.rows.map((x) => x.patch)).toEqual(['S1', 'C1', 'M1']);
    const s1 = r.rows[0]!;
    expect(s1.baselineModulus).toBeCloseTo(200, 9);
    expect(s1.disturbedModulus).toBeCloseTo(2000, 9);   // light
    expect(s1.increaseRatio).toBeCloseTo(10, 9);
    expect(s1.disturbedClass).toBe(2);
    expect(s1.risk).toBe('medium');
    expect(r.rows[1]!.disturbedModulus).toBeCloseTo(1000, 9);
    expect(r.rows[2]!.disturbedModulus).toBeCloseTo(400, 9); // C 0.2 from the feature: below T
    expect(r.rows[2]!.risk).toBe('low');
    expect(s1.addedSoilLossT).toBeCloseTo(1800 * s1.areaKm2, 9);
    expect(r.warnings.some((w) => w.includes('patch X') && w.includes('does not overlap'))).toBe(true);
    expect(riskTableToCsv(r).split('\n')[1]).toMatch(/^1,S1,spoil,medium,/);
  });

  it('with R·K·LS given, the disturbed A is R·K·LS · C_d · P_d', () => {
    const potential = new Raster(grid, new Float64Array(100).fill(80)); // t/ha/yr
    const r = disturbanceRisk(a, patches, { units: 't/ha/yr', tolerance: 'red-soil', potential, idField: 'id' });
    expect(r.rows[0]!.disturbedModulus).toBeCloseTo(8000, 9);
    expect(r.rows[0]!.risk).toBe('high');
  });

  it('risk rule boundaries: ≥ 5000 high; ≥ 2500 with ratio ≥ 5 high; ≥ T medium; else low', () => {
    expect(riskClassOf(5000, 1, 500)).toBe('high');
    expect(riskClassOf(2500, 5, 500)).toBe('high');
    expect(riskClassOf(2500, 4.99, 500)).toBe('medium');
    expect(riskClassOf(500, 100, 500)).toBe('medium');
    expect(riskClassOf(499, 100, 500)).toBe('low');
  });
});
