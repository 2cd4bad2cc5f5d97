// LS under each preset on one DEM.
//
// Every LS preset is a named set of options that mirrors a tool people compare against (csle: China monitoring
// practice; rusle-aml: Van Remortel's 1-D slope length with McCool's S; invest: InVEST SDR; saga-desmet-govers:
// SAGA ta_hydrology 22; grass-r.watershed: r.watershed's length_slope). Here they run on the Youwuzhen DEM
// (127 × 98 cells of 30 m, red-soil hills of Fujian) and we print the distribution of LS for each.
//
// Run: npm run build && node examples/ls-presets.mjs
import { readRaster, lsFactor, LS_PRESETS } from '../dist/index.js';

const dem = await readRaster(new URL('../data/youwuzhen/ywzdem30m.tif', import.meta.url).pathname);
console.log(`DEM ${dem.width} × ${dem.height} cells, cell ${dem.grid.cellSizeMeters().dx} m\n`);

/** The q-quantile of the finite values of a typed array. */
function quantile(values, q) {
  const v = Float64Array.from(values.filter((x) => Number.isFinite(x))).sort();
  return v[Math.min(v.length - 1, Math.floor(q * (v.length - 1)))];
}

console.log('preset              method             S formula       median    p90      max');
for (const preset of Object.keys(LS_PRESETS)) {
  // lsFactor fills depressions, routes flow, computes slope length or upslope area, then L · S.
  const { ls, options } = lsFactor(dem, { preset });
  const d = ls.data;
  console.log(
    `${preset.padEnd(20)}${options.method.padEnd(19)}${options.sFormula.padEnd(16)}`
    + `${quantile(d, 0.5).toFixed(2).padStart(6)}${quantile(d, 0.9).toFixed(2).padStart(9)}${quantile(d, 1).toFixed(1).padStart(9)}`,
  );
}
