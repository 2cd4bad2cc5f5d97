// LS benchmark: the LS step's time as a share of the hydrology chain's time, measured in the same run.
//
// Hydrology chain = Priority-Flood+ε fill → routing (D8 for the slope-length presets, the preset's routing for the
// area presets) → accumulation (upslope area, m²). LS step = everything lsFactor adds given the conditioned DEM and
// those routing results (slope, λ or area conversion, L · S): lsFactor(filled, { fill: false, flowDirection | upslopeAreaM2 }).
// Target (issue #4): LS step ≤ 30 % of the chain. Figures: share per preset and DEM; tracked: chain / step for csle.
// DEMs: data/willamette/dem_30m.tif (1081 × 1669, 48 % valid) and a seeded fractal DEM (benchmarks/lib/fractal-dem.mjs).
import { figure, timeit } from '../lib.mjs';
import { fractalDem, toRaster } from '../lib/fractal-dem.mjs';

const PRESETS = ['csle', 'rusle-aml', 'grass-r.watershed', 'invest', 'saga-desmet-govers'];

export default {
  name: 'ls',
  async run({ ci, log }) {
    const lib = await import('../../dist/index.js');
    const dems = [];
    if (!ci) dems.push({ id: 'willamette', raster: await lib.readRaster(new URL('../../data/willamette/dem_30m.tif', import.meta.url).pathname) });
    const size = ci ? 512 : 2048;
    dems.push({ id: `fractal${size}`, raster: toRaster(lib, fractalDem({ width: size, height: size, seed: 7 })) });
    const figures = [];
    const opts = { warmup: ci ? 0 : 1, minRuns: ci ? 1 : 3, minSeconds: 0 };
    for (const { id, raster } of dems) {
      const cells = raster.width * raster.height;
      let filled;
      const tFill = await timeit(() => { filled = lib.fillDepressions(raster, { epsilon: true }); }, opts);
      const routings = {};
      const tRoute = {};
      for (const r of ['d8', 'mfd', 'dinf']) {
        if (ci && r !== 'd8') continue;
        tRoute[r] = await timeit(() => {
          if (r === 'd8') {
            const codes = lib.d8Directions(filled);
            routings.d8 = { codes, area: lib.accumulate({ kind: 'd8', codes }, { output: 'm2' }) };
          } else if (r === 'mfd') routings.mfd = { area: lib.accumulate(lib.mfdRouting(filled), { output: 'm2' }) };
          else routings.dinf = { area: lib.accumulate(lib.dinfRouting(filled), { output: 'm2' }) };
        }, opts);
      }
      for (const preset of PRESETS) {
        const p = lib.LS_PRESETS[preset];
        const routing = p.method === 'desmet-govers' || p.method === 'moore-burch' ? p.routing : 'd8';
        if (!tRoute[routing]) continue;
        const chain = tFill.best + tRoute[routing].best;
        const extra = routing === 'd8' && p.method !== 'desmet-govers' ? { flowDirection: routings.d8.codes } : { upslopeAreaM2: routings[routing].area };
        const tStep = await timeit(() => lib.lsFactor(filled, { preset, fill: false, ...extra }), opts);
        const share = tStep.best / chain;
        log(`${id} ${preset}: chain ${chain.toFixed(3)} s (fill ${tFill.best.toFixed(3)} + ${routing} ${tRoute[routing].best.toFixed(3)}), LS step ${tStep.best.toFixed(3)} s → ${(100 * share).toFixed(1)} %`);
        figures.push(figure(`${id}.${preset}.share`, `${id} (${(cells / 1e6).toFixed(2)} Mcells): LS step (${preset}) / hydrology chain (fill + ${routing} + accumulation)`, 100 * share, '%'));
        if (preset === 'csle') {
          figures.push(figure(`${id}.csle.chainOverStep`, `${id}: hydrology chain time / csle LS step time (higher is better; target ≥ 3.3)`, chain / tStep.best, 'ratio', { tracked: ci, floor: ci ? 0.25 : undefined }));
          figures.push(figure(`${id}.csle.lsMcellsPerS`, `${id}: csle LS step throughput`, cells / tStep.best / 1e6, 'Mcells/s'));
        }
      }
    }
    return figures.map((f) => (f.floor === undefined ? (({ floor: _f, ...rest }) => rest)(f) : f));
  },
};
