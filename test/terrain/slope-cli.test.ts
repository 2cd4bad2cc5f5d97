import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { readRaster } from '../../src/io/index.js';
import { slope } from '../../src/terrain/index.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), isTTY: false, ci: true, cwd: process.cwd() } };
}

describe('rusle slope', () => {
  it('writes the same slope as the library, in the requested units, on the DEM grid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-slope-cli-'));
    try {
      const o = io();
      const status = await runCli(['slope', 'data/youwuzhen/ywzdem30m.tif', '-o', join(dir, 's.tif'), '--units', 'percent', '--edges', 'extrapolate'], o.io);
      expect(status).toBe(0);
      const written = await readRaster(join(dir, 's.tif'));
      const dem = await readRaster('data/youwuzhen/ywzdem30m.tif');
      const expected = slope(dem, { units: 'percent', edges: 'extrapolate' });
      expect(written.width).toBe(dem.width);
      expect(Array.from(written.data)).toEqual(Array.from(expected.data));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects an unknown unit with exit status 2 and names the flag', async () => {
    const o = io();
    const status = await runCli(['slope', 'data/youwuzhen/ywzdem30m.tif', '-o', join(tmpdir(), 'never.tif'), '--units', 'grads'], o.io);
    expect(status).toBe(2);
    expect(o.err.join('')).toMatch(/--units/);
  });

  it('--help names every flag with its default and has an example', async () => {
    const o = io();
    expect(await runCli(['slope', '--help'], o.io)).toBe(0);
    const text = o.out.join('');
    for (const f of ['--units', '--method', '--edges', '--z-factor', 'Example']) expect(text).toContain(f);
  });
});
