import { describe, expect, it } from 'vitest';
import { Grid, Raster, accumulate, dinfRouting, fillDepressions, formulas, lsFactor, lsFromSlopeAndArea, mfdRouting, projectedCrs, slopeAspect } from '../../src/index.js';

const crs = projectedCrs({ epsg: 32650 });

/** L.desmetGovers1996 with x from an aspect, in the registry's direct form (pow − pow). */
function lWant(ainM2: number, D: number, m: number, aspectRad: number): number {
  return formulas.evaluate('L.desmetGovers1996', { upslopeAreaM2: ainM2, cellSizeM: D, m, aspectRad });
}

describe('Desmet & Govers kernel (area-kernels.ts): both evaluation branches against the registered formula', () => {
  it('areas from 0 to 1e6 cells, on both sides of the ε = D²/A_in = 1/32 switch (two powers / binomial series), equal L.desmetGovers1996 · S to 1e-6 relative', () => {
    const D = 30;
    const cells = [0, 0.25, 1, 2, 7.5, 31, 31.9, 32, 32.1, 33, 100, 1234.5, 1e4, 3e5, 1e6];
    const w = cells.length;
    const g = new Grid(w, 1, [0, D, 0, D, 0, -D], crs);
    for (const deg of [0.3, 4, 12, 35]) {
      const slope = new Raster(g, new Float64Array(w).fill((deg * Math.PI) / 180));
      const aspect = new Raster(g, Float64Array.from(cells, (_, i) => 0.05 + i * 0.41));
      // areas include the cell: A = (k + 1) D²
      const area = new Raster(g, Float64Array.from(cells, (k) => (k + 1) * D * D));
      for (const mFormula of ['m.mccool1989', 'm.constant'] as const) {
        const { ls } = lsFromSlopeAndArea(slope, area, { slopeUnits: 'radians', areaUnits: 'm2', method: 'desmet-govers', aspectRad: aspect, mFormula });
        const a = (deg * Math.PI) / 180;
        const m = mFormula === 'm.constant' ? 0.5 : formulas.evaluate(mFormula, { slopeRad: a });
        const s = formulas.evaluate('S.mccool1987', { slopeRad: a });
        for (let i = 0; i < w; i++) {
          const want = lWant(cells[i]! * D * D, D, m, aspect.data[i]!) * s;
          expect(Math.abs(ls.data[i]! - want), `${deg}° ${mFormula} k=${cells[i]}`).toBeLessThanOrEqual(1e-6 * want);
        }
      }
    }
  });

  it('SAGA convention (A / D as the area): small and large specific catchment areas equal the formula to 1e-6 relative', () => {
    const D = 10;
    const sca = [0.5, 3, 10, 100, 319, 321, 5000, 1e6];
    const w = sca.length;
    const g = new Grid(w, 1, [0, D, 0, D, 0, -D], crs);
    const slope = new Raster(g, new Float64Array(w).fill(0.2));
    const area = new Raster(g, Float64Array.from(sca, (v) => v * D));
    const { ls } = lsFromSlopeAndArea(slope, area, { slopeUnits: 'radians', areaUnits: 'm2', preset: 'saga-desmet-govers' });
    const m = formulas.evaluate('m.mccool1989', { slopeRad: 0.2 });
    const s = formulas.evaluate('S.mccool1987', { slopeRad: 0.2 });
    for (let i = 0; i < w; i++) {
      const want = lWant(sca[i]!, D, m, 0) * s;
      expect(Math.abs(ls.data[i]! - want), `sca ${sca[i]}`).toBeLessThanOrEqual(1e-6 * want);
    }
  });

  it('invest with a given upslope area takes x from the Horn gradient: equal to lsFromSlopeAndArea with the Horn aspect to 2e-6 relative (the slope passes through a Float32 angle)', () => {
    const w = 23;
    const h = 19;
    let seed = 77;
    const rnd = (): number => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const z = Float32Array.from({ length: w * h }, (_, i) => 400 - Math.floor(i / w) * 2.5 + (i % w) * 0.7 + rnd() * 6);
    const dem = new Raster(new Grid(w, h, [0, 30, 0, h * 30, 0, -30], crs), z);
    const area = new Raster(dem.grid, Float64Array.from({ length: w * h }, () => 900 * (1 + Math.floor(rnd() * 300))));
    const got = lsFactor(dem, { preset: 'invest', fill: false, upslopeAreaM2: area, intermediates: true });
    const { aspectRad } = slopeAspect(dem, { method: 'horn', edges: 'compute' });
    const slopePct = new Raster(dem.grid, Float32Array.from(got.slopeRad!.data, (a) => 100 * Math.tan(a)));
    const ref = lsFromSlopeAndArea(slopePct, area, { slopeUnits: 'percent', areaUnits: 'm2', preset: 'invest', aspectRad });
    for (let i = 0; i < w * h; i++) {
      const a = got.ls.data[i]!;
      const b = ref.ls.data[i]!;
      expect(Math.abs(a - b), `cell ${i}`).toBeLessThanOrEqual(2e-6 * Math.abs(b));
    }
  });
  it('rows wider than one WebAssembly buffer (8 192 cells): every cell of a 8 195-wide saga-desmet-govers grid equals L.desmetGovers1996 · S.mccool1987 on its own slope and area (1e-5 relative)', () => {
    const w = 8195;
    const h = 3;
    const D = 10;
    let seed = 99;
    const rnd = (): number => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const g = new Grid(w, h, [0, D, 0, h * D, 0, -D], crs);
    const slope = new Raster(g, Float64Array.from({ length: w * h }, () => 0.01 + rnd() * 0.6));
    const area = new Raster(g, Float64Array.from({ length: w * h }, (_, i) => (i % 97 === 0 ? NaN : D * D * (1 + rnd() * 5000))));
    const { ls } = lsFromSlopeAndArea(slope, area, { slopeUnits: 'radians', areaUnits: 'm2', preset: 'saga-desmet-govers' });
    for (let i = 0; i < w * h; i++) {
      if (i % 97 === 0) {
        expect(Number.isNaN(ls.data[i]!)).toBe(true);
        continue;
      }
      const a = slope.data[i]!;
      const m = formulas.evaluate('m.mccool1989', { slopeRad: a });
      const want = lWant(area.data[i]! / D, D, m, 0) * formulas.evaluate('S.mccool1987', { slopeRad: a });
      expect(Math.abs(ls.data[i]! - want), `cell ${i}`).toBeLessThanOrEqual(1e-5 * want);
    }
  });

  it('area presets compute in place (the slope is written into the output array, which the kernel overwrites cell by cell) and equal the path with a separate slope array (intermediates) bit for bit: quantised DEM with nodata holes, rows wider than one WebAssembly buffer, areas given and not', () => {
    const w = 8203;
    const h = 6;
    let seed = 2718;
    const rnd = (): number => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const g = new Grid(w, h, [0, 30, 0, h * 30, 0, -30], crs);
    const z = Float32Array.from({ length: w * h }, (_, i) => (rnd() < 0.02 ? NaN : Math.round((300 - Math.floor(i / w) * 3 + Math.sin(i % w / 40) * 20 + rnd() * 4) * 2) / 2));
    const filled = fillDepressions(new Raster(g, z));
    for (const preset of ['saga-desmet-govers', 'invest'] as const) {
      const routing = preset === 'invest' ? dinfRouting(filled) : mfdRouting(filled);
      for (const upslopeAreaM2 of [accumulate(routing, { output: 'm2' }), undefined]) {
        const opts = { preset, fill: false, ...(upslopeAreaM2 ? { upslopeAreaM2 } : {}) };
        const a = lsFactor(filled, opts).ls.data;
        const b = lsFactor(filled, { ...opts, intermediates: true }).ls.data;
        let valid = 0;
        for (let i = 0; i < w * h; i++) {
          expect(Object.is(a[i], b[i]) || (Number.isNaN(a[i]!) && Number.isNaN(b[i]!)), `${preset} cell ${i}: ${a[i]} vs ${b[i]}`).toBe(true);
          if (a[i] === a[i]) valid++;
        }
        expect(valid).toBeGreaterThan(0.9 * w * h);
      }
    }
  });
});
