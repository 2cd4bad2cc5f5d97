import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Grid, Raster, projectedCrs, geographicCrs, WGS84, tiles,
  conservationRate, RateAccumulator, zonesFromRaster, rateTableToCsv, rateTableToJson, type RateTable,
} from '../../src/index.js';
import { DEG, zoneAreaPerRadian } from '../../src/raster/crs.js';

const g30 = (w: number, h: number) => new Grid(w, h, [500000, 30, 0, 3000000, 0, -30], projectedCrs({ epsg: 32650 }));

describe('conservationRate', () => {
  it('hand-made 4 × 3 grid, two zones, T = 500 t/km2/yr, 30 m cells (900 m² = 0.0009 km²): table computed by hand', () => {
    // A in t/km2/yr; zone 1 = left two columns, zone 2 = right two columns.
    const a = new Raster(g30(4, 3), Float64Array.from([
      100, 600, 3000, 20000,
      499, 500, 2500, NaN,
      0, 9000, 6000, 400,
    ]));
    const z = new Raster(a.grid, Int32Array.from([1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2]), -9999);
    const t = conservationRate(a, z, { units: 't/km2/yr', tolerance: 500 });
    const c = 0.0009;
    // zone 1: 100,600,499,500,0,9000 → slight {100,499,0} = 3, light {600,500} = 2, very intense {9000} = 1
    // zone 2: 3000,20000,2500,NaN,6000,400 → slight {400}, moderate {3000,2500}, intense {6000}, severe {20000}; NaN not land
    const [total, z1, z2] = t.rows;
    expect(t.rows.map((r) => r.zone)).toEqual(['total', 1, 2]);
    expect(z1!.landAreaKm2).toBeCloseTo(6 * c, 12);
    expect(z1!.classAreasKm2.map((v) => +(v / c).toFixed(9))).toEqual([3, 2, 0, 0, 1, 0]);
    expect(z1!.lossAreaKm2).toBeCloseTo(3 * c, 12);
    expect(z1!.rate).toBeCloseTo(50, 12);
    expect(z1!.soilLossT).toBeCloseTo((100 + 600 + 499 + 500 + 0 + 9000) * c, 6);
    expect(z1!.meanModulus).toBeCloseTo((100 + 600 + 499 + 500 + 9000) / 6, 6);
    expect(z2!.classAreasKm2.map((v) => +(v / c).toFixed(9))).toEqual([1, 0, 2, 1, 0, 1]);
    expect(z2!.rate).toBeCloseTo(20, 12);
    expect(z2!.meanModulus).toBeCloseTo((3000 + 20000 + 2500 + 6000 + 400) / 5, 6);
    expect(total!.landAreaKm2).toBeCloseTo(11 * c, 12);
    expect(total!.rate).toBeCloseTo((4 / 11) * 100, 12);
    expect(t.warnings.some((w) => w.includes('1 cells have no valid soil loss'))).toBe(true);
  });

  it('a mask (water) removes cells from the land area; units t/ha/yr are × 100', () => {
    const a = new Raster(g30(3, 1), Float64Array.from([1, 10, 200]));
    const mask = new Raster(a.grid, Uint8Array.from([0, 1, 0]), 255);
    const t = conservationRate(a, null, { units: 't/ha/yr', tolerance: 'red-soil', mask });
    expect(t.rows).toHaveLength(1);
    expect(t.rows[0]!.landAreaKm2).toBeCloseTo(0.0018, 12);
    expect(t.rows[0]!.classAreasKm2.map((v) => Math.round(v / 0.0009))).toEqual([1, 0, 0, 0, 0, 1]);
    expect(t.rows[0]!.rate).toBe(50);
  });

  it('per-zone tolerance: the same A is slight in the loess zone (T = 1000) and light in the black-soil zone (T = 200)', () => {
    const a = new Raster(g30(2, 1), Float64Array.from([700, 700]));
    const z = new Raster(a.grid, Int32Array.from([1, 2]), null);
    const t = conservationRate(a, z, { units: 't/km2/yr', tolerance: { byZone: { 1: 'loess', 2: 'black-soil' } } });
    expect(t.rows.find((r) => r.zone === 1)!.rate).toBe(100);
    expect(t.rows.find((r) => r.zone === 2)!.rate).toBe(0);
  });

  it('admin-code hierarchy: counties add up exactly to cities, cities to the province, the province to the whole', () => {
    const codes = [360102, 360103, 360203, 360222, 360102, 360222];
    const a = new Raster(g30(6, 1), Float64Array.from([100, 800, 3000, 50, 16000, 700]));
    const z = new Raster(a.grid, Int32Array.from(codes), null);
    const layer = zonesFromRaster(z, { hierarchy: 'admin-codes', names: { '360000': '江西省', '360100': '南昌市', '360200': '景德镇市', '360102': '东湖区' } });
    const t = conservationRate(a, layer, { units: 't/km2/yr', tolerance: 500 });
    expect(t.rows.map((r) => `${r.zone}:${r.level}`)).toEqual([
      'total:total', '360000:province', '360100:city', '360102:county', '360103:county', '360200:city', '360203:county', '360222:county',
    ]);
    expect(t.rows[1]!.name).toBe('江西省');
    expect(t.rows[3]!.name).toBe('东湖区');
    const row = (id: number) => t.rows.find((r) => r.zone === id)!;
    expect(row(360100).landAreaKm2).toBe(row(360102).landAreaKm2 + row(360103).landAreaKm2);
    expect(row(360000).lossAreaKm2).toBe(row(360100).lossAreaKm2 + row(360200).lossAreaKm2);
    expect(row(360000).soilLossT).toBeCloseTo(t.rows[0]!.soilLossT, 9);
  });

  it('CSV in bulletin layout with Chinese and English headers, JSON rows with exactly the documented keys (NaN → null)', () => {
    const a = new Raster(g30(2, 1), Float64Array.from([100, NaN]));
    const z = new Raster(a.grid, Int32Array.from([1, 2]), null);
    const t = conservationRate(a, z, { units: 't/km2/yr', tolerance: 500 });
    const csv = rateTableToCsv(t, { headers: 'both' });
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv.split('\n')[0]).toContain('水土保持率(%) Conservation rate (%)');
    expect(csv.split('\n')[0]).toContain('剧烈(km²) Severe (km2)');
    const rows = JSON.parse(rateTableToJson(t));
    expect(Object.keys(rows[0]).sort()).toEqual(['classAreasKm2', 'landAreaKm2', 'level', 'lossAreaKm2', 'meanModulus', 'name', 'rate', 'soilLossT', 'zone']);
    expect(rows.find((r: { zone: number }) => r.zone === 2).rate).toBeNull();
    expect(t.warnings.some((w) => w.includes('zone 2') && w.includes('no land'))).toBe(true);
  });

  it('geographic grid: the land area of a zone covering a 1° × 1° box equals the ellipsoidal box area within 1e-6', () => {
    const n = 120;
    const grid = new Grid(n, n, [116, 1 / n, 0, 31, 0, -1 / n], geographicCrs());
    const a = new Raster(grid, new Float32Array(n * n).fill(100));
    const z = new Raster(grid, new Int32Array(n * n).fill(7), null);
    const t = conservationRate(a, z, { units: 't/km2/yr', tolerance: 500 });
    const box = DEG * (zoneAreaPerRadian(31 * DEG, WGS84) - zoneAreaPerRadian(30 * DEG, WGS84)) / 1e6;
    expect(Math.abs(t.rows[1]!.landAreaKm2 / box - 1)).toBeLessThan(1e-6);
  });

  it('property: the table is bit-identical for any tiling of the grid, and zone sums add up to the whole (seed 20071)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 23 }), fc.integer({ min: 1, max: 17 }), fc.integer({ min: 1, max: 25 }), fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 1e9 }),
        (w, h, tw, th, seed) => {
          let s = seed;
          const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
          const grid = new Grid(w, h, [100, 1 / 240, 0, 40, 0, -1 / 240], geographicCrs());
          const a = new Raster(grid, Float64Array.from({ length: w * h }, () => (rnd() < 0.05 ? NaN : Math.exp(rnd() * 11))));
          const z = new Raster(grid, Int32Array.from({ length: w * h }, () => 1 + Math.floor(rnd() * 5)), null);
          const layer = zonesFromRaster(z);
          const whole = conservationRate(a, layer, { units: 't/km2/yr', tolerance: 500 });
          const acc = new RateAccumulator({ units: 't/km2/yr', tolerance: 500 }, layer);
          const areas = grid.rowCellAreasM2();
          const list = [...tiles(grid, { tileWidth: tw, tileHeight: th })].reverse(); // any order
          for (const t of list) {
            const { x, y, width, height } = t.core;
            const av = new Float64Array(width * height), zv = new Int32Array(width * height);
            for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) {
              av[r * width + c] = a.data[(y + r) * w + x + c]!;
              zv[r * width + c] = z.data[(y + r) * w + x + c]!;
            }
            acc.add({ a: av, zones: zv, width, height, rowAreasM2: areas.subarray(y, y + height) });
          }
          const tiled: RateTable = acc.finish();
          expect(tiled.rows).toEqual(whole.rows);
          const zonesOnly = whole.rows.filter((r) => r.level === 'zone');
          const sumLand = zonesOnly.reduce((acc2, r) => acc2 + Math.round(r.landAreaKm2 * 1e10), 0);
          expect(sumLand).toBe(Math.round(whole.rows[0]!.landAreaKm2 * 1e10));
        },
      ),
      { seed: 20071, numRuns: 60 },
    );
  });
});

describe('conservationRate hierarchy property', () => {
  it('property: with random 6-digit admin codes, every parent row equals the exact sum of its children (areas, loss area, soil loss) (seed 2260)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 })), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 1e9 }), (kinds, seed) => {
          const codes = kinds.map(([p, c, k]) => 360000 + p * 10000 + c * 100 + k);
          let s = seed;
          const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
          const w = 9, h = 7;
          const grid = new Grid(w, h, [110, 0.01, 0, 30, 0, -0.01], geographicCrs());
          const a = new Raster(grid, Float64Array.from({ length: w * h }, () => Math.exp(rnd() * 10)));
          const z = new Raster(grid, Int32Array.from({ length: w * h }, () => codes[Math.floor(rnd() * codes.length)]!), null);
          const t = conservationRate(a, zonesFromRaster(z, { hierarchy: 'admin-codes' }), { units: 't/km2/yr', tolerance: 500 });
          const q = (v: number) => Math.round(v * 1e10);
          const g = (v: number) => Math.round(v * 1e6);
          const byId = new Map(t.rows.map((r) => [r.zone, r]));
          for (const r of t.rows) {
            if (r.level === 'total' || r.level === 'county') continue;
            const kids = t.rows.filter((x) => typeof x.zone === 'number' && typeof r.zone === 'number' &&
              (r.level === 'province' ? x.level === 'city' && Math.floor(x.zone / 10000) * 10000 === r.zone : x.level === 'county' && Math.floor(x.zone / 100) * 100 === r.zone));
            expect(kids.reduce((acc, x) => acc + q(x.landAreaKm2), 0)).toBe(q(r.landAreaKm2));
            expect(kids.reduce((acc, x) => acc + q(x.lossAreaKm2), 0)).toBe(q(r.lossAreaKm2));
            expect(kids.reduce((acc, x) => acc + g(x.soilLossT), 0)).toBe(g(r.soilLossT));
          }
          const provinces = t.rows.filter((r) => r.level === 'province');
          expect(provinces.reduce((acc, x) => acc + q(x.landAreaKm2), 0)).toBe(q(byId.get('total')!.landAreaKm2));
        }),
      { seed: 2260, numRuns: 60 },
    );
  });
});
