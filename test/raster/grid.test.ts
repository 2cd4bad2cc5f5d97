import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Grid, Raster, RusleError, assertAligned, geographicCrs, projectedCrs, tiles, toNdarray, fromNdarray, WGS84, KRASSOWSKY1940 } from '../../src/index.js';
import { DEG } from '../../src/raster/crs.js';
import { zoneAreaPerRadian } from '../../src/raster/crs.js';

const utm = projectedCrs({ epsg: 32650 });

describe('Grid', () => {
  it('cellSizeMeters of a projected grid comes from the transform and the CRS unit', () => {
    const g = new Grid(10, 5, [500000, 30, 0, 3000000, 0, -30], utm);
    expect(g.cellSizeMeters(0)).toEqual({ dx: 30, dy: 30, diagonal: Math.hypot(30, 30) });
    const ft = new Grid(10, 5, [0, 100, 0, 0, 0, -100], projectedCrs({ linearUnitMeters: 0.3048 }));
    expect(ft.cellSizeMeters().dx).toBeCloseTo(30.48, 12);
    expect(ft.cellAreaM2()).toBeCloseTo(30.48 * 30.48, 9);
  });

  it('cells of a 1° × 1° geographic box sum to the ellipsoidal area of the box within 1e-6', () => {
    // 1/120° cells (30″) covering 30–31° N, 116–117° E.
    const n = 120;
    const g = new Grid(n, n, [116, 1 / n, 0, 31, 0, -1 / n], geographicCrs());
    const box = DEG * (zoneAreaPerRadian(31 * DEG, WGS84) - zoneAreaPerRadian(30 * DEG, WGS84));
    expect(Math.abs(g.totalAreaM2() / box - 1)).toBeLessThan(1e-6);
    // Independent check: numerical integration of M(φ)·N(φ)·cos φ dφ dλ (Simpson, 2000 steps).
    const a = WGS84.semiMajorM, f = 1 / WGS84.inverseFlattening, e2 = f * (2 - f);
    const steps = 2000; let s = 0;
    for (let i = 0; i <= steps; i++) {
      const phi = (30 + i / steps) * DEG;
      const w = 1 - e2 * Math.sin(phi) ** 2;
      const v = (a * (1 - e2) / w ** 1.5) * (a / Math.sqrt(w)) * Math.cos(phi);
      s += v * (i === 0 || i === steps ? 1 : i % 2 ? 4 : 2);
    }
    const integral = (s * (DEG / steps) / 3) * DEG;
    expect(Math.abs(g.totalAreaM2() / integral - 1)).toBeLessThan(1e-9);
  });

  it('geographic cell widths shrink with latitude and never equal degrees', () => {
    const g = new Grid(4, 4, [116, 0.001, 0, 26, 0, -0.001], geographicCrs({ ellipsoid: KRASSOWSKY1940 }));
    const s = g.cellSizeMeters(0);
    expect(s.dx).toBeGreaterThan(99);
    expect(s.dx).toBeLessThan(101);
    expect(s.dy).toBeGreaterThan(110);
    expect(g.cellSizeMeters(3).dx).toBeGreaterThan(s.dx);
  });

  it('window shifts the transform to the window corner and refuses windows outside the grid', () => {
    const g = new Grid(10, 8, [100, 2, 0, 50, 0, -2], utm);
    expect(g.window({ x: 3, y: 2, width: 4, height: 5 }).transform).toEqual([106, 2, 0, 46, 0, -2]);
    expect(() => g.window({ x: 8, y: 0, width: 3, height: 1 })).toThrowError(expect.objectContaining({ code: 'WINDOW_OUT_OF_BOUNDS' }));
  });

  it('crsToPixel inverts pixelToCrs', () => {
    const g = new Grid(10, 8, [100, 2, 0.5, 50, 0.25, -2], utm);
    const [x, y] = g.pixelToCrs(3.5, 2.25);
    const [c, r] = g.crsToPixel(x, y);
    expect(c).toBeCloseTo(3.5, 12);
    expect(r).toBeCloseTo(2.25, 12);
  });
});

describe('assertAligned', () => {
  const g = new Grid(10, 8, [100, 30, 0, 50, 0, -30], utm);
  it('accepts the same grid and rejects another shape, origin or CRS with GRID_MISMATCH', () => {
    expect(() => assertAligned(g, new Grid(10, 8, [100, 30, 0, 50, 0, -30], projectedCrs({ epsg: 32650 })))).not.toThrow();
    for (const other of [
      new Grid(10, 9, [100, 30, 0, 50, 0, -30], utm),
      new Grid(10, 8, [115, 30, 0, 50, 0, -30], utm),
      new Grid(10, 8, [100, 30, 0, 50, 0, -30], projectedCrs({ epsg: 32651 })),
      new Grid(10, 8, [100, 30, 0, 50, 0, -30], geographicCrs()),
    ]) {
      expect(() => assertAligned(g, other, ['R', 'K'])).toThrowError(RusleError);
      try { assertAligned(g, other, ['R', 'K']); } catch (e) { expect((e as RusleError).code).toBe('GRID_MISMATCH'); expect((e as Error).message).toMatch(/R and K/); }
    }
  });
});

describe('Raster', () => {
  const g = new Grid(3, 2, [0, 1, 0, 2, 0, -1], utm);
  it('float rasters hold NaN for nodata and refuse a numeric nodata', () => {
    expect(() => new Raster(g, new Float32Array(6), -9999)).toThrowError(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    const r = Raster.fromDeclaredNodata(g, new Float32Array([1, -9999, 3, 4, 5, -9999]), -9999);
    expect(Number.isNaN(r.nodata)).toBe(true);
    expect(r.validCount()).toBe(4);
  });
  it('rejects data of the wrong length', () => {
    expect(() => new Raster(g, new Uint8Array(5), 255)).toThrowError(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
  });
  it('toNdarray is a view of the same memory with shape [height, width]', () => {
    const r = new Raster(g, new Float64Array([1, 2, 3, 4, 5, 6]));
    const v = toNdarray(r);
    expect(v.shape).toEqual([2, 3]);
    expect(v.get(1, 2)).toBe(6);
    v.set(0, 1, 20);
    expect(r.data[1]).toBe(20);
    expect(fromNdarray(v, g).data).toBe(r.data);
    expect(() => fromNdarray(v, new Grid(2, 3, [0, 1, 0, 2, 0, -1], utm))).toThrowError(expect.objectContaining({ code: 'GRID_MISMATCH' }));
  });
});

describe('tiles', () => {
  it('cover every cell exactly once, for any tile size and halo (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 0, max: 3 }),
        (w, h, tw, th, halo) => {
          const seen = new Uint8Array(w * h);
          for (const t of tiles({ width: w, height: h }, { tileWidth: tw, tileHeight: th, halo })) {
            expect(t.padded.x + t.offsetX).toBe(t.core.x);
            expect(t.padded.x + t.padded.width).toBeGreaterThanOrEqual(t.core.x + t.core.width);
            for (let r = t.core.y; r < t.core.y + t.core.height; r++) for (let c = t.core.x; c < t.core.x + t.core.width; c++) seen[r * w + c]!++;
          }
          expect(seen.every((v) => v === 1)).toBe(true);
        }),
      { seed: 42, verbose: true },
    );
  });
});

describe('crsEquals', () => {
  it('ignores GeoTIFF citation keys: a GDAL rewrite of the Beijing 1954 GK zone 39 DEM aligns with the original', () => {
    const keys = { 1024: 1, 2048: 32767, 2050: 6214, 2057: 6378245, 2059: 298.3, 3072: 32767, 3075: 1, 3076: 9001, 3080: 117, 3082: 39500000, 3092: 1 };
    const a = new Grid(2, 2, [39500000, 30, 0, 2800000, 0, -30], { ...projectedCrs(), geoKeys: { ...keys, 1026: 'PCS Name = Beijing_1954_3_Degree_GK_Zone_39' } });
    const b = new Grid(2, 2, [39500000, 30, 0, 2800000, 0, -30], { ...projectedCrs(), geoKeys: { ...keys, 1026: 'Beijing 1954 / 3-degree Gauss-Kruger zone 39' } });
    expect(() => assertAligned(a, b)).not.toThrow();
    const c = new Grid(2, 2, [39500000, 30, 0, 2800000, 0, -30], { ...projectedCrs(), geoKeys: { ...keys, 3080: 114 } });
    expect(() => assertAligned(a, c)).toThrowError(expect.objectContaining({ code: 'GRID_MISMATCH' }));
  });
});
