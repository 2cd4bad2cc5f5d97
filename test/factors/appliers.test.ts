import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Grid, Raster, projectedCrs, isRusleError, readRaster,
  parseLookupTable, soilTableFromSeims, lookupRaster, cFactorFromLandCover, pFactorFromLandCover, kFactorFromTexture, kFactorFromSoilTable,
  cFactorFromNdvi, fvcFromNdvi, pFactorFromSlope, bFactorFromTable, rFactorFromPrecipitation, kEpic, cVanDerKnijff, rRenardFreimund1994,
  convertErosivity, convertErodibility, convertSoilLoss, convertUnits, soilLossDepthMm, R_US_TO_SI, K_US_TO_SI, TON_PER_ACRE_TO_T_PER_HA,
} from '../../src/index.js';

const grid = new Grid(3, 2, [0, 30, 0, 60, 0, -30], projectedCrs({ epsg: 32650 }));
const f32 = (v: number[], g = grid) => new Raster(g, Float32Array.from(v), NaN);

function expectCode(fn: () => unknown, code: string): unknown {
  try {
    fn();
  } catch (e) {
    expect(isRusleError(e, code as never), String(e)).toBe(true);
    return e;
  }
  throw new Error(`expected ${code}`);
}

describe('lookup tables', () => {
  it('reads the InVEST biophysical table (data/willamette): lucode → usle_c and usle_p', () => {
    const text = readFileSync('data/willamette/biophysical_table.csv', 'utf8');
    const c = parseLookupTable(text, { valueColumn: 'usle_c' });
    const p = parseLookupTable(text, { valueColumn: 'usle_p' });
    expect(c.size).toBe(66);
    expect(c.get(53)).toBe(0.003);
    expect(c.get(79)).toBe(0.5);
    expect(p.get(71)).toBe(0.4);
  });
  it('reads JSON tables (rows or code → value)', () => {
    expect(parseLookupTable('{"1": 0.2, "2": 0.05}').get(2)).toBe(0.05);
    expect(parseLookupTable('[{"lucode": 3, "usle_c": 0.1}]', { valueColumn: 'usle_c' }).get(3)).toBe(0.1);
    expectCode(() => parseLookupTable('lucode,usle_c\n1,0.2\n1,0.3\n', { valueColumn: 'usle_c' }), 'BAD_TABLE');
    expectCode(() => parseLookupTable('lucode,usle_c\n1,abc\n', { valueColumn: 'usle_c' }), 'BAD_TABLE');
    expectCode(() => parseLookupTable('lucode,c\n1,0.2\n', { valueColumn: 'usle_c' }), 'BAD_TABLE');
  });
  it('reads the SEIMS soil lookup (data/youwuzhen): top layer, fine-earth fractions rescaled to 100 %', () => {
    const soils = soilTableFromSeims(readFileSync('data/youwuzhen/soil_properties_lookup.csv', 'utf8'));
    expect([...soils.keys()]).toEqual([201, 202, 203, 204, 205]);
    const s = soils.get(201)!;
    expect(s.textureSumPct).toBeCloseTo(52.25 + 13.8 + 15.66, 10);
    expect(s.sandPct).toBeCloseTo((100 * 52.25) / 81.71, 10);
    expect(s.sandPct + s.siltPct + s.clayPct).toBeCloseTo(100, 10);
    expect(s.organicMatterPct).toBe(2.31);
    expect(s.organicCarbonPct).toBeCloseTo(2.31 / 1.724, 12);
  });
});

describe('C and P from land cover on the Willamette land-use raster', () => {
  it('codes missing from the table are a BAD_TABLE error listing them, or NaN with missing: nodata', async () => {
    const lu = await readRaster('data/willamette/landuse_90.tif');
    const text = readFileSync('data/willamette/biophysical_table.csv', 'utf8');
    const table = parseLookupTable(text, { valueColumn: 'usle_c' });
    const { raster, report } = cFactorFromLandCover(lu, table);
    expect(raster.grid).toBe(lu.grid);
    expect(report.validCells + report.nodataCells).toBe(lu.data.length);
    // first valid cell maps through the table
    const i = lu.data.findIndex((v) => v !== lu.nodata);
    expect(raster.data[i]).toBeCloseTo(table.get(lu.data[i]!)!, 6);
    const partial = new Map([...table].filter(([k]) => k !== lu.data[i]));
    const e = expectCode(() => cFactorFromLandCover(lu, partial), 'BAD_TABLE') as { details: { missing: number[] } };
    expect(e.details.missing).toContain(lu.data[i]);
    const r2 = cFactorFromLandCover(lu, partial, { missing: 'nodata' });
    expect(Number.isNaN(r2.raster.data[i])).toBe(true);
    expect(r2.report.outOfRange.count).toBeGreaterThan(0);
    const p = pFactorFromLandCover(lu, parseLookupTable(text, { valueColumn: 'usle_p' }));
    expect(p.report.validCells).toBe(report.validCells);
  });
  it('table values outside [0, 1] are refused', () => {
    const codes = new Raster(grid, Uint8Array.from([1, 1, 2, 2, 255, 1]), 255);
    expectCode(() => cFactorFromLandCover(codes, new Map([[1, 0.2], [2, 1.5]])), 'BAD_TABLE');
    const r = lookupRaster(codes, new Map([[1, 0.2], [2, 0.5]]));
    expect(Array.from(r.raster.data)).toEqual([0.2, 0.2, 0.5, 0.5, NaN, 0.2].map(Math.fround));
    expect(r.report.nodataCells).toBe(1);
  });
});

describe('K rasters', () => {
  it('kFactorFromTexture(epic) equals K.epic per cell; constants broadcast; nodata propagates', () => {
    const sand = f32([40, 30, NaN, 20, 60, 10]);
    const silt = f32([40, 50, 40, 60, 20, 70]);
    const clay = f32([20, 20, 20, 20, 20, 20]);
    const { raster, report } = kFactorFromTexture({ sandPct: sand, siltPct: silt, clayPct: clay, organicCarbonPct: 1.5 }, { method: 'epic' });
    expect(raster.data[0]).toBeCloseTo(kEpic(40, 40, 20, 1.5), 6);
    expect(Number.isNaN(raster.data[2])).toBe(true);
    expect(report).toEqual({ validCells: 5, nodataCells: 1, outOfRange: { count: 0 } });
  });
  it('texture not summing to 100 % is reported with count and first cell (error by default, NaN on request)', () => {
    const sand = f32([40, 30, 40, 20, 60, 10]);
    const silt = f32([40, 50, 50, 60, 20, 70]);
    const e = expectCode(() => kFactorFromTexture({ sandPct: sand, siltPct: silt, clayPct: 20, organicCarbonPct: 1 }), 'BAD_VALUE') as { details: { count: number; first: { col: number; row: number } } };
    expect(e.details.count).toBe(1);
    expect(e.details.first).toMatchObject({ col: 2, row: 0 });
    const { raster, report } = kFactorFromTexture({ sandPct: sand, siltPct: silt, clayPct: 20, organicCarbonPct: 1 }, { onOutOfRange: 'nodata' });
    expect(Number.isNaN(raster.data[2])).toBe(true);
    expect(report.outOfRange.count).toBe(1);
  });
  it('misaligned inputs are a GRID_MISMATCH', () => {
    const other = new Grid(3, 2, [30, 30, 0, 60, 0, -30], projectedCrs({ epsg: 32650 }));
    expectCode(() => kFactorFromTexture({ sandPct: f32([1, 1, 1, 1, 1, 1]), siltPct: f32([1, 1, 1, 1, 1, 1], other), clayPct: 20, organicCarbonPct: 1 }), 'GRID_MISMATCH');
  });
  it('K by soil class from the Youwuzhen soil raster and lookup (top layer, EPIC)', async () => {
    const soil = await readRaster('data/youwuzhen/ywzsoil30m.tif');
    const soils = soilTableFromSeims(readFileSync('data/youwuzhen/soil_properties_lookup.csv', 'utf8'));
    const { raster, perClass, report } = kFactorFromSoilTable(soil, soils, { method: 'epic' });
    const s = soils.get(201)!;
    expect(perClass.get(201)).toBeCloseTo(kEpic(s.sandPct, s.siltPct, s.clayPct, s.organicCarbonPct), 7); // via Float32
    for (const k of perClass.values()) {
      expect(k).toBeGreaterThan(0.01);
      expect(k).toBeLessThan(0.07);
    }
    expect(report.validCells).toBeGreaterThan(0);
    const i = soil.data.findIndex((v) => v !== soil.nodata);
    expect(raster.data[i]).toBeCloseTo(perClass.get(soil.data[i]!)!, 6);
  });
  it('nomograph: OM above 4 % is out of range', () => {
    expectCode(() => kFactorFromTexture({ siltPct: 40, veryFineSandPct: 10, clayPct: 20, organicMatterPct: f32([1, 2, 5, 1, 1, 1]), structureClass: 2, permeabilityClass: 3 }, { method: 'nomograph' }), 'BAD_VALUE');
  });
});

describe('C from NDVI, P from slope, B, R rasters', () => {
  it('cFactorFromNdvi(vanDerKnijff) equals C.vanDerKnijff; NDVI > 1 is reported', () => {
    const { raster } = cFactorFromNdvi(f32([0.1, 0.5, 0.8, -0.2, NaN, 0.3]));
    expect(raster.data[1]).toBeCloseTo(cVanDerKnijff(0.5), 6);
    expect(raster.data[3]).toBe(1);
    expectCode(() => cFactorFromNdvi(f32([0.1, 1.5, 0.8, 0, 0, 0])), 'BAD_VALUE');
    const fvc = fvcFromNdvi(f32([0.05, 0.45, 0.85, 0.9, 0, 0.25]), { ndviSoil: 0.05, ndviVeg: 0.85 });
    expect(fvc.raster.data[1]).toBeCloseTo(0.5, 6);
    const cai = cFactorFromNdvi(f32([0.05, 0.45, 0.85, 0.9, 0, 0.25]), { method: 'cai2000', ndviSoil: 0.05, ndviVeg: 0.85 });
    expect(cai.raster.data[0]).toBe(1);
    expect(cai.raster.data[1]).toBeCloseTo(0.6508 - 0.3436 * Math.log10(50), 6);
    expect(cai.raster.data[2]).toBe(0);
  });
  it('pFactorFromSlope uses the user table by slope class', () => {
    const slopeDeg = f32([0.5, 3, 6, 30, NaN, 1]);
    const { raster } = pFactorFromSlope(slopeDeg, { slopeUnits: 'degrees', table: [{ maxSlopePct: 2, p: 0.6 }, { maxSlopePct: 8, p: 0.5 }, { maxSlopePct: 25, p: 0.9 }] });
    expect(Array.from(raster.data).slice(0, 4)).toEqual([0.6, 0.5, 0.9, 1].map(Math.fround)); // 0.87 %, 5.2 %, 10.5 %, 57.7 %
    expectCode(() => pFactorFromSlope(slopeDeg, { slopeUnits: 'degrees', table: [{ maxSlopePct: 8, p: 0.5 }, { maxSlopePct: 2, p: 0.6 }] }), 'BAD_ARGUMENT');
  });
  it('bFactorFromTable maps land use × cover class; uncovered combinations are reported', () => {
    const lu = new Raster(grid, Uint8Array.from([1, 1, 2, 2, 0, 1]), 0);
    const cover = f32([10, 50, 20, 90, 10, 0]);
    const table = [
      { code: 1, coverMinPct: 0, coverMaxPct: 30, b: 0.3 }, { code: 1, coverMinPct: 30, coverMaxPct: 100, b: 0.1 },
      { code: 2, coverMinPct: 0, coverMaxPct: 60, b: 0.2 },
    ];
    const { raster, report } = bFactorFromTable(lu, cover, table, { onOutOfRange: 'nodata' });
    expect(Array.from(raster.data)).toEqual([0.3, 0.1, 0.2, NaN, NaN, 0.3].map(Math.fround));
    expect(report.outOfRange.count).toBe(1);
    expect(report.outOfRange.first).toMatchObject({ col: 0, row: 1 });
  });
  it('rFactorFromPrecipitation from annual and monthly stacks', () => {
    const annual = f32([800, 1600, NaN, 0, 1200, 400]);
    const { raster } = rFactorFromPrecipitation(annual);
    expect(raster.data[1]).toBeCloseTo(rRenardFreimund1994(1600), 1);
    const months = Array.from({ length: 12 }, () => f32([100, 50, 10, 0, 200, 30]));
    const { raster: rf } = rFactorFromPrecipitation(months, { model: 'renardFreimund1994Fournier' });
    expect(rf.data[0]).toBeGreaterThan(0);
    const { raster: rp } = rFactorFromPrecipitation(months);
    expect(rp.data[0]).toBeCloseTo(rRenardFreimund1994(1200), 1);
    expectCode(() => rFactorFromPrecipitation([annual, annual]), 'BAD_ARGUMENT');
  });
});

describe('units (mathjs, lazy)', () => {
  it('R and K between US and SI match AH703 Appendix A (17.02, 0.1317)', async () => {
    expect(await convertErosivity(1, 'US', 'SI')).toBeCloseTo(R_US_TO_SI, 2);
    expect(await convertErosivity(17.0195, 'SI', 'US')).toBeCloseTo(1, 4);
    expect(await convertErodibility(1, 'US', 'SI')).toBeCloseTo(K_US_TO_SI, 4);
    expect(await convertErodibility(0.1317, 'SI', 'US')).toBeCloseTo(1, 3);
  });
  it('soil loss: 1 ton/acre/yr = 2.2417 t/ha/yr = 224.17 t/km²/yr; depth = A/(10 ρ)', async () => {
    expect(await convertSoilLoss(1, 'ton/acre/yr', 't/ha/yr')).toBeCloseTo(2.2417, 4);
    expect(TON_PER_ACRE_TO_T_PER_HA).toBeCloseTo(2.2417, 4);
    expect(await convertSoilLoss(5, 't/ha/yr', 't/km2/yr')).toBeCloseTo(500, 9);
    expect(await convertSoilLoss(224.17, 't/km2/yr', 'ton/acre/yr')).toBeCloseTo(1, 3);
    expect(soilLossDepthMm(13, 1.3)).toBeCloseTo(1, 12);
    expect(await convertUnits(1, 'ha', 'acre')).toBeCloseTo(2.47105, 5);
    await expect(convertUnits(1, 'ha', 'kg')).rejects.toMatchObject({ code: 'BAD_UNITS' });
  });
});

import fc from 'fast-check';
import { formulas } from '../../src/index.js';

describe('appliers agree with the registry', () => {
  it('property: kFactorFromTexture(epic), cFactorFromNdvi and rFactorFromPrecipitation equal formulas.evaluate cell by cell, and flag exactly the cells evaluate refuses', () => {
    fc.assert(fc.property(
      fc.array(fc.tuple(fc.double({ min: -5, max: 105, noNaN: true }), fc.double({ min: -5, max: 105, noNaN: true }), fc.double({ min: 0, max: 6, noNaN: true }), fc.double({ min: -1.2, max: 1.2, noNaN: true }), fc.double({ min: -100, max: 11000, noNaN: true })), { minLength: 6, maxLength: 6 }),
      (cells) => {
        const sand = cells.map((c) => Math.fround(c[0]));
        const silt = cells.map((c) => Math.fround(Math.min(100, Math.max(0, 100 - c[0] - 20 + (c[1] % 3)))));
        const oc = cells.map((c) => Math.fround(c[2]));
        const nd = cells.map((c) => Math.fround(c[3]));
        const p = cells.map((c) => Math.fround(c[4]));
        const k = kFactorFromTexture({ sandPct: f32(sand), siltPct: f32(silt), clayPct: 20, organicCarbonPct: f32(oc) }, { onOutOfRange: 'nodata' });
        const c = cFactorFromNdvi(f32(nd), { onOutOfRange: 'nodata' });
        const r = rFactorFromPrecipitation(f32(p), { onOutOfRange: 'nodata' });
        for (let i = 0; i < 6; i++) {
          const pairs: [number, () => number][] = [
            [k.raster.data[i]!, () => formulas.evaluate('K.epic', { sandPct: sand[i]!, siltPct: silt[i]!, clayPct: 20, organicCarbonPct: oc[i]! })],
            [c.raster.data[i]!, () => formulas.evaluate('C.vanDerKnijff', { ndvi: nd[i]! })],
            [r.raster.data[i]!, () => formulas.evaluate('R.renardFreimund1994', { annualRainMm: p[i]! })],
          ];
          for (const [got, ev] of pairs) {
            let want = NaN;
            try { want = ev(); } catch (e) { if (!isRusleError(e, 'BAD_VALUE')) throw e; }
            if (Number.isNaN(want)) expect(Number.isNaN(got)).toBe(true);
            else expect(got).toBeCloseTo(Math.fround(want), 5);
          }
        }
      },
    ), { seed: 20261129, numRuns: 200 });
  });
});
