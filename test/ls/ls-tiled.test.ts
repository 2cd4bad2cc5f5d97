import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Grid, Raster, RusleError, isRusleError, fillDepressions, flowAccumulationPlan, geographicCrs, lsFactor, lsFactorTiled, lsPlan, projectedCrs,
} from '../../src/index.js';

const utm = projectedCrs({ epsg: 32650 });

/** Mulberry32. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Case { seed: number; w: number; h: number; kind: 'float' | 'integer' | 'plane'; geographic: boolean; holes: boolean; margin: boolean }

function makeDem(k: Case): Raster {
  const rand = rng(k.seed);
  const { w, h } = k;
  const z = new Float32Array(w * h);
  const ax = rand() * 2 - 1;
  const ay = rand() * 2 - 1;
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      let v: number;
      if (k.kind === 'integer') v = Math.round((ax * c + ay * r) * 0.8 + Math.sin(c / 3) * 2 + rand() * 1.2);
      else if (k.kind === 'plane') v = 100 + ax * c * 2 + ay * r * 2 + rand() * 0.3;
      else v = 100 + 3 * (ax * c + ay * r) + rand() * 10;
      z[r * w + c] = v;
    }
  }
  if (k.holes) for (let m = 0; m < Math.ceil(w * h * 0.03); m++) z[Math.floor(rand() * w * h)] = NaN;
  if (k.margin) {
    const cx = (w - 1) / 2;
    const cy = (h - 1) / 2;
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) if (((c - cx) / (w * 0.5)) ** 2 + ((r - cy) / (h * 0.5)) ** 2 > 1) z[r * w + c] = NaN;
  }
  const grid = k.geographic ? new Grid(w, h, [110, 1 / 1200, 0, 28.5, 0, -1 / 1200], geographicCrs()) : new Grid(w, h, [500000, 10, 0, 3000000, 0, -10], utm);
  return new Raster(grid, z, NaN);
}

const caseArb = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  w: fc.integer({ min: 1, max: 36 }),
  h: fc.integer({ min: 1, max: 36 }),
  kind: fc.constantFrom('float' as const, 'integer' as const, 'plane' as const),
  geographic: fc.boolean(),
  holes: fc.boolean(),
  margin: fc.boolean(),
});
const tileArb = fc.record({ tw: fc.integer({ min: 1, max: 20 }), th: fc.integer({ min: 1, max: 20 }) });
/** Overrides that exercise the cutoff, channel stop, caps and every L / m / S branch. */
const overridesArb = fc.record({
  channelThresholdM2: fc.constantFrom(Infinity, 2000, 15000, 4e5),
  maxLengthM: fc.constantFrom(Infinity, 25, 120),
  capL: fc.constantFrom(Infinity, 1.5),
  lFormula: fc.constantFrom(undefined, 'L.rusle' as const, 'L.segment' as const),
  mFormula: fc.constantFrom(undefined, 'm.mccool1989' as const, 'm.usle' as const, 'm.csle' as const, 'm.constant' as const, 'm.invest' as const),
  sFormula: fc.constantFrom(undefined, 'S.mccool1987' as const, 'S.mccool1987short' as const, 'S.nearing1997' as const, 'S.csle' as const),
  mConstant: fc.constantFrom(0.5, 0.35),
  cutoffBelow5Pct: fc.constantFrom(0.7, 0, 1),
}, { requiredKeys: [] });

function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

describe('tiled LS on the cumulative slope length (lsFactorTiled)', () => {
  const seed = 1303;
  it(`csle, rusle-aml and grass-r.watershed equal lsFactor (fill: false) bit for bit for any tile size, LS and λ (fast-check seed ${seed})`, () => {
    console.log(`tiled LS property: fast-check seed ${seed}`);
    fc.assert(fc.property(caseArb, tileArb, (k, t) => {
      const filled = fillDepressions(makeDem(k), { epsilon: true });
      for (const preset of ['csle', 'rusle-aml', 'grass-r.watershed'] as const) {
        const whole = lsFactor(filled, { preset, fill: false, intermediates: true });
        const tiled = lsFactorTiled(filled, { preset, tileWidth: t.tw, tileHeight: t.th });
        expect(firstDiff(tiled.ls.data, whole.ls.data), `${JSON.stringify(k)} ${t.tw}×${t.th} ${preset} LS`).toBe(-1);
        expect(firstDiff(tiled.lengthM.data, whole.lengthM!.data), `${JSON.stringify(k)} ${t.tw}×${t.th} ${preset} λ`).toBe(-1);
      }
    }), { seed, numRuns: 120 });
  });

  const seed2 = 1304;
  it(`option overrides (channel stop, caps, cutoffs, every L, m and S branch) stay bit-identical (fast-check seed ${seed2})`, () => {
    console.log(`tiled LS overrides property: fast-check seed ${seed2}`);
    fc.assert(fc.property(caseArb, tileArb, fc.constantFrom('csle' as const, 'rusle-aml' as const), overridesArb, (k, t, preset, ov) => {
      const filled = fillDepressions(makeDem(k), { epsilon: true });
      const clean = Object.fromEntries(Object.entries(ov).filter(([, v]) => v !== undefined)) as typeof ov;
      // mConstant is an input of m.constant only; elsewhere lsFactor refuses it (IGNORED_OPTION)
      if (clean.mFormula !== 'm.constant') delete clean.mConstant;
      let whole: ReturnType<typeof lsFactor>;
      try {
        whole = lsFactor(filled, { preset, fill: false, ...clean });
      } catch (e) {
        // an option the method does not use: the tiled form refuses it with the same code
        if (!isRusleError(e) || e.code !== 'IGNORED_OPTION') throw e;
        expect(() => lsFactorTiled(filled, { preset, ...clean, tileWidth: t.tw, tileHeight: t.th })).toThrow(expect.objectContaining({ code: 'IGNORED_OPTION' }));
        return;
      }
      const tiled = lsFactorTiled(filled, { preset, ...clean, tileWidth: t.tw, tileHeight: t.th });
      expect(firstDiff(tiled.ls.data, whole.ls.data), `${JSON.stringify(k)} ${t.tw}×${t.th} ${preset} ${JSON.stringify(clean)}`).toBe(-1);
    }), { seed: seed2, numRuns: 150 });
  });

  it('a slope longer than three tiles: λ keeps growing across tile edges as in memory', () => {
    const w = 5;
    const h = 60;
    const z = new Float64Array(w * h);
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) z[r * w + c] = 500 - r * 1.7 - Math.abs(c - 2) * 0.01;
    const dem = new Raster(new Grid(w, h, [0, 10, 0, 600, 0, -10], utm), z, NaN);
    const whole = lsFactor(dem, { preset: 'csle', fill: false, intermediates: true });
    const tiled = lsFactorTiled(dem, { preset: 'csle', tileWidth: 2, tileHeight: 7 });
    expect(firstDiff(tiled.ls.data, whole.ls.data)).toBe(-1);
    const grass = lsFactorTiled(dem, { preset: 'grass-r.watershed', tileWidth: 2, tileHeight: 7 });
    expect(firstDiff(grass.ls.data, lsFactor(dem, { preset: 'grass-r.watershed', fill: false }).ls.data)).toBe(-1);
    expect(tiled.lengthM.data[(h - 2) * w + 2]!).toBeGreaterThan(400);
  });

  it('refuses the area presets with a coded error pointing to lsFactor', () => {
    const dem = new Raster(new Grid(3, 3, [0, 10, 0, 30, 0, -10], utm), Float64Array.from({ length: 9 }, (_, i) => 9 - i), NaN);
    for (const preset of ['invest', 'saga-desmet-govers'] as const) {
      try {
        lsFactorTiled(dem, { preset });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(RusleError);
        expect((e as RusleError).code).toBe('BAD_ARGUMENT');
        expect((e as RusleError).message).toMatch(/in memory only/);
      }
    }
  });
});

describe('memory budget plans (lsPlan, flowAccumulationPlan)', () => {
  it('csle, rusle-aml and grass-r.watershed switch to tiles over the budget; in-memory-only presets refuse with OUT_OF_MEMORY_BUDGET stating the need', () => {
    const budget = 2 * 2 ** 30;
    expect(lsPlan({ preset: 'csle' }, 1000, 1000, budget).mode).toBe('memory');
    expect(lsPlan({ preset: 'csle' }, 41000, 41000, budget).mode).toBe('tiled');
    expect(lsPlan({ preset: 'rusle-aml' }, 41000, 41000, budget).mode).toBe('tiled');
    expect(lsPlan({ preset: 'grass-r.watershed' }, 41000, 41000, budget).mode).toBe('tiled');
    for (const preset of ['invest', 'saga-desmet-govers'] as const) {
      expect(lsPlan({ preset }, 1000, 1000, budget).mode).toBe('memory');
      try {
        lsPlan({ preset }, 41000, 41000, budget);
        expect.unreachable();
      } catch (e) {
        expect((e as RusleError).code).toBe('OUT_OF_MEMORY_BUDGET');
        expect((e as RusleError).message).toContain(String(60 * 41000 * 41000));
      }
    }
    expect(() => lsPlan({ preset: 'csle', slopeSource: 'horn' }, 41000, 41000, budget)).toThrow(/in memory only/);
  });
  it('D8 accumulation switches to tiles; MFD and D∞ refuse over the budget', () => {
    const budget = 2 * 2 ** 30;
    expect(flowAccumulationPlan('d8', 41000, 41000, budget).mode).toBe('tiled');
    expect(flowAccumulationPlan('mfd', 100, 100, budget).mode).toBe('memory');
    for (const kind of ['mfd', 'dinf'] as const) {
      try {
        flowAccumulationPlan(kind, 41000, 41000, budget);
        expect.unreachable();
      } catch (e) {
        expect((e as RusleError).code).toBe('OUT_OF_MEMORY_BUDGET');
        expect((e as RusleError).message).toMatch(/in memory only/);
      }
    }
    expect(() => flowAccumulationPlan('d8', 10, 10, 0)).toThrow(RusleError);
  });
});

describe('tiled r.watershed LS', () => {
  const seed = 1305;
  it(`grass-r.watershed with maxLengthM and rillRatio overrides equals lsFactor bit for bit, Float32 and Float64 DEMs (fast-check seed ${seed})`, () => {
    console.log(`tiled r.watershed LS property: fast-check seed ${seed}`);
    fc.assert(fc.property(caseArb, tileArb, fc.constantFrom(Infinity, 30, 90), fc.constantFrom(0.5, 1), fc.boolean(), (k, t, maxLengthM, rillRatio, f64) => {
      const dem = makeDem(k);
      const src = f64 ? new Raster(dem.grid, Float64Array.from(dem.data as Float32Array), NaN) : dem;
      const filled = fillDepressions(src, { epsilon: true });
      const whole = lsFactor(filled, { preset: 'grass-r.watershed', fill: false, maxLengthM, rillRatio, intermediates: true });
      const tiled = lsFactorTiled(filled, { preset: 'grass-r.watershed', maxLengthM, rillRatio, tileWidth: t.tw, tileHeight: t.th });
      expect(firstDiff(tiled.ls.data, whole.ls.data), `${JSON.stringify(k)} ${t.tw}×${t.th}`).toBe(-1);
      expect(firstDiff(tiled.lengthM.data, whole.lengthM!.data), `${JSON.stringify(k)} ${t.tw}×${t.th} λ`).toBe(-1);
    }), { seed, numRuns: 120 });
  });
});
