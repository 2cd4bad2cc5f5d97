// Assessment benchmarks (issue 7): SL 190-2007 grading + per-zone conservation-rate accumulation (100 zones) riding
// in the engine's single pass, as a ratio to the combine alone (A = R·K·LS·C·P with statistics) in the same run.
// Target: grading and accumulation add at most 50 % to the combine's time. Also the in-memory conservationRate and
// gradeIntensity alone, and GeoJSON rasterisation of 100 zone polygons.
//
// Two settings: in memory (the factors are arrays, so the combine is only the multiply: the hardest ratio for the
// assessment), and streamed as in practice (Deflate GeoTIFFs in, A and the class raster written as GeoTIFFs).
// Float32 A without a mask is accumulated by the SIMD128 WebAssembly kernel (src/assess/kernel.c); the figures
// rate_mcells_* / grade_mcells_* time conservationRate and gradeIntensity (JS, lookup-table grading) alone.
// CI: 10 Mcells in memory (smooth and random factor fields), 4 Mcells streamed. Full: also 185 Mcells in memory (a
// province at 30 m) in memory and streamed (the streamed one writes five 185 Mcell GeoTIFFs, about 3 GB, to the temp folder); run the full mode under `flock /tmp/rusle-bigrun.lock` (it holds five
// Float32 factors, A, zones (Int32) and classes: about 5.5 GiB).
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  writeRaster, Grid, projectedCrs, Raster, soilLoss, sharedArray, closeWorkerPool, RateAccumulator, rateBlockHook, zonesFromRaster,
  conservationRate, gradeIntensity, rasterizePolygons,
} from '../../dist/index.js';
import { CLASS_WRITE } from '../../dist/assess/pass.js'; // engine plumbing, not public
import { figure, maskOutsideEllipse, seededUniform, timeit } from '../lib.mjs';

const crs = projectedCrs({ epsg: 32650 });

function gridOf(cells) {
  const W = Math.round(Math.sqrt(cells));
  const H = Math.round(cells / W);
  return new Grid(W, H, [300000, 30, 0, 3200000, 0, -30], crs);
}

/**
 * Seeded factor field with ~3 % nodata outside an ellipse. `smooth`: a spatially autocorrelated field (sums of
 * seeded sinusoids plus 10 % noise), as real factor maps are; otherwise the engine suite's shifted random pattern
 * (every cell independent: the worst case for the class branches of grading).
 */
function fieldOf(grid, seed, lo, hi, smooth) {
  const { width: W, height: H } = grid;
  const data = sharedArray(Float32Array, W * H);
  const pattern = seededUniform(2 * W, seed);
  const fx = 0.004 + 0.003 * ((seed * 7) % 5), fy = 0.005 + 0.002 * ((seed * 3) % 7);
  for (let y = 0; y < H; y++) {
    const shift = (y * 7919) % W;
    const row = data.subarray(y * W, (y + 1) * W);
    const sy = Math.sin(y * fy + seed);
    for (let x = 0; x < W; x++) {
      const u = smooth ? 0.45 + 0.45 * Math.sin(x * fx + seed * 1.3) * sy + 0.1 * pattern[shift + x] : pattern[shift + x];
      row[x] = lo + u * (hi - lo);
    }
    maskOutsideEllipse(row, y, H, W);
  }
  return new Raster(grid, data, NaN);
}

/** 100 zones: a 10 × 10 mosaic of county-like codes (admin codes 36xx yy), with a strip of no zone. */
function zonesOf(grid) {
  const { width: W, height: H } = grid;
  const z = new Int32Array(W * H);
  for (let y = 0; y < H; y++) {
    const zy = Math.min(9, Math.floor((y / H) * 10));
    for (let x = 0; x < W; x++) {
      const zx = Math.min(9, Math.floor(((x + ((y * 13) % 97)) / W) * 10)) % 10;
      z[y * W + x] = x < 3 ? -1 : 360100 + zy * 100 + zx + 1;
    }
  }
  return new Raster(grid, z, -1);
}

async function run(cells, { ci, log, smooth = true }) {
  const M = Math.round(cells / 1e6);
  const grid = gridOf(cells);
  const n = grid.width * grid.height;
  log(`${M} Mcells: generating inputs`);
  const f = { R: fieldOf(grid, 1, 3000, 9000, smooth), K: fieldOf(grid, 2, 0.002, 0.05, smooth), LS: fieldOf(grid, 3, 0, 20, smooth), C: fieldOf(grid, 4, 0.001, 0.5, smooth), P: fieldOf(grid, 5, 0.3, 1, smooth) };
  const zones = zonesOf(grid);
  const layer = zonesFromRaster(zones, { hierarchy: 'admin-codes' });
  const out = new Raster(grid, sharedArray(Float32Array, n), NaN);
  const classes = new Raster(grid, new Uint8Array(n), 0);
  const rate = { units: 't/ha/yr', tolerance: 'red-soil' };
  const opts = ci ? { minRuns: 3, minSeconds: 0.3 } : { minRuns: 3, minSeconds: 1, maxRuns: cells > 5e7 ? 3 : 8 };
  const combine = await timeit(() => soilLoss(f, { out, workers: 1 }), opts);
  let table;
  const withAssess = await timeit(async () => {
    const acc = new RateAccumulator(rate, layer);
    await soilLoss(f, {
      out, workers: 1, extraInputs: { zones }, extraOutputs: { classes: { type: 'Byte', into: classes, nodata: 0 } },
      onBlock: rateBlockHook(acc, { classes: 'classes' }),
    });
    table = acc.finish();
  }, opts);
  const added = withAssess.best / combine.best - 1;
  log(`${M} Mcells${smooth ? '' : ' (random fields)'}: combine ${combine.best.toFixed(2)} s, combine + grading + 100-zone rate ${withAssess.best.toFixed(2)} s (+${(added * 100).toFixed(0)} %), ${table.rows.length} rows`);
  const grade = await timeit(() => gradeIntensity(out, { ...rate, out: classes }), opts);
  const memRate = await timeit(() => conservationRate(out, layer, rate), opts);
  const figs = [
    figure(`combine_seconds_${M}M`, `combine + stats alone, 1 thread, ${M} Mcells`, combine.best, 's'),
    figure(`combine_assess_seconds_${M}M`, `combine + grading + 100-zone rate in the same pass, ${M} Mcells`, withAssess.best, 's'),
    figure(`assess_added_fraction_${M}M`, `time added by grading + 100-zone accumulation / combine (target ≤ 0.5), ${M} Mcells`, added, 'ratio', { higherIsBetter: false }),
    figure(`combine_over_combine_assess_${M}M`, `combine / (combine + assessment), ${M} Mcells (target ≥ 0.667)`, combine.best / withAssess.best, 'ratio', {}),
    figure(`grade_mcells_${M}M`, `gradeIntensity in memory, ${M} Mcells`, n / grade.best / 1e6, 'Mcells/s'),
    figure(`rate_mcells_${M}M`, `conservationRate in memory (100 zones + hierarchy), ${M} Mcells`, n / memRate.best / 1e6, 'Mcells/s'),
  ];
  if (!smooth) {
    // worst case: independent random factors in every cell (grading branches mispredict)
    return figs.slice(0, 4).map((x) => ({ ...x, id: `${x.id}_randomfield`, label: `${x.label} (independent random factor fields)` }));
  }
  if (M === 10) {
    // 100 GeoJSON-like polygons (20-gons) rasterised onto the grid.
    const polys = [];
    const W = grid.width * 30, H = grid.height * 30;
    for (let k = 0; k < 100; k++) {
      const cx = 300000 + ((k % 10) + 0.5) * W / 10, cy = 3200000 - (Math.floor(k / 10) + 0.5) * H / 10;
      const ring = [];
      for (let j = 0; j <= 20; j++) { const t = (2 * Math.PI * (j % 20)) / 20; ring.push([cx + 0.55 * W / 10 * Math.cos(t), cy + 0.55 * H / 10 * Math.sin(t)]); }
      polys.push([[ring]]);
    }
    const ras = await timeit(() => rasterizePolygons(grid, polys, polys.map((_, i) => i + 1)), opts);
    figs.push(figure(`rasterize_100_polygons_mcells_${M}M`, `rasterise 100 overlapping 20-gons (cell centres), ${M} Mcells`, n / ras.best / 1e6, 'Mcells/s'));
  }
  return figs;
}

/**
 * The pass as it runs in practice: five Deflate GeoTIFF factors → A written as a Deflate GeoTIFF (the combine), and
 * the same pass reading a zone GeoTIFF as well, writing the class GeoTIFF and accumulating the 100-zone table.
 */
export async function streamed(cells, { ci, log }) {
  const M = Math.round(cells / 1e6);
  const grid = gridOf(cells);
  const dir = join(tmpdir(), `rusle-bench-assess-${grid.width}x${grid.height}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  try {
    const ranges = { R: [3000, 9000], K: [0.002, 0.05], LS: [0, 20], C: [0.001, 0.5], P: [0.3, 1] };
    const paths = {};
    let seed = 1;
    for (const [k, [lo, hi]] of Object.entries(ranges)) {
      paths[k] = join(dir, `${k}.tif`);
      await writeRaster(paths[k], fieldOf(grid, seed++, lo, hi, true));
    }
    const zonesPath = join(dir, 'zones.tif');
    const zones = zonesOf(grid);
    await writeRaster(zonesPath, zones);
    const layer = zonesFromRaster(zones, { hierarchy: 'admin-codes' });
    const rate = { units: 't/ha/yr', tolerance: 'red-soil' };
    const runs = ci ? 2 : 1;
    let bestC = Infinity, bestA = Infinity;
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      await soilLoss(paths, { output: join(dir, 'A.tif'), workers: 1 });
      bestC = Math.min(bestC, (performance.now() - t) / 1000);
      t = performance.now();
      const acc = new RateAccumulator(rate, layer);
      await soilLoss(paths, {
        output: join(dir, 'A.tif'), workers: 1, extraInputs: { zones: zonesPath },
        extraOutputs: { classes: { type: 'Byte', path: join(dir, 'classes.tif'), nodata: 0, write: CLASS_WRITE } },
        onBlock: rateBlockHook(acc, { classes: 'classes' }),
      });
      acc.finish();
      bestA = Math.min(bestA, (performance.now() - t) / 1000);
    }
    log(`${M} Mcells streamed: combine ${bestC.toFixed(2)} s, + zones read, classes written, 100-zone rate ${bestA.toFixed(2)} s (+${((bestA / bestC - 1) * 100).toFixed(0)} %)`);
    return [
      figure(`stream_combine_seconds_${M}M`, `streamed combine (5 Deflate GeoTIFFs → A GeoTIFF), 1 thread, ${M} Mcells`, bestC, 's'),
      figure(`stream_combine_assess_seconds_${M}M`, `streamed combine + zone GeoTIFF read + class GeoTIFF written + 100-zone rate, ${M} Mcells`, bestA, 's'),
      figure(`stream_assess_added_fraction_${M}M`, `streamed: time added by the assessment / combine (target ≤ 0.5), ${M} Mcells`, bestA / bestC - 1, 'ratio', { higherIsBetter: false }),
      figure(`stream_combine_over_combine_assess_${M}M`, `streamed: combine / (combine + assessment), ${M} Mcells (target ≥ 0.667)`, bestC / bestA, 'ratio', ci ? { tracked: true, floor: 0.4 } : {}),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default {
  name: 'assess',
  async run({ ci, log }) {
    const figs = [];
    try {
      figs.push(...(await run(10e6, { ci, log })));
      figs.push(...(await run(10e6, { ci, log, smooth: false })));
      figs.push(...(await streamed(ci ? 4e6 : 185e6, { ci, log })));
      if (!ci) figs.push(...(await run(185e6, { ci, log })));
    } finally {
      await closeWorkerPool();
    }
    return figs;
  },
};
