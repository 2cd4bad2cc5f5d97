import { describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/main.js';
import { Raster, readRaster, writeRaster, gridToLonLat } from '../../src/index.js';

const FIX = fileURLToPath(new URL('../fixtures/sdr/', import.meta.url));

async function cli(args: string[], cwd: string) {
  let out = '', err = '';
  const status = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, ci: true, cwd });
  return { status, out, err };
}

async function setup(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'rusle-ws-'));
  copyFileSync(FIX + 'youwuzhen_dem.tif', join(dir, 'dem.tif'));
  const dem = await readRaster(join(dir, 'dem.tif'));
  const c = (await readRaster(FIX + 'youwuzhen_c.tif')).data as Float32Array;
  const a = new Float32Array(c.length);
  for (let i = 0; i < a.length; i++) a[i] = c[i] === c[i] ? 40 * c[i]! + (i % 7) : NaN;
  await writeRaster(join(dir, 'A.tif'), new Raster(dem.grid, a));
  await writeRaster(join(dir, 'C.tif'), new Raster(dem.grid, Float32Array.from(c)));
  return dir;
}

describe('rusle streams / watersheds / sdr (CLI)', () => {
  it('streams writes the order raster and lon/lat lines; a threshold above the largest accumulation exits 2 with it', async () => {
    const dir = await setup();
    const r = await cli(['streams', 'dem.tif', '-o', 's.tif', '--threshold-km2', '0.3', '--geojson', 's.geojson'], dir);
    expect(r.status).toBe(0);
    const fc = JSON.parse(readFileSync(join(dir, 's.geojson'), 'utf8'));
    expect(fc.features.length).toBeGreaterThan(3);
    expect(fc.features[0].geometry.type).toBe('LineString');
    expect(fc.features[0].properties).toHaveProperty('order');
    expect(fc.features[0].properties).toHaveProperty('upstreamAreaKm2');
    const bad = await cli(['streams', 'dem.tif', '-o', 's2.tif', '--threshold-km2', '500'], dir);
    expect(bad.status).toBe(2);
    expect(bad.err).toMatch(/largest accumulation on this grid is 7\.\d+ km²/);
  });

  it('sdr then watersheds with --table ranks the units and writes polygons with ranks', async () => {
    const dir = await setup();
    const s = await cli(['sdr', 'dem.tif', '--soil-loss', 'A.tif', '--c', 'C.tif', '-o', 'E.tif', '--sdr', 'sdr.tif', '--threshold-cells', '100'], dir);
    expect(s.status, s.err).toBe(0);
    expect(s.out).toMatch(/mean SDR 0\.\d+/);
    const w = await cli(['watersheds', 'dem.tif', '-o', 'u.tif', '--min-area', '0.5', '--max-area', '2', '--geojson', 'u.geojson',
      '--table', 'u.csv', '--soil-loss', 'A.tif', '--units', 't/ha/yr', '--export', 'E.tif', '--sdr', 'sdr.tif'], dir);
    expect(w.status, w.err).toBe(0);
    const csv = readFileSync(join(dir, 'u.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toContain('Priority rank');
    const units = await readRaster(join(dir, "u.tif"));
    expect(Math.max(...Array.from(units.data as Int32Array))).toBe(csv.length - 1);
    const fc = JSON.parse(readFileSync(join(dir, 'u.geojson'), 'utf8'));
    expect(fc.features.some((f: { properties: { rank: number } }) => f.properties.rank === 1)).toBe(true);
  });

  it('watersheds --outlets snaps a lon/lat point and prints the distance; a point off the grid is a coded error naming it', async () => {
    const dir = await setup();
    const dem = await readRaster(join(dir, 'dem.tif'));
    const toLonLat = gridToLonLat(dem.grid.crs);
    // the basin outlet of the Youwuzhen DEM is near its south-west; use a unit outlet from the units run
    const [x, y] = dem.grid.pixelToCrs(40.5, 60.5);
    const pts = { type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { name: 'weir' }, geometry: { type: 'Point', coordinates: toLonLat([x, y]) } },
    ] };
    writeFileSync(join(dir, 'pts.geojson'), JSON.stringify(pts));
    const r = await cli(['watersheds', 'dem.tif', '-o', 'o.tif', '--outlets', 'pts.geojson', '--snap-radius', '90'], dir);
    expect(r.status, r.err).toBe(0);
    expect(r.out).toMatch(/outlet weir: snapped \d+\.\d m to column \d+, row \d+/);
    const far = { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: 'far away' }, geometry: { type: 'Point', coordinates: [100, 20] } }] };
    writeFileSync(join(dir, 'far.geojson'), JSON.stringify(far));
    const bad = await cli(['watersheds', 'dem.tif', '-o', 'o2.tif', '--outlets', 'far.geojson'], dir);
    expect(bad.status).toBe(2);
    expect(bad.err).toMatch(/outlet far away .* outside the grid/);
  });
});
