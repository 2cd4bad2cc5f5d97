// Factor-applier benchmarks (issue 5): cells per second of the raster appliers (K by EPIC from four texture
// rasters, C from NDVI by van der Knijff, C by land-cover lookup, R from annual precipitation), each as a ratio to
// two baselines of the same run: a copy of the same input bytes (TypedArray.prototype.set; memory-bound, reported)
// and a one-Math.exp-per-cell JS loop over one input (compute-bound like the formulas; tracked in CI).
// Small: 1 Mcell in CI, 4 Mcells in full mode. The appliers call the registered scalar formula once per cell.
import { Grid, projectedCrs, Raster, kFactorRaster, cFactorFromNdvi, cFactorFromLandCover, rFactorRaster, fixedIntervalRecord, stormErosivity } from '../../dist/index.js';
import { figure, timeit } from '../lib.mjs';

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
    const cells = ci ? 1e6 : 4e6;
    const x = inputs(cells);
    const opts = { minRuns: ci ? 3 : 5, minSeconds: ci ? 0.3 : 1 };
    // Baseline: copy the same input bytes (4 float32 inputs for K, 1 for the others) into a fresh output.
    const dst = new Float32Array(x.n);
    const copy1 = await timeit(() => { dst.set(x.ndvi.data); }, opts);
    const copy4 = await timeit(() => { dst.set(x.sand.data); dst.set(x.silt.data); dst.set(x.clay.data); dst.set(x.oc.data); }, opts);
    // Compute-bound baseline: one Math.exp per cell with a NaN check, the cost floor of a one-input formula.
    const src = x.ndvi.data;
    const expLoop = await timeit(() => {
      for (let i = 0; i < src.length; i++) {
        const v = src[i];
        dst[i] = v !== v ? NaN : Math.exp(-v);
      }
    }, opts);
    const runs = [
      ['k_epic', 'K by EPIC from 4 texture rasters', () => kFactorRaster({ sandPct: x.sand, siltPct: x.silt, clayPct: x.clay, organicCarbonPct: x.oc }, { method: 'epic', onOutOfRange: 'nodata' }), copy4],
      ['c_ndvi', 'C from NDVI (van der Knijff)', () => cFactorFromNdvi(x.ndvi, { onOutOfRange: 'nodata' }), copy1],
      ['c_lookup', 'C by land-cover lookup', () => cFactorFromLandCover(x.lu, x.table), copy1],
      ['r_annual', 'R from annual precipitation (Renard & Freimund)', () => rFactorRaster(x.precip, { onOutOfRange: 'nodata' }), copy1],
    ];
    const figs = [figure('factors.cells', 'cells per applier run', x.n, 'cells')];
    for (const [id, label, fn, base] of runs) {
      const t = await timeit(fn, opts);
      const mc = x.n / t.best / 1e6;
      const ratio = base.best / t.best;
      log(`  ${label}: ${mc.toFixed(1)} Mcells/s (copy baseline ratio ${ratio.toFixed(3)})`);
      figs.push(figure(`factors.${id}.mcells`, `${label}, Mcells/s`, +mc.toFixed(2), 'Mcells/s'));
      figs.push(figure(`factors.${id}.vs_copy`, `${label}, throughput ÷ copy of its inputs`, +ratio.toFixed(4), 'ratio'));
      const vsExp = expLoop.best / t.best;
      figs.push(figure(`factors.${id}.vs_exp_loop`, `${label}, throughput ÷ a one-exp-per-cell JS loop`, +vsExp.toFixed(4), 'ratio', { tracked: true, floor: 0.02 }));
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
