import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formulas, isRusleError, kNomograph, kEpic, geometricMeanDiameterMm, kShiraziBoersmaFromDg, K_US_TO_SI, unitEnergyBrownFoster1987, unitEnergyRusle2, unitEnergyWischmeierSmith1978, cVanDerKnijff, cCai2000, fvcDimidiate, annualBFactor, ENERGY_US_TO_SI, rRenardFreimund1994, rRenardFreimund1994Fournier, fournierIndex, zhangAlpha, zhangBeta } from '../../src/index.js';
import { kEpicUs } from '../../src/factors/soil/erodibility.js';

const SEED = 20261129;

function throwsCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(isRusleError(e, code as never), String(e)).toBe(true);
    return;
  }
  throw new Error(`expected RusleError ${code}`);
}

describe('formula registry', () => {
  it('lists every factor formula of this issue with citation, input units and output unit', () => {
    const ids = formulas.list().map((f) => f.id);
    for (const id of ['e.brownFoster1987', 'e.rusle2', 'e.wischmeierSmith1978', 'R.zhangDaily', 'R.renardFreimund1994', 'R.renardFreimund1994Fournier', 'F.arnoldus1980', 'K.nomograph', 'K.epic', 'K.shiraziBoersma', 'C.vanDerKnijff', 'FVC.dimidiate', 'C.cai2000']) {
      expect(ids).toContain(id);
      const f = formulas.get(id);
      expect(f.citation.length).toBeGreaterThan(20);
      expect(f.output.unit.length).toBeGreaterThan(0);
      for (const i of f.inputs) expect(i.unit.length).toBeGreaterThan(0);
    }
  });
  it('list() does not leak the functions', () => {
    for (const f of formulas.list()) {
      expect('fn' in f).toBe(false);
      expect('check' in f).toBe(false);
    }
  });
  it('evaluate throws BAD_VALUE for missing, non-finite, out-of-range and inconsistent inputs', () => {
    throwsCode(() => formulas.evaluate('K.epic', { sandPct: 40, siltPct: 40, clayPct: 20 }), 'BAD_VALUE');
    throwsCode(() => formulas.evaluate('K.epic', { sandPct: NaN, siltPct: 40, clayPct: 20, organicCarbonPct: 1 }), 'BAD_VALUE');
    throwsCode(() => formulas.evaluate('K.nomograph', { siltPct: 50, veryFineSandPct: 10, clayPct: 20, organicMatterPct: 5, structureClass: 2, permeabilityClass: 3 }), 'BAD_VALUE');
    throwsCode(() => formulas.evaluate('K.epic', { sandPct: 40, siltPct: 40, clayPct: 30, organicCarbonPct: 1 }), 'BAD_VALUE');
    throwsCode(() => formulas.evaluate('K.nomograph', { siltPct: 60, veryFineSandPct: 15, clayPct: 10, organicMatterPct: 2, structureClass: 2, permeabilityClass: 3 }), 'BAD_VALUE');
    throwsCode(() => formulas.evaluate('K.nomograph', { siltPct: 50, veryFineSandPct: 10, clayPct: 20, organicMatterPct: 2, structureClass: 2.5, permeabilityClass: 3 }), 'BAD_VALUE');
    throwsCode(() => formulas.evaluate('FVC.dimidiate', { ndvi: 0.5, ndviSoil: 0.8, ndviVeg: 0.2 }), 'BAD_VALUE');
    throwsCode(() => formulas.evaluate('e.rusle2', { intensityMmH: -1 }), 'BAD_VALUE');
  });
});

describe('rainfall energy', () => {
  it('e.brownFoster1987 at 0 and saturation (AH703 relation: 0.29·0.28 = 0.0812; → 0.29)', () => {
    expect(unitEnergyBrownFoster1987(0)).toBeCloseTo(0.0812, 10);
    expect(unitEnergyBrownFoster1987(1000)).toBeCloseTo(0.29, 10);
    expect(formulas.evaluate('e.brownFoster1987', { intensityMmH: 20 })).toBeCloseTo(0.29 * (1 - 0.72 * Math.exp(-1)), 12);
  });
  it('e.rusle2 uses 0.082 (McGregor et al. 1995): e(10) = 0.29(1 − 0.72 e^−0.82)', () => {
    expect(unitEnergyRusle2(10)).toBeCloseTo(0.29 * (1 - 0.72 * Math.exp(-0.82)), 12);
  });
  it('e.wischmeierSmith1978 (AH537): 0.119 + 0.0873 log10 i, 0.283 above 76 mm/h, never negative', () => {
    expect(unitEnergyWischmeierSmith1978(10)).toBeCloseTo(0.119 + 0.0873, 12);
    expect(unitEnergyWischmeierSmith1978(76)).toBeCloseTo(0.119 + 0.0873 * Math.log10(76), 12);
    expect(unitEnergyWischmeierSmith1978(76)).toBeCloseTo(0.283, 3); // the cap continues the line (0.2832)
    expect(unitEnergyWischmeierSmith1978(200)).toBe(0.283);
    expect(unitEnergyWischmeierSmith1978(0.01)).toBe(0);
  });
  it('the metric AH537 relation is the US one (e = 916 + 331 log10 i, ft·tonf·acre⁻¹·in⁻¹, i in in/h) times 2.638e-4', () => {
    for (const iMm of [1, 5, 25, 70]) {
      const eUs = 916 + 331 * Math.log10(iMm / 25.4);
      expect(unitEnergyWischmeierSmith1978(iMm)).toBeCloseTo(eUs * ENERGY_US_TO_SI, 3);
    }
  });
  it('property: every e rises with intensity and saturates (bounded by 0.29)', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 500, noNaN: true }), fc.double({ min: 0, max: 500, noNaN: true }), (a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      for (const e of [unitEnergyBrownFoster1987, unitEnergyRusle2, unitEnergyWischmeierSmith1978]) {
        expect(e(hi)).toBeGreaterThanOrEqual(e(lo));
        expect(e(hi)).toBeLessThanOrEqual(0.29);
      }
    }), { seed: SEED, numRuns: 300 });
  });
});

describe('R models', () => {
  it('R.renardFreimund1994: 0.0483 P^1.61 up to 850 mm, quadratic above (cross-checked against an independent Fortran implementation)', () => {
    expect(rRenardFreimund1994(800)).toBeCloseTo(0.0483 * Math.pow(800, 1.61), 10);
    expect(rRenardFreimund1994(1600)).toBeCloseTo(587.8 - 1.219 * 1600 + 0.004105 * 1600 * 1600, 9);
    expect(formulas.evaluate('R.renardFreimund1994', { annualRainMm: 1600 })).toBeCloseTo(9146.2, 1);
    // the two branches meet at 850 mm (2517 vs 2521, 0.15 %): a consistency check of the published constants
    expect(Math.abs(0.0483 * Math.pow(850, 1.61) - (587.8 - 1.219 * 850 + 0.004105 * 850 * 850))).toBeLessThan(5);
  });
  it('modified Fournier index of a uniform year equals the monthly rain (by hand)', () => {
    expect(fournierIndex(Array(12).fill(100))).toBeCloseTo(100, 12);
    const m = [0, 0, 0, 0, 0, 300, 300, 0, 0, 0, 0, 0];
    expect(fournierIndex(m)).toBeCloseTo(300, 12);
    expect(rRenardFreimund1994Fournier(50)).toBeCloseTo(0.7397 * Math.pow(50, 1.847), 10);
    // branches meet at F = 55 mm (1212 vs 1204, 0.7 %): the coefficient is 0.7397 (a quoted 0.07397 would jump ×10)
    expect(Math.abs(rRenardFreimund1994Fournier(55) / rRenardFreimund1994Fournier(55.0001) - 1)).toBeLessThan(0.01);
  });
  it('Zhang et al. 2002: β and α from the rainfall indexes; a day below 12 mm gives 0', () => {
    const beta = zhangBeta(25, 900);
    expect(beta).toBeCloseTo(0.8363 + 18.144 / 25 + 24.455 / 900, 12);
    expect(zhangAlpha(beta)).toBeCloseTo(21.586 * Math.pow(beta, -7.1891), 12);
    expect(formulas.evaluate('R.zhangDaily', { rainMm: 11.9, pd12Mm: 25, py12Mm: 900 })).toBe(0);
    expect(formulas.evaluate('R.zhangDaily', { rainMm: 40, pd12Mm: 25, py12Mm: 900 })).toBeCloseTo(zhangAlpha(beta) * Math.pow(40, beta), 10);
  });
});

describe('K', () => {
  it('K.nomograph reproduces the AH537 worked example: 65 % silt+vfs, 5 % sand, 2.8 % OM, structure 2, permeability 4 → K = 0.31 (US)', () => {
    // Clay = 100 − 65 − 5 = 30 %; M = 65 × 70 = 4550.
    const kSi = formulas.evaluate('K.nomograph', { siltPct: 55, veryFineSandPct: 10, clayPct: 30, organicMatterPct: 2.8, structureClass: 2, permeabilityClass: 4 });
    const kUs = kSi / K_US_TO_SI;
    expect(kUs).toBeCloseTo(0.31, 2);
    expect(kNomograph(55, 10, 30, 2.8, 2, 4) / K_US_TO_SI).toBeCloseTo(0.3109, 4);
  });
  it('K.epic for 40/40/20 % sand/silt/clay and 1 % C: 0.2954 US = 0.0389 SI (worked by hand, factor by factor)', () => {
    // fcsand = 0.2 + 0.3 e^(−0.0256·40·0.6) = 0.36229; fcl = (40/60)^0.3 = 0.88547;
    // forgc = 1 − 0.25/(1 + e^0.77) = 0.92088; fhisand = 1 − 0.42/(0.6 + e^8.23) = 0.99989.
    expect(kEpicUs(40, 40, 20, 1)).toBeCloseTo(0.36229 * 0.88547 * 0.92088 * 0.99989, 4);
    expect(kEpic(40, 40, 20, 1)).toBeCloseTo(0.2954 * 0.1317, 4);
    // the 0.256 misprint would give fcsand ≈ 0.2006 and K_US ≈ 0.1636: far from ours.
    expect(kEpicUs(40, 40, 20, 1)).toBeGreaterThan(0.29);
  });
  it('K.shiraziBoersma: D_g of 40/40/20 is 0.0589 mm and K = 0.0371 SI = 0.282 US (AH703 eq. 3-5, worked by hand)', () => {
    const dg = geometricMeanDiameterMm(40, 40, 20);
    // ln Dg = 0.01 (40 ln 1.025 + 40 ln 0.026 + 20 ln 0.001) = −2.8316
    expect(Math.log(dg)).toBeCloseTo(-2.8316, 3);
    const k = kShiraziBoersmaFromDg(dg);
    expect(k).toBeCloseTo(0.03714, 4);
    expect((7.594 * k) / 1).toBeCloseTo(0.282, 3);
    expect(formulas.evaluate('K.shiraziBoersma', { sandPct: 40, siltPct: 40, clayPct: 20 })).toBe(k);
  });
  it('property: K.nomograph and K.epic rise with silt replacing sand at fixed clay', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 5, max: 80 }), fc.integer({ min: 1, max: 10 }), fc.double({ min: 0.1, max: 5, noNaN: true }), (clay, silt, step, oc) => {
      const sand = 100 - clay - silt;
      if (sand - step < 0 || sand > 90) return;
      expect(kEpic(sand - step, silt + step, clay, oc)).toBeGreaterThan(kEpic(sand, silt, clay, oc));
      if (silt + step <= 70) expect(kNomograph(silt + step, 0, clay, Math.min(oc, 4), 2, 3)).toBeGreaterThan(kNomograph(silt, 0, clay, Math.min(oc, 4), 2, 3));
    }), { seed: SEED, numRuns: 300 });
  });
});

describe('C, FVC, B', () => {
  it('C.vanDerKnijff: exp(−2·0.5/0.5) = e^−2 at NDVI 0.5; 1 at NDVI ≤ 0 (clamped)', () => {
    expect(formulas.evaluate('C.vanDerKnijff', { ndvi: 0.5 })).toBeCloseTo(Math.exp(-2), 12);
    expect(cVanDerKnijff(0)).toBe(1);
    expect(cVanDerKnijff(-0.3)).toBe(1);
  });
  it('property: C falls with NDVI (van der Knijff, and Cai through the dimidiate FVC)', () => {
    fc.assert(fc.property(fc.double({ min: -1, max: 0.99, noNaN: true }), fc.double({ min: -1, max: 0.99, noNaN: true }), (a, b) => {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      expect(cVanDerKnijff(hi)).toBeLessThanOrEqual(cVanDerKnijff(lo));
      expect(cCai2000(100 * fvcDimidiate(hi, 0.05, 0.85))).toBeLessThanOrEqual(cCai2000(100 * fvcDimidiate(lo, 0.05, 0.85)));
    }), { seed: SEED, numRuns: 300 });
  });
  it('C.cai2000: 1 at 0 %, 0.6508 at 1 %, 0 above 78.3 %, and the line meets 0 at 78.3 % (consistency of the published constants)', () => {
    expect(cCai2000(0)).toBe(1);
    expect(cCai2000(1)).toBeCloseTo(0.6508, 12);
    expect(cCai2000(50)).toBeCloseTo(0.6508 - 0.3436 * Math.log10(50), 12);
    expect(cCai2000(78.4)).toBe(0);
    expect(Math.pow(10, 0.6508 / 0.3436)).toBeCloseTo(78.3, 0);
    expect(cCai2000(0.05)).toBe(1); // 0.6508 + 0.3436·1.301 = 1.098, clamped
  });
  it('FVC.dimidiate clamps to [0, 1]', () => {
    expect(fvcDimidiate(0.45, 0.05, 0.85)).toBeCloseTo(0.5, 12);
    expect(fvcDimidiate(0.9, 0.05, 0.85)).toBe(1);
    expect(fvcDimidiate(0, 0.05, 0.85)).toBe(0);
  });
  it('annual B is the erosivity-weighted mean of half-month SLR and refuses shares that do not sum to 1', () => {
    const slr = Array.from({ length: 24 }, (_, i) => (i < 12 ? 0.1 : 0.3));
    const wr = Array.from({ length: 24 }, (_, i) => (i < 12 ? 0.25 / 12 : 0.75 / 12));
    expect(annualBFactor(slr, wr)).toBeCloseTo(0.1 * 0.25 + 0.3 * 0.75, 12);
    throwsCode(() => annualBFactor(slr, Array(24).fill(0.05)), 'BAD_VALUE');
  });
});
