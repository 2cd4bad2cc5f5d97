import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Grid, Raster, RusleError, geographicCrs, projectedCrs, polygonize, polygonsArea, labelPolygonsToGeoJson,
  polygonizeToLonLat, lonLatToGrid, type Ring,
} from '../../src/index.js';

const utm = projectedCrs({ epsg: 32650 });

function labelRaster(rows: string[], transform: number[] = [500000, 30, 0, 3000000, 0, -30], crs = utm): Raster<Int32Array> {
  const h = rows.length;
  const w = rows[0]!.length;
  const data = new Int32Array(w * h);
  rows.forEach((row, r) => { for (let c = 0; c < w; c++) data[r * w + c] = row[c] === '.' ? 0 : row[c] === 'x' ? -1 : Number(row[c]); });
  return new Raster(new Grid(w, h, transform, crs), data, -1);
}

/** Even-odd point in polygon over every ring of every polygon. */
function inside(polys: readonly (readonly Ring[])[], x: number, y: number): boolean {
  let odd = false;
  for (const poly of polys) {
    for (const ring of poly) {
      for (let k = 0; k + 1 < ring.length; k++) {
        const [x1, y1] = ring[k]!;
        const [x2, y2] = ring[k + 1]!;
        if ((y1 > y) !== (y2 > y) && x < x1 + ((y - y1) * (x2 - x1)) / (y2 - y1)) odd = !odd;
      }
    }
  }
  return odd;
}

function ringArea(ring: Ring): number {
  let s = 0;
  for (let k = 0; k + 1 < ring.length; k++) s += ring[k]![0] * ring[k + 1]![1] - ring[k + 1]![0] * ring[k]![1];
  return s / 2;
}

function expectSimple(ring: Ring): void {
  expect(ring[0]).toEqual(ring[ring.length - 1]);
  const keys = ring.slice(0, -1).map((p) => `${p[0]},${p[1]}`);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys.length).toBeGreaterThanOrEqual(4);
}

describe('polygonize', () => {
  it('polygonize traces one cell as a counter-clockwise square of its corners', () => {
    const r = labelRaster(['.1.'], [0, 1, 0, 0, 0, -1]);
    const [p] = polygonize(r);
    expect(p!.label).toBe(1);
    expect(p!.cellCount).toBe(1);
    expect(p!.polygons).toHaveLength(1);
    const shell = p!.polygons[0]![0]!;
    expectSimple(shell);
    expect(shell).toHaveLength(5);
    expect(ringArea(shell)).toBe(1);
    expect(new Set(shell.map((q) => q.join(',')))).toEqual(new Set(['1,0', '2,0', '2,-1', '1,-1']));
  });

  it('polygonize keeps holes and merges collinear edges', () => {
    const r = labelRaster(['111', '1.1', '111'], [0, 1, 0, 0, 0, -1]);
    const [p] = polygonize(r);
    expect(p!.polygons).toHaveLength(1);
    const [shell, hole] = p!.polygons[0]!;
    expect(shell).toHaveLength(5);
    expect(hole).toHaveLength(5);
    expect(ringArea(shell!)).toBe(9);
    expect(ringArea(hole!)).toBe(-1);
    expect(polygonsArea(p!.polygons)).toBe(8);
  });

  it('polygonize splits cells that touch only at a corner into parts of a MultiPolygon', () => {
    const r = labelRaster(['1.', '.1'], [0, 1, 0, 0, 0, -1]);
    const [p] = polygonize(r);
    expect(p!.polygons).toHaveLength(2);
    for (const poly of p!.polygons) { expect(poly).toHaveLength(1); expectSimple(poly[0]!); }
    const fc1 = labelPolygonsToGeoJson([p!]);
    expect(fc1.features[0]!.geometry.type).toBe('MultiPolygon');
  });

  it('polygonize splits a hole that meets the outside at a corner into a simple shell and a touching hole', () => {
    const r = labelRaster(['1111', '1.11', '11.1', '1111'], [0, 1, 0, 0, 0, -1]);
    const [p] = polygonize(r);
    expect(p!.polygons).toHaveLength(1);
    expect(p!.polygons[0]).toHaveLength(3); // shell and two holes touching at one corner
    for (const ring of p!.polygons[0]!) expectSimple(ring);
    const r2 = labelRaster(['111', '1.1', '11.'], [0, 1, 0, 0, 0, -1]);
    const [p2] = polygonize(r2);
    expect(p2!.polygons).toHaveLength(1);
    expect(p2!.polygons[0]).toHaveLength(2); // the pinched outer ring splits into a shell and a hole
    for (const ring of p2!.polygons[0]!) expectSimple(ring);
    expect(ringArea(p2!.polygons[0]![0]!)).toBeGreaterThan(0);
    expect(ringArea(p2!.polygons[0]![1]!)).toBeLessThan(0);
    expect(polygonsArea(p2!.polygons)).toBe(7);
  });

  it('polygonize gives a diagonal ring of cells as separate squares (no disconnected interior)', () => {
    const r = labelRaster(['.1.', '1.1', '.1.'], [0, 1, 0, 0, 0, -1]);
    const [p] = polygonize(r);
    expect(p!.polygons).toHaveLength(4);
    for (const poly of p!.polygons) { expect(poly).toHaveLength(1); expect(ringArea(poly[0]!)).toBe(1); }
  });

  it('polygonize maps corners through a rotated geotransform', () => {
    const t = [100, 2, 1, 50, 0.5, -3];
    const r = labelRaster(['.2', '22'], t);
    const [p] = polygonize(r);
    const g = r.grid;
    const expected = new Set([[1, 0], [2, 0], [2, 2], [0, 2], [0, 1], [1, 1]].map(([c, rr]) => g.pixelToCrs(c!, rr!).join(',')));
    expect(new Set(p!.polygons[0]![0]!.map((q) => q.join(',')))).toEqual(expected);
    expect(polygonsArea(p!.polygons)).toBeCloseTo(3 * Math.abs(2 * -3 - 1 * 0.5), 9);
    expect(ringArea(p!.polygons[0]![0]!)).toBeGreaterThan(0);
  });

  it('polygonize treats nodata, NaN and the background value as background, and can pick labels', () => {
    const r = labelRaster(['x1.', '232', '.3x'], [0, 1, 0, 0, 0, -1]);
    expect(polygonize(r).map((p) => p.label)).toEqual([1, 2, 3]);
    expect(polygonize(r, { labels: [3] }).map((p) => p.label)).toEqual([3]);
    expect(polygonize(r, { background: null }).map((p) => p.label)).toEqual([0, 1, 2, 3]);
    const f = new Raster(new Grid(2, 1, [0, 1, 0, 0, 0, -1], utm), new Float32Array([NaN, 4]));
    expect(polygonize(f).map((p) => p.label)).toEqual([4]);
    const bad = new Raster(new Grid(2, 1, [0, 1, 0, 0, 0, -1], utm), new Float32Array([0.5, 4]));
    expect(() => polygonize(bad)).toThrow(RusleError);
    expect(() => polygonize(r, { coordinates: 'foo' as 'crs' })).toThrow(/coordinates/);
  });

  it('polygonize property: each label covers exactly its cells\u2019 centres, rings are simple and oriented, areas add up', () => {
    const seed = Date.now() % 2 ** 31;
    console.log(`polygonize property seed ${seed}`);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 14 }), fc.integer({ min: 1, max: 14 }), fc.integer({ min: 1, max: 4 }),
        fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 196, maxLength: 196 }),
        fc.boolean(),
        (w, h, k, vals, rotated) => {
          const t = rotated ? [1000, 10, 3, 2000, -2, -10] : [1000, 10, 0, 2000, 0, -10];
          const g = new Grid(w, h, t, utm);
          const data = new Int32Array(w * h);
          for (let i = 0; i < w * h; i++) { const v = vals[i]! % (k + 2); data[i] = v === k + 1 ? -9 : v; }
          const r = new Raster(g, data, -9);
          const parts = polygonize(r);
          const cellArea = Math.abs(t[1]! * t[5]! - t[2]! * t[4]!);
          let total = 0;
          for (const p of parts) {
            let cells = 0;
            for (const poly of p.polygons) {
              poly.forEach((ring, j) => { expectSimple(ring); expect(ringArea(ring) > 0).toBe(j === 0); });
            }
            for (let row = 0; row < h; row++) {
              for (let col = 0; col < w; col++) {
                const [x, y] = g.pixelToCrs(col + 0.5, row + 0.5);
                const mine = data[row * w + col] === p.label;
                if (mine) cells++;
                expect(inside(p.polygons, x, y)).toBe(mine);
              }
            }
            expect(cells).toBe(p.cellCount);
            expect(Math.abs(polygonsArea(p.polygons) - p.cellCount * cellArea)).toBeLessThan(1e-6 * cellArea * (p.cellCount + 1));
            total += polygonsArea(p.polygons);
          }
          let labelled = 0;
          for (const v of data) if (v > 0) labelled++;
          expect(Math.abs(total - labelled * cellArea)).toBeLessThan(1e-6 * cellArea * (labelled + 1));
        },
      ),
      { seed, numRuns: 150 },
    );
  });

  it('polygonizeToLonLat gives WGS 84 rings that project back onto the cell corners', () => {
    const r = labelRaster(['.11.', '1111', '.1..'], [500000, 30, 0, 3000000, 0, -30]);
    const fc1 = polygonizeToLonLat(r);
    expect(fc1.features).toHaveLength(1);
    const geom = fc1.features[0]!.geometry;
    expect(geom.type).toBe('Polygon');
    const shell = (geom.coordinates as Ring[])[0]!;
    expect(shell[0]![0]).toBeGreaterThan(113);
    expect(shell[0]![0]).toBeLessThan(118);
    expect(ringArea(shell)).toBeGreaterThan(0);
    const back = lonLatToGrid(utm);
    for (const q of shell) {
      const [x, y] = back(q);
      const [c, row] = r.grid.crsToPixel(x, y);
      expect(Math.abs(c - Math.round(c))).toBeLessThan(1e-5); // 9 decimals of a degree: about 0.1 mm
      expect(Math.abs(row - Math.round(row))).toBeLessThan(1e-5);
    }
    const geo = labelRaster(['1'], [116, 0.001, 0, 26, 0, -0.001], geographicCrs());
    const g1 = polygonizeToLonLat(geo).features[0]!.geometry.coordinates as Ring[];
    expect(new Set(g1[0]!.map((q) => q.join(',')))).toEqual(new Set(['116,26', '116.001,26', '116.001,25.999', '116,25.999']));
  });
});
