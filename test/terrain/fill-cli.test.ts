import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.js';
import { readRaster } from '../../src/io/index.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), isTTY: false, ci: true, cwd: process.cwd() } };
}

describe('rusle fill', () => {
  it('writes the SAGA-equal fill of a real DEM and reports the raised cells in JSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-fill-cli-'));
    try {
      const o = io();
      const status = await runCli(['fill', 'data/youwuzhen/ywzdem30m.tif', '-o', join(dir, 'f.tif'), '--json'], o.io);
      expect(status).toBe(0);
      const result = JSON.parse(o.out.join('')) as { raisedCells: number };
      expect(result.raisedCells).toBeGreaterThan(0);
      const ours = await readRaster(join(dir, 'f.tif'));
      const saga = await readRaster('test/fixtures/terrain/youwuzhen_saga_wl_fill.tif');
      for (let i = 0; i < ours.data.length; i++) {
        if (Number.isNaN(saga.data[i]!)) expect(Number.isNaN(ours.data[i]!)).toBe(true);
        else expect(ours.data[i]).toBe(saga.data[i]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--epsilon leaves no flat: every raised cell is above the plain fill', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-fill-cli-'));
    try {
      expect(await runCli(['fill', 'data/youwuzhen/ywzdem30m.tif', '-o', join(dir, 'p.tif'), '-q'], io().io)).toBe(0);
      expect(await runCli(['fill', 'data/youwuzhen/ywzdem30m.tif', '-o', join(dir, 'e.tif'), '--epsilon', '-q'], io().io)).toBe(0);
      const p = await readRaster(join(dir, 'p.tif'));
      const e = await readRaster(join(dir, 'e.tif'));
      let above = 0;
      for (let i = 0; i < p.data.length; i++) if (e.data[i]! > p.data[i]!) above++;
      expect(above).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a missing -o is a usage error (exit status 2)', async () => {
    const o = io();
    expect(await runCli(['fill', 'data/youwuzhen/ywzdem30m.tif'], o.io)).toBe(2);
  });
});
