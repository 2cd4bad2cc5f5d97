import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Grid, Raster, d8Directions, fillDepressions, lsFactor, projectedCrs } from '../../src/index.js';
import { NEIGHBOUR_DCOL, NEIGHBOUR_DROW, neighbourDistances } from '../../src/terrain/neighbours.js';

const crs = projectedCrs({ epsg: 32650 });

/**
 * A seeded random tilted Float32 DEM with nodata holes; `clip`: nodata outside an ellipse too (margins of varying
 * width on each row, rows without any valid cell), as a basin clipped to its boundary.
 */
function dem(seed: number, w: number, h: number, holes: number, clip = false): Raster<Float32Array> {
  let s = seed >>> 0;
  const rnd = (): number => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const z = new Float32Array(w * h);
  for (let i = 0; i < w * h; i++) z[i] = 200 - Math.floor(i / w) * 2 + (i % w) * 0.3 + rnd() * 5;
  for (let k = 0; k < holes; k++) z[Math.floor(rnd() * w * h)] = NaN;
  if (clip) {
    const cx = (w - 1) / 2 + (rnd() - 0.5) * 2;
    const cy = (h - 1) / 2;
    const rx = w * (0.3 + rnd() * 0.3);
    const ry = h * 0.4;
    for (let i = 0; i < w * h; i++) if (((i % w) - cx) ** 2 / rx ** 2 + (Math.floor(i / w) - cy) ** 2 / ry ** 2 > 1) z[i] = NaN;
  }
  return new Raster(new Grid(w, h, [0, 30, 0, h * 30, 0, -30], crs), z);
}

/**
 * r.watershed's λ by its definition, cells taken from the highest down (every donor is higher than its receiver
 * on a filled DEM): λ = max over higher donors of (λ_donor + step_donor), plus the cell's own step unless it
 * drains off the grid (outer ring, beside nodata, no receiver); a cell without such donors starts at its step.
 */
function lambdaByDefinition(z: Float32Array, codes: Uint8Array, w: number, h: number, byDir: Float64Array): Float64Array {
  const n = w * h;
  const order = Array.from({ length: n }, (_, i) => i).filter((i) => z[i] === z[i]).sort((a, b) => z[b]! - z[a]!);
  const reach = new Float64Array(n);
  const lam = new Float64Array(n).fill(NaN);
  const drainsOff = (i: number): boolean => {
    const r = Math.floor(i / w);
    const c = i % w;
    if (r === 0 || c === 0 || r === h - 1 || c === w - 1 || codes[i] === 0 || codes[i] === 255) return true;
    for (let k = 0; k < 8; k++) if (Number.isNaN(z[(r + NEIGHBOUR_DROW[k]!) * w + c + NEIGHBOUR_DCOL[k]!]!)) return true;
    return false;
  };
  for (const i of order) {
    const r = Math.floor(i / w);
    if (drainsOff(i)) {
      lam[i] = reach[i]!;
      continue;
    }
    const k = 31 - Math.clz32(codes[i]!);
    const st = byDir[r * 8 + k]!;
    lam[i] = reach[i] === 0 ? st : reach[i]! + st;
    const j = (r + NEIGHBOUR_DROW[k]!) * w + (i % w) + NEIGHBOUR_DCOL[k]!;
    if (z[i]! > z[j]! && lam[i]! + st > reach[j]!) reach[j] = lam[i]! + st;
  }
  return lam;
}

describe('grass-r.watershed kernel (grass.ts)', () => {
  it('λ equals r.watershed\'s definition on random DEMs with nodata holes and clipped margins (cells beside nodata drain off the grid; fast-check seed 5150)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e9 }), fc.integer({ min: 3, max: 19 }), fc.integer({ min: 3, max: 15 }), fc.integer({ min: 0, max: 6 }), fc.boolean(),
      (seed, w, h, holes, clip) => {
        const filled = fillDepressions(dem(seed, w, h, holes, clip), { epsilon: true });
        const codes = d8Directions(filled);
        const r = lsFactor(filled, { preset: 'grass-r.watershed', fill: false, flowDirection: codes, intermediates: true });
        const want = lambdaByDefinition(filled.data as Float32Array, codes.data, w, h, neighbourDistances(filled.grid).byDirectionM);
        for (let i = 0; i < w * h; i++) {
          if (Number.isNaN(want[i]!)) expect(Number.isNaN(r.lengthM!.data[i]!)).toBe(true);
          else expect(r.lengthM!.data[i], `cell ${i}`).toBe(Math.fround(want[i]!));
          expect(Number.isNaN(r.ls.data[i]!)).toBe(Number.isNaN(want[i]!));
        }
      }), { seed: 5150, numRuns: 60 });
  });
  it('rows wider than one WebAssembly buffer (8 192 cells): λ of a 8 200 × 5 grid equals the definition and LS is finite on every valid cell', () => {
    const w = 8200;
    const h = 5;
    const filled = fillDepressions(dem(2024, w, h, 40), { epsilon: true });
    const codes = d8Directions(filled);
    const r = lsFactor(filled, { preset: 'grass-r.watershed', fill: false, flowDirection: codes, intermediates: true });
    const want = lambdaByDefinition(filled.data as Float32Array, codes.data, w, h, neighbourDistances(filled.grid).byDirectionM);
    for (let i = 0; i < w * h; i++) {
      if (Number.isNaN(want[i]!)) expect(Number.isNaN(r.ls.data[i]!)).toBe(true);
      else {
        expect(r.lengthM!.data[i], `cell ${i}`).toBe(Math.fround(want[i]!));
        expect(Number.isFinite(r.ls.data[i]!) && r.ls.data[i]! > 0, `cell ${i}`).toBe(true);
      }
    }
  });
  it('LS equals McCool S and m of the mean gradient since the ridge and (λ/22.13)^m, λ and ridge height by r.watershed\'s definition, on quantised Float32 DEMs (holes, clipped margins) filled with and without ε, memo on (1e-6 relative; fast-check seed 4242)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 4, max: 40 }), fc.integer({ min: 4, max: 40 }), fc.boolean(), fc.constantFrom(Infinity, 90), fc.boolean(), (seed, w, h, eps, maxLengthM, clip) => {
        const raw = dem(seed, w, h, 3, clip);
        const q = raw.data.map((v) => Math.round(v * 2) / 2);
        const filled = fillDepressions(new Raster(raw.grid, q), { epsilon: eps });
        const z = filled.data as Float32Array;
        const codes = d8Directions(filled);
        const r = lsFactor(filled, { preset: 'grass-r.watershed', fill: false, flowDirection: codes, maxLengthM });
        const ratio = r.options.rillRatio;
        const lam = lambdaByDefinition(z, codes.data, w, h, neighbourDistances(filled.grid).byDirectionM);
        // ridge by definition: the ridge of the donor that set λ (cells where two donors tie on λ with different
        // ridges are ambiguous, and so is everything they set)
        const byDir = neighbourDistances(filled.grid).byDirectionM;
        const order = Array.from({ length: w * h }, (_, i) => i).filter((i) => z[i] === z[i]).sort((a, b) => z[b]! - z[a]!);
        const ridge = new Float64Array(w * h).fill(NaN);
        const reach = new Float64Array(w * h);
        const amb = new Uint8Array(w * h);
        for (const i of order) {
          if (reach[i] === 0) ridge[i] = z[i]!;
          const c = i % w;
          const row = Math.floor(i / w);
          const code = codes.data[i]!;
          if (row === 0 || c === 0 || row === h - 1 || c === w - 1 || code === 0 || code === 255) continue;
          let beside = false;
          for (let k = 0; k < 8; k++) if (Number.isNaN(z[(row + NEIGHBOUR_DROW[k]!) * w + c + NEIGHBOUR_DCOL[k]!]!)) beside = true;
          if (beside) continue;
          const k = 31 - Math.clz32(code);
          const j = (row + NEIGHBOUR_DROW[k]!) * w + c + NEIGHBOUR_DCOL[k]!;
          const cand = lam[i]! + byDir[row * 8 + k]!;
          if (!(z[i]! > z[j]!)) continue;
          if (cand > reach[j]!) {
            reach[j] = cand;
            ridge[j] = ridge[i]!;
            amb[j] = amb[i]!;
          } else if (cand === reach[j] && ridge[j] !== ridge[i]) amb[j] = 1;
        }
        let checked = 0;
        for (let i = 0; i < w * h; i++) {
          if (Number.isNaN(lam[i]!)) {
            expect(Number.isNaN(r.ls.data[i]!), `cell ${i}`).toBe(true);
            continue;
          }
          if (amb[i]) continue;
          let len = lam[i]!;
          let dz = ridge[i]! - z[i]!;
          if (len > maxLengthM) {
            dz *= maxLengthM / len;
            len = maxLengthM;
          }
          const sin = len > 0 ? dz / Math.hypot(dz, len) : 0;
          const sF = len > 0 && dz / len >= 0.09 ? 16.8 * sin - 0.5 : 10.8 * sin + 0.03;
          const beta = (ratio * (sin / 0.0896)) / (3 * sin ** 0.8 + 0.56);
          const m = beta / (1 + beta);
          const want = (len > 0 ? (len / 22.13) ** m : 1) * sF;
          expect(Math.abs(r.ls.data[i]! - want) <= 1e-6 * Math.abs(want), `cell ${i}: ${r.ls.data[i]} vs ${want}`).toBe(true);
          checked++;
        }
        expect(checked).toBeGreaterThan(0);
      }),
      { seed: 4242, numRuns: 100 },
    );
  });
  it('the (λ, height) memo changes no value: LS without intermediates (memo) equals LS with them (no memo) bit for bit, on quantised DEMs filled with and without ε (fast-check seed 7311)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 5, max: 60 }), fc.integer({ min: 5, max: 60 }), fc.boolean(), fc.constantFrom(Infinity, 120), (seed, w, h, eps, maxLengthM) => {
        const raw = dem(seed, w, h, 3);
        // quantise to 0.5 m, as DEMs stored in decimetres or metres are: heights and lengths then repeat
        const q = raw.data.map((v) => Math.round(v * 2) / 2);
        const filled = fillDepressions(new Raster(raw.grid, q), { epsilon: eps });
        const codes = d8Directions(filled);
        const opts = { preset: 'grass-r.watershed' as const, fill: false, flowDirection: codes, maxLengthM };
        const a = lsFactor(filled, opts).ls.data;
        const b = lsFactor(filled, { ...opts, intermediates: true }).ls.data;
        for (let i = 0; i < a.length; i++) expect(Object.is(a[i], b[i]) || (a[i] !== a[i] && b[i] !== b[i]), `cell ${i}`).toBe(true);
      }),
      { seed: 7311, numRuns: 120 },
    );
  });
});
