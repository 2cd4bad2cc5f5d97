import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Grid, Raster, projectedCrs } from '../../src/raster/index.js';
import { slope, slopeAspect } from '../../src/terrain/index.js';
import { slopePercentAndFlowWidth } from '../../src/terrain/slope.js';

const crs = projectedCrs({ epsg: 32650 });

/** A seeded random Float32 DEM with a few nodata cells. */
function dem(seed: number, w: number, h: number, holes: boolean): Raster<Float32Array> {
  let s = seed >>> 0;
  const rnd = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const z = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) z[i] = 300 + (i % w) * rnd() * 2 - (i / w) * 1.5 + rnd() * 8;
  if (holes) {
    z[Math.floor(rnd() * w * h)] = NaN;
    z[Math.floor(rnd() * w * h)] = NaN;
  }
  return new Raster(new Grid(w, h, [0, 30, 0, h * 30, 0, -30], crs), z);
}

describe('slopePercentAndFlowWidth (fused Horn slope and Desmet & Govers flow width)', () => {
  it('slope percent is bit-identical to slope(units percent) and x = |sin α| + |cos α| of slopeAspect within 1e-14, for every edge rule (fast-check seed 6101)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 3, max: 17 }), fc.integer({ min: 3, max: 13 }), fc.boolean(),
      (seed, w, h, holes) => {
        const d = dem(seed, w, h, holes);
        for (const edges of ['nodata', 'compute', 'extrapolate'] as const) {
          const { slopePercent, flowWidth } = slopePercentAndFlowWidth(d, { edges });
          const ref = slope(d, { edges, units: 'percent' }).data;
          const asp = slopeAspect(d, { edges }).aspectRad.data;
          for (let i = 0; i < w * h; i++) {
            expect(Object.is(slopePercent.data[i], ref[i]) || slopePercent.data[i] === ref[i]).toBe(true);
            const a = asp[i]!;
            if (Number.isNaN(ref[i]!)) expect(Number.isNaN(flowWidth.data[i]!)).toBe(true);
            else if (Number.isNaN(a)) expect(flowWidth.data[i]).toBe(1); // flat: aspect undefined, x = 1
            else expect(Math.abs(flowWidth.data[i]! - (Math.abs(Math.sin(a)) + Math.abs(Math.cos(a))))).toBeLessThanOrEqual(1e-14);
          }
        }
      }), { seed: 6101, numRuns: 40 });
  });

  it('x is 1 on a plane facing a cardinal direction and √2 on one facing a diagonal', () => {
    const g = new Grid(5, 5, [0, 30, 0, 150, 0, -30], crs);
    const east = new Raster(g, Float32Array.from({ length: 25 }, (_, i) => 100 - (i % 5) * 3));
    const diag = new Raster(g, Float32Array.from({ length: 25 }, (_, i) => 100 - (i % 5) * 3 - Math.floor(i / 5) * 3));
    expect(slopePercentAndFlowWidth(east).flowWidth.data[12]).toBe(1);
    expect(slopePercentAndFlowWidth(diag).flowWidth.data[12]).toBeCloseTo(Math.SQRT2, 14);
  });
  it('clipped DEMs (nodata margins of varying width, rows without valid cells): Horn slope equals the 3 × 3 formula on every cell with a full window, NaN on nodata, for every edge rule and output (fast-check seed 6203)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 3, max: 30 }), fc.integer({ min: 3, max: 20 }),
      (seed, w, h) => {
        const d = dem(seed, w, h, true);
        const z = d.data;
        let s2 = seed >>> 0;
        const rnd = (): number => ((s2 = (s2 * 1664525 + 1013904223) >>> 0) / 2 ** 32);
        const cx = (w - 1) / 2 + (rnd() - 0.5) * 3;
        const rx = w * (0.25 + rnd() * 0.35);
        const ry = h * 0.42;
        for (let i = 0; i < w * h; i++) if (((i % w) - cx) ** 2 / rx ** 2 + (Math.floor(i / w) - (h - 1) / 2) ** 2 / ry ** 2 > 1) z[i] = NaN;
        for (const edges of ['nodata', 'compute', 'extrapolate'] as const) {
          const pct = slope(d, { edges, units: 'percent' }).data;
          const both = slopePercentAndFlowWidth(d, { edges });
          const rad = slopeAspect(d, { edges }).slopeRad.data;
          for (let i = 0; i < w * h; i++) {
            const r = Math.floor(i / w);
            const c = i % w;
            if (Number.isNaN(z[i]!)) {
              expect(Number.isNaN(pct[i]!) && Number.isNaN(both.slopePercent.data[i]!) && Number.isNaN(both.flowWidth.data[i]!) && Number.isNaN(rad[i]!), `cell ${i}`).toBe(true);
              continue;
            }
            if (r === 0 || c === 0 || r === h - 1 || c === w - 1) continue;
            const v = (dr: number, dc: number): number => z[(r + dr) * w + c + dc]!;
            const win = [v(-1, -1), v(-1, 0), v(-1, 1), v(0, -1), v(0, 1), v(1, -1), v(1, 0), v(1, 1)];
            if (win.some(Number.isNaN)) continue;
            const [a, b, cc, dd, f, g, hh, ii] = win as [number, number, number, number, number, number, number, number];
            const p = ((cc + 2 * f + ii) - (a + 2 * dd + g)) / (8 * 30);
            const q = ((g + 2 * hh + ii) - (a + 2 * b + cc)) / (8 * 30);
            const want = 100 * Math.hypot(p, q);
            expect(Math.abs(pct[i]! - want), `cell ${i} ${edges}`).toBeLessThanOrEqual(1e-6 * want + 1e-9);
            expect(both.slopePercent.data[i], `cell ${i}`).toBe(pct[i]);
            expect(Math.abs(Math.tan(rad[i]!) * 100 - want), `cell ${i}`).toBeLessThanOrEqual(1e-9 * want + 1e-9);
          }
        }
      }), { seed: 6203, numRuns: 80 });
  });
});
