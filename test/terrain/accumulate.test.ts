import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Grid, Raster, accumulate, d8Directions, d8Routing, dinfRouting, fillDepressions, geographicCrs, mfdRouting,
  resolveFlats, type Routing,
} from '../../src/index.js';
import { demFrom, grid, randomDem, remap } from './routing-helpers.js';

const D8_OFF: Record<number, [number, number]> = { 1: [0, 1], 2: [1, 1], 4: [1, 0], 8: [1, -1], 16: [0, -1], 32: [-1, -1], 64: [-1, 0], 128: [-1, 1] };

/** Brute force: every valid cell walks its D8 path and adds 1 to each cell on it (itself included). */
function bruteD8Counts(codes: Uint8Array, w: number, h: number): Float64Array {
  const out = new Float64Array(w * h);
  for (let i = 0; i < w * h; i++) {
    if (codes[i] === 255) { out[i] = NaN; continue; }
    let k = i;
    for (let steps = 0; steps <= w * h; steps++) {
      out[k]! += 1;
      const code = codes[k]!;
      if (code === 0) break;
      const [a, b] = D8_OFF[code]!;
      const r = Math.floor(k / w) + a;
      const c = (k % w) + b;
      if (r < 0 || r >= h || c < 0 || c >= w || codes[r * w + c] === 255) break;
      k = r * w + c;
    }
  }
  return out;
}

/** Sum of the accumulation over the cells that pass nothing on (outlets and pits). */
function outletSum(acc: Float64Array, isOutlet: (i: number) => boolean): number {
  let s = 0;
  for (let i = 0; i < acc.length; i++) if (!Number.isNaN(acc[i]) && isOutlet(i)) s += acc[i]!;
  return s;
}

function hasLowerNeighbour(dem: Raster<Float64Array>, i: number): boolean {
  const w = dem.width, h = dem.height, r = Math.floor(i / w), c = i % w;
  for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) {
    if ((a || b) && r + a >= 0 && r + a < h && c + b >= 0 && c + b < w && dem.data[(r + a) * w + c + b]! < dem.data[i]!) return true;
  }
  return false;
}

describe('accumulate (D8)', () => {
  it('a 4-cell chain counts 1, 2, 3, 4 contributing cells, the cell itself included', () => {
    const dem = demFrom([[4, 3, 2, 1]]);
    const acc = accumulate(d8Routing(dem));
    expect(Array.from(acc.data)).toEqual([1, 2, 3, 4]);
  });

  it('m2 is the count times the true cell area (30 m cells: 900 m²); sca divides by the 30 m cell width', () => {
    const dem = demFrom([[4, 3, 2, 1]]);
    expect(Array.from(accumulate(d8Routing(dem), { output: 'm2' }).data)).toEqual([900, 1800, 2700, 3600]);
    expect(Array.from(accumulate(d8Routing(dem), { output: 'sca' }).data)).toEqual([30, 60, 90, 120]);
  });

  it('a V-shaped valley collects both slopes: the outlet counts every cell', () => {
    const dem = demFrom([
      [5, 4, 5],
      [4, 3, 4],
      [3, 2, 3],
    ]);
    const acc = accumulate(d8Routing(dem)).data;
    expect(acc[7]).toBe(9);
    expect(acc[1]).toBe(1);
  });

  it('geographic grids: m2 uses each row\'s true ellipsoidal area', () => {
    const g = new Grid(1, 3, [116, 1 / 120, 0, 40, 0, -1 / 120], geographicCrs());
    const dem = new Raster(g, Float64Array.from([3, 2, 1]), NaN);
    const acc = accumulate(d8Routing(dem), { output: 'm2' }).data;
    const a = g.rowCellAreasM2();
    expect(acc[2]).toBeCloseTo(a[0]! + a[1]! + a[2]!, 6);
    expect(a[0]).toBeLessThan(a[2]!); // further north, smaller cells
  });

  it('weights: a raster weights each cell\'s own contribution; its nodata counts 0 but still passes flow', () => {
    const dem = demFrom([[4, 3, 2, 1]]);
    const wts = new Raster(dem.grid, Float64Array.from([2, NaN, 0.5, 1]), NaN);
    expect(Array.from(accumulate(d8Routing(dem), { weights: wts }).data)).toEqual([2, 2, 2.5, 3.5]);
    expect(Array.from(accumulate(d8Routing(dem), { weights: 3 }).data)).toEqual([3, 6, 9, 12]);
  });

  it('nodata cells are NaN and split the flow', () => {
    const dem = demFrom([[5, 4, NaN, 2, 1]]);
    const acc = accumulate(d8Routing(dem)).data;
    expect(Array.from(acc)).toEqual([1, 2, NaN, 1, 2]);
  });

  it('a D8 raster with a cycle throws INTERNAL', () => {
    const codes = new Raster(grid(2, 1), Uint8Array.from([1, 16]), 255);
    expect(() => accumulate({ kind: 'd8', codes })).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });

  it('bad arguments: unknown output, unknown kind, misaligned weights, non-finite weight', () => {
    const r = d8Routing(demFrom([[2, 1]]));
    expect(() => accumulate(r, { output: 'km2' as never })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => accumulate({ kind: 'x' } as never)).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => accumulate(r, { weights: new Raster(grid(3, 1), new Float64Array(3), NaN) })).toThrow(expect.objectContaining({ code: 'GRID_MISMATCH' }));
    expect(() => accumulate(r, { weights: Infinity })).toThrow(expect.objectContaining({ code: 'BAD_VALUE' }));
  });

  it('all-ones D8 accumulation equals 1 + the number of upslope cells (brute force, property, seed 1984)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }), fc.integer(), fc.constantFrom(0, 0.15), (w, h, seed, nd) => {
      const dem = randomDem(w, h, seed, nd);
      const codes = d8Directions(dem);
      const acc = accumulate({ kind: 'd8', codes }).data;
      expect(Array.from(acc)).toEqual(Array.from(bruteD8Counts(codes.data, w, h)));
    }), { seed: 1984, numRuns: 200 });
  });
});

describe('accumulate (MFD)', () => {
  it('Freeman weights: a cell with drops 1 (E) and 2 (S) sends 1^1.1 / (1^1.1 + 2^1.1) east', () => {
    const dem = demFrom([
      [10, 9],
      [8, NaN],
    ]);
    // cell (0,0): E drop 1 over 30 m, S drop 2 over 30 m, SE nodata
    const acc = accumulate(mfdRouting(dem, { exponent: 1.1 })).data;
    const fE = 1 / (1 + 2 ** 1.1);
    // (0,1) = 9 drains to (1,0) = 8 (SW, drop 1 over 42.4 m) too
    expect(acc[1]).toBeCloseTo(1 + fE, 12);
    expect(acc[2]).toBeCloseTo(1 + (1 - fE) + (1 + fE), 12);
  });

  it('Quinn contour weights: cardinal 0.5 × cell, diagonal 0.354 × cell (Quinn et al. 1991)', () => {
    const dem = demFrom([
      [10, 9],
      [NaN, 9 + 1 - Math.SQRT2],
    ]);
    // E: tanβ = 1/30, weight 0.5·30·(1/30) = 0.5; SE: tanβ = √2/(30√2) = 1/30, weight 0.354·30/30 = 0.354
    const acc = accumulate(mfdRouting(dem, { method: 'quinn1991' })).data;
    const fE = 0.5 / (0.5 + 0.354);
    expect(acc[1]).toBeCloseTo(1 + fE, 10);
  });

  it("boundary: 'inward' sends an edge cell's flow inward, 'outlet' keeps it, 'extrapolate' (SAGA) sends the mirrored share off the grid", () => {
    // plane falling to the north-east: z = (2 − col) + row. Weight only the top-middle cell (0,1) = 1: its only
    // lower in-grid neighbour is E (0,2) = 0 (drop 1); SAGA's rule adds off-grid N (mirrored S: 2 − 1 = 1) and
    // off-grid NE (mirrored SW: 3 − 1 = 2, over 30√2 m). With p = 1 the share to E is (1/30) / (1/30 + 1/30 + 2/(30√2)).
    const dem = demFrom([
      [2, 1, 0],
      [3, 2, 1],
      [4, 3, 2],
    ]);
    const wd = new Float64Array(9);
    wd[1] = 1;
    const weights = new Raster(dem.grid, wd, NaN);
    const run = (boundary: 'inward' | 'outlet' | 'extrapolate') => accumulate(mfdRouting(dem, { boundary, exponent: 1 }), { weights }).data;
    expect(run('inward')[2]).toBeCloseTo(1, 12);
    expect(run('outlet')[2]).toBe(0);
    expect(run('outlet')[1]).toBe(1);
    expect(run('extrapolate')[2]).toBeCloseTo(1 / (2 + Math.SQRT2), 12);
    expect(() => mfdRouting(dem, { boundary: 'x' as never })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });

  it('conserves mass: the sum at cells without a lower neighbour equals the total weight (property, seed 1991)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 16 }), fc.integer(), fc.constantFrom(0, 0.1), fc.constantFrom(1, 1.1, 4), (w, h, seed, nd, p) => {
      const dem = randomDem(w, h, seed, nd);
      const acc = accumulate(mfdRouting(dem, { exponent: p })).data;
      const valid = dem.validCount();
      const s = outletSum(acc, (i) => !hasLowerNeighbour(dem, i));
      expect(Math.abs(s - valid)).toBeLessThan(1e-9 * valid);
    }), { seed: 1991, numRuns: 150 });
  });
});

describe('accumulate with flats', () => {
  it('after fillDepressions + resolveFlats only edge or nodata-adjacent cells are outlets, and D8 and MFD conserve mass (seed 2012)', () => {
    fc.assert(fc.property(fc.integer({ min: 3, max: 16 }), fc.integer({ min: 3, max: 16 }), fc.integer(), (w, h, seed) => {
      const raw = randomDem(w, h, seed, 0.05);
      for (let i = 0; i < raw.data.length; i++) raw.data[i] = Math.round(raw.data[i]! / 4) * 4;
      const filled = fillDepressions(raw);
      const flats = resolveFlats(filled);
      const valid = filled.validCount();
      const edgeLike = (i: number): boolean => {
        const r = Math.floor(i / w), c = i % w;
        if (r === 0 || c === 0 || r === h - 1 || c === w - 1) return true;
        for (let a = -1; a <= 1; a++) for (let b = -1; b <= 1; b++) if (Number.isNaN(filled.data[(r + a) * w + c + b])) return true;
        return false;
      };
      const codes = d8Directions(filled, { flats });
      for (let i = 0; i < codes.data.length; i++) if (codes.data[i] === 0) expect(edgeLike(i)).toBe(true);
      const d8 = accumulate({ kind: 'd8', codes }).data;
      expect(outletSum(d8, (i) => codes.data[i] === 0)).toBe(valid);
      const mfd = accumulate(mfdRouting(filled, { flats })).data;
      const mfdOut = outletSum(mfd, (i) => edgeLike(i) && !hasLowerNeighbour(filled as Raster<Float64Array>, i));
      expect(Math.abs(mfdOut - valid)).toBeLessThan(1e-9 * valid);
    }), { seed: 2012, numRuns: 120 });
  });
});

describe('accumulate (D∞)', () => {
  it('on a plane falling exactly to the north-east every cell passes all its flow to its NE neighbour', () => {
    const rows: number[][] = [];
    for (let r = 0; r < 4; r++) rows.push([0, 1, 2, 3].map((c) => 100 - c + r));
    const acc = accumulate(dinfRouting(demFrom(rows))).data;
    // bottom-left corner (3,0) has 1; (2,1) gets (3,0): 2; (1,2): 3; the top row flows east, so (0,3) gets all 16
    expect([acc[12], acc[9], acc[6], acc[3]]).toEqual([1, 2, 3, 16]);
  });

  it('splits flow between the two facet neighbours in proportion to the angle (Tarboton 1997)', () => {
    // plane with direction atan2(0.4, 1) between E (0) and NE (π/4): share to NE = angle / (π/4)
    const rows: number[][] = [];
    for (let r = 0; r < 5; r++) rows.push([0, 1, 2, 3, 4].map((c) => 100 - (c * 30 + 0.4 * -r * 30)));
    // only the centre cell's split matters: isolate it by weighting just the centre (2,2); its receivers are
    // E (2,3) and NE (1,3), which receive from nothing else
    const dem = demFrom(rows);
    const wd = new Float64Array(25);
    wd[12] = 1;
    const acc = accumulate(dinfRouting(dem), { weights: new Raster(dem.grid, wd, NaN) }).data;
    const fNE = Math.atan2(0.4, 1) / (Math.PI / 4);
    expect(acc[8]!).toBeCloseTo(fNE, 6);
    expect(acc[13]!).toBeCloseTo(1 - fNE, 6);
  });

  it('conserves mass: the sum at cells with angle -1 equals the total weight (property, seed 1997)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 1, max: 16 }), fc.integer(), fc.constantFrom(0, 0.1), (w, h, seed, nd) => {
      const dem = randomDem(w, h, seed, nd);
      const routing = dinfRouting(dem);
      const acc = accumulate(routing).data;
      const valid = dem.validCount();
      const s = outletSum(acc, (i) => routing.angle.data[i] === -1);
      expect(Math.abs(s - valid)).toBeLessThan(1e-9 * valid);
    }), { seed: 1997, numRuns: 150 });
  });
});

describe('accumulate: symmetry and determinism', () => {
  const transforms: Array<[string, (w: number, h: number) => { w: number; h: number; from: (r: number, c: number) => [number, number] }]> = [
    ['mirrored left-right', (w, h) => ({ w, h, from: (r, c) => [r, w - 1 - c] })],
    ['mirrored top-bottom', (w, h) => ({ w, h, from: (r, c) => [h - 1 - r, c] })],
    ['transposed', (w, h) => ({ w: h, h: w, from: (r, c) => [c, r] })],
  ];
  for (const [name, make] of transforms) {
    for (const kind of ['d8', 'mfd', 'dinf'] as const) {
      it(`${kind} accumulation of a DEM ${name} is the accumulation ${name} (property, seed 2014)`, () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer(), (w, h, seed) => {
          const dem = randomDem(w, h, seed, 0.05);
          const t = make(w, h);
          const route = (d: Raster<Float64Array>): Routing => kind === 'd8' ? d8Routing(d) : kind === 'mfd' ? mfdRouting(d) : dinfRouting(d);
          const a = accumulate(route(dem), { output: 'm2' });
          const b = accumulate(route(remap(dem, t.w, t.h, t.from)), { output: 'm2' });
          const expected = remap(a, t.w, t.h, t.from).data;
          for (let i = 0; i < expected.length; i++) {
            if (Number.isNaN(expected[i])) expect(b.data[i]).toBeNaN();
            // D∞ angles are stored as float32: splits of mirrored cells differ by ~1e-7 relative
            else expect(Math.abs(b.data[i]! - expected[i]!)).toBeLessThanOrEqual((kind === 'dinf' ? 1e-5 : 1e-9) * expected[i]!);
          }
        }), { seed: 2014, numRuns: 60 });
      });
    }
  }

  it('the same routing accumulates to bit-identical outputs twice', () => {
    const dem = randomDem(40, 30, 5);
    for (const r of [d8Routing(dem), mfdRouting(dem), dinfRouting(dem)]) {
      expect(Buffer.from(accumulate(r).data.buffer)).toEqual(Buffer.from(accumulate(r).data.buffer));
    }
  });

  it('sums past 2^24 stay exact (Float64): a 5000 × 3400 plane drains into one outlet of 17,000,000 cells', () => {
    const w = 5000, h = 3400;
    const codes = new Uint8Array(w * h).fill(4); // all south
    for (let c = 0; c < w; c++) codes[(h - 1) * w + c] = 1; // bottom row east
    codes[w * h - 1] = 0;
    const acc = accumulate({ kind: 'd8', codes: new Raster(grid(w, h), codes, 255) }).data;
    expect(acc[w * h - 1]).toBe(w * h);
  });
});
