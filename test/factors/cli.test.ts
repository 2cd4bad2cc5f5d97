import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { readRaster } from '../../src/index.js';

async function cli(argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const status = await runCli(argv, { stdout: (s) => { out += s; }, stderr: (s) => { err += s; }, isTTY: false, ci: true, cwd: process.cwd() });
  return { status, out, err };
}

const dir = mkdtempSync(join(tmpdir(), 'rusle-factor-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rusle formula', () => {
  it('prints the value with its unit (AH537 nomograph example → K_SI 0.0409 = 0.3109 × 0.1317)', async () => {
    const r = await cli(['formula', 'K.nomograph', '--silt-pct', '55', '--very-fine-sand-pct', '10', '--clay-pct', '30', '--organic-matter-pct', '2.8', '--structure-class', '2', '--permeability-class', '4']);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^K = 0\.04093\d* t·ha·h·ha⁻¹·MJ⁻¹·mm⁻¹/);
  });
  it('--json gives id, value, unit; --list lists every formula', async () => {
    const r = await cli(['formula', 'C.vanDerKnijff', '--ndvi', '0.5', '--json']);
    expect(JSON.parse(r.out)).toMatchObject({ id: 'C.vanDerKnijff', unit: '–' });
    const l = await cli(['formula', '--list', '--json']);
    expect((JSON.parse(l.out) as { id: string }[]).map((f) => f.id)).toContain('R.zhangDaily');
  });
  it('an id without inputs describes the formula (inputs with units and ranges, output, source) and exits 0', async () => {
    const r = await cli(['formula', 'K.epic']);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/--organic-carbon-pct\s+% \[0, 100\]/);
    expect(r.out).toMatch(/Williams/);
  });
  it('out-of-range and unknown inputs exit 2 naming the input', async () => {
    const r = await cli(['formula', 'K.epic', '--sand-pct', '40', '--silt-pct', '40', '--clay-pct', '30', '--organic-carbon-pct', '1']);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/sand \+ silt \+ clay/);
    const u = await cli(['formula', 'K.epic', '--ndvi', '0.3']);
    expect(u.status).toBe(2);
    const n = await cli(['formula', 'Nope.x']);
    expect(n.err).toMatch(/UNKNOWN_FORMULA/);
  });
});

describe('rusle factor', () => {
  it('c from the Willamette land use and biophysical table; k by soil class from the Youwuzhen table', async () => {
    const c = join(dir, 'c.tif');
    const r = await cli(['factor', 'c', '--landcover', 'data/willamette/landuse_90.tif', '--table', 'data/willamette/biophysical_table.csv', '-o', c, '--json']);
    expect(r.status, r.err).toBe(0);
    expect(JSON.parse(r.out).outOfRange.count).toBe(0);
    const cr = await readRaster(c);
    expect(cr.width).toBe(1453);
    const k = join(dir, 'k.tif');
    const rk = await cli(['factor', 'k', '--soil', 'data/youwuzhen/ywzsoil30m.tif', '--soil-table', 'data/youwuzhen/soil_properties_lookup.csv', '-o', k]);
    expect(rk.status, rk.err).toBe(0);
    expect(existsSync(k)).toBe(true);
  });
  it('r from rain-gauge stations by IDW onto the Youwuzhen DEM grid (Beijing 1954 GK zone 39 coordinates)', async () => {
    const { writeFileSync } = await import('node:fs');
    const csv = join(dir, 'stations.csv');
    // two stations at the grid's west and east edges, centre row (cell centres at x0 + 15 and x0 + 126·30 + 15)
    writeFileSync(csv, 'x,y,value\n39444033.9,2841510.8,5000\n39447813.9,2841510.8,7000\n');
    const out = join(dir, 'r.tif');
    const r = await cli(['factor', 'r', '--stations', csv, '--like', 'data/youwuzhen/ywzdem30m.tif', '-o', out]);
    expect(r.status, r.err).toBe(0);
    const rr = await readRaster(out);
    expect(rr.width).toBe(127);
    expect(rr.get(0, 49)).toBeCloseTo(5000, 0);
    expect(rr.get(126, 49)).toBeCloseTo(7000, 0);
    expect(rr.get(63, 49)).toBeCloseTo(6000, 0); // equidistant
  });
  it('missing codes are a BAD_TABLE exit 2 unless --missing nodata', async () => {
    const r = await cli(['factor', 'p', '--landcover', 'data/youwuzhen/ywzlanduse30m_upd.tif', '--table', 'data/willamette/biophysical_table.csv', '-o', join(dir, 'p.tif')]);
    expect(r.status).toBe(2);
    expect(r.err).toMatch(/BAD_TABLE/);
  });
});
