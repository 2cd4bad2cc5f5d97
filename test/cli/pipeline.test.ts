import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Grid, Raster, RusleError, projectedCrs, readRaster, writeRaster } from '../../src/index.js';
import { parsePipelineConfig } from '../../src/cli/pipeline/config.js';
import { runPipeline, type PipelineHooks } from '../../src/cli/pipeline/run.js';

// A small synthetic site: 20 × 15 cells of 30 m. LS is given as a raster so A can be checked by hand.
const W = 20, H = 15;
const crs = projectedCrs({ epsg: 32650 });
const grid = new Grid(W, H, [500000, 30, 0, 3000000, 0, -30], crs);
let dir = '';
const silent: PipelineHooks = { log: () => {}, progress: () => ({ update: () => {}, finish: () => {} }) };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rusle-pipe-'));
  const ls = Float32Array.from({ length: W * H }, (_, i) => 1 + (i % W) / 4); // 1 … 5.75 west to east
  ls[0] = NaN;
  await writeRaster(join(dir, 'ls.tif'), new Raster(grid, ls));
  // Land use: code 1 in the west half, 2 in the east half, 0 (nodata) on the last row.
  const lu = Uint8Array.from({ length: W * H }, (_, i) => (Math.floor(i / W) === H - 1 ? 0 : (i % W) < W / 2 ? 1 : 2));
  await writeRaster(join(dir, 'lu.tif'), new Raster(grid, lu, 0));
  // Land use with a code missing from the table.
  const lu3 = Uint8Array.from(lu, (v, i) => (i === 5 ? 3 : v));
  await writeRaster(join(dir, 'lu3.tif'), new Raster(grid, lu3, 0));
  // K raster shifted one column east (whole-cell offset) and one column narrower.
  const kGrid = new Grid(W - 1, H, [500030, 30, 0, 3000000, 0, -30], crs);
  await writeRaster(join(dir, 'k.tif'), new Raster(kGrid, new Float32Array((W - 1) * H).fill(0.03)));
  // K raster at another cell size.
  await writeRaster(join(dir, 'k10.tif'), new Raster(new Grid(W, H, [500000, 10, 0, 3000000, 0, -10], crs), new Float32Array(W * H).fill(0.03)));
  // NDVI: 0.5 everywhere.
  await writeRaster(join(dir, 'ndvi.tif'), new Raster(grid, new Float32Array(W * H).fill(0.5)));
  // Zones raster: 1 north half, 2 south half.
  await writeRaster(join(dir, 'zones.tif'), new Raster(grid, Int32Array.from({ length: W * H }, (_, i) => (Math.floor(i / W) < 7 ? 1 : 2)), 0));
  writeFileSync(join(dir, 'cover.csv'), 'lucode,usle_c,usle_p\n1,0.1,1\n2,0.01,0.5\n');
  writeFileSync(join(dir, 'stations.csv'), 'x,y,R\n500000,3000000,4000\n500600,2999550,6000\n');
  // A 5-minute rain record: one 30-minute storm of 6 × 5 mm at the end of each step (30 mm, I30 = 60 mm/h).
  const rows = ['time,rain_mm'];
  for (let k = 1; k <= 6; k++) rows.push(`2020-06-01T10:${String(k * 5).padStart(2, '0')}:00Z,5`);
  writeFileSync(join(dir, 'rain.csv'), rows.join('\n') + '\n');
});

async function run(inputs: Record<string, unknown>, extra: Record<string, unknown> = {}, name = 'out') {
  const cfg = parsePipelineConfig({ inputs: { lsRaster: 'ls.tif', ...inputs }, output: { folder: name, maps: false, report: false }, ...extra }, join(dir, 'p.json'), dir);
  const res = await runPipeline(cfg, silent);
  return { res, A: await readRaster(join(dir, name, 'A.tif')), folder: join(dir, name) };
}

describe('runPipeline wiring', () => {
  it('A = R·K·LS·C·P cell by cell with constants and a lookup table (C and P by land-use code)', async () => {
    const { A, res } = await run({ R: 5000, K: 0.03, C: { type: 'table', table: 'cover.csv', raster: 'lu.tif' }, P: { type: 'table', table: 'cover.csv', raster: 'lu.tif' } }, {}, 'a');
    const ls = await readRaster(join(dir, 'ls.tif'));
    for (const [col, row] of [[1, 0], [3, 4], [15, 2], [19, 13]] as const) {
      const i = row * W + col;
      const c = col < W / 2 ? 0.1 : 0.01, p = col < W / 2 ? 1 : 0.5;
      expect(A.data[i]).toBeCloseTo(Math.fround(5000 * 0.03 * ls.data[i]! * c * p), 2);
    }
    expect(A.data[0]).toBeNaN(); // LS nodata
    expect(A.data[(H - 1) * W + 3]).toBeNaN(); // land-use nodata
    expect(res.summary.validCells).toBe(W * (H - 1) - 1);
    expect(res.files).toEqual(expect.arrayContaining(['LS.tif', 'C.tif', 'P.tif', 'A.tif', 'intensity.tif', 'rate.csv', 'rate.json', 'provenance.json']));
    expect(res.files).not.toContain('R.tif'); // constants are not written
  });

  it('a code missing from the table is BAD_TABLE naming the config key; with "default" it takes the default and a note says so', async () => {
    await expect(run({ R: 1, K: 1, C: { type: 'table', table: 'cover.csv', raster: 'lu3.tif' } }, {}, 'b1'))
      .rejects.toThrow(expect.objectContaining({ code: 'BAD_TABLE', message: expect.stringContaining('inputs.C') }));
    const { res, A } = await run({ R: 1, K: 1, C: { type: 'table', table: 'cover.csv', raster: 'lu3.tif', default: 0.5 } }, {}, 'b2');
    expect(res.notes.join('\n')).toContain('codes 3 are not in');
    expect(A.data[5]).toBeCloseTo(1 * 1 * (1 + 5 / 4) * 0.5, 5);
  });

  it('a raster offset by whole cells is put on the grid; cells outside it are nodata and a note says so', async () => {
    const { A, res } = await run({ R: 1, K: 'k.tif', C: 1 }, {}, 'c');
    expect(A.data[W + 0]).toBeNaN(); // column 0 is west of the K raster
    expect(A.data[W + 1]).toBeCloseTo(0.03 * (1 + 1 / 4), 6);
    expect(res.notes.join('\n')).toMatch(/inputs\.K\.path: k\.tif put on the DEM grid by nearest neighbour \(whole-cell offset; 15 DEM cells/);
  });

  it('a raster at another cell size is GRID_MISMATCH naming the key', async () => {
    await expect(run({ R: 1, K: 'k10.tif', C: 1 }, {}, 'd')).rejects.toThrow(expect.objectContaining({ code: 'GRID_MISMATCH', message: expect.stringContaining('inputs.K.path') }));
  });

  it('R from stations (IDW) is a raster between the station values; R from a rain record is one storm EI30', async () => {
    const s = await run({ R: { type: 'stations', table: 'stations.csv' }, K: 1, C: 1 }, {}, 'e1');
    const R = await readRaster(join(s.folder, 'R.tif'));
    const vals = Array.from(R.data);
    expect(Math.min(...vals)).toBeGreaterThanOrEqual(4000);
    expect(Math.max(...vals)).toBeLessThanOrEqual(6000);
    const r = await run({ R: { type: 'rain', table: 'rain.csv' }, K: 1, C: 1 }, {}, 'e2');
    // 30 mm in 30 min at 60 mm/h: e = 0.29 (1 − 0.72 e^(−0.05·60)) MJ/ha/mm (Brown & Foster 1987); EI30 = 30 e · 60.
    const e = 0.29 * (1 - 0.72 * Math.exp(-0.05 * 60));
    expect(r.res.notes.join('\n')).toContain(`R = ${(30 * e * 60).toFixed(1)} MJ`);
    expect(r.A.data[1]).toBeCloseTo(Math.fround(30 * e * 60 * (1 + 1 / 4)), 1);
  });

  it('C from NDVI (van der Knijff, α = 2, β = 1): C = exp(−2·0.5/(1 − 0.5))', async () => {
    const { A } = await run({ R: 1, K: 1, C: { type: 'ndvi', path: 'ndvi.tif' } }, {}, 'f');
    expect(A.data[1]).toBeCloseTo(Math.exp(-2) * (1 + 1 / 4), 5);
  });

  it('CSLE with an LS raster uses it as L·S; B, E, T from constants; zones from a raster give one row per zone', async () => {
    const { A, res, folder } = await run({ R: 100, K: 0.02, B: 0.5, E: 0.5, zones: 'zones.tif' }, { model: 'csle', assessment: { tolerance: 200 } }, 'g');
    expect(A.data[1]).toBeCloseTo(100 * 0.02 * (1 + 1 / 4) * 0.5 * 0.5, 5);
    expect(res.notes.join('\n')).toContain('used as L·S');
    const rate = JSON.parse(readFileSync(join(folder, 'rate.json'), 'utf8'));
    expect(rate.map((r: { zone: unknown }) => r.zone)).toEqual(['total', 1, 2]);
    expect(rate[1].landAreaKm2 + rate[2].landAreaKm2).toBeCloseTo(rate[0].landAreaKm2, 9);
  });

  it('the report and maps are written when asked, and provenance lists every input with its sha256', async () => {
    const cfg = parsePipelineConfig({ name: 'synthetic', inputs: { lsRaster: 'ls.tif', R: 1000, K: 0.03, C: { type: 'table', table: 'cover.csv', raster: 'lu.tif' } }, output: { folder: 'h' } }, join(dir, 'p.json'), dir);
    const res = await runPipeline(cfg, silent);
    for (const f of ['A.png', 'intensity.png', 'LS.png', 'C.png', 'report.html']) expect(existsSync(join(dir, 'h', f)), f).toBe(true);
    const prov = JSON.parse(readFileSync(join(dir, 'h', 'provenance.json'), 'utf8'));
    expect(prov.inputs.map((i: { key: string }) => i.key).sort()).toEqual(['inputs.C.raster', 'inputs.C.table', 'inputs.lsRaster']);
    expect(res.summary.toleranceTKm2).toBe(500);
  });

  it('a missing input file is one BAD_CONFIG naming every missing key', async () => {
    const cfg = parsePipelineConfig({ inputs: { dem: 'nope.tif', R: 1, K: 'nope-k.tif', C: 1 } }, join(dir, 'p.json'), dir);
    await expect(runPipeline(cfg, silent)).rejects.toThrow(RusleError);
    await expect(runPipeline(cfg, silent)).rejects.toThrow(/inputs\.dem: file not found.*inputs\.K\.path: file not found/);
  });

  it.each([
    ['constants, lookup tables, a shifted K raster, NDVI', { R: 5000, K: 'k.tif', C: { type: 'ndvi', path: 'ndvi.tif' }, P: { type: 'table', table: 'cover.csv', raster: 'lu3.tif', default: 0.7 }, zones: 'zones.tif' }, {}],
    ['R from stations, C from a table, CSLE', { R: { type: 'stations', table: 'stations.csv' }, K: 0.03, B: { type: 'table', table: 'cover.csv', raster: 'lu.tif', valueColumn: 'usle_c' }, E: 0.5 }, { model: 'csle' }],
  ])('a streamed pass gives bit-identical outputs to the in-memory run (%s)', async (_what, inputs, extra) => {
    const mem = await run(inputs, { ...extra, output: { folder: 'm', maps: false, report: false, streamed: false } } as never, 'm');
    const cfg = parsePipelineConfig({ inputs: { lsRaster: 'ls.tif', ...inputs }, ...extra, output: { folder: 's', maps: true, report: false, streamed: true } }, join(dir, 'p.json'), dir);
    const res = await runPipeline(cfg, silent);
    expect(res.files).toEqual(expect.arrayContaining(['A.tif', 'intensity.tif', 'A.png', 'intensity.png']));
    for (const f of mem.res.files.filter((x) => x.endsWith('.tif'))) {
      const a = await readRaster(join(dir, 'm', f));
      const b = await readRaster(join(dir, 's', f));
      expect(b.sampleType, f).toBe(a.sampleType);
      expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer)), f).toBe(true);
    }
    expect(readFileSync(join(dir, 's', 'rate.json'), 'utf8')).toBe(readFileSync(join(dir, 'm', 'rate.json'), 'utf8'));
  });

  it('the Youwuzhen demo config gives the same A, classes and rate table streamed and in memory', async () => {
    const base = (await import('../../src/cli/pipeline/config.js')).loadPipelineConfig('examples/pipelines/youwuzhen.json');
    const m = await runPipeline({ ...base, output: { ...base.output, folder: join(dir, 'yw-m'), streamed: false, report: false } }, silent);
    const s = await runPipeline({ ...base, output: { ...base.output, folder: join(dir, 'yw-s'), streamed: true, report: false } }, silent);
    for (const f of ['A.tif', 'intensity.tif', 'K.tif', 'B.tif', 'E.tif', 'L.tif', 'S.tif', 'LS.tif']) {
      const a = await readRaster(join(m.folder, f));
      const b = await readRaster(join(s.folder, f));
      expect(Buffer.from(b.data.buffer).equals(Buffer.from(a.data.buffer)), f).toBe(true);
    }
    expect(readFileSync(join(s.folder, 'rate.json'), 'utf8')).toBe(readFileSync(join(m.folder, 'rate.json'), 'utf8'));
  });
});
