import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Grid, Raster, RusleError, detectDisturbance, disturbanceRisk, disturbancePatchesToCsv, geographicCrs, gridToLonLat,
  projectedCrs, WGS84, LANDCOVER_SCHEMES, type Ring,
} from '../../src/index.js';
import { zoneAreaPerRadian, DEG } from '../../src/raster/crs.js';

const utm = projectedCrs({ epsg: 32650 });

/** Small deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Planted { cells: number[] }

/** A vegetated scene (NDVI 0.6–0.8 both dates, ±0.03 noise) with planted clearings and decoys. */
function scene(grid: Grid, seed: number) {
  const W = grid.width, H = grid.height, n = W * H;
  const rand = rng(seed);
  const before = new Float32Array(n), after = new Float32Array(n);
  for (let i = 0; i < n; i++) { before[i] = 0.6 + 0.2 * rand(); after[i] = before[i]! + (rand() - 0.5) * 0.06; }
  const planted: Planted[] = [];
  const plant = (cells: [number, number][], b: number, a: number): void => {
    const idx = cells.map(([c, r]) => r * W + c);
    for (const i of idx) { before[i] = b; after[i] = a; }
    planted.push({ cells: idx });
  };
  const rect = (c0: number, r0: number, w: number, h: number): [number, number][] => {
    const out: [number, number][] = [];
    for (let r = r0; r < r0 + h; r++) for (let c = c0; c < c0 + w; c++) out.push([c, r]);
    return out;
  };
  plant(rect(5, 5, 6, 4), 0.75, 0.1); // 24 cells, drop 0.65
  plant(rect(30, 8, 3, 3).concat(rect(33, 10, 4, 1)), 0.7, 0.15); // L-ish, 13 cells
  // A ring with a vegetated hole: 7 × 7 minus the 3 × 3 centre.
  plant(rect(50, 20, 7, 7).filter(([c, r]) => !(c >= 52 && c <= 54 && r >= 22 && r <= 24)), 0.8, 0.05);
  // Two blocks meeting at one corner: one 8-connected patch, a MultiPolygon of two parts.
  plant(rect(10, 30, 3, 3).concat(rect(13, 33, 3, 3)), 0.65, 0.12);
  plant(rect(70, 40, 10, 2), 0.6, 0.2); // exactly at both thresholds: drop 0.4 ≥ 0.2, after 0.2 ≤ 0.2
  // Decoys: bare that stayed bare (drop 0.05), browning (drop 0.15, after 0.5), greening.
  for (const [c, r] of rect(20, 50, 6, 6)) { before[r * W + c] = 0.15; after[r * W + c] = 0.1; }
  for (const [c, r] of rect(40, 50, 6, 6)) { before[r * W + c] = 0.65; after[r * W + c] = 0.5; }
  for (const [c, r] of rect(60, 5, 6, 6)) { before[r * W + c] = 0.1; after[r * W + c] = 0.7; }
  return { before: new Raster(grid, before), after: new Raster(grid, after), planted };
}

function insideRings(polys: readonly (readonly Ring[])[], x: number, y: number): boolean {
  let odd = false;
  for (const poly of polys) for (const ring of poly) {
    for (let k = 0; k + 1 < ring.length; k++) {
      const [x1, y1] = ring[k]!; const [x2, y2] = ring[k + 1]!;
      if ((y1 > y) !== (y2 > y) && x < x1 + ((y - y1) * (x2 - x1)) / (y2 - y1)) odd = !odd;
    }
  }
  return odd;
}

function featurePolys(f: { geometry: { type: string; coordinates: unknown } }): Ring[][] {
  return f.geometry.type === 'Polygon' ? [f.geometry.coordinates as Ring[]] : (f.geometry.coordinates as Ring[][]);
}

function checkAgainstTruth(res: ReturnType<typeof detectDisturbance>, planted: Planted[], grid: Grid): void {
  expect(res.patches).toHaveLength(planted.length);
  const W = grid.width;
  const toLonLat = gridToLonLat(grid.crs);
  const areas = grid.rowCellAreasM2();
  for (const pl of planted) {
    const ids = new Set(pl.cells.map((i) => res.labels.data[i]));
    expect(ids.size).toBe(1);
    const id = [...ids][0]!;
    expect(id).toBeGreaterThan(0);
    const patch = res.patches[id - 1]!;
    expect(patch.cells).toBe(pl.cells.length);
    const trueArea = pl.cells.reduce((s, i) => s + areas[Math.floor(i / W)]!, 0);
    expect(Math.abs(patch.areaM2 / trueArea - 1)).toBeLessThan(1e-12);
    // Polygon covers exactly the patch's cell centres (point in polygon in lon/lat).
    const f = res.geojson.features.find((ft) => ft.id === id)!;
    const polys = featurePolys(f);
    const mine = new Set(pl.cells);
    const w = patch.window;
    for (let r = Math.max(0, w.y - 2); r < Math.min(grid.height, w.y + w.height + 2); r++) {
      for (let c = Math.max(0, w.x - 2); c < Math.min(W, w.x + w.width + 2); c++) {
        const [lon, lat] = toLonLat(grid.pixelToCrs(c + 0.5, r + 0.5));
        expect(insideRings(polys, lon, lat)).toBe(mine.has(r * W + c));
      }
    }
  }
}

describe('detectDisturbance', () => {
  it('detectDisturbance finds planted NDVI clearings with their cells, true areas and polygons, and no decoy', () => {
    const grid = new Grid(100, 70, [500000, 30, 0, 3000000, 0, -30], utm);
    const { before, after, planted } = scene(grid, 7);
    const res = detectDisturbance(before, after);
    checkAgainstTruth(res, planted, grid);
    expect(res.patches[0]!.areaM2).toBe(24 * 900);
    expect(res.patches[0]!.meanDrop).toBeCloseTo(0.65, 5);
    expect(res.patches.every((p) => p.type === 'vegetation-loss')).toBe(true);
    const ring = res.geojson.features.find((f) => (f.properties['cells'] as number) === 40)!;
    expect(ring.geometry.type).toBe('Polygon');
    expect((ring.geometry.coordinates as Ring[]).length).toBe(2); // shell and hole
    const corner = res.geojson.features.find((f) => (f.properties['cells'] as number) === 18)!;
    expect(corner.geometry.type).toBe('MultiPolygon');
    expect(res.counts.inPatches).toBe(planted.reduce((s, p) => s + p.cells.length, 0));
    expect(res.maskedShare).toBe(0);
    const [lon, lat] = res.patches[0]!.centroidLonLat;
    expect(lon).toBeGreaterThan(113); expect(lon).toBeLessThan(118); expect(lat).toBeGreaterThan(26); expect(lat).toBeLessThan(28);
    expect(disturbancePatchesToCsv(res.patches).split('\n')).toHaveLength(planted.length + 2);
  });

  it('detectDisturbance gives true ellipsoidal areas on a geographic grid', () => {
    const grid = new Grid(100, 70, [116, 0.0003, 0, 26, 0, -0.0003], geographicCrs());
    const { before, after, planted } = scene(grid, 11);
    const res = detectDisturbance(before, after);
    checkAgainstTruth(res, planted, grid);
    // Independent truth: the first patch is 6 columns × rows 5–8.
    const box = 6 * 0.0003 * DEG * (zoneAreaPerRadian((26 - 5 * 0.0003) * DEG, WGS84) - zoneAreaPerRadian((26 - 9 * 0.0003) * DEG, WGS84));
    expect(Math.abs(res.patches[0]!.areaM2 / box - 1)).toBeLessThan(1e-9);
  });

  it('detectDisturbance never counts cells where only nodata or cloud changed, and reports the masked share', () => {
    const grid = new Grid(60, 40, [500000, 30, 0, 3000000, 0, -30], utm);
    const n = 60 * 40;
    const b = new Float32Array(n).fill(0.7), a = new Float32Array(n).fill(0.72);
    for (let r = 5; r < 15; r++) for (let c = 5; c < 20; c++) a[r * 60 + c] = NaN; // nodata after
    for (let r = 20; r < 30; r++) for (let c = 5; c < 20; c++) b[r * 60 + c] = NaN; // nodata before
    const cloud = new Uint8Array(n);
    for (let r = 5; r < 30; r++) for (let c = 30; c < 50; c++) { cloud[r * 60 + c] = 1; a[r * 60 + c] = 0.05; } // cloud with a low value
    const res = detectDisturbance(new Raster(grid, b), new Raster(grid, a), { cloudAfter: new Raster(grid, cloud, 255) });
    expect(res.patches).toHaveLength(0);
    expect(res.counts.masked).toBe(150 + 150 + 500);
    expect(res.maskedShare).toBeCloseTo(800 / n, 12);
    expect(res.warnings.join(' ')).toMatch(/not examined/);
  });

  it('detectDisturbance in land-cover mode marks only the table\u2019s transitions and types the patch', () => {
    const grid = new Grid(20, 10, [500000, 30, 0, 3000000, 0, -30], utm);
    const b = new Uint8Array(200).fill(6), a = new Uint8Array(200).fill(6);
    for (let r = 1; r < 4; r++) for (let c = 1; c < 5; c++) a[r * 20 + c] = 104; // forest → built-up: 12 cells
    for (let r = 5; r < 8; r++) for (let c = 10; c < 13; c++) { b[r * 20 + c] = 33; a[r * 20 + c] = 106; } // paddy → built-up: 9
    for (let r = 1; r < 4; r++) for (let c = 10; c < 15; c++) a[r * 20 + c] = 18; // forest → water: not disturbance
    for (let r = 7; r < 10; r++) for (let c = 1; c < 4; c++) { b[r * 20 + c] = 104; a[r * 20 + c] = 104; } // built-up stayed
    const res = detectDisturbance(new Raster(grid, b, 0), new Raster(grid, a, 0), { mode: 'landcover', transitions: 'seims' });
    expect(res.patches.map((p) => p.cells)).toEqual([12, 9]);
    expect(res.patches.map((p) => p.type)).toEqual(['construction', 'construction']);
    expect(res.patches[1]!.transitions).toEqual([{ from: 33, to: 106, cells: 9 }]);
    const custom = detectDisturbance(new Raster(grid, b, 0), new Raster(grid, a, 0), { mode: 'landcover', transitions: [{ from: '*', to: [18], type: 'flooding' }] });
    expect(custom.patches.map((p) => [p.cells, p.type])).toEqual([[15, 'flooding']]);
    const cn = LANDCOVER_SCHEMES.cnlucc.find((r) => r.type === 'mining')!;
    expect(cn.to).toEqual([53]);
  });

  it('detectDisturbance cleans with an opening or a minimum size', () => {
    const grid = new Grid(40, 20, [500000, 30, 0, 3000000, 0, -30], utm);
    const b = new Float32Array(800).fill(0.8), a = new Float32Array(800).fill(0.8);
    for (let c = 2; c < 38; c++) a[3 * 40 + c] = 0.1; // a 1-cell-wide track
    for (let r = 8; r < 14; r++) for (let c = 5; c < 12; c++) a[r * 40 + c] = 0.1; // a 7 × 6 block
    a[17 * 40 + 30] = 0.1; a[17 * 40 + 31] = 0.1; // a 2-cell speck
    const plain = detectDisturbance(new Raster(grid, b), new Raster(grid, a));
    expect(plain.patches.map((p) => p.cells)).toEqual([36, 42]);
    expect(plain.counts.removed).toBe(2);
    const opened = detectDisturbance(new Raster(grid, b), new Raster(grid, a), { opening: true, minPatchCells: 1 });
    expect(opened.patches.map((p) => p.cells)).toEqual([42]);
    const big = detectDisturbance(new Raster(grid, b), new Raster(grid, a), { minPatchAreaM2: 40 * 900 });
    expect(big.patches.map((p) => p.cells)).toEqual([42]);
  });

  it('detectDisturbance patches go straight into disturbanceRisk with their areas', () => {
    const grid = new Grid(100, 70, [500000, 30, 0, 3000000, 0, -30], utm);
    const { before, after, planted } = scene(grid, 3);
    const res = detectDisturbance(before, after);
    const A = new Raster(grid, new Float32Array(7000).fill(2)); // t/ha/yr baseline
    const rkls = new Raster(grid, new Float32Array(7000).fill(150));
    const risk = disturbanceRisk(A, res.geojson, { units: 't/ha/yr', tolerance: 'red-soil', potential: rkls });
    expect(risk.rows).toHaveLength(planted.length);
    for (const row of risk.rows) {
      const p = res.patches[Number(row.patch) - 1]!;
      expect(row.areaKm2 * 1e6).toBeCloseTo(p.areaM2, 3);
      expect(row.risk).toBe('high'); // 150 t/ha/yr = 15000 t/km²/yr
    }
  });

  it('detectDisturbance property: the result does not depend on the band size, and areas add up', () => {
    const seed = Date.now() % 2 ** 31;
    console.log(`detectDisturbance band property seed ${seed}`);
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 40 }), fc.integer({ min: 3, max: 40 }), fc.integer({ min: 1, max: 45 }), fc.boolean(), fc.integer({ min: 0, max: 1e9 }),
        (w, h, band, opening, s) => {
          const grid = new Grid(w, h, [500000, 30, 0, 3000000, 0, -30], utm);
          const rand = rng(s);
          const n = w * h;
          const b = new Float32Array(n), a = new Float32Array(n);
          for (let i = 0; i < n; i++) { b[i] = rand() < 0.05 ? NaN : 0.7; a[i] = rand() < 0.45 ? 0.1 : 0.7; }
          const opts = { opening, minPatchCells: 1 + Math.floor(rand() * 4) };
          const whole = detectDisturbance(new Raster(grid, b), new Raster(grid, a), { ...opts, bandRows: h });
          const banded = detectDisturbance(new Raster(grid, b), new Raster(grid, a), { ...opts, bandRows: band });
          expect(Array.from(banded.labels.data)).toEqual(Array.from(whole.labels.data));
          expect(banded.patches).toEqual(whole.patches);
          expect(banded.counts).toEqual(whole.counts);
          const sum = whole.patches.reduce((t, p) => t + p.areaM2, 0);
          expect(sum).toBeCloseTo(whole.counts.inPatches * 900, 6);
          expect(whole.counts.valid + whole.counts.masked).toBe(n);
          expect(whole.geojson.features).toHaveLength(whole.patches.length);
        }),
      { seed, numRuns: 60 },
    );
  });

  it('detectDisturbance refuses different grids, an all-nodata date, thresholds out of range and scaled NDVI', () => {
    const g = new Grid(10, 10, [500000, 30, 0, 3000000, 0, -30], utm);
    const g2 = new Grid(10, 10, [500015, 30, 0, 3000000, 0, -30], utm);
    const g3 = new Grid(12, 10, [499940, 30, 0, 3000000, 0, -30], utm);
    const v = new Raster(g, new Float32Array(100).fill(0.7));
    const code = (f: () => unknown): string => { try { f(); return 'none'; } catch (e) { return e instanceof RusleError ? e.code : 'other'; } };
    expect(code(() => detectDisturbance(v, new Raster(g2, new Float32Array(100).fill(0.1))))).toBe('GRID_MISMATCH');
    expect(code(() => detectDisturbance(v, new Raster(g2, new Float32Array(100).fill(0.1)), { align: 'whole-cells' }))).toBe('GRID_MISMATCH');
    const shifted = new Float32Array(120).fill(0.7);
    for (let r = 2; r < 6; r++) for (let c = 4; c < 8; c++) shifted[r * 12 + c] = 0.05; // columns 2–5 of g
    const al = detectDisturbance(v, new Raster(g3, shifted), { align: 'whole-cells' });
    expect(al.patches).toHaveLength(1);
    expect(al.patches[0]!.window).toEqual({ x: 2, y: 2, width: 4, height: 4 });
    expect(code(() => detectDisturbance(v, new Raster(g, new Float32Array(100).fill(NaN))))).toBe('BAD_VALUE');
    expect(code(() => detectDisturbance(new Raster(g, new Float32Array(100).fill(NaN)), v))).toBe('BAD_VALUE');
    expect(code(() => detectDisturbance(v, v, { minDrop: 0 }))).toBe('BAD_VALUE');
    expect(code(() => detectDisturbance(v, v, { minDrop: 2.5 }))).toBe('BAD_VALUE');
    expect(code(() => detectDisturbance(v, v, { maxAfter: -1.5 }))).toBe('BAD_VALUE');
    expect(code(() => detectDisturbance(v, v, { mode: 'fvc', maxAfter: 1.2 }))).toBe('BAD_VALUE');
    expect(code(() => detectDisturbance(v, v, { minDrop: Number.NaN }))).toBe('BAD_VALUE');
    expect(code(() => detectDisturbance(v, new Raster(g, new Float32Array(100).fill(7000))))).toBe('BAD_VALUE');
    expect(code(() => detectDisturbance(v, v, { minPatchCells: 0 }))).toBe('BAD_VALUE');
    expect(code(() => detectDisturbance(v, v, { mode: 'landcover' }))).toBe('BAD_VALUE');
    const cls = new Raster(g, new Uint8Array(100).fill(21), 0);
    expect(code(() => detectDisturbance(cls, cls, { mode: 'landcover', transitions: [] }))).toBe('BAD_ARGUMENT');
    expect(code(() => detectDisturbance(cls, cls, { mode: 'landcover', transitions: 'nope' as 'cnlucc' }))).toBe('BAD_ARGUMENT');
    expect(code(() => detectDisturbance(v, v, { mode: 'ndvi', transitions: 'cnlucc' }))).toBe('BAD_ARGUMENT');
  });
});

describe('annualMonitoring', () => {
  it('lossIncreaseInPatches counts the increase (not the net change) and its part inside the patches', async () => {
    const { lossIncreaseInPatches, annualMonitoring } = await import('../../src/index.js');
    const grid = new Grid(4, 1, [500000, 100, 0, 3000000, 0, -100], utm); // 1 ha cells
    const a1 = new Raster(grid, Float32Array.from([1, 10, 4, NaN]));
    const a2 = new Raster(grid, Float32Array.from([3, 4, 11, 50])); // +2, −6, +7, nodata in year 1
    const labels = new Raster(grid, Int32Array.from([0, 0, 1, 1]), 0);
    const inc = lossIncreaseInPatches(a1, a2, labels, 't/ha/yr');
    expect(inc.increaseT).toBeCloseTo(9, 9);
    expect(inc.inPatchesT).toBeCloseTo(7, 9);
    expect(inc.shareInPatches).toBeCloseTo(7 / 9, 12);
    expect(inc.netChangeT).toBeCloseTo(3, 9);
    expect(inc.patchCells).toBe(1);
    const zones = new Raster(grid, Int32Array.from([1, 1, 2, 2]), 0);
    const m = annualMonitoring(a1, a2, zones, { units: 't/ha/yr', tolerance: 500, patches: labels });
    expect(m.worsened.map((w) => w.zone)).toEqual([2]); // zone 1 improved (10 → 4), the whole grid is unchanged
    expect(m.worsened.every((w, k) => w.rateChange < 0 && w.rank === k + 1)).toBe(true);
    expect(m.worsened.some((w) => w.zone === 2)).toBe(true); // 4 → 11 t/ha/yr crosses T = 5 t/ha/yr
  });
});

describe('detectDisturbance with a DEM', () => {
  it('detectDisturbance gives each patch the mean Horn slope and csle LS of its cells when a DEM is given', async () => {
    const { slope, lsFactor } = await import('../../src/index.js');
    const grid = new Grid(30, 20, [500000, 30, 0, 3000000, 0, -30], utm);
    const dem = new Raster(grid, new Float32Array(600));
    for (let r = 0; r < 20; r++) for (let c = 0; c < 30; c++) dem.data[r * 30 + c] = 200 - 3 * r + 0.5 * c + 4 * Math.sin(c / 3);
    const b = new Float32Array(600).fill(0.7), a = new Float32Array(600).fill(0.7);
    const cells: number[] = [];
    for (let r = 5; r < 10; r++) for (let c = 8; c < 14; c++) { a[r * 30 + c] = 0.1; cells.push(r * 30 + c); }
    const res = detectDisturbance(new Raster(grid, b), new Raster(grid, a), { dem });
    const s = slope(dem, { units: 'degrees' }), ls = lsFactor(dem, { preset: 'csle' }).ls;
    const mean = (r: Raster) => cells.reduce((t, i) => t + r.data[i]!, 0) / cells.length;
    expect(res.patches[0]!.meanSlopeDegrees).toBeCloseTo(mean(s), 9);
    expect(res.patches[0]!.meanLs).toBeCloseTo(mean(ls), 9);
  });
});
