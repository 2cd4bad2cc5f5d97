import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { D8_CODES, D8_NODATA, D8_NONE, Raster, RusleError, d8Directions, d8RoutingFromCodes, dinfAngles, fillDepressions, mfdRouting, resolveFlats } from '../../src/index.js';
import { demFrom, geoDemFrom, grid, randomDem } from './routing-helpers.js';
import { D8_DX, D8_DY } from '../../src/terrain/d8codes.js';
import { flatD8Neighbour } from '../../src/terrain/flats.js';

describe('d8Directions', () => {
  it('a plane falling to the east drains every cell east; the east column has no receiver', () => {
    const dem = demFrom([
      [4, 3, 2, 1],
      [4, 3, 2, 1],
      [4, 3, 2, 1],
    ]);
    const codes = d8Directions(dem);
    expect(codes.nodata).toBe(D8_NODATA);
    expect(Array.from(codes.data)).toEqual([1, 1, 1, 0, 1, 1, 1, 0, 1, 1, 1, 0]);
  });

  it('steepest drop / distance wins: a diagonal drop of 1.5 beats a cardinal drop of 1.0 only when 1.5/√2 > 1', () => {
    // centre 10; N neighbour 9 (1.0 / 30), NE neighbour 8.5 (1.5 / 42.43 = 0.0354 > 0.0333)
    const dem = demFrom([
      [20, 9, 8.5],
      [20, 10, 20],
      [20, 20, 20],
    ]);
    expect(d8Directions(dem).data[4]).toBe(128);
    const dem2 = demFrom([
      [20, 9, 8.7], // 1.3 / 42.43 = 0.0306 < 0.0333
      [20, 10, 20],
      [20, 20, 20],
    ]);
    expect(d8Directions(dem2).data[4]).toBe(64);
  });

  it('ties go to the first neighbour clockwise from north (N before E before S before W)', () => {
    const dem = demFrom([
      [9, 5, 9],
      [5, 6, 5],
      [9, 5, 9],
    ]);
    expect(d8Directions(dem).data[4]).toBe(64);
    const dem2 = demFrom([
      [9, 9, 9],
      [5, 6, 5],
      [9, 5, 9],
    ]);
    expect(d8Directions(dem2).data[4]).toBe(1);
  });

  it('nodata cells get 255 and are never receivers; a cell beside nodata without a lower neighbour gets 0', () => {
    const dem = demFrom([
      [5, NaN, 5],
      [5, 4, 5],
      [5, 5, 5],
    ]);
    const codes = d8Directions(dem).data;
    expect(codes[1]).toBe(D8_NODATA);
    expect(codes[4]).toBe(D8_NONE);
    expect(codes[0]).toBe(2); // NW corner drains SE to the centre
  });

  it('integer DEMs: the declared nodata becomes nodata', () => {
    const dem = new Raster(grid(3, 1), Int16Array.from([3, -32768, 1]), -32768);
    expect(Array.from(d8Directions(dem).data)).toEqual([0, 255, 0]);
  });

  it('geographic grids use true per-row distances: at 35°N a 1/1200° cell is ~76 m wide and ~92 m tall', () => {
    // equal drops to the east and to the south: east is the shorter distance, so the steeper gradient
    const dem = geoDemFrom([
      [20, 20, 20],
      [20, 10, 9],
      [20, 9, 20],
    ]);
    expect(d8Directions(dem).data[4]).toBe(1);
    const dx = dem.grid.cellSizeMeters(1).dx;
    const dy = dem.grid.cellSizeMeters(1).dy;
    expect(dx).toBeLessThan(dy);
    expect(dy).toBeGreaterThan(90);
  });

  it('without flats a flat cell has no receiver; with resolveFlats it drains towards the outlet of the flat', () => {
    // a flat of 5s inside higher ground, draining to the 4 on the right edge
    const dem = demFrom([
      [9, 9, 9, 9, 9],
      [9, 5, 5, 5, 4],
      [9, 5, 5, 5, 9],
      [9, 9, 9, 9, 9],
    ]);
    const noFlats = d8Directions(dem).data;
    expect([noFlats[6], noFlats[7], noFlats[11], noFlats[12]]).toEqual([D8_NONE, D8_NONE, D8_NONE, D8_NONE]);
    const flats = resolveFlats(dem);
    const codes = d8Directions(dem, { flats }).data;
    // every flat cell gets a receiver, and following the codes from any flat cell reaches the outlet (1, 4)
    for (const start of [6, 7, 11, 12, 13]) {
      let i = start;
      for (let steps = 0; steps < 10 && i !== 9; steps++) {
        const code = codes[i]!;
        expect(code).not.toBe(D8_NONE);
        const k = D8_CODES.indexOf(code);
        i += D8_DY[k]! * 5 + D8_DX[k]!;
      }
      expect(i).toBe(9);
    }
  });

  it('on flat cells d8Directions picks exactly flatD8Neighbour (quantised random DEMs after fillDepressions, seed 2014)', () => {
    fc.assert(fc.property(fc.integer({ min: 3, max: 16 }), fc.integer({ min: 3, max: 16 }), fc.integer(), (w, h, seed) => {
      const raw = randomDem(w, h, seed, 0.05);
      for (let i = 0; i < raw.data.length; i++) raw.data[i] = Math.round(raw.data[i]! / 4) * 4; // flats
      const filled = fillDepressions(raw);
      const flats = resolveFlats(filled);
      const plain = d8Directions(filled).data;
      const codes = d8Directions(filled, { flats }).data;
      for (let i = 0; i < codes.length; i++) {
        const r = Math.floor(i / w), c = i % w;
        const interior = r > 0 && c > 0 && r < h - 1 && c < w - 1;
        if (plain[i] !== D8_NONE || !interior || Number.isNaN(filled.data[i])) continue;
        let nodataNeighbour = false;
        for (let k = 0; k < 8; k++) if (Number.isNaN(filled.data[i + D8_DY[k]! * w + D8_DX[k]!])) nodataNeighbour = true;
        if (nodataNeighbour) continue;
        const k = flatD8Neighbour(flats, i);
        expect(codes[i]).toBe(k < 0 ? D8_NONE : D8_CODES[k]);
        if (flats.labels[i]! > 0) expect(k).toBeGreaterThanOrEqual(0);
      }
    }), { seed: 2014, numRuns: 150 });
  });

  it("boundary 'outlet' makes edge cells and cells beside nodata outlets; 'inward' lets them drain inward", () => {
    const dem = demFrom([
      [9, 9, 9, 9],
      [9, 8, 7, 9],
      [9, 9, 1, NaN],
      [9, 9, 9, 9],
    ]);
    const inward = d8Directions(dem).data;
    const outlet = d8Directions(dem, { boundary: 'outlet' }).data;
    expect(inward[0]).toBe(2); // corner drains SE to the 8
    expect(outlet[0]).toBe(D8_NONE);
    expect(inward[5]).toBe(2); // (1,1) → (2,2), the 1
    expect(outlet[5]).toBe(2); // interior, no nodata neighbour
    expect(outlet[6]).toBe(D8_NONE); // (1,2) touches the nodata cell (2,3)
    expect(() => d8Directions(dem, { boundary: 'x' as never })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });

  it('flats from another grid are GRID_MISMATCH', () => {
    const dem = demFrom([[1, 2], [3, 4]]);
    const flats = resolveFlats(demFrom([[1, 2, 3]]));
    expect(() => d8Directions(dem, { flats })).toThrow(expect.objectContaining({ code: 'GRID_MISMATCH' }));
  });

  it('every code is a power of two, 0 or 255, and points at a strictly lower valid cell (property, seed 31)', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 14 }), fc.integer({ min: 2, max: 14 }), fc.integer(), (w, h, seed) => {
      const dem = randomDem(w, h, seed, 0.1);
      const codes = d8Directions(dem).data;
      const dr: Record<number, [number, number]> = { 1: [0, 1], 2: [1, 1], 4: [1, 0], 8: [1, -1], 16: [0, -1], 32: [-1, -1], 64: [-1, 0], 128: [-1, 1] };
      for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) {
        const i = r * w + c;
        const code = codes[i]!;
        if (Number.isNaN(dem.data[i])) { expect(code).toBe(255); continue; }
        if (code === 0) continue;
        const [a, b] = dr[code]!;
        const j = (r + a) * w + (c + b);
        expect(dem.data[j]!).toBeLessThan(dem.data[i]!);
      }
    }), { seed: 31, numRuns: 100 });
  });
});

describe('d8RoutingFromCodes', () => {
  it('rejects a byte that is not a D8 code with BAD_VALUE', () => {
    const codes = new Raster(grid(2, 1), Uint8Array.from([3, 0]), 255);
    expect(() => d8RoutingFromCodes(codes)).toThrow(RusleError);
  });
});

describe('mfdRouting', () => {
  it('rejects a non-positive or non-finite exponent and an unknown method', () => {
    const dem = demFrom([[1, 2]]);
    expect(() => mfdRouting(dem, { exponent: 0 })).toThrow(expect.objectContaining({ code: 'BAD_VALUE' }));
    expect(() => mfdRouting(dem, { exponent: NaN })).toThrow(expect.objectContaining({ code: 'BAD_VALUE' }));
    expect(() => mfdRouting(dem, { method: 'x' as never })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });

  it('default exponents: Freeman 1.1, Quinn 1 with contour weights, Holmgren 4', () => {
    const dem = demFrom([[1, 2]]);
    expect(mfdRouting(dem)).toMatchObject({ exponent: 1.1, contourWeights: false, method: 'freeman1991' });
    expect(mfdRouting(dem, { method: 'quinn1991' })).toMatchObject({ exponent: 1, contourWeights: true });
    expect(mfdRouting(dem, { method: 'holmgren1994' })).toMatchObject({ exponent: 4, contourWeights: false });
  });
});

describe('dinfAngles', () => {
  it('on a plane z = -(a·x + b·y) the angle is the plane\'s downslope direction atan2(b, a) (Tarboton 1997)', () => {
    // x east, y north; rows go south, so y = -row·30.
    const a = 1.0, b = 0.4;
    const rows: number[][] = [];
    for (let r = 0; r < 5; r++) rows.push([0, 1, 2, 3, 4].map((c) => 100 - (a * c * 30 + b * -r * 30)));
    const ang = dinfAngles(demFrom(rows)).data;
    expect(ang[2 * 5 + 2]!).toBeCloseTo(Math.atan2(b, a), 6);
  });

  it('a cell whose steepest descent is due south gets 3π/2; a pit gets -1; nodata NaN', () => {
    const dem = demFrom([
      [9, 9, 9],
      [9, 5, 9],
      [9, 1, 9],
    ]);
    const ang = dinfAngles(dem).data;
    expect(ang[4]!).toBeCloseTo(1.5 * Math.PI, 6);
    const pit = dinfAngles(demFrom([[9, 9, 9], [9, 1, 9], [9, 9, NaN]])).data;
    expect(pit[4]).toBe(-1);
    expect(pit[8]).toBeNaN();
  });

  it('angles equal a direct transcription of Tarboton (1997) Table 1 with atan2 on every facet (property, seed 1997)', () => {
    // facets: e1 (cardinal) and e2 (diagonal) as [row, col] offsets, ac, af
    const F: Array<[number, number, number, number, number, number]> = [
      [0, 1, -1, 1, 0, 1], [-1, 0, -1, 1, 1, -1], [-1, 0, -1, -1, 1, 1], [0, -1, -1, -1, 2, -1],
      [0, -1, 1, -1, 2, 1], [1, 0, 1, -1, 3, -1], [1, 0, 1, 1, 3, 1], [0, 1, 1, 1, 4, -1],
    ];
    fc.assert(fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 12 }), fc.integer(), (w, h, seed) => {
      const dem = randomDem(w, h, seed, 0.1);
      const z = dem.data;
      const ang = dinfAngles(dem).data;
      const d = 30, dg = Math.hypot(30, 30);
      for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) {
        const e0 = z[r * w + c]!;
        if (Number.isNaN(e0)) continue;
        let best = 0, a = -1;
        for (const [r1, c1, r2, c2, ac, af] of F) {
          if (r + r1 < 0 || r + r1 >= h || c + c1 < 0 || c + c1 >= w || r + r2 < 0 || r + r2 >= h || c + c2 < 0 || c + c2 >= w) continue;
          const e1 = z[(r + r1) * w + c + c1]!, e2 = z[(r + r2) * w + c + c2]!;
          if (Number.isNaN(e1) || Number.isNaN(e2)) continue;
          const s1 = (e0 - e1) / d, s2 = (e1 - e2) / d;
          let rr = Math.atan2(s2, s1), s = Math.hypot(s1, s2);
          if (rr < 0) { rr = 0; s = s1; } else if (rr > Math.PI / 4) { rr = Math.PI / 4; s = (e0 - e2) / dg; }
          if (s > best) { best = s; a = ac * Math.PI / 2 + af * rr; }
        }
        if (a >= 2 * Math.PI) a -= 2 * Math.PI;
        if (a === -1) expect(ang[r * w + c]).toBe(-1);
        else expect(Math.abs(ang[r * w + c]! - a)).toBeLessThan(1e-6);
      }
    }), { seed: 1997, numRuns: 100 });
  });

  it('angles lie in [0, 2π) or are -1 / NaN (property, seed 7)', () => {
    fc.assert(fc.property(fc.integer({ min: 2, max: 12 }), fc.integer({ min: 2, max: 12 }), fc.integer(), (w, h, seed) => {
      const ang = dinfAngles(randomDem(w, h, seed, 0.1)).data;
      for (const v of ang) {
        if (Number.isNaN(v) || v === -1) continue;
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(2 * Math.PI);
      }
    }), { seed: 7, numRuns: 100 });
  });
});
