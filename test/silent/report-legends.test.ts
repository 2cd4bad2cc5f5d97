import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { drawText } from '../../src/render/font.js';
import { sl190ClassStyles } from '../../src/render/maps.js';
import { gradeIntensity } from '../../src/assess/grading.js';
import { Grid } from '../../src/raster/grid.js';
import { Raster } from '../../src/raster/raster.js';
import { projectedCrs } from '../../src/raster/crs.js';
import { reportHtml } from '../../src/cli/report/html.js';

describe('legends and report text', () => {
  it('the intensity legend writes ≥ 15000 for severe, as gradeIntensity puts 15000 itself in severe', () => {
    const labels = sl190ClassStyles(500).map((c) => c.label);
    expect(labels[5]).toMatch(/≥ 15000$/);
    expect(labels.join(' ')).not.toContain('> 15000');
    const g = new Grid(1, 1, [0, 30, 0, 0, 0, -30], projectedCrs({ epsg: 32650 }));
    expect(gradeIntensity(new Raster(g, Float32Array.of(15000)), { units: 't/km2/yr', tolerance: 500 }).data[0]).toBe(6);
  });

  it('the bitmap font draws ≥ and ≤ (not a blank)', () => {
    for (const ch of ['≥', '≤']) {
      const rgba = new Uint8Array(8 * 8 * 4);
      drawText(rgba, 8, 8, 0, 0, ch, [255, 255, 255]);
      expect(rgba.some((v) => v > 0), ch).toBe(true);
    }
  });

  it('the report shows no "maps decoded" self-check text (the status stays in data attributes for the checker)', () => {
    const html = reportHtml({ title: 't', summary: [], maps: [], inputs: [], options: {}, citations: [], provenance: {} });
    expect(html).not.toMatch(/maps decoded|status set when the page has loaded/);
    expect(html).toContain('id="image-status"');
  });

  it('the report font stack names common CJK fonts, and the README names the Debian package', () => {
    const html = reportHtml({ title: 't', summary: [], maps: [], inputs: [], options: {}, citations: [], provenance: {} });
    for (const f of ['Noto Sans CJK SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC']) expect(html).toContain(f);
    const readme = readFileSync('README.md', 'utf8');
    expect(readme).toContain('fonts-noto-cjk');
  });

  it('the README says how long npm test takes; the report check writes its screenshot to a temporary folder by default', () => {
    expect(readFileSync('README.md', 'utf8')).toMatch(/npm test[^\n]*\n?[^\n]*about \d+ minutes/);
    const script = readFileSync('scripts/check-report.mjs', 'utf8');
    expect(script).toMatch(/mkdtempSync\(join\(tmpdir\(\), 'rusle-report-shot-'\)\)/);
    expect(readFileSync('test/cli/demo.test.ts', 'utf8')).not.toContain("'demo-output/report.png'");
  });
});

describe('log colour bars', () => {
  it('label their end values (not only the decades inside)', async () => {
    const { continuousMapPng } = await import('../../src/render/maps.js');
    const g = new Grid(200, 100, [0, 30, 0, 0, 0, -30], projectedCrs({ epsg: 32650 }));
    const d = Float32Array.from({ length: 20000 }, (_, i) => 3 + ((i % 200) / 199) * 4997); // 3 … 5000
    const m = continuousMapPng(new Raster(g, d), { title: 'A (t/ha/yr)', stretch: 'log', min: 3, max: 5000 });
    const labels = m.scale!.tickLabels!;
    expect(labels[0]).toBe('3');
    expect(labels[labels.length - 1]).toBe('5000');
    expect(labels.length).toBeGreaterThanOrEqual(3);
  });
});
