// Factor-applier benchmarks: cells per second of the raster appliers (K by EPIC from four texture rasters, C from NDVI
// by van der Knijff, C by land-cover lookup, R from annual precipitation), each as a ratio to two baselines timed in
// the same interleaved rounds: an allocate-and-copy of the same input bytes (memory-bound, reported) and an
// allocate + one-Math.exp-per-cell JS loop over one input (compute-bound like the formulas). Tracked in CI: each
// applier against the baseline of its kind, as the median of the rounds' ratios.
// 4 Mcells in both modes (at 1 Mcell the fastest applier took 3 ms, and the ratio swung by 2× between runs). The appliers call the registered scalar formula once per cell.
import { Grid, projectedCrs, Raster, kFactorRaster, cFactorFromNdvi, cFactorFromLandCover, rFactorRaster, fixedIntervalRecord, stormErosivity } from '../../dist/index.js';
import { figure, interleaved, medianRoundRatio, timeit } from '../lib.mjs';

function lcg(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s >>> 8) / 2 ** 24;
  };
}

function inputs(cells) {
  const W = Math.round(Math.sqrt(cells));
  const H = Math.round(cells / W);
  const grid = new Grid(W, H, [300000, 30, 0, 3200000, 0, -30], projectedCrs({ epsg: 32650 }));
  const n = W * H;
  const rnd = lcg(5);
  const sand = new Float32Array(n), silt = new Float32Array(n), clay = new Float32Array(n), oc = new Float32Array(n);
  const ndvi = new Float32Array(n), precip = new Float32Array(n), lu = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = 5 + 40 * rnd();
    const si = (100 - c) * rnd();
    clay[i] = c; silt[i] = si; sand[i] = 100 - c - si; oc[i] = 0.2 + 3 * rnd();
    ndvi[i] = -0.1 + rnd();
    precip[i] = 400 + 1600 * rnd();
    lu[i] = 1 + Math.floor(rnd() * 10);
    if (i % 97 === 0) { sand[i] = NaN; ndvi[i] = NaN; precip[i] = NaN; lu[i] = 0; }
  }
  const r = (d) => new Raster(grid, d, NaN);
  return {
    n, grid, sand: r(sand), silt: r(silt), clay: r(clay), oc: r(oc), ndvi: r(ndvi), precip: r(precip),
    lu: new Raster(grid, lu, 0), table: new Map(Array.from({ length: 10 }, (_, k) => [k + 1, 0.01 * (k + 1)])),
  };
}

export default {
  name: 'factors',
  async run({ ci, log }) {
    const cells = 4e6;
    const x = inputs(cells);
    // Every quantity allocates its output, as the appliers do (each returns a new raster): a fresh array costs page
    // faults that vary between machine starts, so the baselines pay them too and the ratios compare like with like.
    // Baselines: a copy of the same input bytes (4 float32 inputs for K, 1 for the others; memory-bound, reported)
    // and one Math.exp per cell with a NaN check (compute-bound, the cost floor of a one-input formula).
    const src = x.ndvi.data;
    const n = x.n;
    const variants = {
      copy1: () => new Float32Array(n).set(src),
      copy4: () => { const d = new Float32Array(n); d.set(x.sand.data); d.set(x.silt.data); d.set(x.clay.data); d.set(x.oc.data); },
      expLoop: () => {
        const dst = new Float32Array(n);
        for (let i = 0; i < n; i++) {
          const v = src[i];
          dst[i] = v !== v ? NaN : Math.exp(-v);
        }
        return dst;
      },
      k_epic: () => kFactorRaster({ sandPct: x.sand, siltPct: x.silt, clayPct: x.clay, organicCarbonPct: x.oc }, { method: 'epic', onOutOfRange: 'nodata' }),
      c_ndvi: () => cFactorFromNdvi(x.ndvi, { onOutOfRange: 'nodata' }),
      c_lookup: () => cFactorFromLandCover(x.lu, x.table),
      r_annual: () => rFactorRaster(x.precip, { onOutOfRange: 'nodata' }),
    };
    // Interleaved rounds, best of each, a full collection before each call: two warm-up rounds reach the optimised
    // code of every kernel.
    const t = await interleaved(variants, { warmupRounds: 2, rounds: 11, collectGarbage: true });
    // The tracked ratio of each applier is the median over rounds of (baseline ÷ applier) within the round: the
    // compute-bound formulas against the exp loop, the memory-bound lookup against the copy of its input.
    const runs = [
      ['k_epic', 'K by EPIC from 4 texture rasters', 'copy4', 'expLoop'],
      ['c_ndvi', 'C from NDVI (van der Knijff)', 'copy1', 'expLoop'],
      ['c_lookup', 'C by land-cover lookup', 'copy1', 'copy1'],
      ['r_annual', 'R from annual precipitation (Renard & Freimund)', 'copy1', 'expLoop'],
    ];
    const figs = [figure('factors.cells', 'cells per applier run', x.n, 'cells')];
    for (const [id, label, base, yardstick] of runs) {
      const best = t[id].best;
      const mc = x.n / best / 1e6;
      const ratio = t[base].best / best;
      log(`  ${label}: ${mc.toFixed(1)} Mcells/s (copy baseline ratio ${ratio.toFixed(3)})`);
      figs.push(figure(`factors.${id}.mcells`, `${label}, Mcells/s`, +mc.toFixed(2), 'Mcells/s'));
      figs.push(figure(`factors.${id}.vs_copy`, `${label}, throughput ÷ an allocate-and-copy of its inputs`, +ratio.toFixed(4), 'ratio'));
      const vsExp = t.expLoop.best / best;
      figs.push(figure(`factors.${id}.vs_exp_loop`, `${label}, throughput ÷ an allocate + one-exp-per-cell JS loop (bests)`, +vsExp.toFixed(4), 'ratio'));
      const tracked = medianRoundRatio(t[yardstick], t[id]);
      const what = yardstick === 'expLoop' ? 'the allocate + exp loop' : 'the allocate-and-copy of its input';
      figs.push(figure(`factors.${id}.round_ratio`, `${label}, throughput ÷ ${what}, median of the rounds' ratios`, +tracked.toFixed(4), 'ratio', { tracked: true, floor: 0.02 }));
    }
    // Storm EI30 from a 1-min rain record (seeded synthetic storms): intervals per second.
    const years = ci ? 1 : 10;
    const steps = years * 365 * 1440;
    const depth = new Float64Array(steps);
    const rnd = lcg(11);
    for (let i = 0; i < steps; i++) {
      if (rnd() < 0.002) {
        const len = 30 + Math.floor(rnd() * 300);
        for (let j = 0; j < len && i + j < steps; j++) depth[i + j] = rnd() * 1.5;
        i += len;
      }
    }
    const rec = fixedIntervalRecord(Date.UTC(2010, 0, 1), 1, depth);
    const te = await timeit(() => stormErosivity(rec), { minRuns: ci ? 2 : 3, minSeconds: 0 });
    log(`  storm EI30, ${years} year(s) of 1-min data: ${(steps / te.best / 1e6).toFixed(2)} M intervals/s`);
    figs.push(figure('factors.ei30.mintervals', `storm EI30 over ${years} year(s) of 1-min data, M intervals/s`, +(steps / te.best / 1e6).toFixed(3), 'M intervals/s'));
    return figs;
  },
};
