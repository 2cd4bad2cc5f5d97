// Priority-Flood against SAGA Fill Sinks (Wang & Liu) with -MINSLOPE 0 (SAGA 8.5.0), fixtures made by
// scripts/reference/make-terrain-fixtures.sh (section slope-fill). Both flood from the same seeds (valid cells on the
// grid edge or beside nodata) and fill to the spill elevation, so the results must be equal on every valid cell.
import { describe, expect, it } from 'vitest';
import { readRaster } from '../../src/io/index.js';
import type { Window } from '../../src/raster/index.js';
import { fillDepressions, resolveFlats } from '../../src/terrain/index.js';

const FIX = 'test/fixtures/terrain';
// `depressions`: whether the DEM has cells that the fill raises (the InVEST Willamette DEM and the pysheds DEM come
// already free of 8-connected depressions; they still pin the nodata and edge-outlet rules).
const CASES: { name: string; path: string; window?: Window; depressions: boolean }[] = [
  { name: 'youwuzhen', path: 'data/youwuzhen/ywzdem30m.tif', depressions: true },
  { name: 'willamette256', path: 'data/willamette/dem_30m.tif', window: { x: 300, y: 700, width: 256, height: 256 }, depressions: false },
  { name: 'bigtujunga256', path: 'data/bigtujunga/srtm_bigtujunga30m_utm11.tif', window: { x: 400, y: 150, width: 256, height: 256 }, depressions: true },
  { name: 'willamette', path: 'data/willamette/dem_30m.tif', depressions: false },
  { name: 'pysheds', path: 'data/pysheds/dem.tif', depressions: false },
];

describe('fillDepressions equals SAGA Fill Sinks (Wang & Liu, MINSLOPE 0)', () => {
  for (const c of CASES) {
    it(`${c.name}: equal on every valid cell, nodata on the same cells${c.depressions ? '' : ' (no depressions)'}`, async () => {
      const dem = await readRaster(c.path, c.window ? { window: c.window } : {});
      const ours = fillDepressions(dem);
      const ref = await readRaster(`${FIX}/${c.name}_saga_wl_fill.tif`);
      const refNodata = ref.nodata;
      let valid = 0, equal = 0, nodataMismatch = 0, raised = 0;
      for (let i = 0; i < ref.data.length; i++) {
        const r = ref.data[i]!;
        const rNd = Number.isNaN(r) || (refNodata !== null && r === refNodata);
        const o = ours.data[i]!;
        if (rNd !== Number.isNaN(o)) { nodataMismatch++; continue; }
        if (rNd) continue;
        valid++;
        if (o === r) equal++;
        if (o !== Number(dem.data[i])) raised++;
      }
      expect(nodataMismatch).toBe(0);
      expect(valid).toBeGreaterThan(10000);
      expect(equal).toBe(valid);
      if (c.depressions) expect(raised).toBeGreaterThan(0);
      else expect(raised).toBe(0);
    });
  }

  it('the filled real DEMs have flats that resolveFlats drains completely', async () => {
    const dem = await readRaster('data/willamette/dem_30m.tif');
    const f = resolveFlats(fillDepressions(dem));
    expect(f.flatCellCount).toBeGreaterThan(0);
    expect(f.undrainedCellCount).toBe(0);
  });
});
