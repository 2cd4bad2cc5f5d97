import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { Grid, Raster, projectedCrs, readRaster, writeRaster } from '../../src/index.js';

async function cli(args: string[], cwd: string) {
  let out = '', err = '';
  const status = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, ci: true, cwd });
  return { status, out, err };
}

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'rusle-assess-'));
  const grid = new Grid(4, 2, [500000, 100, 0, 3000000, 0, -100], projectedCrs({ epsg: 32650 }));
  await writeRaster(join(dir, 'A.tif'), new Raster(grid, Float32Array.from([1, 6, 30, 60, 90, 200, 4, NaN]))); // t/ha/yr
  await writeRaster(join(dir, 'A2.tif'), new Raster(grid, Float32Array.from([1, 4, 30, 60, 90, 200, 4, 1])));
  await writeRaster(join(dir, 'zones.tif'), new Raster(grid, Int16Array.from([360102, 360102, 360103, 360103, 360202, 360202, 360202, 360202].map((c) => c - 360000)), -1));
  return dir;
}

describe('rusle grade / rate / change (CLI)', () => {
  it('grade writes SL 190 classes with nodata 0; units are required', async () => {
    const dir = await setup();
    const r = await cli(['grade', 'A.tif', '-o', 'c.tif', '--units', 't/ha/yr', '--region', 'red-soil', '--quiet'], dir);
    expect(r.status).toBe(0);
    const c = await readRaster(join(dir, 'c.tif'));
    expect([...c.data]).toEqual([1, 2, 3, 4, 5, 6, 1, 0]);
    expect(c.nodata).toBe(0);
    const bad = await cli(['grade', 'A.tif', '-o', 'c2.tif', '--region', 'red-soil'], dir);
    expect(bad.status).toBe(2);
    expect(bad.err).toContain('BAD_UNITS');
  });

  it('rate writes the bulletin CSV and the JSON rows for a zone raster', async () => {
    const dir = await setup();
    const r = await cli(['rate', 'A.tif', '--units', 't/ha/yr', '--tolerance', '500', '--zones', 'zones.tif', '-o', 't.json', '--quiet'], dir);
    expect(r.status).toBe(0);
    const rows = JSON.parse(readFileSync(join(dir, 't.json'), 'utf8'));
    expect(rows.map((x: { zone: unknown }) => x.zone)).toEqual(['total', 102, 103, 202]);
    expect(rows[0].landAreaKm2).toBeCloseTo(0.07, 12);
    expect(rows[0].rate).toBeCloseTo((2 / 7) * 100, 10);
    const csv = await cli(['rate', 'A.tif', '--units', 't/ha/yr', '--region', 'red-soil', '-o', 't.csv', '--headers', 'zh', '--quiet'], dir);
    expect(csv.status).toBe(0);
    expect(readFileSync(join(dir, 't.csv'), 'utf8').split('\n')[0]).toContain('水土保持率(%)');
  });

  it('rate with a zone table gives names and the explicit hierarchy; change reports the rate change', async () => {
    const dir = await setup();
    writeFileSync(join(dir, 'codes.csv'), 'code,name,parent\n1,全区,\n102,东湖,1\n103,西湖,1\n202,珠山,1\n');
    const r = await cli(['rate', 'A.tif', '--units', 't/ha/yr', '--region', 'red-soil', '--zones', 'zones.tif', '--zone-table', 'codes.csv', '-o', 't.json', '--quiet'], dir);
    expect(r.status).toBe(0);
    const rows = JSON.parse(readFileSync(join(dir, 't.json'), 'utf8'));
    expect(rows.map((x: { name: string }) => x.name)).toEqual(['total', '全区', '东湖', '西湖', '珠山']);
    const ch = await cli(['change', 'A.tif', 'A2.tif', '--units', 't/ha/yr', '--region', 'red-soil', '-o', 'ch.json', '--raster', 'ch.tif', '--quiet'], dir);
    expect(ch.status).toBe(0);
    const out = JSON.parse(readFileSync(join(dir, 'ch.json'), 'utf8'));
    expect(out.rows[0].rate2 - out.rows[0].rate1).toBeCloseTo((1 / 7) * 100, 10); // 6 → 4 t/ha/yr becomes slight
    expect([...(await readRaster(join(dir, 'ch.tif'))).data]).toEqual([11, 21, 33, 44, 55, 66, 11, 0]);
  });
});

describe('rusle rate per-zone tolerance (CLI)', () => {
  it('--zone-tolerance grades zone 102 against the loess T = 1000 and the others against the default', async () => {
    const dir = await setup();
    writeFileSync(join(dir, 'tol.csv'), 'code,tolerance\n102,loess\n');
    const r = await cli(['rate', 'A.tif', '--units', 't/ha/yr', '--region', 'red-soil', '--zones', 'zones.tif', '--zone-tolerance', 'tol.csv', '-o', 't.json', '--quiet'], dir);
    expect(r.status).toBe(0);
    const rows = JSON.parse(readFileSync(join(dir, 't.json'), 'utf8'));
    expect(rows.find((x: { zone: unknown }) => x.zone === 102).rate).toBe(100); // 100 and 600 t/km2/yr < 1000
    expect(rows.find((x: { zone: unknown }) => x.zone === 202).rate).toBeCloseTo(100 / 3, 10); // 400 slight; 9000, 20000 not
  });
});

describe('rusle plan / risk (CLI)', () => {
  it('plan reads measures JSON and factor flags, writes the table and the priority raster', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-assess-plan-'));
    const grid = new Grid(3, 2, [500000, 100, 0, 3000000, 0, -100], projectedCrs({ epsg: 32650 }));
    await writeRaster(join(dir, 'A.tif'), new Raster(grid, Float32Array.from([100, 600, 1000, 3000, 800, 100])));
    await writeRaster(join(dir, 'lc.tif'), new Raster(grid, Int16Array.from([1, 2, 2, 2, 1, 1]), -1));
    writeFileSync(join(dir, 'm.json'), JSON.stringify([{ name: 'afforestation', factor: 'C', value: 0.1, landCover: [2] }]));
    const r = await cli(['plan', 'A.tif', '--units', 't/km2/yr', '--tolerance', '500', '--target', '60', '--measures', 'm.json', '--C', '0.5',
      '--land-cover', 'lc.tif', '-o', 'plan.json', '--priority', 'prio.tif', '--quiet'], dir);
    expect(r.err).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
    expect(out.rows[0].reachable).toBe(true);
    expect([...(await readRaster(join(dir, 'prio.tif'))).data]).toEqual([0, 2, 1, 0, 0, 0]);
  });

  it('risk ranks GeoJSON patches and writes the CSV warning list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-assess-risk-'));
    const { geographicCrs } = await import('../../src/index.js');
    const grid = new Grid(10, 10, [116, 0.001, 0, 26, 0, -0.001], geographicCrs());
    await writeRaster(join(dir, 'A.tif'), new Raster(grid, new Float32Array(100).fill(2)));
    const box = (x0: number, y0: number, x1: number, y1: number) => ({ type: 'Polygon', coordinates: [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]] });
    writeFileSync(join(dir, 'p.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [
      { type: 'Feature', properties: { id: 'a', type: 'mine' }, geometry: box(116, 25.995, 116.005, 26) },
      { type: 'Feature', properties: { id: 'b', type: 'spoil' }, geometry: box(116.005, 25.995, 116.01, 26) },
    ] }));
    writeFileSync(join(dir, 't.json'), JSON.stringify({ mine: { C: 0.5 } }));
    const r = await cli(['risk', 'A.tif', '--patches', 'p.geojson', '--units', 't/ha/yr', '--region', 'red-soil', '--C', '0.1', '--id-field', 'id', '--by-type', 't.json', '-o', 'w.csv', '--quiet'], dir);
    expect(r.status).toBe(0);
    const lines = readFileSync(join(dir, 'w.csv'), 'utf8').trim().split('\n');
    expect(lines[1]).toMatch(/^1,b,spoil,medium,/);
    expect(lines[2]).toMatch(/^2,a,mine,medium,/);
  });
});
