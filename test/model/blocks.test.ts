import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Grid, projectedCrs, Raster, RusleError, type Window } from '../../src/raster/index.js';
import { readRaster, writeRaster } from '../../src/io/index.js';
import { closeWorkerPool, runBlocks, soilLoss, type BlockProgress } from '../../src/model/index.js';
import { parseBytes } from '../../src/model/blocks.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rusle-blocks-'));
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await closeWorkerPool();
});

const utm = projectedCrs({ epsg: 32650 });
const W = 150;
const H = 100;
const grid = new Grid(W, H, [500000, 30, 0, 3000000, 0, -30], utm);

function field(seed: number, nanEvery = 0): Raster<Float32Array> {
  const d = new Float32Array(W * H);
  for (let i = 0; i < d.length; i++) d[i] = nanEvery && i % nanEvery === 0 ? NaN : 0.01 + ((i * 2654435761 + seed * 97) % 1000) / 37;
  return new Raster(grid, d, NaN);
}

async function rejects(p: Promise<unknown>): Promise<RusleError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof RusleError) return e;
    throw e;
  }
  throw new Error('expected a RusleError');
}

describe('parseBytes', () => {
  it('reads decimal and binary suffixes and refuses anything else', () => {
    expect(parseBytes('512MB')).toBe(512e6);
    expect(parseBytes('1GiB')).toBe(2 ** 30);
    expect(parseBytes('1.5 gib')).toBe(1.5 * 2 ** 30);
    expect(parseBytes(1000)).toBe(1000);
    for (const bad of ['', 'lots', '-5MB', '12XB']) expect(() => parseBytes(bad)).toThrow(RusleError);
  });
});

describe('runBlocks', () => {
  it('hands the block function aligned bands in index order with row areas, and fills in-memory outputs', async () => {
    const a = field(1);
    const out = Raster.create(grid, Float32Array);
    const seen: number[] = [];
    const res = await runBlocks({
      sources: { a, k: 2, gen: { generate: (win: Window, buf) => { (buf as Float32Array).fill(win.y); } } },
      outputs: { o: { type: 'Float32', into: out } },
      blockRows: 16,
      fn: (b) => {
        seen.push(b.index);
        expect(b.window).toEqual({ x: 0, y: b.index * 16, width: W, height: Math.min(16, H - b.index * 16) });
        expect(b.rowAreasM2.length).toBe(b.window.height);
        expect(b.rowAreasM2[0]).toBe(900);
        expect((b.inputs.gen as Float32Array)[0]).toBe(b.window.y);
        const x = b.inputs.a as Float32Array;
        const o = b.outputs.o!;
        for (let i = 0; i < o.length; i++) o[i] = (b.inputs.k as number) * x[i]!;
      },
    });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(res.blocks).toBe(7);
    for (let i = 0; i < W * H; i++) expect(out.data[i]).toBe(Math.fround(2 * a.data[i]!));
  });

  it('refuses a budget that cannot hold one band with OUT_OF_MEMORY_BUDGET and the minimum needed, before reading', async () => {
    let called = false;
    const e = await rejects(
      runBlocks({
        sources: { a: { generate: () => { called = true; } }, b: { generate: () => undefined } },
        grid,
        outputs: { o: { type: 'Float32', path: join(dir, 'never.tif'), write: { tileSize: 64 } } },
        memoryBudget: '10kB',
        fn: () => undefined,
      }),
    );
    expect(e.code).toBe('OUT_OF_MEMORY_BUDGET');
    const min = (e.details as { minimumBytes: number }).minimumBytes;
    expect(min).toBeGreaterThan(10_000);
    expect(e.message).toContain(String(min));
    expect(called).toBe(false);
    expect(existsSync(join(dir, 'never.tif'))).toBe(false);
    // The minimum it names is enough.
    await runBlocks({
      sources: { a: { generate: () => undefined }, b: { generate: () => undefined } },
      grid,
      outputs: { o: { type: 'Float32', path: join(dir, 'min.tif'), write: { tileSize: 64 } } },
      memoryBudget: min,
      fn: () => undefined,
    });
    expect(existsSync(join(dir, 'min.tif'))).toBe(true);
  });

  it('refuses an explicit blockRows over the budget', async () => {
    const e = await rejects(runBlocks({ sources: { a: { generate: () => undefined } }, grid, blockRows: 100, memoryBudget: 50_000, fn: () => undefined }));
    expect(e.code).toBe('OUT_OF_MEMORY_BUDGET');
  });

  it('aborts the writers and leaves no output and no temporary file when the block function throws', async () => {
    const sub = mkdtempSync(join(dir, 'abort-'));
    const path = join(sub, 'A.tif');
    const e = await rejects(
      runBlocks({
        sources: { a: field(2) },
        outputs: { o: { type: 'Float32', path, write: { tileSize: 32 } } },
        blockRows: 32,
        fn: (b) => {
          if (b.index === 2) throw new RusleError('BAD_VALUE', 'boom');
        },
      }),
    );
    expect(e.message).toBe('boom');
    expect(readdirSync(sub)).toEqual([]);
  });

  it('reports progress with cells done, total and time left after every band', async () => {
    const ps: BlockProgress[] = [];
    await runBlocks({ sources: { a: field(3) }, blockRows: 25, fn: () => undefined, onProgress: (p) => ps.push(p) });
    expect(ps.map((p) => p.cellsDone)).toEqual([25 * W, 50 * W, 75 * W, 100 * W]);
    expect(ps.every((p) => p.totalCells === W * H)).toBe(true);
    expect(ps[3]!.secondsLeft).toBe(0);
  });
});

describe('soilLoss streamed from GeoTIFFs', () => {
  it('equals the in-memory result bit for bit, values and statistics, for 1 and 2 workers and any band height', async () => {
    const f = { R: field(1, 97), K: field(2), LS: field(3, 211), C: field(4), P: field(5) };
    const paths: Record<string, string> = {};
    for (const [k, r] of Object.entries(f)) {
      paths[k] = join(dir, `${k}.tif`);
      await writeRaster(paths[k]!, r, { tileSize: 32 });
    }
    const mem = await soilLoss(f);
    for (const [workers, blockRows] of [[1, 32], [2, 64], [2, 96]] as const) {
      const out = join(dir, `A-${workers}-${blockRows}.tif`);
      const streamed = await soilLoss(
        { R: paths.R!, K: paths.K!, LS: paths.LS!, C: paths.C!, P: paths.P! },
        { output: out, workers, blockRows, write: { tileSize: 32 }, memoryBudget: '64MB' },
      );
      expect(streamed.raster).toBeNull();
      expect(streamed.stats).toEqual(mem.stats);
      const back = await readRaster(out);
      expect(back.grid.equals(grid)).toBe(true);
      expect(Buffer.from((back.data as Float32Array).buffer).equals(Buffer.from(mem.raster!.data.buffer))).toBe(true);
    }
    // Streamed inputs without an output file: A is assembled in memory.
    const assembled = await soilLoss({ R: paths.R!, K: paths.K!, LS: paths.LS!, C: paths.C!, P: 1 });
    const memP1 = await soilLoss({ ...f, P: 1 });
    expect(Buffer.from(assembled.raster!.data.buffer).equals(Buffer.from(memP1.raster!.data.buffer))).toBe(true);
  });

  it('stops with BAD_VALUE and leaves no output file when a streamed factor is negative', async () => {
    const sub = mkdtempSync(join(dir, 'bad-'));
    const bad = field(6);
    bad.data[70 * W + 5] = -2;
    const p = join(sub, 'C.tif');
    await writeRaster(p, bad, { tileSize: 32 });
    const out = join(sub, 'A.tif');
    const e = await rejects(soilLoss({ R: 1000, K: 0.02, LS: 1, C: p, P: 1 }, { output: out, blockRows: 32, write: { tileSize: 32 } }));
    expect(e.code).toBe('BAD_VALUE');
    expect(e.details).toMatchObject({ first: { factor: 'C', col: 5, row: 70, value: -2 } });
    expect(readdirSync(sub)).toEqual(['C.tif']);
  });

  it('passes every band to onBlock with A and extra inputs, for per-zone accumulation in the same pass', async () => {
    const zones = new Raster(grid, Uint8Array.from({ length: W * H }, (_, i) => (i % W < 75 ? 1 : 2)), 0);
    const sums = [0, 0, 0];
    const { stats } = await soilLoss(
      { R: field(1), K: 0.02, LS: 1, C: 0.3, P: 1 },
      {
        extraInputs: { zones },
        blockRows: 13,
        onBlock: ({ inputs, outputs, rowAreasM2, window }) => {
          const z = inputs.zones as Uint8Array;
          const a = outputs.A!;
          for (let r = 0; r < window.height; r++) {
            for (let c = 0; c < window.width; c++) {
              const i = r * window.width + c;
              if (a[i] === a[i]) sums[z[i]!]! += (a[i]! * rowAreasM2[r]!) / 1e4;
            }
          }
        },
      },
    );
    expect(sums[1]! + sums[2]!).toBeCloseTo(stats.sumTonnesPerYear, 6);
    expect(sums[1]).toBeGreaterThan(0);
  });
});
