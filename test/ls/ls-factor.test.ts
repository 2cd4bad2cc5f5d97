import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Grid, Raster, RusleError, fillDepressions, formulas, lsFactor, slopeLength, lsFromSlopeAndArea, projectedCrs, LS_PRESETS, type LsPresetName } from '../../src/index.js';

const crs = projectedCrs({ epsg: 32650 });
const PRESETS = Object.keys(LS_PRESETS) as LsPresetName[];

function plane(w: number, h: number, D: number, tan: number): Raster<Float64Array> {
  const g = new Grid(w, h, [0, D, 0, h * D, 0, -D], crs);
  const z = new Float64Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) z[r * w + c] = 1000 - r * D * tan;
  return new Raster(g, z);
}
/** A small seeded random DEM (value noise + tilt), with nodata holes. */
function noisyDem(seed: number, w = 24, h = 20): Raster<Float32Array> {
  let s = seed >>> 0;
  const rnd = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const g = new Grid(w, h, [0, 30, 0, h * 30, 0, -30], crs);
  const z = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) z[i] = 500 - (i / w) * 3 + rnd() * 20;
  z[5 * w + 7] = NaN;
  z[12 * w + 3] = NaN;
  return new Raster(g, z);
}

describe('lsFactor', () => {
  it('LS is non-decreasing in slope at fixed λ for every preset (planes of 0.5–60 %, same cell)', () => {
    for (const preset of PRESETS) {
      let prev = -Infinity;
      for (const pct of [0.5, 1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 20, 30, 45, 60]) {
        const v = lsFactor(plane(5, 12, 10, pct / 100), { preset }).ls.data[8 * 5 + 2]!;
        expect(v, `${preset} at ${pct} %`).toBeGreaterThanOrEqual(prev - 1e-6);
        prev = v;
      }
    }
  });
  it('LS is non-decreasing in λ at fixed slope down a plane for every preset', () => {
    for (const preset of PRESETS) {
      const { ls } = lsFactor(plane(5, 14, 10, 0.12), { preset });
      for (let r = 2; r < 12; r++) expect(ls.data[(r + 1) * 5 + 2]!, `${preset} row ${r}`).toBeGreaterThanOrEqual(ls.data[r * 5 + 2]! - 1e-6);
    }
  });
  it('zero slope gives the formula floor: 0.03·L for McCool S (a flat grid, rusle-aml: L at λ = D/2 with m = 0)', () => {
    const g = new Grid(4, 4, [0, 10, 0, 40, 0, -10], crs);
    const { ls, s } = lsFactor(new Raster(g, new Float64Array(16).fill(100)), { preset: 'rusle-aml', intermediates: true });
    for (let i = 0; i < 16; i++) {
      expect(s!.data[i]).toBeCloseTo(0.03, 6);
      expect(ls.data[i]).toBeCloseTo(0.03, 6);
    }
  });
  it('nodata in → nodata out, and only there (every preset)', () => {
    const dem = noisyDem(7);
    for (const preset of PRESETS) {
      const { ls } = lsFactor(dem, { preset });
      for (let i = 0; i < ls.data.length; i++) {
        expect(Number.isNaN(ls.data[i]), `${preset} cell ${i}`).toBe(Number.isNaN(dem.data[i]));
        if (!Number.isNaN(dem.data[i])) expect(ls.data[i]).toBeGreaterThan(0);
      }
    }
  });
  it('per-cell values equal the registered formulas (rusle-aml: S.mccool1987 · L.rusle with m.mccool1989)', () => {
    const { ls, slopeRad, lengthM } = lsFactor(noisyDem(3), { preset: 'rusle-aml', intermediates: true });
    for (let i = 0; i < ls.data.length; i += 7) {
      const a = slopeRad!.data[i]!;
      if (Number.isNaN(a)) continue;
      const lam = lengthM!.data[i]!;
      const m = formulas.evaluate('m.mccool1989', { slopeRad: a });
      const want = formulas.evaluate('S.mccool1987', { slopeRad: a }) * formulas.evaluate('L.rusle', { lengthM: lam, m });
      expect(ls.data[i]).toBeCloseTo(want, 3);
    }
  });
  it('capL and maxLengthM cap L and λ', () => {
    const dem = plane(3, 40, 30, 0.2);
    const a = lsFactor(dem, { preset: 'rusle-aml', intermediates: true, maxLengthM: 100 });
    expect(Math.max(...Array.from(a.lengthM!.data))).toBeLessThanOrEqual(100);
    const b = lsFactor(dem, { preset: 'invest', intermediates: true, capL: 2 });
    expect(Math.max(...Array.from(b.l!.data))).toBeLessThanOrEqual(2);
  });
  it('options override the preset and the result says "custom"', () => {
    const r = lsFactor(plane(3, 6, 10, 0.1), { preset: 'csle', sFormula: 'S.nearing1997' });
    expect(r.options.preset).toBe('custom');
    expect(r.options.sFormula).toBe('S.nearing1997');
    expect(r.options.mFormula).toBe('m.csle');
  });
  it('unknown preset or formula throws BAD_ARGUMENT naming it', () => {
    expect(() => lsFactor(plane(3, 6, 10, 0.1), { preset: 'nope' as LsPresetName })).toThrow(/nope/);
    expect(() => lsFactor(plane(3, 6, 10, 0.1), { sFormula: 'S.x' as never })).toThrow(RusleError);
  });
  it('is deterministic: same DEM and options → identical bytes (fast-check seed 9107)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(...PRESETS), (seed, preset) => {
      const a = lsFactor(noisyDem(seed), { preset }).ls.data;
      const b = lsFactor(noisyDem(seed), { preset }).ls.data;
      return Buffer.from(a.buffer).equals(Buffer.from(b.buffer));
    }), { seed: 9107, numRuns: 20 });
  });
});

describe('lsFromSlopeAndArea', () => {
  const g = new Grid(3, 2, [0, 10, 0, 20, 0, -10], crs);
  const slopeDeg = new Raster(g, Float32Array.from([0, 2, 5, 9, 20, 45]));
  const areaM2 = new Raster(g, Float64Array.from([100, 300, 1000, 5000, 2e4, 1e5]));
  it('requires slopeUnits and areaUnits (BAD_UNITS), never guesses', () => {
    expect(() => lsFromSlopeAndArea(slopeDeg, areaM2, { areaUnits: 'm2', method: 'moore-burch' } as never)).toThrow(/slopeUnits/);
    expect(() => lsFromSlopeAndArea(slopeDeg, areaM2, { slopeUnits: 'degrees', method: 'moore-burch' } as never)).toThrow(/areaUnits/);
  });
  it('moore-burch uses the specific catchment area A / cell width: m2 and sca inputs agree', () => {
    const a = lsFromSlopeAndArea(slopeDeg, areaM2, { slopeUnits: 'degrees', areaUnits: 'm2', method: 'moore-burch' }).ls.data;
    const sca = new Raster(g, Float64Array.from(areaM2.data, (v) => v / 10));
    const b = lsFromSlopeAndArea(slopeDeg, sca, { slopeUnits: 'degrees', areaUnits: 'sca', method: 'moore-burch' }).ls.data;
    for (let i = 0; i < 6; i++) {
      expect(a[i]).toBeCloseTo(b[i]!, 5);
      expect(a[i]).toBeCloseTo(formulas.evaluate('LS.mooreBurch1986', { specificCatchmentAreaM: areaM2.data[i]! / 10, slopeRad: (slopeDeg.data[i]! * Math.PI) / 180 }), 4);
    }
  });
  it('desmet-govers subtracts the cell: A_in = A − D², equal to L.desmetGovers1996 · S.mccool1987', () => {
    const r = lsFromSlopeAndArea(slopeDeg, areaM2, { slopeUnits: 'degrees', areaUnits: 'm2', method: 'desmet-govers' }).ls.data;
    for (let i = 0; i < 6; i++) {
      const a = (slopeDeg.data[i]! * Math.PI) / 180;
      const m = formulas.evaluate('m.mccool1989', { slopeRad: a });
      const want = formulas.evaluate('L.desmetGovers1996', { upslopeAreaM2: areaM2.data[i]! - 100, cellSizeM: 10, m }) * formulas.evaluate('S.mccool1987', { slopeRad: a });
      expect(r[i]).toBeCloseTo(want, 4);
    }
  });
  it('a preset of the slope-length family is refused with BAD_ARGUMENT', () => {
    expect(() => lsFromSlopeAndArea(slopeDeg, areaM2, { slopeUnits: 'degrees', areaUnits: 'm2', preset: 'csle' })).toThrow(/slope length/);
  });
  it('grids that differ throw GRID_MISMATCH', () => {
    const other = new Raster(new Grid(3, 2, [5, 10, 0, 20, 0, -10], crs), new Float64Array(6));
    expect(() => lsFromSlopeAndArea(slopeDeg, other, { slopeUnits: 'degrees', areaUnits: 'm2', method: 'moore-burch' })).toThrow(expect.objectContaining({ code: 'GRID_MISMATCH' }));
  });
});

describe('kernels equal the registered formulas', () => {
  it('every S and m formula in lsFromSlopeAndArea (desmet-govers) equals formulas.evaluate within Float32 rounding (1e-6 relative)', () => {
    const g = new Grid(8, 1, [0, 10, 0, 10, 0, -10], crs);
    const slopes = [0, 0.5, 3, 5, 8.99, 9, 12, 30];
    const slope = new Raster(g, Float64Array.from(slopes, (d) => (d * Math.PI) / 180));
    const area = new Raster(g, Float64Array.from([100, 200, 500, 1000, 3000, 1e4, 5e4, 1e6]));
    const mIds = { 'm.mccool1989': 'm.mccool1989', 'm.usle': 'm.usle', 'm.csle': 'm.csle' } as const;
    for (const sId of ['S.mccool1987', 'S.mccool1987short', 'S.liu1994', 'S.csle', 'S.nearing1997', 'S.wischmeierSmith1978'] as const) {
      for (const mId of Object.keys(mIds) as (keyof typeof mIds)[]) {
        const { ls } = lsFromSlopeAndArea(slope, area, { slopeUnits: 'radians', areaUnits: 'm2', method: 'desmet-govers', sFormula: sId, mFormula: mId });
        for (let i = 0; i < 8; i++) {
          const a = slope.data[i]!;
          const m = formulas.evaluate(mId, { slopeRad: a });
          const want = formulas.evaluate('L.desmetGovers1996', { upslopeAreaM2: area.data[i]! - 100, cellSizeM: 10, m }) * formulas.evaluate(sId, { slopeRad: a });
          expect(Math.abs(ls.data[i]! - want), `${sId} ${mId} at ${slopes[i]}°`).toBeLessThanOrEqual(1e-6 * Math.abs(want) + 1e-7);
        }
      }
    }
  });
});

describe('tangent-domain kernels equal the registered formulas', () => {
  it('slope-length method: every S × m × L path equals S(θ) · L(λ, m) of formulas.evaluate on the returned slope (Float32), λ and λ_in (2e-6 relative: Float32 output and angle)', () => {
    const dem = fillDepressions(noisyDem(11, 30, 26), { epsilon: true });
    const sl = slopeLength(dem, { withInletLength: true });
    for (const sFormula of ['S.mccool1987', 'S.mccool1987short', 'S.liu1994', 'S.csle', 'S.nearing1997', 'S.wischmeierSmith1978'] as const) {
      for (const mFormula of ['m.mccool1989', 'm.usle', 'm.csle', 'm.constant'] as const) {
        for (const lFormula of ['L.rusle', 'L.segment'] as const) {
          const r = lsFactor(dem, { preset: 'rusle-aml', fill: false, sFormula, mFormula, lFormula, ...(mFormula === 'm.constant' ? { mConstant: 0.35 } : {}), intermediates: true });
          let checked = 0;
          for (let i = 0; i < r.ls.data.length; i++) {
            const a = r.slopeRad!.data[i]!;
            if (Number.isNaN(a)) continue;
            const m = mFormula === 'm.constant' ? 0.35 : formulas.evaluate(mFormula, { slopeRad: a });
            const lam = sl.lengthM.data[i]!;
            expect(r.lengthM!.data[i]).toBe(lam);
            const L = lFormula === 'L.rusle'
              ? formulas.evaluate('L.rusle', { lengthM: lam, m })
              : formulas.evaluate('L.segment', { lengthInM: sl.lengthInM!.data[i]!, lengthOutM: lam, m });
            const want = L * formulas.evaluate(sFormula, { slopeRad: a });
            expect(Math.abs(r.ls.data[i]! - want), `${sFormula} ${mFormula} ${lFormula} cell ${i}`).toBeLessThanOrEqual(2e-6 * Math.abs(want) + 1e-7);
            checked++;
          }
          expect(checked).toBeGreaterThan(700);
        }
      }
    }
  });
  it('slope-length method with the Horn slope source (angle kernel) equals S(θ) · L.segment of formulas.evaluate (1e-6 relative)', () => {
    const dem = fillDepressions(noisyDem(5, 30, 26), { epsilon: true });
    const sl = slopeLength(dem, { withInletLength: true });
    const r = lsFactor(dem, { preset: 'csle', fill: false, slopeSource: 'horn', intermediates: true });
    let checked = 0;
    for (let i = 0; i < r.ls.data.length; i++) {
      const a = r.slopeRad!.data[i]!;
      if (Number.isNaN(a) || Number.isNaN(r.ls.data[i]!)) continue;
      const m = formulas.evaluate('m.csle', { slopeRad: a });
      const want = formulas.evaluate('L.segment', { lengthInM: sl.lengthInM!.data[i]!, lengthOutM: sl.lengthM.data[i]!, m }) * formulas.evaluate('S.csle', { slopeRad: a });
      expect(Math.abs(r.ls.data[i]! - want), `cell ${i}`).toBeLessThanOrEqual(1e-6 * Math.abs(want) + 1e-7);
      checked++;
    }
    expect(checked).toBeGreaterThan(700);
  });
  it('desmet-govers with an aspect: x^m from ½ log1p|sin 2α| and the cancellation-free numerator equal L.desmetGovers1996 (areas up to 1e9 m², 1e-6 relative)', () => {
    const g = new Grid(8, 1, [0, 30, 0, 30, 0, -30], crs);
    const slope = new Raster(g, Float64Array.from([0.2, 1, 3, 6, 9.5, 15, 25, 40], (d) => (d * Math.PI) / 180));
    const area = new Raster(g, Float64Array.from([900, 1800, 5e3, 9e4, 1e6, 3e7, 2e8, 1e9]));
    const aspect = new Raster(g, Float64Array.from([0.1, 0.7, Math.PI / 4, 1.3, 2.2, 3.5, 4.0, 5.9]));
    for (const mFormula of ['m.mccool1989', 'm.usle', 'm.csle'] as const) {
      const { ls } = lsFromSlopeAndArea(slope, area, { slopeUnits: 'radians', areaUnits: 'm2', method: 'desmet-govers', aspectRad: aspect, mFormula });
      for (let i = 0; i < 8; i++) {
        const a = slope.data[i]!;
        const m = formulas.evaluate(mFormula, { slopeRad: a });
        const want = formulas.evaluate('L.desmetGovers1996', { upslopeAreaM2: area.data[i]! - 900, cellSizeM: 30, m, aspectRad: aspect.data[i]! })
          * formulas.evaluate('S.mccool1987', { slopeRad: a });
        expect(Math.abs(ls.data[i]! - want), `${mFormula} cell ${i}`).toBeLessThanOrEqual(1e-6 * Math.abs(want));
      }
    }
  });
});
