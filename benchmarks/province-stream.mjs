// A province-size streamed soil-loss run from generated sources (no input files): R, K, LS, C, P generated per band,
// A written as a tiled Deflate GeoTIFF, statistics in the same pass. Prints one JSON line with the cells, seconds,
// band rows and the peak RSS of this process.
//
//   node benchmarks/province-stream.mjs [--width 41000] [--height 41000] [--workers 2] [--budget 1.5GiB] [--out /tmp/A.tif]
//
// Default: 41,000 × 41,000 ≈ 1.7 Gcells (Jiangxi at 10 m). Run it under `flock /tmp/rusle-bigrun.lock` on shared
// machines. The output file is deleted at the end unless --keep is given.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Grid, projectedCrs, soilLoss, closeWorkerPool } from '../dist/index.js';
import { peakRssBytes } from './lib.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const W = Number(opt('width', 41000));
const H = Number(opt('height', 41000));
const workers = Number(opt('workers', 2));
const budget = opt('budget', '1.5GiB');
const out = opt('out', join(tmpdir(), `rusle-province-${process.pid}.tif`));
const keep = args.includes('--keep');

const grid = new Grid(W, H, [300000, 10, 0, 3200000, 0, -10], projectedCrs({ epsg: 32650 }));

// Each factor: a precomputed row pattern, shifted per row; the "province" is an ellipse, NaN outside.
function makeGenerator(seed, lo, hi) {
  const pattern = new Float32Array(2 * W);
  let s = seed >>> 0;
  for (let i = 0; i < pattern.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    pattern[i] = lo + ((s >>> 8) / 2 ** 24) * (hi - lo);
  }
  return {
    type: 'Float32',
    generate(win, buf) {
      // win may be a full-width band or, when the budget asks for it, a tile-aligned window narrower than the grid
      const w = win.width;
      for (let r = 0; r < win.height; r++) {
        const y = win.y + r;
        const row = buf.subarray(r * w, (r + 1) * w);
        const shift = (y * 7919) % W + win.x;
        row.set(pattern.subarray(shift, shift + w));
        // ellipse mask
        const v = (y + 0.5) / H * 2 - 1;
        const half = Math.sqrt(Math.max(0, 1 - v * v)) * W / 2;
        const c0 = Math.min(w, Math.max(0, Math.floor(W / 2 - half) - win.x));
        const c1 = Math.max(0, Math.min(w, Math.ceil(W / 2 + half) - win.x));
        if (c0 > 0) row.fill(NaN, 0, c0);
        if (c1 < w) row.fill(NaN, Math.max(c0, c1), w);
      }
    },
  };
}

const t0 = performance.now();
let lastLog = 0;
const res = await soilLoss(
  { R: makeGenerator(1, 3000, 9000), K: makeGenerator(2, 0.002, 0.05), LS: makeGenerator(3, 0, 20), C: makeGenerator(4, 0.001, 0.5), P: makeGenerator(5, 0.3, 1) },
  {
    grid,
    output: out,
    workers,
    memoryBudget: budget,
    onProgress: (p) => {
      const now = performance.now();
      if (now - lastLog > 10000) {
        lastLog = now;
        process.stderr.write(`  province: ${(p.cellsDone / 1e9).toFixed(2)} / ${(p.totalCells / 1e9).toFixed(2)} Gcells, ${p.secondsLeft.toFixed(0)} s left\n`);
      }
    },
  },
);
const seconds = (performance.now() - t0) / 1000;
await closeWorkerPool();
if (!keep) rmSync(out, { force: true });
console.log(JSON.stringify({ width: W, height: H, cells: W * H, workers, budget, seconds, cellsPerSecond: (W * H) / seconds, peakRssBytes: peakRssBytes(), validCount: res.stats.validCount, sumTonnesPerYear: res.stats.sumTonnesPerYear }));
