// Early warning from two land-cover maps: construction patches planted into the Youwuzhen land cover, found again by
// detectDisturbance and graded by disturbanceRisk.
//
// The "before" map is the bundled Youwuzhen land use (SEIMS/SWAT IDs: 4 orchard, 6 mixed forest, 8 evergreen forest,
// 18 water, 33 paddy, 104/106 built-up). The "after" map is the same with four construction sites planted as
// built-up (104) on orchard, forest and paddy cells — a road cut, a housing lot, an L-shaped quarry yard and a small
// pad. detectDisturbance with the `seims` transition table (orchard, forest, paddy → built-up = construction) must
// find exactly these patches, cell for cell; the example exits with status 1 if it does not. Each patch then gets
// its disturbed soil loss (bare soil, C = P = 1, on R·K·LS) and risk class, and the ranked warning list is printed.
//
// Inputs as in examples/lib/youwuzhen.mjs (R = 6000 constant, illustrative; K from the soil table; LS rusle-aml).
//
// Run: npm run build && node examples/disturbance-warning.mjs
import { Raster, detectDisturbance, disturbanceRisk, slope } from '../dist/index.js';
import { youwuzhenSoilLoss } from './lib/youwuzhen.mjs';

const { dem, landUse, factors: { R, K, LS }, A } = await youwuzhenSoilLoss();
const W = landUse.width;
const ELIGIBLE = new Set([4, 6, 8, 33]);

// Plant the sites: every eligible cell of each shape becomes built-up; the truth is the set of cells changed.
const after = new Raster(landUse.grid, landUse.data.slice(), landUse.nodata);
const rect = (c0, r0, w, h) => { const out = []; for (let r = r0; r < r0 + h; r++) for (let c = c0; c < c0 + w; c++) out.push([c, r]); return out; };
const sites = [
  { name: 'road cut', cells: rect(20, 10, 14, 2) },
  { name: 'housing lot', cells: rect(60, 30, 7, 6) },
  { name: 'quarry yard', cells: rect(90, 55, 8, 3).concat(rect(90, 58, 3, 5)) },
  { name: 'small pad', cells: rect(40, 70, 3, 3) },
];
const truth = sites.map((s) => {
  const idx = s.cells.map(([c, r]) => r * W + c).filter((i) => ELIGIBLE.has(landUse.data[i]));
  for (const i of idx) after.data[i] = 104;
  return { ...s, idx };
});

const found = detectDisturbance(landUse, after, {
  mode: 'landcover', transitions: 'seims', slopeDegrees: slope(dem, { units: 'degrees' }), ls: LS,
});

// Check: one patch per site, the same cells.
let ok = found.patches.length === truth.length;
for (const t of truth) {
  const ids = new Set(t.idx.map((i) => found.labels.data[i]));
  const p = ids.size === 1 ? found.patches[[...ids][0] - 1] : undefined;
  if (!p || p.cells !== t.idx.length) ok = false;
  t.patch = p;
}

// Risk: disturbed soil loss on bare soil (C = P = 1) from R·K·LS, against the baseline A.
const potential = new Raster(A.grid, new Float32Array(A.data.length));
for (let i = 0; i < potential.data.length; i++) potential.data[i] = R * K.data[i] * LS.data[i];
const risk = disturbanceRisk(A, found.geojson, { units: 't/ha/yr', tolerance: 'red-soil', potential, idField: 'id' });
const byId = new Map(risk.rows.map((r) => [Number(r.patch), r]));

console.log(`planted ${truth.length} sites, found ${found.patches.length} patches (masked ${(100 * found.maskedShare).toFixed(1)} % of the grid: nodata in a date)`);
console.log('rank  site          cells  area ha  slope°   LS    baseline → disturbed t/km²/yr  added t/yr  risk');
for (const r of risk.rows) {
  const t = truth.find((x) => x.patch && x.patch.id === Number(r.patch));
  const p = found.patches[Number(r.patch) - 1];
  console.log(`${String(r.rank).padStart(4)}  ${(t ? t.name : '?').padEnd(12)}  ${String(p.cells).padStart(5)}  ${(p.areaM2 / 1e4).toFixed(2).padStart(7)}  ${p.meanSlopeDegrees.toFixed(1).padStart(5)}  ${p.meanLs.toFixed(2).padStart(5)}  ${r.baselineModulus.toFixed(0).padStart(8)} → ${r.disturbedModulus.toFixed(0).padStart(8)}        ${r.addedSoilLossT.toFixed(1).padStart(8)}  ${r.risk}`);
}
if (!ok || risk.rows.length !== truth.length || truth.some((t) => !byId.has(t.patch.id))) {
  console.error('the planted sites were not all found exactly');
  process.exit(1);
}
