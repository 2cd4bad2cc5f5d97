import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Grid, Raster, RusleError, geographicCrs, projectedCrs, WGS84 } from '../../src/raster/index.js';
import { aspect, slope, slopeAspect } from '../../src/terrain/index.js';
import { DEG } from '../../src/raster/crs.js';
import { neighbourDistances, neighbourOffsets } from '../../src/terrain/neighbours.js';

const crs = projectedCrs({ epsg: 32650 });
const SEED = 4242;

function plane(w: number, h: number, cell: number, ax: number, ay: number): Raster<Float32Array> {
  // z = ax·x + ay·y, x east and y north in metres (row 0 is north).
  const grid = new Grid(w, h, [0, cell, 0, h * cell, 0, -cell], crs);
  const z = new Float32Array(w * h);
  for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) z[r * w + c] = ax * c * cell + ay * (h - 1 - r) * cell;
  return new Raster(grid, z);
}

describe('slope and aspect on tilted planes', () => {
  it('Horn and Zevenbergen–Thorne give atan(|∇z|) on a tilted plane, in degrees, radians and percent', () => {
    const d = plane(9, 7, 30, 0.1, -0.05);
    const t = Math.hypot(0.1, 0.05);
    for (const method of ['horn', 'zevenbergen-thorne'] as const) {
      const deg = slope(d, { method });
      const rad = slope(d, { method, units: 'radians' });
      const pct = slope(d, { method, units: 'percent' });
      const i = 3 * 9 + 4;
      expect(deg.data[i]).toBeCloseTo(Math.atan(t) / DEG, 4);
      expect(rad.data[i]).toBeCloseTo(Math.atan(t), 6);
      expect(pct.data[i]).toBeCloseTo(100 * t, 3);
    }
  });

  it('aspect is the azimuth of the downslope direction: a plane falling to the east faces 90°, to the north 0°', () => {
    expect(aspect(plane(5, 5, 30, -0.2, 0)).data[12]).toBeCloseTo(90, 4);
    expect(aspect(plane(5, 5, 30, 0, -0.2)).data[12]).toBeCloseTo(0, 4);
    expect(aspect(plane(5, 5, 30, 0, 0.2)).data[12]).toBeCloseTo(180, 4);
    expect(aspect(plane(5, 5, 30, 0.2, 0)).data[12]).toBeCloseTo(270, 4);
    expect(aspect(plane(5, 5, 30, 0.2, 0), { units: 'radians' }).data[12]).toBeCloseTo(1.5 * Math.PI, 5);
    expect(Number.isNaN(aspect(plane(5, 5, 30, 0, 0)).data[12])).toBe(true); // flat
  });

  it("edges: 'nodata' leaves the outer ring NaN; 'extrapolate' and 'compute' reproduce the plane on edge cells", () => {
    const d = plane(6, 5, 10, 0.3, 0);
    const nd = slope(d, { units: 'percent' });
    expect(Number.isNaN(nd.data[0])).toBe(true);
    expect(Number.isNaN(nd.data[6 + 5])).toBe(true);
    const ex = slope(d, { units: 'percent', edges: 'extrapolate' });
    // every edge cell but the four corners (where a missing neighbour's opposite is missing too, and z₀ is used)
    for (let i = 0; i < 30; i++) if (![0, 5, 24, 29].includes(i)) expect(ex.data[i]).toBeCloseTo(30, 3);
    const cp = slope(d, { units: 'percent', edges: 'compute' });
    // west edge, middle row: gdaldem's linear extrapolation of the row keeps the plane
    expect(cp.data[2 * 6]).toBeCloseTo(30, 3);
    // a corner: gdaldem clamps the column on the first row → half the east-west gradient
    expect(cp.data[0]).toBeCloseTo(15, 3);
  });

  it('a nodata neighbour makes the cell nodata by default and is substituted with edges: compute', () => {
    const d = plane(5, 5, 10, 0.3, 0);
    d.data[6] = NaN;
    expect(Number.isNaN(slope(d).data[12])).toBe(true);
    expect(Number.isNaN(slope(d).data[6])).toBe(true);
    expect(Number.isFinite(slope(d, { edges: 'compute' }).data[12])).toBe(true);
    expect(Number.isNaN(slope(d, { edges: 'compute' }).data[6])).toBe(true); // nodata centre stays nodata
  });

  it('integer DEMs honour their declared nodata value', () => {
    const grid = new Grid(3, 3, [0, 10, 0, 30, 0, -10], crs);
    const d = new Raster(grid, Int16Array.from([1, 1, 1, 2, 2, 2, 3, 3, -9999]), -9999);
    expect(Number.isNaN(slope(d).data[4])).toBe(true);
    expect(slope(d, { edges: 'compute' }).data[4]).toBeGreaterThan(0);
  });

  it('zFactor converts a DEM in feet: 0.3048 × the gradient', () => {
    const d = plane(5, 5, 30, 0.5, 0);
    expect(slope(d, { units: 'percent', zFactor: 0.3048 }).data[12]).toBeCloseTo(50 * 0.3048, 3);
  });

  it('non-square cells use their own dx and dy', () => {
    const grid = new Grid(5, 5, [0, 10, 0, 100, 0, -20], crs);
    const z = new Float32Array(25);
    for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) z[r * 5 + c] = 0.1 * c * 10 + 0.2 * (4 - r) * 20;
    expect(slope(new Raster(grid, z), { units: 'percent' }).data[12]).toBeCloseTo(100 * Math.hypot(0.1, 0.2), 3);
  });

  it('rejects unknown units, methods, edge rules and a bad zFactor with codes', () => {
    const d = plane(3, 3, 10, 0, 0);
    expect(() => slope(d, { units: 'grad' as never })).toThrow(RusleError);
    expect(() => slope(d, { method: 'evans' as never })).toThrow(/method/);
    expect(() => slope(d, { edges: 'wrap' as never })).toThrow(/edges/);
    try { slope(d, { zFactor: NaN }); } catch (e) { expect((e as RusleError).code).toBe('BAD_VALUE'); }
  });

  it('slopeAspect returns radians as Float64 equal to slope/aspect in radians', () => {
    const d = plane(6, 6, 30, 0.12, 0.07);
    const { slopeRad, aspectRad } = slopeAspect(d);
    expect(slopeRad.data[14]).toBeCloseTo(slope(d, { units: 'radians' }).data[14]!, 6);
    expect(aspectRad.data[14]).toBeCloseTo(aspect(d, { units: 'radians' }).data[14]!, 5);
  });
});

describe('slope fast path', () => {
  it('the rolling-window fast path (slope only, float DEM) equals the general path bit for bit, nodata included', () => {
    const w = 40, h = 30;
    const z = new Float32Array(w * h);
    let seed = 12345;
    for (let i = 0; i < z.length; i++) { seed = (seed * 1103515245 + 12345) >>> 0; z[i] = (seed % 100000) / 37; }
    for (const i of [45, 46, 300, 301, 341, 899]) z[i] = NaN;
    const d = new Raster(new Grid(w, h, [0, 30, 0, h * 30, 0, -30], crs), z);
    for (const edges of ['nodata', 'compute', 'extrapolate'] as const) {
      const fast = slope(d, { units: 'radians', edges });
      const general = slopeAspect(d, { edges }).slopeRad; // computes aspect too, so it takes the general path
      for (let i = 0; i < z.length; i++) {
        const g = general.data[i]!;
        if (Number.isNaN(g)) expect(Number.isNaN(fast.data[i]!)).toBe(true);
        else expect(fast.data[i]).toBe(Math.fround(g));
      }
    }
  });
});

describe('slope on geographic grids uses true ellipsoidal distances', () => {
  // Meridian arc length from the equator (Simpson integration of M(φ)), independent of Grid.
  function meridianArc(latDeg: number): number {
    const a = WGS84.semiMajorM, f = 1 / WGS84.inverseFlattening, e2 = f * (2 - f);
    const n = 2000, h = (latDeg * DEG) / n;
    let s = 0;
    for (let k = 0; k <= n; k++) {
      const phi = k * h;
      const m = (a * (1 - e2)) / Math.pow(1 - e2 * Math.sin(phi) ** 2, 1.5);
      s += (k === 0 || k === n ? 1 : k % 2 ? 4 : 2) * m;
    }
    return (s * h) / 3;
  }

  it('a north-south tilt of 5 % per true metre gives 5 % at 45° N with 1″ cells', () => {
    const cell = 1 / 3600, w = 5, h = 5, top = 45 + 2.5 * cell;
    const grid = new Grid(w, h, [10, cell, 0, top, 0, -cell], geographicCrs());
    const z = new Float64Array(w * h);
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) z[r * w + c] = 0.05 * meridianArc(top - (r + 0.5) * cell);
    expect(slope(new Raster(grid, z), { units: 'percent' }).data[12]).toBeCloseTo(5, 4);
  });

  it('an east-west tilt of 10 % per true metre gives 10 % at 60° N (degrees never treated as metres)', () => {
    const cell = 1 / 1200, w = 5, h = 5, top = 60 + 2.5 * cell;
    const grid = new Grid(w, h, [10, cell, 0, top, 0, -cell], geographicCrs());
    const dx = grid.rowCellWidthsMeters();
    const z = new Float64Array(w * h);
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) z[r * w + c] = 0.1 * dx[r]! * (c - 2);
    const s = slope(new Raster(grid, z), { units: 'percent' });
    expect(s.data[12]).toBeCloseTo(10, 4);
    // A 1/1200° cell is ~46 m east-west at 60° N, not 1/1200 m nor 92 m.
    expect(dx[2]).toBeGreaterThan(45);
    expect(dx[2]).toBeLessThan(47);
  });
});

describe('slope symmetry (fast-check)', () => {
  const arb = fc.record({ w: fc.integer({ min: 3, max: 9 }), h: fc.integer({ min: 3, max: 9 }) }).chain(({ w, h }) =>
    fc.record({ w: fc.constant(w), h: fc.constant(h), z: fc.array(fc.integer({ min: 0, max: 2000 }).map((v) => v / 10), { minLength: w * h, maxLength: w * h }) }));
  function transform(z: number[], w: number, h: number, kind: 'mirrorX' | 'mirrorY' | 'transpose'): { z: number[]; w: number; h: number; map: (r: number, c: number) => number } {
    const out: number[] = new Array(w * h);
    if (kind === 'transpose') {
      for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) out[c * h + r] = z[r * w + c]!;
      return { z: out, w: h, h: w, map: (r, c) => c * h + r };
    }
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) {
      const j = kind === 'mirrorX' ? r * w + (w - 1 - c) : (h - 1 - r) * w + c;
      out[j] = z[r * w + c]!;
    }
    return { z: out, w, h, map: (r, c) => (kind === 'mirrorX' ? r * w + (w - 1 - c) : (h - 1 - r) * w + c) };
  }
  it(`slope is unchanged by mirroring and transposing a square-cell DEM, for every method and edge rule (seed ${SEED}); gdaldem's 'compute' edges are only mirror-symmetric`, () => {
    fc.assert(fc.property(arb, fc.constantFrom('mirrorX', 'mirrorY', 'transpose') as fc.Arbitrary<'mirrorX' | 'mirrorY' | 'transpose'>,
      fc.constantFrom('horn', 'zevenbergen-thorne') as fc.Arbitrary<'horn' | 'zevenbergen-thorne'>, fc.constantFrom('nodata', 'compute', 'extrapolate') as fc.Arbitrary<'nodata' | 'compute' | 'extrapolate'>,
      ({ w, h, z }, kind, method, edges) => {
        if (edges === 'compute' && kind === 'transpose') return; // gdaldem treats rows and columns differently at edges
        const mk = (vals: number[], ww: number, hh: number) => new Raster(new Grid(ww, hh, [0, 10, 0, hh * 10, 0, -10], crs), Float64Array.from(vals));
        const s = slope(mk(z, w, h), { method, edges, units: 'radians' });
        const t = transform(z, w, h, kind);
        const s2 = slope(mk(t.z, t.w, t.h), { method, edges, units: 'radians' });
        for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) {
          const a = s.data[r * w + c]!, b = s2.data[t.map(r, c)]!;
          if (Number.isNaN(a)) expect(Number.isNaN(b)).toBe(true);
          else expect(Math.abs(a - b)).toBeLessThan(1e-6);
        }
      }), { seed: SEED, numRuns: 300 });
  });
});

describe('neighbourDistances (shared 8-neighbour geometry)', () => {
  it('projected grids: dx, dy and the diagonal from the transform and unit, in D8 order E, SE, S, …', () => {
    const d = neighbourDistances(new Grid(4, 3, [0, 30, 0, 90, 0, -20], projectedCrs({ linearUnitMeters: 0.3048 })));
    expect(d.dxM[1]).toBeCloseTo(30 * 0.3048, 12);
    expect(d.dyM[1]).toBeCloseTo(20 * 0.3048, 12);
    const a = 9.144, b = 6.096, diag = Math.hypot(a, b);
    const row1 = Array.from(d.byDirectionM.subarray(8, 16));
    [a, diag, b, diag, a, diag, b, diag].forEach((v, k) => expect(row1[k]).toBeCloseTo(v, 9));
    expect(Array.from(neighbourOffsets(4))).toEqual([1, 5, 4, 3, -1, -5, -4, -3]);
  });

  it('geographic grids: east-west distance shrinks with cos φ row by row; never the degree value', () => {
    const g = new Grid(3, 3, [116, 0.01, 0, 60.02, 0, -0.01], geographicCrs());
    const d = neighbourDistances(g);
    expect(d.dxM[0]! / d.dxM[2]!).toBeLessThan(1);
    expect(d.dxM[1]).toBeCloseTo(g.cellSizeMeters(1).dx, 9);
    expect(d.dxM[1]).toBeGreaterThan(500);
    expect(d.dyM[1]).toBeGreaterThan(1100);
  });
});
