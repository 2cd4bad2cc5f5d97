import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { readRaster } from '../../src/io/index.js';
import { Raster } from '../../src/raster/raster.js';
import { lsFactor } from '../../src/factors/ls/index.js';
import { sedimentDelivery } from '../../src/model/sdr.js';
import { watershedUnits } from '../../src/terrain/index.js';
import { watershedCodes } from '../../src/terrain/watersheds.js';
import { PRIORITY_CLASS_WEIGHTS, unitsToGeoJson, watershedTable, watershedTableToCsv, watershedTableToJson } from '../../src/assess/index.js';

const FIX = fileURLToPath(new URL('../fixtures/sdr/', import.meta.url));

const setup = (async () => {
  const dem = await readRaster(FIX + 'youwuzhen_dem.tif');
  const c = new Raster(dem.grid, (await readRaster(FIX + 'youwuzhen_c.tif')).data as Float32Array);
  const p = new Raster(dem.grid, (await readRaster(FIX + 'youwuzhen_p.tif')).data as Float32Array);
  const n = dem.width * dem.height;
  const z = new Float32Array(n);
  for (let i = 0; i < n; i++) z[i] = c.data[i] === c.data[i] ? (dem.data[i] as number) : NaN;
  const masked = new Raster(dem.grid, z);
  const { ls } = lsFactor(masked, { preset: 'invest-3.14' });
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = ls.data[i]! * 3000 * 0.03 * c.data[i]! * p.data[i]!;
  const A = new Raster(dem.grid, a);
  const sdr = sedimentDelivery(masked, { soilLoss: A, c, thresholdCells: 100 });
  const codes = watershedCodes(masked);
  const units = watershedUnits(codes, { minAreaKm2: 0.3, maxAreaKm2: 1.5 });
  return { A, sdr, codes, units };
})();

describe('sedimentDelivery properties (Youwuzhen)', () => {
  it('0 ≤ SDR ≤ SDR_max off the streams, 1 on the streams', async () => {
    const { sdr } = await setup;
    let checked = 0;
    for (let i = 0; i < sdr.sdr.data.length; i++) {
      const s = sdr.sdr.data[i]!;
      if (s !== s) continue;
      if (sdr.streams.data[i] === 1) expect(s).toBe(1);
      else { expect(s).toBeGreaterThanOrEqual(0); expect(s).toBeLessThanOrEqual(0.8); checked++; }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('refuses a threshold that gives no stream, with the largest accumulation', async () => {
    const { A } = await setup;
    const dem = await readRaster(FIX + 'youwuzhen_dem.tif');
    expect(() => sedimentDelivery(dem, { soilLoss: A, c: 0.1, thresholdCells: 1e9 })).toThrow(/gives no stream; the largest flow accumulation on this DEM is \d+ cells/);
  });

  it('refuses a grid over the memory budget with OUT_OF_MEMORY_BUDGET', async () => {
    const { A } = await setup;
    const dem = await readRaster(FIX + 'youwuzhen_dem.tif');
    expect(() => sedimentDelivery(dem, { soilLoss: A, c: 0.1, memoryBudget: 1e5 })).toThrow(expect.objectContaining({ code: 'OUT_OF_MEMORY_BUDGET' }));
  });
});

describe('watershedTable', () => {
  it('per-unit export equals the sum of cell export (t/yr), and routed export at the outlets adds up to the total without double counting', async () => {
    const { A, sdr, units } = await setup;
    const t = watershedTable(units.labels, { soilLoss: A, units: 't/ha/yr', tolerance: 'red-soil', sedimentExport: sdr.export, sdr: sdr.sdr, unitInfo: units.units });
    const areas = A.grid.rowCellAreasM2();
    const sums = new Map<number, number>();
    let total = 0;
    for (let i = 0; i < A.data.length; i++) {
      const e = sdr.export.data[i]!;
      const l = units.labels.data[i]!;
      if (e !== e || l === 0 || A.data[i] !== A.data[i]) continue;
      const v = e * 100 * areas[Math.floor(i / A.width)]! / 1e6;
      sums.set(l, (sums.get(l) ?? 0) + v);
      total += v;
    }
    for (const r of t.rows) expect(r.exportT).toBeCloseTo(sums.get(r.id) ?? 0, 6);
    const atOutlets = t.rows.filter((r) => r.downstreamId === 0).reduce((s, r) => s + r.routedExportT, 0);
    expect(atOutlets).toBeCloseTo(total, 6);
    // a unit's routed export is its own plus its direct upstream units' routed export
    for (const r of t.rows) {
      const ups = t.rows.filter((u) => u.downstreamId === r.id).reduce((s, u) => s + u.routedExportT, 0);
      expect(r.routedExportT).toBeCloseTo(r.exportT + ups, 6);
    }
  });

  it('ranks by the class-weighted soil-loss area share by default (weights 1–5, ours), rank 1 the largest score', async () => {
    const { A, units } = await setup;
    const t = watershedTable(units.labels, { soilLoss: A, units: 't/ha/yr', tolerance: 500, unitInfo: units.units });
    expect(t.rankBy).toBe('loss-share');
    expect(PRIORITY_CLASS_WEIGHTS).toEqual([0, 1, 2, 3, 4, 5]);
    const ranked = t.rows.filter((r) => r.rank > 0).sort((a, b) => a.rank - b.rank);
    for (let k = 1; k < ranked.length; k++) expect(ranked[k - 1]!.score).toBeGreaterThanOrEqual(ranked[k]!.score);
    for (const r of t.rows) {
      const s = r.classAreasKm2.reduce((acc, a, c) => acc + PRIORITY_CLASS_WEIGHTS[c]! * a, 0) / r.landAreaKm2;
      expect(r.score).toBeCloseTo(s, 12);
      expect(r.rate).toBeCloseTo(100 * (r.landAreaKm2 - r.lossAreaKm2) / r.landAreaKm2, 9);
    }
    const csv = watershedTableToCsv(t, { headers: 'en' });
    expect(csv.split('\n')[0]).toContain('Priority rank');
    expect(JSON.parse(watershedTableToJson(t)).rows.length).toBe(t.rows.length);
  });

  it('rate-gap needs a target rate; export needs export', async () => {
    const { A, units } = await setup;
    expect(() => watershedTable(units.labels, { soilLoss: A, units: 't/ha/yr', tolerance: 500, rankBy: 'rate-gap' })).toThrow(/targetRate/);
    expect(() => watershedTable(units.labels, { soilLoss: A, units: 't/ha/yr', tolerance: 500, rankBy: 'export' })).toThrow(/needs sedimentExport/);
    const t = watershedTable(units.labels, { soilLoss: A, units: 't/ha/yr', tolerance: 500, rankBy: 'rate-gap', targetRate: 90 });
    for (const r of t.rows) expect(r.score).toBeCloseTo(90 - r.rate, 9);
  });

  it('unit polygons in lon/lat carry id, area, outlet and downstream id; their cell count matches the labels', async () => {
    const { units } = await setup;
    const fc = unitsToGeoJson(units.labels, units.units);
    expect(fc.features.length).toBe(units.units.length);
    const f = fc.features[0]!;
    expect(f.properties).toMatchObject({ id: f.id, downstreamId: units.units[0]!.downstreamId });
    const lon = f.properties.outletLon as number;
    expect(lon).toBeGreaterThan(116);
    expect(lon).toBeLessThan(117);
  });
});
