import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePipelineConfig, configMistakes } from '../../src/cli/pipeline/config.js';
import { runPipeline, type PipelineHooks } from '../../src/cli/pipeline/run.js';

const EX = fileURLToPath(new URL('../../examples/pipelines/youwuzhen-watersheds.json', import.meta.url));
const silent: PipelineHooks = { log: () => undefined, progress: () => ({ update: () => undefined, finish: () => undefined }) } as unknown as PipelineHooks;

describe('rusle run: sdr and watersheds sections', () => {
  it('writes SDR, export, deposition, unit labels, polygons, the ranked table, their maps and the report section', async () => {
    const raw = JSON.parse(readFileSync(EX, 'utf8'));
    const dir = mkdtempSync(join(tmpdir(), 'rusle-pws-'));
    raw.output.folder = join(dir, 'out');
    const cfg = parsePipelineConfig(raw, EX, join(EX, '..'));
    const res = await runPipeline(cfg, silent);
    for (const f of ['sdr.tif', 'sediment-export.tif', 'sediment-deposition.tif', 'watersheds.tif', 'watersheds.csv', 'watersheds.json', 'watersheds.geojson', 'watersheds.png', 'sediment-export.png']) {
      expect(existsSync(join(dir, 'out', f)), f).toBe(true);
    }
    expect(res.summary['watershedUnits']).toBeGreaterThan(3);
    expect(res.summary['sedimentExportTonnesPerYear']).toBeGreaterThan(0);
    const html = readFileSync(join(dir, 'out', 'report.html'), 'utf8');
    expect(html).toContain('id="watershed-table"');
    expect(html).toContain('id="map-watersheds"');
    expect(html).toContain('id="map-sediment-export"');
    const t = JSON.parse(readFileSync(join(dir, 'out', 'watersheds.json'), 'utf8'));
    expect(t.rankBy).toBe('loss-share');
    expect(t.rows.some((r: { rank: number }) => r.rank === 1)).toBe(true);
  });

  it('the schema accepts the sections and refuses unknown keys in them', () => {
    expect(configMistakes({ inputs: { dem: 'd.tif', R: 1, K: 1, C: 1 }, sdr: { thresholdCells: 100 }, watersheds: { minAreaKm2: 1 } })).toEqual([]);
    expect(configMistakes({ inputs: { dem: 'd.tif', R: 1, K: 1, C: 1 }, watersheds: { minArea: 1 } }).join(' ')).toMatch(/watersheds/);
  });

  it('refuses the sections without a DEM (BAD_CONFIG)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-pws-'));
    const ls = fileURLToPath(new URL('../fixtures/sdr/youwuzhen_invest_ls.tif', import.meta.url));
    const cfg = parsePipelineConfig({ inputs: { lsRaster: ls, R: 1, K: 1, C: 1 }, sdr: {}, output: { folder: join(dir, 'o'), maps: false, report: false } }, join(dir, 'p.json'), dir);
    await expect(runPipeline(cfg, silent)).rejects.toThrow(/sdr: needs inputs\.dem/);
  });
});
