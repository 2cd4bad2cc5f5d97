import { describe, expect, it } from 'vitest';
import { Grid, Raster, RusleError, geographicCrs, projectedCrs, slopeLength } from '../../src/index.js';

const crs = projectedCrs({ epsg: 32650 });
function plane(w: number, h: number, D: number, gradient: (r: number) => number): Raster<Float64Array> {
  const g = new Grid(w, h, [0, D, 0, h * D, 0, -D], crs);
  const z = new Float64Array(w * h);
  let zr = 1000;
  for (let r = 0; r < h; r++) {
    if (r > 0) zr -= D * gradient(r);
    for (let c = 0; c < w; c++) z[r * w + c] = zr;
  }
  return new Raster(g, z);
}
const col = (r: Raster, c: number): number[] => Array.from({ length: r.height }, (_, y) => r.data[y * r.width + c]!);

describe('slopeLength', () => {
  it('on a tilted plane whose top row is the divide, λ = (row + ½)·D and λ_in = λ − D (Van Remortel half-cell start)', () => {
    const res = slopeLength(plane(3, 6, 10, () => 0.1), { withInletLength: true });
    expect(col(res.lengthM, 1)).toEqual([5, 15, 25, 35, 45, 55]);
    expect(col(res.lengthInM!, 1)).toEqual([0, 5, 15, 25, 35, 45]);
    expect(res.downslopeAngleRad.data[4]).toBeCloseTo(Math.atan(0.1), 6); // Float32 output
  });
  it('diagonal flow steps √2·D', () => {
    const D = 10;
    const g = new Grid(4, 4, [0, D, 0, 4 * D, 0, -D], crs);
    const z = new Float64Array(16);
    for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) z[r * 4 + c] = 100 - (r + c) * 5;
    const res = slopeLength(new Raster(g, z));
    expect(res.flowDirection.data[0]).toBe(2); // SE
    expect(res.lengthM.data[0]).toBeCloseTo(D * Math.SQRT2 / 2, 5);
    expect(res.lengthM.data[5]).toBeCloseTo(1.5 * D * Math.SQRT2, 5);
  });
  it('restarts where the slope falls below 0.5 × the upslope angle (≥ 5 %), not at 0.6 ×', () => {
    const a = slopeLength(plane(1, 6, 10, (r) => (r <= 3 ? 0.2 : 0.09)));
    // rows 0..2 drain with tan 0.2; row 3 has tan 0.09 < 0.5·0.2 → restart at row 3
    expect(col(a.lengthM, 0).slice(0, 5)).toEqual([5, 15, 25, 5, 15]);
    const b = slopeLength(plane(1, 6, 10, (r) => (r <= 3 ? 0.2 : 0.12)));
    expect(col(b.lengthM, 0).slice(0, 5)).toEqual([5, 15, 25, 35, 45]);
  });
  it('uses the 0.7 cutoff below 5 %: 0.04 → 0.025 restarts, 0.04 → 0.03 continues', () => {
    expect(col(slopeLength(plane(1, 5, 10, (r) => (r <= 2 ? 0.04 : 0.025))).lengthM, 0)).toEqual([5, 15, 5, 15, 25]);
    expect(col(slopeLength(plane(1, 5, 10, (r) => (r <= 2 ? 0.04 : 0.03))).lengthM, 0)).toEqual([5, 15, 25, 35, 45]);
  });
  it('cutoff factors 0 never cut', () => {
    const r = slopeLength(plane(1, 5, 10, (y) => (y <= 2 ? 0.2 : 0.01)), { cutoffBelow5Pct: 0, cutoffAtOrAbove5Pct: 0 });
    expect(col(r.lengthM, 0)).toEqual([5, 15, 25, 35, 45]);
  });
  it('channel stop: a cell whose upslope area exceeds the threshold restarts and passes nothing on', () => {
    // 1-wide column of 10 m cells: upslope area of row r is (r+1)·100 m²
    const r = slopeLength(plane(1, 6, 10, () => 0.1), { channelThresholdM2: 350 });
    expect(col(r.lengthM, 0)).toEqual([5, 15, 25, 5, 5, 5]);
  });
  it('maxLengthM caps λ', () => {
    expect(col(slopeLength(plane(1, 6, 10, () => 0.1), { maxLengthM: 30 }).lengthM, 0)).toEqual([5, 15, 25, 30, 30, 30]);
  });
  it('nodata in → nodata out, and a nodata cell ends the path above it', () => {
    const dem = plane(1, 6, 10, () => 0.1);
    dem.data[2] = NaN;
    const r = slopeLength(dem);
    expect(Number.isNaN(r.lengthM.data[2])).toBe(true);
    expect(r.lengthM.data[1]).toBe(15);
    expect(r.lengthM.data[3]).toBe(5);
  });
  it('geographic grids use true per-row metres, never degrees', () => {
    const d = 1 / 3600;
    const g = new Grid(1, 5, [116, d, 0, 26, 0, -d], geographicCrs({ epsg: 4326 }));
    const z = Float64Array.from([50, 49, 48, 47, 46]);
    const r = slopeLength(new Raster(g, z));
    const dy = g.rowCellHeightsMeters();
    expect(r.lengthM.data[0]).toBeCloseTo(dy[0]! / 2, 5);
    expect(r.lengthM.data[1]).toBeCloseTo(dy[0]! / 2 + dy[1]!, 5);
    expect(r.lengthM.data[1]).toBeGreaterThan(40);
  });
  it('throws BAD_ARGUMENT for an integer DEM or a cutoff outside [0, 1]', () => {
    const g = new Grid(2, 2, [0, 1, 0, 2, 0, -1], crs);
    expect(() => slopeLength(new Raster(g, new Int16Array(4)) as never)).toThrow(RusleError);
    expect(() => slopeLength(plane(1, 3, 10, () => 0.1), { cutoffBelow5Pct: 1.5 })).toThrow(/cutoffBelow5Pct/);
  });
});
