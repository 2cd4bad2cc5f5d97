import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const MAIN = resolve('dist/cli/main.js');
function has(cmd: string): boolean {
  try { execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'pipe' }); return true; } catch { return false; }
}

describe('rusle demo', () => {
  it('runs both sample sites end to end and writes maps, tables, reports and an index', () => {
    const out = mkdtempSync(join(tmpdir(), 'rusle-demo-'));
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [MAIN, 'demo', '-o', out, '--json'], { encoding: 'utf8', env: { ...process.env, CI: 'true' }, timeout: 180_000 });
    const seconds = (performance.now() - t0) / 1000;
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const res = JSON.parse(r.stdout);
    expect(res.sites.map((s: { site: string }) => s.site)).toEqual(['youwuzhen', 'willamette']);
    for (const site of ['youwuzhen', 'willamette']) {
      for (const f of ['A.tif', 'intensity.tif', 'LS.tif', 'rate.csv', 'rate.json', 'A.png', 'intensity.png', 'report.html', 'provenance.json']) {
        expect(existsSync(join(out, site, f)), `${site}/${f}`).toBe(true);
      }
    }
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('youwuzhen/report.html');
    expect(seconds).toBeLessThan(120); // generous; the demo takes a few seconds
  });

  it.skipIf(!has('chromium'))('the Youwuzhen report renders in headless Chromium; the screenshot goes to a temporary folder, not demo-output/', () => {
    const out = mkdtempSync(join(tmpdir(), 'rusle-demo-'));
    const r = spawnSync(process.execPath, [MAIN, 'demo', '-o', out, '--only', 'youwuzhen', '--quiet'], { encoding: 'utf8', timeout: 180_000 });
    expect(r.status).toBe(0);
    const shot = join(out, 'report.png');
    const c = spawnSync(process.execPath, ['scripts/check-report.mjs', join(out, 'youwuzhen', 'report.html'), '--screenshot', shot, '--min-images', '5'], { encoding: 'utf8' });
    expect(c.stderr).toBe('');
    expect(c.status).toBe(0);
    expect(existsSync(shot)).toBe(true);
  });
});
