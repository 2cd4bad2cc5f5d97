import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { readRaster } from '../../src/io/index.js';
import { Raster } from '../../src/raster/raster.js';
import { isRusleError } from '../../src/raster/errors.js';
import { D8_NODATA } from '../../src/terrain/index.js';
import { d8Receivers, streamNetwork, watershedCodes, watershedUnits, watershedsFromOutlets } from '../../src/terrain/watersheds.js';
import { demFrom, randomDem } from './routing-helpers.js';

const YWZ = fileURLToPath(new URL('../../data/youwuzhen/ywzdem30m.tif', import.meta.url));

/** Checks the partition properties; returns the land area in km². */
function checkPartition(codes: Raster<Uint8Array>, labels: Raster<Int32Array>, units: ReturnType<typeof watershedUnits>['units'], maxKm2: number): void {
  const n = codes.data.length;
  const areas = codes.grid.rowCellAreasM2();
  let land = 0;
  const sums = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const valid = codes.data[i] !== D8_NODATA;
    const l = labels.data[i]!;
    if (!valid) { expect(l).toBe(0); continue; }
    expect(l).toBeGreaterThan(0);
    expect(l).toBeLessThanOrEqual(units.length);
    const a = areas[Math.floor(i / codes.width)]! / 1e6;
    land += a;
    sums.set(l, (sums.get(l) ?? 0) + a);
  }
  const total = units.reduce((s, u) => s + u.areaKm2, 0);
  expect(total).toBeCloseTo(land, 9);
  for (const u of units) {
    expect(u.areaKm2).toBeCloseTo(sums.get(u.id) ?? 0, 9);
    if (u.cells > 1) expect(u.areaKm2).toBeLessThanOrEqual(maxKm2 + 1e-9);
    if (u.downstreamId) expect(u.downstreamId).toBeGreaterThan(u.id);
  }
  // a unit's cells drain into the unit or out through its outlet into the downstream unit
  const rec = d8Receivers(codes);
  for (let i = 0; i < n; i++) {
    const j = rec[i]!;
    if (j < 0 || labels.data[i] === labels.data[j]) continue;
    const u = units[labels.data[i]! - 1]!;
    expect(i).toBe(u.outletRow * codes.width + u.outletCol);
    expect(labels.data[j]).toBe(u.downstreamId);
  }
}

describe('watershedUnits', () => {
  it('puts every valid cell of Youwuzhen in exactly one unit, unit areas add up to the land area, and no unit exceeds the maximum', async () => {
    const dem = await readRaster(YWZ);
    const codes = watershedCodes(dem);
    const { labels, units } = watershedUnits(codes, { minAreaKm2: 0.5, maxAreaKm2: 2 });
    expect(units.length).toBeGreaterThan(3);
    checkPartition(codes, labels, units, 2);
    expect(units.some((u) => u.downstreamId !== 0)).toBe(true);
    for (const u of units) expect(u.small).toBe(u.areaKm2 < 0.5);
  });

  it('partitions seeded random DEMs with nodata (property; the seed is printed on failure)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 1e9 }), fc.double({ min: 0.005, max: 0.05, noNaN: true }), (seed, minKm2) => {
      const dem = randomDem(37, 29, seed, 0.05);
      const codes = watershedCodes(dem);
      const maxKm2 = minKm2 * 3;
      const { labels, units } = watershedUnits(codes, { minAreaKm2: minKm2, maxAreaKm2: maxKm2 });
      checkPartition(codes, labels, units, maxKm2);
    }), { numRuns: 25 });
  });

  it('refuses min > max and non-positive areas with BAD_VALUE', () => {
    const codes = watershedCodes(demFrom([[3, 2, 1], [3, 2, 1]]));
    expect(() => watershedUnits(codes, { minAreaKm2: 5, maxAreaKm2: 1 })).toThrow(/minAreaKm2 \(5\) is larger than maxAreaKm2 \(1\)/);
    expect(() => watershedUnits(codes, { minAreaKm2: 0 })).toThrow(/minAreaKm2/);
  });
});

describe('streamNetwork', () => {
  it('gives Strahler order 2 below the confluence of two first-order streams (hand-made Y valley)', () => {
    // two valleys (columns 1 and 5) meet at row 4, column 3, then run south
    const rows: number[][] = [];
    for (let r = 0; r < 9; r++) {
      const row: number[] = [];
      for (let c = 0; c < 7; c++) {
        const toValley = r < 4 ? Math.min(Math.abs(c - 1), Math.abs(c - 5)) : Math.abs(c - 3);
        row.push(100 - r * 2 + toValley * 5);
      }
      rows.push(row);
    }
    const codes = watershedCodes(demFrom(rows), { boundary: 'outlet' });
    const net = streamNetwork(codes, { cells: 4 });
    const ord = net.order.data;
    expect(Math.max(...Array.from(ord).filter((v) => v !== 255))).toBe(2);
    const seg2 = net.segments.filter((s) => s.order === 2);
    expect(seg2.length).toBe(1);
    const firsts = net.segments.filter((s) => s.order === 1);
    expect(firsts.length).toBeGreaterThanOrEqual(2);
    for (const s of firsts.filter((s) => s.downstreamId)) expect(s.downstreamId).toBe(seg2[0]!.id);
  });

  it('refuses a threshold that gives no stream, naming the largest accumulation found', () => {
    const codes = watershedCodes(demFrom([[3, 2, 1], [3, 2, 1]]));
    try {
      streamNetwork(codes, { cells: 1000 });
      expect.unreachable();
    } catch (e) {
      expect(isRusleError(e, 'BAD_VALUE')).toBe(true);
      expect((e as Error).message).toMatch(/gives no stream; the largest accumulation on this grid is \d+ cells/);
    }
  });
});

describe('watershedsFromOutlets', () => {
  it('snaps to the highest-accumulation cell, reports the distance, and nested outlets split without overlap', async () => {
    const dem = await readRaster(YWZ);
    const codes = watershedCodes(dem);
    const units = watershedUnits(codes, { minAreaKm2: 0.5, maxAreaKm2: 2 });
    // outlets: two unit outlets, one upstream of the other, moved one cell off
    const down = units.units.find((u) => u.downstreamId === 0 && units.units.some((v) => v.downstreamId === u.id))!;
    const up = units.units.find((v) => v.downstreamId === down.id)!;
    const off = (u: typeof down): [number, number] => [u.outletX + 20, u.outletY - 5];
    const { labels, outlets } = watershedsFromOutlets(codes, [off(down), off(up)], { snapRadiusM: 60 });
    expect(outlets[0]!.distanceM).toBeLessThanOrEqual(60);
    let n1 = 0, n2 = 0;
    for (const l of labels.data) { if (l === 1) n1++; else if (l === 2) n2++; }
    expect(n2).toBeGreaterThan(0);
    expect(n1).toBeGreaterThan(0);
    // every cell labelled 2 lies upstream of outlet 2: following receivers reaches it
    const rec = d8Receivers(codes);
    const o2 = outlets[1]!.row * codes.width + outlets[1]!.col;
    for (let i = 0; i < labels.data.length; i++) {
      if (labels.data[i] !== 2) continue;
      let j = i;
      while (j !== o2 && j >= 0) j = rec[j]!;
      expect(j).toBe(o2);
    }
  });

  it('refuses an outlet off the grid or on nodata with BAD_VALUE naming the point', () => {
    const dem = demFrom([[3, 2, 1], [3, NaN, 1], [3, 2, 1]]);
    const codes = watershedCodes(dem);
    const [x0, y0] = dem.grid.pixelToCrs(0, 0);
    expect(() => watershedsFromOutlets(codes, [[x0 - 100, y0]], { names: ['weir A'] })).toThrow(/outlet weir A at .* is outside the grid/);
    const [xc, yc] = dem.grid.pixelToCrs(1.5, 1.5);
    expect(() => watershedsFromOutlets(codes, [[xc, yc]])).toThrow(/outlet #1 .* nodata cell/);
    expect(() => watershedsFromOutlets(codes, [dem.grid.pixelToCrs(0.5, 0.5)], { minUpstreamKm2: 5 })).toThrow(/no stream within/);
  });
});
