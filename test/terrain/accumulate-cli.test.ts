import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { flowAccumulation, readRaster } from '../../src/index.js';

function io(out: string[], err: string[]) {
  return { stdout: (s: string) => out.push(s), stderr: (s: string) => err.push(s), isTTY: false, ci: true, cwd: process.cwd() };
}

describe('rusle flow', () => {
  it('writes the D8 upslope area (m²) of the Youwuzhen DEM that flowAccumulation computes, on the DEM grid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-flow-'));
    try {
      const out: string[] = [], err: string[] = [];
      const path = join(dir, 'm2.tif');
      const status = await runCli(['flow', 'data/youwuzhen/ywzdem30m.tif', '-o', path, '--output', 'm2', '--quiet'], io(out, err));
      expect(err.join('')).toBe('');
      expect(status).toBe(0);
      const written = await readRaster(path);
      const dem = await readRaster('data/youwuzhen/ywzdem30m.tif');
      expect(written.grid.equals(dem.grid)).toBe(true);
      const expected = flowAccumulation(dem, { output: 'm2' }).data;
      for (let i = 0; i < expected.length; i++) {
        if (Number.isNaN(expected[i])) expect(written.data[i]).toBeNaN();
        else expect(written.data[i]).toBe(Math.fround(expected[i]!));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('with --tile-size runs the chain tile by tile through the job layer, says so on one line and writes the in-memory values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rusle-flow-'));
    try {
      const out: string[] = [], err: string[] = [];
      const path = join(dir, 'm2.tif');
      const status = await runCli(['flow', 'data/youwuzhen/ywzdem30m.tif', '-o', path, '--output', 'm2', '--tile-size', '64', '--memory-budget', '1GiB', '--float64'], io(out, err));
      expect(status, err.join('')).toBe(0);
      expect(out.join('').split('\n').filter((l) => /running tile by tile/.test(l))).toHaveLength(1);
      const written = await readRaster(path);
      const expected = flowAccumulation(await readRaster('data/youwuzhen/ywzdem30m.tif'), { output: 'm2' }).data;
      expect(Buffer.from(written.data.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120000);

  it('with --memory-budget below the need, MFD stops with OUT_OF_MEMORY_BUDGET (in memory only)', async () => {
    const out: string[] = [], err: string[] = [];
    const status = await runCli(['flow', 'data/youwuzhen/ywzdem30m.tif', '-o', '/tmp/rusle-flow-never.tif', '--routing', 'mfd', '--memory-budget', '100KB'], io(out, err));
    expect(status).not.toBe(0);
    expect(err.join('')).toMatch(/OUT_OF_MEMORY_BUDGET.*in memory only/);
  });

  it('rejects an unknown routing, an exponent without mfd, and a missing -o with exit status 2', async () => {
    for (const argv of [
      ['flow', 'data/youwuzhen/ywzdem30m.tif', '-o', '/tmp/x.tif', '--routing', 'rho8'],
      ['flow', 'data/youwuzhen/ywzdem30m.tif', '-o', '/tmp/x.tif', '--exponent', '2'],
      ['flow', 'data/youwuzhen/ywzdem30m.tif'],
    ]) {
      const out: string[] = [], err: string[] = [];
      expect(await runCli(argv, io(out, err))).toBe(2);
    }
  });
});

describe('flowAccumulation', () => {
  it('chains fill, flats, routing and accumulation: every valid cell drains, the outlets hold all cells (Youwuzhen)', async () => {
    const dem = await readRaster('data/youwuzhen/ywzdem30m.tif');
    for (const routing of ['d8', 'mfd', 'dinf'] as const) {
      const acc = flowAccumulation(dem, { routing }).data;
      let valid = 0;
      for (let i = 0; i < acc.length; i++) if (!Number.isNaN(acc[i])) { valid++; expect(acc[i]).toBeGreaterThanOrEqual(1 - 1e-9); }
      expect(valid).toBe(dem.validCount());
    }
  });

  it('rejects a bad output or exponent before doing any work', () => {
    const dem = { width: 1 } as never;
    expect(() => flowAccumulation(dem, { output: 'km2' as never })).toThrow(expect.objectContaining({ code: 'BAD_ARGUMENT' }));
    expect(() => flowAccumulation(dem, { routing: 'mfd', exponent: -1 })).toThrow(expect.objectContaining({ code: 'BAD_VALUE' }));
  });
});
