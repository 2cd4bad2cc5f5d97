import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { Grid, Raster, projectedCrs, writeRaster } from '../../src/index.js';

async function cli(args: string[], cwd: string) {
  let out = '', err = '';
  const status = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, ci: true, cwd });
  return { status, out, err };
}

describe('rusle disturbance (CLI)', () => {
  it('disturbance writes lon/lat patches, their CSV, and with --risk the warning list and the map', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-dist-'));
    const grid = new Grid(40, 30, [500000, 30, 0, 3000000, 0, -30], projectedCrs({ epsg: 32650 }));
    const n = 1200;
    const b = new Float32Array(n).fill(0.75), a = new Float32Array(n).fill(0.74), dem = new Float32Array(n), A = new Float32Array(n).fill(3);
    for (let r = 3; r < 9; r++) for (let c = 4; c < 12; c++) a[r * 40 + c] = 0.08; // 48 cells
    for (let r = 15; r < 18; r++) for (let c = 20; c < 26; c++) a[r * 40 + c] = 0.1; // 18 cells
    for (let r = 22; r < 28; r++) for (let c = 30; c < 38; c++) a[r * 40 + c] = NaN; // cloud gap
    for (let r = 0; r < 30; r++) for (let c = 0; c < 40; c++) dem[r * 40 + c] = 300 - r * 4 + c;
    await writeRaster(join(dir, 'b.tif'), new Raster(grid, b));
    await writeRaster(join(dir, 'a.tif'), new Raster(grid, a));
    await writeRaster(join(dir, 'dem.tif'), new Raster(grid, dem));
    await writeRaster(join(dir, 'A.tif'), new Raster(grid, A));
    const r = await cli(['disturbance', '--before', 'b.tif', '--after', 'a.tif', '-o', 'p.geojson', '--dem', 'dem.tif', '--risk', '--A', 'A.tif',
      '--units', 't/ha/yr', '--region', 'red-soil', '--C', '0.05', '--quiet'], dir);
    expect(r.err).toContain('48 cells'); // the cloud gap is reported, never counted
    expect(r.status).toBe(0);
    const fc = JSON.parse(readFileSync(join(dir, 'p.geojson'), 'utf8'));
    expect(fc.features).toHaveLength(2);
    expect(fc.features[0].properties.cells).toBe(48);
    expect(['high', 'medium', 'low']).toContain(fc.features[0].properties.risk);
    expect(fc.features[0].properties.meanSlopeDegrees).toBeGreaterThan(0);
    const warn = readFileSync(join(dir, 'p.warnings.csv'), 'utf8');
    expect(warn.trim().split('\n')).toHaveLength(3);
    expect(readFileSync(join(dir, 'p.csv'), 'utf8')).toContain('centroidLon');
    expect(existsSync(join(dir, 'p.map.png'))).toBe(true);
    expect(readFileSync(join(dir, 'p.map.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it('disturbance exits 2 with GRID_MISMATCH for dates on different grids, and reads a CSV transition table', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-dist-'));
    const g1 = new Grid(10, 10, [500000, 30, 0, 3000000, 0, -30], projectedCrs({ epsg: 32650 }));
    const g2 = new Grid(10, 10, [500010, 30, 0, 3000000, 0, -30], projectedCrs({ epsg: 32650 }));
    await writeRaster(join(dir, 'b.tif'), new Raster(g1, new Float32Array(100).fill(0.7)));
    await writeRaster(join(dir, 'a.tif'), new Raster(g2, new Float32Array(100).fill(0.1)));
    const r = await cli(['disturbance', '--before', 'b.tif', '--after', 'a.tif', '-o', 'p.geojson'], dir);
    expect(r.status).toBe(2);
    expect(r.err).toContain('GRID_MISMATCH');
    const lb = new Uint8Array(100).fill(21), la = new Uint8Array(100).fill(21);
    for (let i = 22; i < 26; i++) { la[i] = 53; la[i + 10] = 53; }
    await writeRaster(join(dir, 'lb.tif'), new Raster(g1, lb, 0));
    await writeRaster(join(dir, 'la.tif'), new Raster(g1, la, 0));
    writeFileSync(join(dir, 't.csv'), 'from,to,type\n21 22,53,quarry\n');
    const l = await cli(['disturbance', '--before', 'lb.tif', '--after', 'la.tif', '--mode', 'landcover', '--transitions', 't.csv', '-o', 'l.geojson', '--quiet'], dir);
    expect(l.status).toBe(0);
    const fc = JSON.parse(readFileSync(join(dir, 'l.geojson'), 'utf8'));
    expect(fc.features.map((f: { properties: { type: string; cells: number } }) => [f.properties.type, f.properties.cells])).toEqual([['quarry', 8]]);
  });
});
