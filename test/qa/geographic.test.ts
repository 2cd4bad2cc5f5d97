/**
 * QA: on a geographic grid (EPSG:4326, 3″, latitude ~32.7° N) the land area of the rate table is the sum of true
 * ellipsoidal cell areas, computed here independently (M · N · cos φ · Δφ · Δλ on WGS 84 per row).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readRaster } from '../../src/index.js';
import { DATA, rusle, tempDir } from './helpers.js';

const dir = tempDir('geo');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('QA: true areas on a geographic grid', () => {
  it('rusle soil-loss then rusle rate on the EPSG:4326 DEM report the WGS 84 land area within 1e-5', async () => {
    expect((await rusle(['ls', resolve(DATA.pysheds), '-o', 'ls.tif', '--preset', 'csle'], dir)).status).toBe(0);
    expect((await rusle(['soil-loss', '--r', '100', '--k', '0.03', '--ls', 'ls.tif', '--c', '0.2', '--p', '1', '-o', 'a.tif', '-q'], dir)).status).toBe(0);
    const r = await rusle(['rate', 'a.tif', '--units', 't/ha/yr', '--tolerance', '500', '-o', 'rate.json', '-q'], dir);
    expect(r.status, r.stderr).toBe(0);
    const a = await readRaster(join(dir, 'a.tif'));
    const [, dx, , y0, , dy] = a.grid.transform;
    expect(a.grid.crs.geographic).toBe(true);
    const semi = 6378137;
    const e2 = (1 / 298.257223563) * (2 - 1 / 298.257223563);
    const rad = Math.PI / 180;
    let expectedM2 = 0;
    for (let row = 0; row < a.grid.height; row++) {
      const phi = (y0 + (row + 0.5) * dy) * rad;
      const s2 = Math.sin(phi) ** 2;
      const M = (semi * (1 - e2)) / (1 - e2 * s2) ** 1.5;
      const N = semi / Math.sqrt(1 - e2 * s2);
      let valid = 0;
      for (let col = 0; col < a.grid.width; col++) if (!Number.isNaN(a.data[row * a.grid.width + col] as number)) valid++;
      expectedM2 += valid * M * N * Math.cos(phi) * Math.abs(dy * rad) * Math.abs(dx * rad);
    }
    const rows = JSON.parse(readFileSync(join(dir, 'rate.json'), 'utf8')) as { zone: string; landAreaKm2: number }[];
    expect(rows[0]!.zone).toBe('total');
    const land = rows[0]!.landAreaKm2;
    expect(Math.abs(land - expectedM2 / 1e6) / (expectedM2 / 1e6)).toBeLessThan(1e-5);
    // Degrees treated as metres would give (0.000833 m)² per cell: about 1e-7 km² of land.
    expect(land).toBeGreaterThan(900);
  });
});
