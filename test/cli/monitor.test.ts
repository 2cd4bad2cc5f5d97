import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { Raster, readRaster, writeRaster } from '../../src/index.js';

async function cli(args: string[], cwd: string) {
  let out = '', err = '';
  const status = await runCli(args, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, ci: true, cwd });
  return { status, out, err };
}

const ROOT = resolve(__dirname, '../..');

describe('rusle monitor (CLI)', () => {
  it('monitor compares two Youwuzhen runs: worsened zones, patches with risk, the share of the increase inside them, and a report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-monitor-'));
    const lu = await readRaster(join(ROOT, 'data/youwuzhen/ywzlanduse30m_upd.tif'));
    const after = new Raster(lu.grid, lu.data.slice(), lu.nodata);
    const W = lu.width;
    let planted = 0;
    for (let r = 30; r < 36; r++) for (let c = 60; c < 67; c++) { const i = r * W + c; if ([4, 6, 8, 33].includes(lu.data[i]!)) { after.data[i] = 107; planted++; } }
    await writeRaster(join(dir, 'lu2023.tif'), after);
    // Year 2: code 107 is an open construction site (B = 1, E = 1); elsewhere the illustrative table.
    const b = readFileSync(join(ROOT, 'examples/pipelines/youwuzhen-landuse-b.csv'), 'utf8').trimEnd() + '\n107,1,construction site (bare)\n';
    writeFileSync(join(dir, 'b2023.csv'), b);
    writeFileSync(join(dir, 'sites.csv'), 'from,to,type\n4 6 8 33,107,construction\n');
    const base = JSON.parse(readFileSync(join(ROOT, 'examples/pipelines/youwuzhen.json'), 'utf8'));
    const fix = (p: string): string => resolve(ROOT, 'examples/pipelines', p);
    const cfg = (year: string, lu: string, table: string) => ({
      ...base, $schema: undefined, name: `Youwuzhen ${year}`,
      inputs: {
        ...base.inputs, dem: fix(base.inputs.dem),
        K: { ...base.inputs.K, table: fix(base.inputs.K.table), raster: fix(base.inputs.K.raster) },
        B: { ...base.inputs.B, table, raster: lu },
        E: { ...base.inputs.E, table: fix(base.inputs.E.table), raster: lu, default: 1 },
        zones: { ...base.inputs.zones, path: fix(base.inputs.zones.path) },
      },
      output: { folder: join(dir, `out${year}`), units: 't/ha/yr', report: false, maps: false },
    });
    const y1 = cfg('2022', fix(base.inputs.B.raster), fix(base.inputs.B.table));
    const y2 = { ...cfg('2023', join(dir, 'lu2023.tif'), join(dir, 'b2023.csv')), monitoring: { before: fix(base.inputs.B.raster), after: join(dir, 'lu2023.tif'), mode: 'landcover', transitions: 'sites.csv' } };
    delete y1.$schema; delete y2.$schema;
    writeFileSync(join(dir, '2022.json'), JSON.stringify(y1));
    writeFileSync(join(dir, '2023.json'), JSON.stringify(y2));
    const r = await cli(['monitor', '2022.json', '2023.json', '-o', 'mon', '--quiet'], dir);
    expect(r.err).not.toMatch(/INTERNAL|Error:/);
    expect(r.status).toBe(0);
    const s = JSON.parse(readFileSync(join(dir, 'mon/monitor.json'), 'utf8'));
    expect(s.patches).toBe(1);
    expect(s.rateChange).toBeLessThanOrEqual(0);
    expect(s.shareOfIncreaseInPatches).toBeGreaterThan(0.99); // the only change is the planted site
    expect(s.worsenedZones.length).toBeGreaterThan(0);
    const fc = JSON.parse(readFileSync(join(dir, 'mon/patches.geojson'), 'utf8'));
    expect(fc.features[0].properties.cells).toBe(planted);
    expect(['high', 'medium', 'low']).toContain(fc.features[0].properties.risk);
    const html = readFileSync(join(dir, 'mon/report.html'), 'utf8');
    expect(html).toContain('id="before-after"');
    expect(html).toContain('id="warning-list"');
    expect(html).toContain('id="worsened-zones"');
    for (const f of ['change.csv', 'worsened-zones.csv', 'warnings.csv', 'patches.csv', 'patches-map.png']) expect(existsSync(join(dir, 'mon', f))).toBe(true);
    const again = await cli(['monitor', '2022.json', '2023.json', '-o', 'mon2', '--reuse', '--quiet'], dir);
    expect(again.status).toBe(0);
  });
});

describe('pipeline config: the monitoring section', () => {
  it('parsePipelineConfig resolves the monitoring paths, keeps scheme names and refuses a section without after', async () => {
    const { parsePipelineConfig } = await import('../../src/cli/pipeline/config.js');
    const raw = { inputs: { dem: 'dem.tif', R: 1, K: 1, C: 1, P: 1 }, assessment: { region: 'red-soil' }, monitoring: { before: 'a.tif', after: 'b.tif', mode: 'landcover', transitions: 'cnlucc' } };
    const c = parsePipelineConfig(raw, '/x/y.json', '/x');
    expect(c.monitoring).toEqual({ before: '/x/a.tif', after: '/x/b.tif', mode: 'landcover', transitions: 'cnlucc', minPatchCells: 4, opening: false });
    const file = parsePipelineConfig({ ...raw, monitoring: { before: 'a.tif', after: 'b.tif', transitions: 't.csv' } }, '/x/y.json', '/x');
    expect(file.monitoring?.transitions).toBe('/x/t.csv');
    expect(() => parsePipelineConfig({ ...raw, monitoring: { before: 'a.tif' } }, '/x/y.json', '/x')).toThrow(/monitoring/);
  });
});
