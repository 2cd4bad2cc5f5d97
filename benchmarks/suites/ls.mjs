// LS benchmark: the LS step's time as a share of the hydrology chain's time, measured in the same run.
//
// Hydrology chain = Priority-Flood+ε fill → routing (D8 for the slope-length presets, the preset's routing for the
// area presets) → accumulation (upslope area, m²). LS step = everything lsFactor adds given the conditioned DEM and
// those routing results (slope, λ or area conversion, L · S): lsFactor(filled, { fill: false, flowDirection | upslopeAreaM2 }).
// Target (issue #4): LS step ≤ 30 % of the chain. Figures: share per preset and DEM; tracked: chain / step for csle.
// DEMs: data/willamette/dem_30m.tif (1081 × 1669, 48 % valid) and a seeded fractal DEM (benchmarks/lib/fractal-dem.mjs).
//
// The machine is shared, so load comes and goes: every quantity is timed in ROUNDS that interleave the fill, the
// routings and the LS steps (round k times each once), and the best time of each over the rounds is kept. A burst of
// load then spreads over all the quantities instead of landing on one (the fill, timed first, used to take it all).
import { figure } from '../lib.mjs';
import { fractalDem, toRaster } from '../lib/fractal-dem.mjs';

const PRESETS = ['csle', 'rusle-aml', 'grass-r.watershed', 'invest', 'saga-desmet-govers'];

/** Seconds taken by one call. */
function once(fn) {
  const s = performance.now();
  fn();
  return (performance.now() - s) / 1000;
}

export default {
  name: 'ls',
  async run({ ci, log }) {
    const lib = await import('../../dist/index.js');
    const dems = [];
    if (!ci) dems.push({ id: 'willamette', raster: await lib.readRaster(new URL('../../data/willamette/dem_30m.tif', import.meta.url).pathname) });
    const size = ci ? 512 : 2048;
    dems.push({ id: `fractal${size}`, raster: toRaster(lib, fractalDem({ width: size, height: size, seed: 7 })) });
    const figures = [];
    const rounds = ci ? 2 : 5; // round 0 is a warm-up for the full run
    const routingsUsed = ci ? ['d8'] : ['d8', 'mfd', 'dinf'];
    for (const { id, raster } of dems) {
      const cells = raster.width * raster.height;
      const best = { fill: Infinity };
      let filled;
      const routings = {};
      for (let k = 0; k < rounds; k++) {
        const keep = ci || k > 0;
        const tf = once(() => { filled = lib.fillDepressions(raster, { epsilon: true }); });
        if (keep) best.fill = Math.min(best.fill, tf);
        for (const r of routingsUsed) {
          const t = once(() => {
            if (r === 'd8') {
              const codes = lib.d8Directions(filled);
              routings.d8 = { codes, area: lib.accumulate({ kind: 'd8', codes }, { output: 'm2' }) };
            } else if (r === 'mfd') routings.mfd = { area: lib.accumulate(lib.mfdRouting(filled), { output: 'm2' }) };
            else routings.dinf = { area: lib.accumulate(lib.dinfRouting(filled), { output: 'm2' }) };
          });
          if (keep) best[r] = Math.min(best[r] ?? Infinity, t);
        }
        for (const preset of PRESETS) {
          const p = lib.LS_PRESETS[preset];
          const routing = p.method === 'desmet-govers' || p.method === 'moore-burch' ? p.routing : 'd8';
          if (!routings[routing]) continue;
          const extra = routing === 'd8' && p.method !== 'desmet-govers' ? { flowDirection: routings.d8.codes } : { upslopeAreaM2: routings[routing].area };
          const t = once(() => lib.lsFactor(filled, { preset, fill: false, ...extra }));
          if (keep) best[preset] = Math.min(best[preset] ?? Infinity, t);
        }
      }
      for (const preset of PRESETS) {
        const p = lib.LS_PRESETS[preset];
        const routing = p.method === 'desmet-govers' || p.method === 'moore-burch' ? p.routing : 'd8';
        if (best[preset] === undefined) continue;
        const chain = best.fill + best[routing];
        const step = best[preset];
        const share = step / chain;
        log(`${id} ${preset}: chain ${chain.toFixed(3)} s (fill ${best.fill.toFixed(3)} + ${routing} ${best[routing].toFixed(3)}), LS step ${step.toFixed(3)} s → ${(100 * share).toFixed(1)} %`);
        figures.push(figure(`${id}.${preset}.share`, `${id} (${(cells / 1e6).toFixed(2)} Mcells): LS step (${preset}) / hydrology chain (fill + ${routing} + accumulation)`, 100 * share, '%'));
        if (preset === 'csle') {
          figures.push(figure(`${id}.csle.chainOverStep`, `${id}: hydrology chain time / csle LS step time (higher is better; target ≥ 3.3)`, chain / step, 'ratio', { tracked: ci, floor: ci ? 0.25 : undefined }));
          figures.push(figure(`${id}.csle.lsMcellsPerS`, `${id}: csle LS step throughput`, cells / step / 1e6, 'Mcells/s'));
        }
      }
    }
    return figures.map((f) => (f.floor === undefined ? (({ floor: _f, ...rest }) => rest)(f) : f));
  },
};
