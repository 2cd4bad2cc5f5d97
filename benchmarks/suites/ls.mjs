// LS benchmark: the LS step's time as a share of the hydrology chain's time, measured in the same run.
//
// Two conditionings of the DEM, each with its own chain and its own LS step:
// - `hydrology` — the hydrology chain as issue #3 defines it and benchmarks/province.mjs runs it: Priority-Flood fill
//   → Barnes flat resolution → routing with the flats (D8 for the slope-length and grass presets, the preset's MFD
//   or D∞ for the area presets) → accumulation (upslope area, m²). Issue #4's target is stated against this chain.
// - `epsilon` — Priority-Flood+ε fill (every cell drains, no flat resolution: what `lsFactor` does by itself) →
//   routing → accumulation. A cheaper chain, so a stricter comparison; reported alongside.
// LS step = everything lsFactor adds given the conditioned DEM and that chain's routing results (slope, λ or area
// conversion, L · S): lsFactor(filled, { fill: false, flowDirection | upslopeAreaM2 }).
// Target (issue #4): LS step ≤ 30 % of the chain. Figures: `<dem>.<preset>.share` (hydrology chain) and
// `<dem>.<preset>.shareEpsilon` per preset and DEM; tracked: hydrology chain / step for csle.
// DEMs: data/willamette/dem_30m.tif (1081 × 1669, 48 % valid) and a seeded fractal DEM (benchmarks/lib/fractal-dem.mjs).
//
// The machine is shared, so load comes and goes: every quantity is timed in ROUNDS that interleave the fills, the
// routings and the LS steps (round k times each once), and the best time of each over the rounds is kept. A burst of
// load then spreads over all the quantities instead of landing on one.
import { figure } from '../lib.mjs';
import { fractalDem, toRaster } from '../lib/fractal-dem.mjs';

const PRESETS = ['csle', 'rusle-aml', 'grass-r.watershed', 'invest', 'saga-desmet-govers'];
const CHAINS = ['hydrology', 'epsilon'];

/** Seconds taken by one call. */
function once(fn) {
  const s = performance.now();
  fn();
  return (performance.now() - s) / 1000;
}

/** The routing a preset's LS step takes from the chain: D8 codes, or the MFD / D∞ upslope area. */
function routingOf(lib, preset) {
  const p = lib.LS_PRESETS[preset];
  return p.method === 'desmet-govers' || p.method === 'moore-burch' ? p.routing : 'd8';
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
    const rounds = ci ? 9 : 8; // round 0 is a warm-up (the JIT compiles the kernels during it)
    const routingsUsed = ci ? ['d8'] : ['d8', 'mfd', 'dinf'];
    for (const { id, raster } of dems) {
      const cells = raster.width * raster.height;
      // best[chain][quantity] in seconds: fill (and flats), each routing + accumulation, each preset's LS step
      const best = Object.fromEntries(CHAINS.map((c) => [c, {}]));
      const keep = (chain, key, t) => { best[chain][key] = Math.min(best[chain][key] ?? Infinity, t); };
      for (let k = 0; k < rounds; k++) {
        const warm = k > 0;
        for (const chain of CHAINS) {
          let filled;
          let flats = null;
          if (chain === 'hydrology') {
            const tf = once(() => { filled = lib.fillDepressions(raster); });
            const tl = once(() => { flats = lib.resolveFlats(filled); });
            if (warm) { keep(chain, 'fill', tf); keep(chain, 'flats', tl); }
          } else {
            const tf = once(() => { filled = lib.fillDepressions(raster, { epsilon: true }); });
            if (warm) { keep(chain, 'fill', tf); keep(chain, 'flats', 0); }
          }
          const routings = {};
          for (const r of routingsUsed) {
            const t = once(() => {
              if (r === 'd8') {
                const codes = lib.d8Directions(filled, { flats });
                routings.d8 = { codes, area: lib.accumulate({ kind: 'd8', codes }, { output: 'm2' }) };
              } else if (r === 'mfd') routings.mfd = { area: lib.accumulate(lib.mfdRouting(filled, { flats }), { output: 'm2' }) };
              else routings.dinf = { area: lib.accumulate(lib.dinfRouting(filled, { flats }), { output: 'm2' }) };
            });
            if (warm) keep(chain, r, t);
          }
          for (const preset of PRESETS) {
            const routing = routingOf(lib, preset);
            if (!routings[routing]) continue;
            const p = lib.LS_PRESETS[preset];
            const extra = routing === 'd8' && p.method !== 'desmet-govers' ? { flowDirection: routings.d8.codes } : { upslopeAreaM2: routings[routing].area };
            const t = once(() => lib.lsFactor(filled, { preset, fill: false, ...extra }));
            if (warm) keep(chain, preset, t);
          }
        }
      }
      for (const preset of PRESETS) {
        const routing = routingOf(lib, preset);
        for (const chain of CHAINS) {
          const b = best[chain];
          if (b[preset] === undefined) continue;
          const chainS = b.fill + b.flats + b[routing];
          const step = b[preset];
          const share = step / chainS;
          const parts = chain === 'hydrology' ? `fill ${b.fill.toFixed(3)} + flats ${b.flats.toFixed(3)} + ${routing} ${b[routing].toFixed(3)}` : `ε-fill ${b.fill.toFixed(3)} + ${routing} ${b[routing].toFixed(3)}`;
          log(`${id} ${preset} [${chain}]: chain ${chainS.toFixed(3)} s (${parts}), LS step ${step.toFixed(3)} s → ${(100 * share).toFixed(1)} %`);
          const suffix = chain === 'hydrology' ? '' : 'Epsilon';
          const chainLabel = chain === 'hydrology' ? `fill + flats + ${routing} + accumulation` : `ε-fill + ${routing} + accumulation`;
          figures.push(figure(`${id}.${preset}.share${suffix}`, `${id} (${(cells / 1e6).toFixed(2)} Mcells): LS step (${preset}) / hydrology chain (${chainLabel})`, 100 * share, '%'));
          if (preset === 'csle' && chain === 'hydrology') {
            figures.push(figure(`${id}.csle.chainOverStep`, `${id}: hydrology chain time (fill + flats + d8 + accumulation) / csle LS step time (higher is better; target ≥ 3.33)`, chainS / step, 'ratio', { tracked: ci, floor: ci ? 0.25 : undefined }));
            figures.push(figure(`${id}.csle.lsMcellsPerS`, `${id}: csle LS step throughput`, cells / step / 1e6, 'Mcells/s'));
          }
        }
      }
    }
    return figures.map((f) => (f.floor === undefined ? (({ floor: _f, ...rest }) => rest)(f) : f));
  },
};
