import { describe, expect, it } from 'vitest';
import { LS_PRESETS, lsFactor, readRaster, type LsPresetName } from '../../src/index.js';

describe('lsFactor on a geographic DEM (pysheds 3″ DEM, EPSG:4326)', () => {
  it('every preset runs with true metre distances: λ of a start cell is half a step of ~70–100 m, never degrees', async () => {
    const dem = await readRaster('data/pysheds/dem.tif');
    expect(dem.grid.isGeographic).toBe(true);
    const r = lsFactor(dem, { preset: 'rusle-aml', intermediates: true });
    let minLen = Infinity;
    for (const v of r.lengthM!.data) if (v === v && v < minLen) minLen = v;
    const dy = dem.grid.rowCellHeightsMeters()[0]!;
    expect(dy).toBeGreaterThan(90);
    expect(minLen).toBeGreaterThan(30); // half of the shortest (east-west, ~78 m at 32.8° N) step
    for (const preset of Object.keys(LS_PRESETS) as LsPresetName[]) {
      const { ls } = lsFactor(dem, { preset });
      let valid = 0;
      let bad = 0;
      for (const v of ls.data) {
        if (v === v) {
          valid++;
          if (!(v > 0 && v < 1e4)) bad++;
        }
      }
      expect(valid, preset).toBeGreaterThan(100000);
      expect(bad, preset).toBe(0);
    }
  });
});
