import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Grid, Raster, projectedCrs, geographicCrs, KRASSOWSKY1940, rasterizePolygons, zonesFromGeoJson, conservationRate, proj4Definition, lonLatToGrid, RusleError } from '../../src/index.js';
import { adminLevel } from '../../src/assess/zones.js';
import { proj4FromEpsg, proj4FromGeoKeys } from '../../src/assess/reproject.js';

const metric = (w: number, h: number, cell: number, x0 = 0, y0 = 0) => new Grid(w, h, [x0, cell, 0, y0 + h * cell, 0, -cell], projectedCrs({ epsg: 32650 }));

function shoelace(ring: number[][]): number {
  let s = 0;
  for (let i = 0; i < ring.length - 1; i++) s += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
  return Math.abs(s) / 2;
}

describe('rasterizePolygons', () => {
  it('cell-centre rule: a square with a square hole takes exactly the cells whose centres are inside', () => {
    const g = metric(10, 10, 1);
    const outer = [[1, 1], [9, 1], [9, 9], [1, 9], [1, 1]];
    const hole = [[3, 3], [3, 7], [7, 7], [7, 3], [3, 3]];
    const { data, cellsPerFeature } = rasterizePolygons(g, [[[outer, hole]]], [5]);
    expect(cellsPerFeature[0]).toBe(64 - 16);
    expect(data[5 * 10 + 5]).toBe(0); // centre (5.5, 4.5) in the hole
    expect(data[8 * 10 + 1]).toBe(5);
  });

  it('two polygons sharing an edge partition the cells on it: no cell is taken twice or lost', () => {
    const g = metric(8, 8, 1);
    // the shared edge x = 3.5 passes through cell centres
    const left = [[0, 0], [3.5, 0], [3.5, 8], [0, 8], [0, 0]];
    const right = [[3.5, 0], [8, 0], [8, 8], [3.5, 8], [3.5, 0]];
    const r = rasterizePolygons(g, [[[left]], [[right]]], [1, 2]);
    expect(r.conflicts).toBe(0);
    expect(r.cellsPerFeature[0]! + r.cellsPerFeature[1]!).toBe(64);
  });

  it('all-touched takes a superset of the cell-centre cells, including cells a thin sliver only touches', () => {
    const g = metric(10, 10, 1);
    const sliver = [[2.2, 2.2], [7.8, 2.3], [7.8, 2.4], [2.2, 2.2]];
    const centre = rasterizePolygons(g, [[[sliver]]], [1]);
    const all = rasterizePolygons(g, [[[sliver]]], [1], { allTouched: true });
    expect(centre.cellsPerFeature[0]).toBe(0);
    expect(all.cellsPerFeature[0]).toBe(6);
    for (let i = 0; i < 100; i++) if (centre.data[i]) expect(all.data[i]).toBe(1);
  });

  it('property: rasterised areas converge to the true polygon area as cells shrink (seed 46)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.double({ min: 0.2, max: 1, noNaN: true })), { minLength: 5, maxLength: 12 }), (radii) => {
        // a star-shaped polygon around (50, 50), radius 10–40 m
        const n = radii.length;
        const ring = radii.map(([r], i) => [50 + 40 * r * Math.cos((2 * Math.PI * i) / n), 50 + 40 * r * Math.sin((2 * Math.PI * i) / n)]);
        ring.push(ring[0]!);
        const truth = shoelace(ring);
        const err = (cell: number) => {
          const g = metric(Math.round(100 / cell), Math.round(100 / cell), cell);
          const c = rasterizePolygons(g, [[[ring]]], [1]).cellsPerFeature[0]!;
          return Math.abs(c * cell * cell - truth) / truth;
        };
        const coarse = err(4), fine = err(0.25);
        expect(fine).toBeLessThan(0.02);
        expect(fine).toBeLessThanOrEqual(coarse + 0.005);
      }),
      { seed: 46, numRuns: 40 },
    );
  });
});

describe('zonesFromGeoJson', () => {
  it('reprojects lon/lat to Youwuzhen Beijing 1954 GK zone 39 from its GeoKeys (x_0 = 39 500 000) like GDAL', () => {
    const keys = { 1024: 1, 2048: 32767, 2050: 6214, 2057: 6378245, 2059: 298.3, 3072: 32767, 3075: 1, 3076: 9001, 3080: 117, 3081: 0, 3082: 39500000, 3083: 0, 3092: 1 };
    const def = proj4FromGeoKeys(keys)!;
    expect(def).toContain('+x_0=39500000');
    expect(def).toContain('+ellps=krass');
    // GDAL: gdaltransform -s_srs EPSG:2415 of (39444018.9, 2842985.8) gives 116.442304001054, 25.6929429722303
    const p = lonLatToGrid({ ...projectedCrs({ ellipsoid: KRASSOWSKY1940 }), geoKeys: keys })([116.442304001054, 25.6929429722303]);
    expect(p[0]).toBeCloseTo(39444018.9, 3);
    expect(p[1]).toBeCloseTo(2842985.8, 3);
    expect(proj4FromEpsg(2415)).toBe(def); // EPSG:2415 is the same CRS (gdalsrsinfo)
  });

  it('the EPSG table matches gdalsrsinfo for CGCS2000 3° GK CM 117E (4548) and Xian 1980 zone 36 (2360)', () => {
    expect(proj4FromEpsg(4548)).toBe('+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs');
    expect(proj4FromEpsg(2360)).toBe('+proj=tmerc +lat_0=0 +lon_0=108 +k=1 +x_0=36500000 +y_0=0 +ellps=IAU76 +units=m +no_defs');
    expect(proj4FromEpsg(26910)).toBe('+proj=utm +zone=10 +datum=NAD83 +units=m +no_defs');
    expect(() => proj4Definition(projectedCrs({ epsg: 99999 }))).toThrow(RusleError);
  });

  it('Chinese names and ids come from properties; a zone outside the grid is reported; none overlapping → NO_OVERLAP', () => {
    const grid = new Grid(100, 100, [116, 0.01, 0, 31, 0, -0.01], geographicCrs());
    const box = (x0: number, y0: number, x1: number, y1: number) => [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]];
    const fcoll = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { code: 360781, name: '瑞金市' }, geometry: { type: 'Polygon', coordinates: box(116, 30, 116.5, 31) } },
        { type: 'Feature', properties: { code: 360782, name: '南康区' }, geometry: { type: 'MultiPolygon', coordinates: [box(116.5, 30, 117, 30.5), box(116.5, 30.5, 117, 31)] } },
        { type: 'Feature', properties: { code: 360783, name: '远方' }, geometry: { type: 'Polygon', coordinates: box(120, 30, 121, 31) } },
      ],
    };
    const layer = zonesFromGeoJson(fcoll, grid, { zoneField: 'code', nameField: 'name', hierarchy: 'admin-codes', names: { '360700': '赣州市', '360000': '江西省' } });
    expect(layer.warnings.some((w) => w.includes('360783') && w.includes('does not overlap'))).toBe(true);
    const a = new Raster(grid, new Float32Array(100 * 100).fill(600));
    const t = conservationRate(a, layer, { units: 't/km2/yr', tolerance: 500 });
    expect(t.rows.map((r) => r.name)).toEqual(['total', '江西省', '赣州市', '瑞金市', '南康区']);
    const total = t.rows[0]!.landAreaKm2;
    expect(t.rows[3]!.landAreaKm2 + t.rows[4]!.landAreaKm2).toBeCloseTo(total, 9);
    expect(t.rows[1]!.rate).toBe(0);
    const far = { type: 'FeatureCollection', features: [fcoll.features[2]] };
    expect(() => zonesFromGeoJson(far, grid, { zoneField: 'code' })).toThrow(expect.objectContaining({ code: 'NO_OVERLAP' }));
  });

  it('admin levels from 6-digit codes (GB/T 2260)', () => {
    expect(adminLevel(360781)).toEqual({ level: 'county', parent: 360700 });
    expect(adminLevel(360700)).toEqual({ level: 'city', parent: 360000 });
    expect(adminLevel(360000)).toEqual({ level: 'province', parent: null });
    expect(() => adminLevel(3607)).toThrow(RusleError);
  });
});

describe('zones on the bundled data', () => {
  it('the Youwuzhen DEM CRS read by the io layer (GeoKeys, no EPSG) reprojects lon/lat like GDAL (gdaltransform -s_srs EPSG:4326 -t_srs EPSG:2415)', async () => {
    const { readRaster } = await import('../../src/index.js');
    const dem = await readRaster('data/youwuzhen/ywzdem30m.tif');
    const p = lonLatToGrid(dem.grid.crs)([116.442304001054, 25.6929429722303]);
    expect(Math.abs(p[0] - 39444018.9)).toBeLessThan(0.01);
    expect(Math.abs(p[1] - 2842985.8)).toBeLessThan(0.01);
    expect(proj4Definition(dem.grid.crs)).toMatch(/x_0=39500000/);
  });
});
