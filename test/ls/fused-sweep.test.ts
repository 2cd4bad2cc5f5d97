// The fused slope-length + LS sweep of lsFactor (src/factors/ls/slope-length-ls.ts) repeats the rules of the public
// slopeLength (src/terrain/slope-length.ts) for speed. These properties pin the two together bit for bit: λ, the
// downslope angle and LS from lsFactor equal slopeLength's λ and angle and the formulas evaluated on them, on random
// DEMs (pits, flats, nodata holes, geographic grids; ε-filled or filled with flats resolved) under random rules and
// formulas — with and without intermediates, so through the cell memo and around it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Grid, Raster, fillDepressions, geographicCrs, lsFactor, projectedCrs, resolveFlats, slopeLength, d8Directions } from '../../src/index.js';
import { lSlopeLength, mOf, sOf, S_CODE, M_CODE } from '../../src/factors/ls/kernel-math.js';

const S_FORMULAS = Object.keys(S_CODE) as (keyof typeof S_CODE)[];
const M_FORMULAS = Object.keys(M_CODE) as (keyof typeof M_CODE)[];

function randomDem(w: number, h: number, seed: number, geographic: boolean, holes: boolean, clip = false): Raster<Float32Array> {
  let s = seed >>> 0;
  const rnd = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const grid = geographic
    ? new Grid(w, h, [115, 0.0003, 0, 28, 0, -0.0003], geographicCrs())
    : new Grid(w, h, [500000, 30, 0, 3000000, 0, -30], projectedCrs({ epsg: 32650 }));
  const z = new Float32Array(w * h);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      // a tilted surface with bumps, quantised to 0.5 m (flats and repeated tangents, as in real DEMs)
      const v = 400 - r * 3 - c * 0.7 + 25 * Math.sin(r / 3 + seed) * Math.cos(c / 4) + 6 * rnd();
      z[r * w + c] = Math.round(v * 2) / 2;
      if (holes && rnd() < 0.03) z[r * w + c] = NaN;
      // a clipped basin: nodata outside an ellipse (rows with nodata margins, some rows without valid cells)
      if (clip && ((r + 0.5 - h / 2) / (0.45 * h)) ** 2 + ((c + 0.5 - w / 2) / (0.5 * w)) ** 2 > 1) z[r * w + c] = NaN;
    }
  }
  return new Raster(grid, z);
}

describe('fused slope-length sweep of lsFactor', () => {
  it('λ, slope and LS equal slopeLength + the kernel formulas bit for bit, for any rules, formulas and grid', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer({ min: 1, max: 1e6 }),
          w: fc.integer({ min: 3, max: 40 }),
          h: fc.integer({ min: 3, max: 40 }),
          geographic: fc.boolean(),
          holes: fc.boolean(),
          flats: fc.boolean(),
          clip: fc.boolean(),
          sFormula: fc.constantFrom(...S_FORMULAS),
          mFormula: fc.constantFrom(...M_FORMULAS),
          segment: fc.boolean(),
          cut: fc.constantFrom([0.7, 0.5], [0, 0], [1, 1], [0.3, 0.9]),
          channel: fc.constantFrom(Infinity, 20000, 3000),
          maxLen: fc.constantFrom(Infinity, 100, 45),
          capL: fc.constantFrom(Infinity, 2.5),
          ratio: fc.constantFrom(0.5, 1, 2),
          mConstant: fc.constantFrom(0, 0.35, 0.5),
        }),
        (p) => {
          // conditioned as lsFactor does (ε-fill) or as the hydrology chain does (fill + Barnes flats)
          const raw = randomDem(p.w, p.h, p.seed, p.geographic, p.holes, p.clip);
          const dem = fillDepressions(raw, { epsilon: !p.flats });
          const flowDirection = p.flats ? d8Directions(dem, { flats: resolveFlats(dem) }) : d8Directions(dem);
          const rules = {
            cutoffBelow5Pct: p.cut[0]!, cutoffAtOrAbove5Pct: p.cut[1]!, channelThresholdM2: p.channel, maxLengthM: p.maxLen,
          };
          const r = lsFactor(dem, {
            preset: 'rusle-aml', fill: false, flowDirection, intermediates: true, ...rules,
            sFormula: p.sFormula, mFormula: p.mFormula, lFormula: p.segment ? 'L.segment' : 'L.rusle',
            ...(p.mFormula === 'm.mccool1989' ? { rillRatio: p.ratio } : {}),
            ...(p.mFormula === 'm.constant' ? { mConstant: p.mConstant } : {}),
            capL: p.capL,
          });
          const sl = slopeLength(dem, { flowDirection, ...rules, withInletLength: true });
          const lsOnly = lsFactor(dem, {
            preset: 'rusle-aml', fill: false, flowDirection, ...rules,
            sFormula: p.sFormula, mFormula: p.mFormula, lFormula: p.segment ? 'L.segment' : 'L.rusle',
            ...(p.mFormula === 'm.mccool1989' ? { rillRatio: p.ratio } : {}),
            ...(p.mFormula === 'm.constant' ? { mConstant: p.mConstant } : {}),
            capL: p.capL,
          });
          const t = sl.downslopeTan.data;
          const lam = sl.lengthM.data;
          const lin = sl.lengthInM!.data;
          for (let i = 0; i < lam.length; i++) {
            expect(Object.is(r.lengthM!.data[i], lam[i]) || (lam[i] !== lam[i] && r.lengthM!.data[i] !== r.lengthM!.data[i])).toBe(true);
            const a = sl.downslopeAngleRad.data[i]!;
            expect(Object.is(r.slopeRad!.data[i], a) || (a !== a && r.slopeRad!.data[i] !== r.slopeRad!.data[i])).toBe(true);
            let want = NaN;
            const ti = t[i]!;
            if (ti === ti && lam[i] === lam[i]) {
              const sinA = ti / Math.sqrt(1 + ti * ti);
              const m = mOf(M_CODE[p.mFormula], ti, NaN, sinA, p.ratio, p.mConstant);
              want = Math.fround(lSlopeLength(m, lam[i]!, p.segment ? lin[i]! : 0, p.segment, p.capL) * sOf(S_CODE[p.sFormula], ti, NaN, sinA));
            }
            const got = r.ls.data[i]!;
            expect(Object.is(got, want) || (want !== want && got !== got), `cell ${i}: ${got} vs ${want}`).toBe(true);
            expect(Object.is(lsOnly.ls.data[i], got) || (got !== got && lsOnly.ls.data[i] !== lsOnly.ls.data[i])).toBe(true);
          }
        },
      ),
      { seed: 4242, numRuns: 150 },
    );
  });
  it('the cell memo keys on all of (tan θ, λ, λ_in): random E/SE/S/SW codes on a tilted plane with λ capped, where equal (tan θ, λ) pairs come with different λ_in, give the same LS with and without it (fast-check seed 5521)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.constantFrom('L.segment', 'L.rusle'), fc.constantFrom('m.csle', 'm.mccool1989'), fc.constantFrom(200, 333, Infinity), (seed, lFormula, mFormula, maxLengthM) => {
        const w = 48;
        const h = 48;
        const grid = new Grid(w, h, [500000, 30, 0, 3000000, 0, -30], projectedCrs({ epsg: 32650 }));
        const z = new Float32Array(w * h);
        for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) z[r * w + c] = 1000 - 3 * r;
        // E, SE, S, SW only: acyclic; tangents 0, 0.0707 or 0.1, so λ sums of 30 and 42.43 m steps meet in many orders
        let st = seed >>> 0;
        const codes = new Uint8Array(w * h);
        for (let i = 0; i < w * h; i++) {
          st = (Math.imul(st, 1664525) + 1013904223) >>> 0;
          codes[i] = [1, 2, 4, 8][st >>> 30]!;
        }
        const dem = new Raster(grid, z);
        const flowDirection = new Raster(grid, codes);
        const opts = { preset: 'csle' as const, fill: false, flowDirection, lFormula: lFormula as 'L.segment' | 'L.rusle', mFormula: mFormula as 'm.csle' | 'm.mccool1989', cutoffBelow5Pct: 0, cutoffAtOrAbove5Pct: 0, maxLengthM };
        const a = lsFactor(dem, opts).ls.data;
        const b = lsFactor(dem, { ...opts, intermediates: true }).ls.data;
        for (let i = 0; i < a.length; i++) expect(Object.is(a[i], b[i]) || (a[i] !== a[i] && b[i] !== b[i]), `cell ${i}: ${a[i]} vs ${b[i]}`).toBe(true);
      }),
      { seed: 5521, numRuns: 40 },
    );
  });
});
