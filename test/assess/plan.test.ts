import { describe, expect, it } from 'vitest';
import { Grid, Raster, projectedCrs, planTarget, conservationRate } from '../../src/index.js';

const grid = new Grid(3, 2, [0, 100, 0, 0, 0, -100], projectedCrs({ epsg: 32650 })); // 0.01 km² cells
const a = new Raster(grid, Float64Array.from([100, 600, 1000, 3000, 800, 100])); // t/km2/yr
const lc = new Raster(grid, Int32Array.from([1, 2, 2, 2, 1, 1]), null);
const afforest = { name: 'afforestation', factor: 'C' as const, value: 0.1, landCover: [2] };

describe('planTarget', () => {
  it('hand-made: afforestation (C 0.5 → 0.1 on land cover 2) converts 600 → 120 and 1000 → 200 but not 3000 → 600; most soil removed first', () => {
    const p = planTarget(a, { units: 't/km2/yr', tolerance: 500, targetRate: 60, measures: [afforest], factors: { C: 0.5 }, landCover: lc });
    const t = p.rows[0]!;
    expect(t.rateBefore).toBeCloseTo(100 / 3, 10);
    expect(t.needKm2).toBeCloseTo(0.016, 12); // 0.6 × 0.06 − 0.02
    expect(t.convertibleAreaKm2).toBeCloseTo(0.02, 12);
    expect(t.treatedAreaKm2).toBeCloseTo(0.02, 12);
    expect(t.rateReached).toBeCloseTo(200 / 3, 10);
    expect(t.reachable).toBe(true);
    expect([...p.priority.data]).toEqual([0, 2, 1, 0, 0, 0]); // cell 2 removes 8 t, cell 1 4.8 t
    expect([...p.measure.data]).toEqual([0, 1, 1, 0, 0, 0]);
  });

  it('stops as soon as the need is met (target 40 % needs 0.4 cells: one cell treated)', () => {
    const p = planTarget(a, { units: 't/km2/yr', tolerance: 500, targetRate: 40, measures: [afforest], factors: { C: 0.5 }, landCover: lc });
    expect(p.rows[0]!.treatedAreaKm2).toBeCloseTo(0.01, 12);
    expect([...p.priority.data]).toEqual([0, 0, 1, 0, 0, 0]);
  });

  it('reports an unreachable target with the rate it can reach', () => {
    const p = planTarget(a, { units: 't/km2/yr', tolerance: 500, targetRate: 86.57, measures: [afforest], factors: { C: 0.5 }, landCover: lc });
    expect(p.rows[0]!.reachable).toBe(false);
    expect(p.rows[0]!.rateReached).toBeCloseTo(200 / 3, 10);
    expect(p.warnings[0]).toMatch(/unreachable/);
  });

  it('terraces on cropland above a slope (P 1 → 0.2 on land cover 1, slope ≥ 5°) add the 800 cell; the rate after treatment equals a recomputed table', () => {
    const slope = new Raster(grid, Float32Array.from([2, 2, 2, 2, 8, 2]));
    const terraces = { name: 'terraces', factor: 'P' as const, value: 0.2, landCover: [1], minSlopeDegrees: 5 };
    const p = planTarget(a, { units: 't/km2/yr', tolerance: 500, targetRate: 80, measures: [afforest, terraces], factors: { C: 0.5, P: 1 }, landCover: lc, slopeDegrees: slope });
    expect(p.rows[0]!.reachable).toBe(true);
    expect([...p.measure.data]).toEqual([0, 1, 1, 0, 2, 0]);
    const after = Float64Array.from(a.data);
    after[1] = 120; after[2] = 200; after[4] = 160;
    const rate = conservationRate(new Raster(grid, after), null, { units: 't/km2/yr', tolerance: 500 }).rows[0]!.rate;
    expect(p.rows[0]!.rateReached).toBeCloseTo(rate, 10);
  });

  it('small watersheds: whole units are treated, ranked by converted / treated area', () => {
    const ws = new Raster(grid, Int32Array.from([1, 1, 2, 2, 3, 3]), null);
    // unit 1: cell 1 converts (ratio 1); unit 2: cells 2 (converts) and 3 (does not) → ratio 0.5
    const p = planTarget(a, { units: 't/km2/yr', tolerance: 500, targetRate: 60, measures: [afforest], factors: { C: 0.5 }, landCover: lc, watersheds: ws });
    expect([...p.priority.data]).toEqual([0, 1, 2, 2, 0, 0]);
    expect(p.rows[0]!.treatedAreaKm2).toBeCloseTo(0.03, 12);
    expect(p.rows[0]!.convertedAreaKm2).toBeCloseTo(0.02, 12);
  });

  it('refuses a measure whose inputs are missing, and a target outside 0–100', () => {
    expect(() => planTarget(a, { units: 't/km2/yr', tolerance: 500, targetRate: 60, measures: [afforest], factors: {} })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => planTarget(a, { units: 't/km2/yr', tolerance: 500, targetRate: 160, measures: [afforest], factors: { C: 0.5 }, landCover: lc })).toThrow(expect.objectContaining({ code: 'BAD_VALUE' }));
  });
});
