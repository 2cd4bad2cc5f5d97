import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Grid, Raster, projectedCrs } from '../../src/index.js';
import { continuousMapPng, classMapPng, sl190ClassStyles, writeFileAtomic } from '../../src/index.js';
import { classAreaChartSvg, escapeHtml, reportHtml, type ReportData } from '../../src/cli/report/html.js';

function has(cmd: string): boolean {
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'pipe' }); return true; } catch { return false; }
}

function sample(): ReportData {
  const g = new Grid(300, 200, [0, 30, 0, 0, 0, -30], projectedCrs({ epsg: 32650 }));
  const d = Float32Array.from({ length: 60000 }, (_, i) => ((i % 300) < 20 ? NaN : Math.exp(((i % 300) / 300) * 10) / 100));
  const c = Uint8Array.from(d, (v) => (v !== v ? 0 : Math.min(6, 1 + Math.floor(Math.log10(v + 1) * 1.5))));
  const m1 = continuousMapPng(new Raster(g, d), { title: 'A (t/ha/yr)', stretch: 'log', ramp: 'ylorrd' });
  const m2 = classMapPng(new Raster(g, c, 0), { title: 'SL 190-2007 classes (t/km2/yr)', classes: sl190ClassStyles(500) });
  return {
    title: 'Test report <script>', subtitle: 'synthetic', summary: [{ label: 'cells', value: '60,000' }],
    maps: [{ id: 'A', title: 'Soil loss A', caption: 'log scale', png: m1.png }, { id: 'classes', title: 'Classes', caption: 'SL 190', png: m2.png }],
    classAreasKm2: [10, 5, 3, 2, 1, 0.5], toleranceTKm2: 500,
    rateTable: [{ zone: 1, name: '长汀县', level: 'county', landAreaKm2: 21.5, lossAreaKm2: 11.5, rate: 46.5, classAreasKm2: [10, 5, 3, 2, 1, 0.5], soilLossT: 12345, meanModulus: 574 }],
    inputs: [{ name: 'DEM', source: 'data/x.tif', sha256: 'abcdef0123456789abcdef' }], options: { a: 1 },
    citations: [{ id: 'S.x', title: 't', citation: 'Someone 2000', doi: '10.1/x' }], provenance: { version: '0.1.0' },
  };
}

describe('HTML report', () => {
  it('is self-contained: maps as data: URIs, no external src or href to stylesheets and scripts', () => {
    const html = reportHtml(sample());
    const srcs = [...html.matchAll(/\ssrc="([^"]*)"/g)].map((m) => m[1]!);
    expect(srcs.length).toBe(2);
    for (const s of srcs) expect(s.startsWith('data:image/png;base64,')).toBe(true);
    expect(html).not.toMatch(/<link\b|<script\s+src=/);
  });

  it('escapes text and keeps UTF-8 zone names', () => {
    const html = reportHtml(sample());
    expect(html).toContain('Test report &lt;script&gt;');
    expect(html).toContain('长汀县');
    expect(escapeHtml(`a"b'<&>`)).toBe('a&quot;b&#39;&lt;&amp;&gt;');
  });

  it('the class chart has one bar per class with its share in percent', () => {
    const svg = classAreaChartSvg([50, 25, 25, 0, 0, 0]);
    expect(svg.match(/<rect /g)!.length).toBe(6);
    expect(svg).toContain('50.0 %');
    expect(svg).toContain('25.0 %');
  });

  it.skipIf(!has('chromium'))('renders in headless Chromium with every image decoded (scripts/check-report.mjs)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-report-'));
    const file = join(dir, 'report.html');
    await writeFileAtomic(file, reportHtml(sample()));
    const r = spawnSync('node', ['scripts/check-report.mjs', file, '--screenshot', join(dir, 'shot.png'), '--min-images', '2'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('2 images, 2 decoded');
    expect(statSync(join(dir, 'shot.png')).size).toBeGreaterThan(1000);
    expect(readFileSync(join(dir, 'shot.png')).subarray(1, 4).toString()).toBe('PNG');
  });

  it.skipIf(!has('chromium'))('the check fails when an image is broken', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-report-'));
    const file = join(dir, 'report.html');
    const data = sample();
    await writeFileAtomic(file, reportHtml({ ...data, maps: [...data.maps, { id: 'bad', title: 'bad', caption: '', png: Buffer.from('not a png') }] }));
    const r = spawnSync('node', ['scripts/check-report.mjs', file, '--screenshot', join(dir, 'shot.png')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('1 of 3 images did not decode');
  });
});
