import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formulas } from '../../src/index.js';
import { lSegment, lDesmetGovers1996, mMcCool1989, sCsle, mCsle } from '../../src/factors/ls/formulas.js';

const DEG = Math.PI / 180;
const pct = (p: number): number => Math.atan(p / 100);
const ev = (id: string, inputs: Record<string, number>): number => formulas.evaluate(id, inputs);

describe('S formulas', () => {
  it('S.mccool1987 is 1.0 at 9 % within 0.01 (unit plot, AH703 eq. 4-4) and takes the steep branch at exactly 9 %', () => {
    expect(ev('S.mccool1987', { slopeRad: pct(9) })).toBeCloseTo(16.8 * Math.sin(pct(9)) - 0.5, 12);
    expect(Math.abs(ev('S.mccool1987', { slopeRad: pct(9) }) - 1)).toBeLessThan(0.01);
    expect(ev('S.mccool1987', { slopeRad: pct(8.999) })).toBeCloseTo(10.8 * Math.sin(pct(8.999)) + 0.03, 12);
  });
  it('S.mccool1987 floor at zero slope is 0.03', () => {
    expect(ev('S.mccool1987', { slopeRad: 0 })).toBe(0.03);
  });
  it('S.mccool1987short is 3.0 sin^0.8 + 0.56 (0.56 at zero slope)', () => {
    expect(ev('S.mccool1987short', { slopeRad: 0 })).toBe(0.56);
    expect(ev('S.mccool1987short', { slopeRad: pct(20) })).toBeCloseTo(3 * Math.pow(Math.sin(pct(20)), 0.8) + 0.56, 12);
  });
  it('S.liu1994 at 30° is 21.91·0.5 − 0.96 = 9.995', () => {
    expect(ev('S.liu1994', { slopeRad: 30 * DEG })).toBeCloseTo(9.995, 10);
  });
  it('S.csle boundaries: 5° takes 16.8 sin − 0.5, 10° takes 21.91 sin − 0.96, just below each takes the lower branch', () => {
    expect(sCsle(5 * DEG)).toBeCloseTo(16.8 * Math.sin(5 * DEG) - 0.5, 12);
    expect(sCsle(5 * DEG - 1e-9)).toBeCloseTo(10.8 * Math.sin(5 * DEG) + 0.03, 6);
    expect(sCsle(10 * DEG)).toBeCloseTo(21.91 * Math.sin(10 * DEG) - 0.96, 12);
    expect(sCsle(10 * DEG - 1e-9)).toBeCloseTo(16.8 * Math.sin(10 * DEG) - 0.5, 6);
    expect(ev('S.csle', { slopeRad: 0 })).toBe(0.03);
  });
  it('S.nearing1997 at 0 is −1.5 + 17/(1+e^2.3) = 0.0490 (hand value)', () => {
    expect(ev('S.nearing1997', { slopeRad: 0 })).toBeCloseTo(-1.5 + 17 / (1 + Math.exp(2.3)), 12);
    expect(ev('S.nearing1997', { slopeRad: 0 })).toBeCloseTo(0.0490, 3);
  });
  it('S.wischmeierSmith1978 is about 1 at 9 % (AH537 unit plot) and 0.065 at 0', () => {
    expect(ev('S.wischmeierSmith1978', { slopeRad: pct(9) })).toBeCloseTo(1.0, 1);
    expect(ev('S.wischmeierSmith1978', { slopeRad: 0 })).toBe(0.065);
  });
  it('every S is non-decreasing in slope (fast-check seed 4401)', () => {
    for (const id of ['S.mccool1987', 'S.mccool1987short', 'S.liu1994', 'S.nearing1997', 'S.wischmeierSmith1978']) {
      fc.assert(fc.property(fc.double({ min: 0, max: 1.5, noNaN: true }), fc.double({ min: 0, max: 0.05, noNaN: true }), (a, d) => {
        return ev(id, { slopeRad: a + d }) >= ev(id, { slopeRad: a }) - 1e-12;
      }), { seed: 4401, numRuns: 200 });
    }
  });
});

describe('m formulas', () => {
  it('m.mccool1989 uses 0.0896: m at a 9 % slope is 0.501 for the moderate ratio (AH703 eqs. 4-2, 4-3; hand value)', () => {
    const s = Math.sin(pct(9));
    const beta = s / 0.0896 / (3 * Math.pow(s, 0.8) + 0.56);
    expect(ev('m.mccool1989', { slopeRad: pct(9) })).toBeCloseTo(beta / (1 + beta), 12);
    expect(ev('m.mccool1989', { slopeRad: pct(9) })).toBeCloseTo(0.501, 3);
  });
  it('m.mccool1989 rill ratio: low (×0.5) < moderate < high (×2)', () => {
    const a = pct(12);
    expect(mMcCool1989(a, 0.5)).toBeLessThan(mMcCool1989(a, 1));
    expect(mMcCool1989(a, 2)).toBeGreaterThan(mMcCool1989(a, 1));
    expect(ev('m.mccool1989', { slopeRad: a, rillRatio: 2 })).toBe(mMcCool1989(a, 2));
  });
  it('m.usle steps: 0.2 below 1 %, 0.3 from 1 %, 0.4 from 3 %, 0.5 from 5 %', () => {
    expect(ev('m.usle', { slopeRad: pct(0.99) })).toBe(0.2);
    expect(ev('m.usle', { slopeRad: pct(1.001) })).toBe(0.3);
    expect(ev('m.usle', { slopeRad: pct(3.001) })).toBe(0.4);
    expect(ev('m.usle', { slopeRad: pct(5.001) })).toBe(0.5);
  });
  it('m.csle classes with inclusive upper bounds at 1°, 3°, 5° (Liu et al. 2000; Zhang et al. 2013)', () => {
    expect(mCsle(1 * DEG)).toBe(0.2);
    expect(mCsle(1 * DEG + 1e-9)).toBe(0.3);
    expect(mCsle(3 * DEG)).toBe(0.3);
    expect(mCsle(3 * DEG + 1e-9)).toBe(0.4);
    expect(mCsle(5 * DEG)).toBe(0.4);
    expect(mCsle(5 * DEG + 1e-9)).toBe(0.5);
  });
});

describe('L and LS formulas', () => {
  it('L.rusle is 1 at 22.13 m and (100/22.13)^0.5 at 100 m', () => {
    expect(ev('L.rusle', { lengthM: 22.13, m: 0.5 })).toBe(1);
    expect(ev('L.rusle', { lengthM: 100, m: 0.5 })).toBeCloseTo(Math.sqrt(100 / 22.13), 12);
  });
  it('L.segment averages L.rusle over the segment: a segment from 0 equals (λ/22.13)^m (Foster & Wischmeier 1974 reduce to eq. 4-1)', () => {
    expect(ev('L.segment', { lengthInM: 0, lengthOutM: 50, m: 0.4 })).toBeCloseTo(Math.pow(50 / 22.13, 0.4), 12);
    expect(lSegment(40, 40, 0.5)).toBeCloseTo(Math.sqrt(40 / 22.13), 12);
  });
  it('L.desmetGovers1996 equals L.segment along a 1-D slope of cell width (A = λin·D)', () => {
    const D = 30;
    const lin = 90;
    expect(lDesmetGovers1996(lin * D, D, 0.45, 1)).toBeCloseTo(lSegment(lin, lin + D, 0.45), 12);
    expect(ev('L.desmetGovers1996', { upslopeAreaM2: lin * D, cellSizeM: D, m: 0.45, aspectRad: Math.PI / 4 }))
      .toBeCloseTo(lSegment(lin, lin + D, 0.45) / Math.pow(Math.SQRT2, 0.45), 12);
  });
  it('LS.mooreBurch1986 is (m+1) at As = 22.13 m and a 9 % sine (SAGA form)', () => {
    const slope = Math.asin(0.0896);
    expect(ev('LS.mooreBurch1986', { specificCatchmentAreaM: 22.13, slopeRad: slope })).toBeCloseTo(1.4, 12);
  });
  it('bad inputs throw BAD_VALUE naming the input', () => {
    expect(() => ev('L.rusle', { lengthM: -1, m: 0.5 })).toThrow(/lengthM/);
    expect(() => ev('S.csle', { slopeRad: NaN })).toThrow(/slopeRad/);
  });
});
