// Engine benchmarks (issue 6): the in-memory combine A = R·K·LS·C·P with statistics against a copy of the same bytes
// (TypedArray.prototype.set of the five inputs) in the same run, against ndarray-ops and numpy; worker scaling;
// constants folded into the multiplier; streaming from Deflate GeoTIFFs against gdal_calc.py on the same files; and
// (full mode) the 1.7 Gcell province run from generated sources with its peak RSS (benchmarks/province-stream.mjs,
// in a child process).
//
// CI: 10 Mcells in memory, 4 Mcells streamed. Full: 10, 100 and 185 Mcells in memory, 50 Mcells streamed, 1.7 Gcells
// from generators. Run the full mode under `flock /tmp/rusle-bigrun.lock` (it needs about 5 GiB).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ndarray from 'ndarray';
import ops from 'ndarray-ops';
import { Grid, projectedCrs, Raster, soilLoss, sharedArray, closeWorkerPool, writeRaster } from '../../dist/index.js';
import { figure, hasCommand, maskOutsideEllipse, seededUniform, timeit, timeCommand } from '../lib.mjs';

const crs = projectedCrs({ epsg: 32650 });

function gridOf(cells) {
  const W = Math.round(Math.sqrt(cells));
  const H = Math.round(cells / W);
  return new Grid(W, H, [300000, 30, 0, 3200000, 0, -30], crs);
}

/** Seeded factor field with ~3 % nodata (NaN outside an ellipse), on a SharedArrayBuffer. */
function fieldOf(grid, seed, lo, hi) {
  const { width: W, height: H } = grid;
  const data = sharedArray(Float32Array, W * H);
  const pattern = seededUniform(2 * W, seed).map((u) => lo + u * (hi - lo));
  for (let y = 0; y < H; y++) {
    const shift = (y * 7919) % W;
    const row = data.subarray(y * W, (y + 1) * W);
    row.set(pattern.subarray(shift, shift + W));
    maskOutsideEllipse(row, y, H, W);
  }
  return new Raster(grid, data, NaN);
}

function factorsOf(grid) {
  return {
    R: fieldOf(grid, 1, 3000, 9000),
    K: fieldOf(grid, 2, 0.002, 0.05),
    LS: fieldOf(grid, 3, 0, 20),
    C: fieldOf(grid, 4, 0.001, 0.5),
    P: fieldOf(grid, 5, 0.3, 1),
  };
}

function numpyMcells(cells) {
  const py = `
import numpy as np, time
n = ${cells}
rng = np.random.default_rng(1)
a = [rng.random(n, dtype=np.float32) for _ in range(5)]
o = np.empty(n, dtype=np.float32)
best = 1e9
for _ in range(5):
    t = time.perf_counter()
    np.multiply(a[0], a[1], out=o); o *= a[2]; o *= a[3]; o *= a[4]
    best = min(best, time.perf_counter() - t)
print(n / best / 1e6)
`;
  try {
    return Number(execFileSync('python3', ['-c', py], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim());
  } catch {
    return null;
  }
}

async function inMemory(cells, { ci, log, extras }) {
  const M = Math.round(cells / 1e6);
  const grid = gridOf(cells);
  const n = grid.width * grid.height;
  log(`${M} Mcells: generating inputs`);
  const f = factorsOf(grid);
  const out = new Raster(grid, sharedArray(Float32Array, n), NaN);
  const ins = [f.R.data, f.K.data, f.LS.data, f.C.data, f.P.data];
  const opts = ci ? { minRuns: 5, minSeconds: 0.5 } : { minRuns: 3, minSeconds: 1, maxRuns: cells > 5e7 ? 4 : 10 };
  // Interleaved rounds: the copy and each combine variant run one after the other in every round, and each keeps
  // its best time, so a burst of load on the shared machine hits all of them alike.
  const nd = ins.map((a) => ndarray(a, [grid.height, grid.width]));
  const ndo = ndarray(out.data, [grid.height, grid.width]);
  const variants = {
    copy: () => { for (const a of ins) out.data.set(a); },
    ndops: () => {
      // ndarray-ops: the same product as a chain of whole-array operations (no checks, no statistics).
      ops.mul(ndo, nd[0], nd[1]);
      ops.muleq(ndo, nd[2]);
      ops.muleq(ndo, nd[3]);
      ops.muleq(ndo, nd[4]);
    },
    one: () => soilLoss(f, { out, workers: 1 }),
    // The user's path: rasters as readRaster returns them (on a SharedArrayBuffer), no preallocated out.
    user1: () => soilLoss(f, { workers: 1 }),
    user2: () => soilLoss(f, { workers: 2 }),
    // One allocation of an output of that size, touched once: what a fresh result costs in page faults.
    alloc: () => { new Float32Array(n).fill(1); },
    oneJs: () => soilLoss(f, { out, workers: 1, kernel: 'js' }),
    two: () => soilLoss(f, { out, workers: 2 }),
  };
  const best = Object.fromEntries(Object.keys(variants).map((k) => [k, Infinity]));
  for (const fn of Object.values(variants)) await fn(); // warm-up (JIT, wasm compile, worker start)
  const rounds = ci ? 20 : cells > 5e7 ? 4 : 8;
  for (let r = 0; r < rounds; r++) {
    for (const [k, fn] of Object.entries(variants)) {
      const t = performance.now();
      await fn();
      best[k] = Math.min(best[k], (performance.now() - t) / 1000);
    }
  }
  const user1 = best.user1;
  const user2 = best.user2;
  const copy = { best: best.copy };
  const one = { best: best.one };
  const oneJs = { best: best.oneJs };
  const two = { best: best.two };
  const copyRate = n / copy.best;
  const oneRate = n / one.best;
  const twoRate = n / two.best;
  log(`${M} Mcells, user's path (no out): 1 thread ${(n / user1 / 1e6).toFixed(0)}, 2 threads ${(n / user2 / 1e6).toFixed(0)} Mcells/s; allocate-and-touch ${(best.alloc * 1e3).toFixed(1)} ms`);
  log(`${M} Mcells: copy ${(copyRate / 1e6).toFixed(0)}, combine 1 thread ${(oneRate / 1e6).toFixed(0)} (JS kernel ${(n / oneJs.best / 1e6).toFixed(0)}), 2 threads ${(twoRate / 1e6).toFixed(0)} Mcells/s`);
  const figs = [
    figure(`user_1t_${M}M`, `user's path: readRaster-style inputs → soilLoss(f, { workers: 1 }), no out, ${M} Mcells`, n / user1 / 1e6, 'Mcells/s'),
    figure(`user_2t_${M}M`, `user's path: soilLoss(f, { workers: 2 }), no out, ${M} Mcells`, n / user2 / 1e6, 'Mcells/s'),
    figure(`user_1t_seconds_${M}M`, `user's path wall time, 1 thread, no out, ${M} Mcells`, user1, 's'),
    figure(`alloc_touch_seconds_${M}M`, `allocate and touch one output array, ${M} Mcells`, best.alloc, 's'),
    figure(`user_1t_vs_out_plus_alloc_${M}M`, `(combine with out + allocate-and-touch) / user's path, 1 thread, ${M} Mcells (≥ 0.8: within 1.25×)`, (one.best + best.alloc) / user1, 'ratio'),
    figure(`user_2t_vs_1t_${M}M`, `user's path, no out: 2 threads / 1 thread speed, ${M} Mcells (≥ 1)`, user1 / user2, 'ratio'),
    figure(`copy_${M}M`, `copy of the same bytes (5 × set), ${M} Mcells`, copyRate / 1e6, 'Mcells/s'),
    figure(`combine_1t_${M}M`, `best case, preallocated shared out: combine + stats (default kernel: WebAssembly SIMD), 1 thread, ${M} Mcells`, oneRate / 1e6, 'Mcells/s'),
    figure(`combine_2t_${M}M`, `best case, preallocated shared out: combine + stats, 2 threads, ${M} Mcells`, twoRate / 1e6, 'Mcells/s'),
    figure(`combine_1t_js_${M}M`, `combine + stats, JavaScript kernel (kernel: 'js'), 1 thread, ${M} Mcells`, n / oneJs.best / 1e6, 'Mcells/s'),
    figure(`combine_1t_js_vs_copy_${M}M`, `combine JavaScript kernel 1 thread / copy, ${M} Mcells`, n / oneJs.best / copyRate, 'ratio'),
    figure(`wasm_vs_js_${M}M`, `WebAssembly SIMD kernel / JavaScript kernel, 1 thread, ${M} Mcells`, oneJs.best / one.best, 'ratio'),
    figure(`combine_1t_vs_copy_${M}M`, `combine 1 thread / copy, ${M} Mcells`, oneRate / copyRate, 'ratio', M === 10 ? { tracked: true, floor: 0.25 } : {}),
    figure(`combine_2t_vs_copy_${M}M`, `combine 2 threads / copy, ${M} Mcells`, twoRate / copyRate, 'ratio'),
    figure(`scaling_1_to_2_${M}M`, `best case (out given): worker scaling 1 → 2 threads, ${M} Mcells (≥ 1.6)`, twoRate / oneRate, 'ratio'),
    figure(`combine_1t_seconds_${M}M`, `combine + stats wall time, 1 thread, ${M} Mcells`, one.best, 's'),
    figure(`combine_2t_seconds_${M}M`, `combine + stats wall time, 2 threads, ${M} Mcells`, two.best, 's'),
  ];
  if (extras) {
    // Constants folded into the multiplier: 3 rasters + 2 constants.
    const consts = await timeit(() => soilLoss({ R: f.R, K: 0.03, LS: f.LS, C: f.C, P: 1 }, { out, workers: 1 }), opts);
    figs.push(figure(`combine_2const_vs_5raster_${M}M`, `combine with 2 of 5 factors constant / all rasters, speed-up, ${M} Mcells`, one.best / consts.best, 'ratio'));
    // The plain product loop without nodata/bad-value checks and statistics: what the checks and stats cost.
    const naive = new Function('O', 'a', 'b', 'c', 'd', 'e', 'n', 'for (let i = 0; i < n; i++) O[i] = a[i] * b[i] * c[i] * d[i] * e[i];');
    const nv = await timeit(() => naive(out.data, ...ins, n), opts);
    figs.push(figure(`plain_loop_vs_copy_${M}M`, `plain JS product loop (no checks, no stats) / copy, ${M} Mcells`, n / nv.best / copyRate, 'ratio'));
    const ndRate = n / best.ndops;
    figs.push(figure(`ndarray_ops_${M}M`, `ndarray-ops mul chain (no stats, no checks), ${M} Mcells`, ndRate / 1e6, 'Mcells/s'));
    figs.push(figure(`combine_1t_vs_ndarray_ops_${M}M`, `combine 1 thread / ndarray-ops, ${M} Mcells`, oneRate / ndRate, 'ratio', { tracked: true }));
    const np = hasCommand('python3') ? numpyMcells(n) : null;
    if (np !== null && Number.isFinite(np)) {
      figs.push(figure(`numpy_${M}M`, `numpy in-memory product (np.multiply chain, float32), ${M} Mcells`, np, 'Mcells/s'));
      figs.push(figure(`combine_1t_vs_numpy_${M}M`, `combine 1 thread / numpy, ${M} Mcells`, oneRate / 1e6 / np, 'ratio'));
      figs.push(figure(`numpy_vs_copy_${M}M`, `numpy / copy (JS), ${M} Mcells`, (np * 1e6) / copyRate, 'ratio'));
    } else log('numpy not available: skipped');
  }
  return figs;
}

async function streaming(cells, { ci, log, predictor }) {
  const M = Math.round(cells / 1e6);
  const grid = gridOf(cells);
  const tag = predictor ? '_pred' : '';
  const what = predictor ? 'Deflate + float predictor' : 'Deflate';
  const dir = join(tmpdir(), `rusle-bench-engine-${grid.width}x${grid.height}${tag}`);
  mkdirSync(dir, { recursive: true });
  const names = ['R', 'K', 'LS', 'C', 'P'];
  const paths = Object.fromEntries(names.map((k) => [k, join(dir, `${k}.tif`)]));
  if (!names.every((k) => existsSync(paths[k]))) {
    log(`${M} Mcells: writing five ${what} GeoTIFFs with the io writer to ${dir}`);
    const ranges = { R: [3000, 9000], K: [0.002, 0.05], LS: [0, 20], C: [0.001, 0.5], P: [0.3, 1] };
    let seed = 1;
    for (const k of names) {
      const r = fieldOf(grid, seed++, ...ranges[k]);
      await writeRaster(paths[k], r, { compression: 'deflate', predictor });
    }
  }
  const ours = join(dir, 'A-rusle.tif');
  const gdal = join(dir, 'A-gdal.tif');
  const runs = ci ? 2 : 1;
  const figs = [];
  let best1 = Infinity;
  let best2 = Infinity;
  for (let i = 0; i < runs; i++) {
    let t = performance.now();
    await soilLoss(paths, { output: ours, workers: 1, memoryBudget: '1GiB' });
    best1 = Math.min(best1, (performance.now() - t) / 1000);
    t = performance.now();
    await soilLoss(paths, { output: ours, workers: 2, memoryBudget: '1GiB' });
    best2 = Math.min(best2, (performance.now() - t) / 1000);
  }
  const n = grid.width * grid.height;
  log(`${M} Mcells streamed (${what} inputs): 1 thread ${best1.toFixed(2)} s, 2 threads ${best2.toFixed(2)} s`);
  figs.push(figure(`stream_1t_${M}M${tag}`, `streamed GeoTIFF → GeoTIFF (5 f32 inputs, ${what}; 1 output), 1 thread, ${M} Mcells`, n / best1 / 1e6, 'Mcells/s'));
  figs.push(figure(`stream_2t_${M}M${tag}`, `streamed GeoTIFF → GeoTIFF (${what} inputs), 2 threads, ${M} Mcells`, n / best2 / 1e6, 'Mcells/s'));
  if (hasCommand('gdal_calc.py')) {
    const args = ['-A', paths.R, '-B', paths.K, '-C', paths.LS, '-D', paths.C, '-E', paths.P, '--outfile', gdal, '--calc=A*B*C*D*E', '--type=Float32', '--co', 'COMPRESS=DEFLATE', '--co', 'TILED=YES', '--overwrite', '--quiet'];
    const g = timeCommand('gdal_calc.py', args, { runs });
    if (g !== null) {
      log(`${M} Mcells gdal_calc.py (${what} inputs): ${g.toFixed(2)} s`);
      figs.push(figure(`gdal_calc_${M}M${tag}`, `gdal_calc.py on the same files (${what}), ${M} Mcells`, n / g / 1e6, 'Mcells/s'));
      figs.push(figure(`stream_2t_vs_gdal_calc_${M}M${tag}`, `streamed 2 threads / gdal_calc.py (${what} inputs), ${M} Mcells`, g / best2, 'ratio'));
      figs.push(figure(`stream_1t_vs_gdal_calc_${M}M${tag}`, `streamed 1 thread / gdal_calc.py (${what} inputs), ${M} Mcells`, g / best1, 'ratio'));
    }
  } else log('gdal_calc.py not found: skipped');
  // The command users run, `rusle soil-loss` on the files, against gdal_calc.py on the same files: rounds
  // interleaved, best wall of each, with the CPU seconds (user + system) of that run.
  const cli = new URL('../../dist/cli/main.js', import.meta.url).pathname;
  const cliArgs = [cli, 'soil-loss', '--r', paths.R, '--k', paths.K, '--ls', paths.LS, '--c', paths.C, '--p', paths.P, '-o', ours];
  const calcArgs = ['-A', paths.R, '-B', paths.K, '-C', paths.LS, '-D', paths.C, '-E', paths.P, '--outfile', gdal, '--calc=A*B*C*D*E', '--type=Float32', '--co', 'COMPRESS=DEFLATE', '--co', 'TILED=YES', '--overwrite', '--quiet'];
  const haveCalc = hasCommand('gdal_calc.py');
  let bestCli = null;
  let bestCalc = null;
  // The command is compared on the predictor-3 files only (the case), to keep the CI mode short.
  for (let i = 0; predictor && i < (ci ? 2 : 3); i++) {
    const a = timeWithCpu(process.execPath, cliArgs);
    if (a && (!bestCli || a.wall < bestCli.wall)) bestCli = a;
    if (haveCalc) {
      const g = timeWithCpu('gdal_calc.py', calcArgs);
      if (g && (!bestCalc || g.wall < bestCalc.wall)) bestCalc = g;
    }
  }
  if (bestCli) {
    log(`${M} Mcells \`rusle soil-loss\` (${what} inputs): ${bestCli.wall.toFixed(2)} s wall, ${bestCli.cpu.toFixed(2)} s CPU; output ${(statSync(ours).size / 2 ** 20).toFixed(1)} MiB`);
    figs.push(figure(`cli_soil_loss_seconds_${M}M${tag}`, `\`rusle soil-loss\` on the five files (${what}), wall, ${M} Mcells`, bestCli.wall, 's', { higherIsBetter: false }));
    figs.push(figure(`cli_soil_loss_cpu_${M}M${tag}`, `\`rusle soil-loss\`: CPU seconds (user + system) of the best run`, bestCli.cpu, 's', { higherIsBetter: false }));
  }
  if (bestCli && bestCalc) {
    log(`${M} Mcells gdal_calc.py: ${bestCalc.wall.toFixed(2)} s wall, ${bestCalc.cpu.toFixed(2)} s CPU; output ${(statSync(gdal).size / 2 ** 20).toFixed(1)} MiB`);
    figs.push(figure(`gdal_calc_cpu_${M}M${tag}`, `gdal_calc.py: CPU seconds (user + system) of the best run`, bestCalc.cpu, 's', { higherIsBetter: false }));
    figs.push(figure(`cli_vs_gdal_calc_${M}M${tag}`, `gdal_calc.py wall / \`rusle soil-loss\` wall, same files, same run (${what} inputs; target ≥ 2)`, bestCalc.wall / bestCli.wall, 'ratio'));
    figs.push(figure(`cli_vs_gdal_calc_cpu_${M}M${tag}`, `gdal_calc.py CPU / \`rusle soil-loss\` CPU, same runs`, bestCalc.cpu / bestCli.cpu, 'ratio'));
  }
  rmSync(ours, { force: true });
  rmSync(gdal, { force: true });
  return figs;
}

/** Wall and CPU seconds (user + system, children included) of one run of a command, via /usr/bin/time; null without it. */
function timeWithCpu(cmd, args) {
  if (!existsSync('/usr/bin/time')) return null;
  const file = join(tmpdir(), `rusle-bench-time-${process.pid}.txt`);
  execFileSync('/usr/bin/time', ['-f', '%e %U %S', '-o', file, cmd, ...args], { stdio: 'pipe' });
  const [wall, user, sys] = readFileSync(file, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number);
  rmSync(file, { force: true });
  return { wall, cpu: user + sys };
}

function province(log) {
  log('1.7 Gcells streamed from generators (benchmarks/province-stream.mjs, child process)');
  const script = new URL('../province-stream.mjs', import.meta.url).pathname;
  const text = execFileSync(process.execPath, [script, '--width', '41000', '--height', '41000', '--workers', '2', '--budget', '1.5GiB'], { stdio: ['ignore', 'pipe', 'inherit'] }).toString();
  const r = JSON.parse(text.trim().split('\n').pop());
  return [
    figure('province_1p7G_seconds', `1.7 Gcells (41,000²) streamed from generators → Deflate GeoTIFF, 2 threads`, r.seconds, 's'),
    figure('province_1p7G_rate', '1.7 Gcells streamed: throughput', r.cellsPerSecond / 1e6, 'Mcells/s'),
    figure('province_1p7G_peak_rss', '1.7 Gcells streamed: peak RSS of the process', r.peakRssBytes / 2 ** 30, 'GiB', { higherIsBetter: false }),
  ];
}

export default {
  name: 'engine',
  async run({ ci, log }) {
    const figs = [];
    const sizes = ci ? [10e6] : [10e6, 100e6, 185e6];
    for (const cells of sizes) {
      figs.push(...(await inMemory(cells, { ci, log, extras: cells === sizes[0] })));
      if (global.gc) global.gc();
    }
    figs.push(...(await streaming(ci ? 4e6 : 50e6, { ci, log, predictor: false })));
    figs.push(...(await streaming(ci ? 4e6 : 64e6, { ci, log, predictor: true })));
    await closeWorkerPool();
    if (!ci && process.env.RUSLE_BENCH_PROVINCE !== '0') figs.push(...province(log));
    return figs;
  },
};
