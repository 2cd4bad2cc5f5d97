// Small watersheds (小流域) ranked for treatment, with the sediment that reaches the streams.
//
// The province plan organises treatment "with the watershed as the unit". This example cuts the Youwuzhen catchment
// into watershed units, predicts soil loss (RUSLE, examples/lib/youwuzhen.mjs), computes the sediment delivery ratio
// and the sediment export per cell as InVEST SDR 3.14–3.20 defines them, and ranks the units by our default priority
// rule: the soil-loss area share weighted by intensity class (light 1 … severe 5). Youwuzhen covers about 11 km², so
// the units here are 0.5–2 km² instead of the 10–50 km² default of a provincial run; the method is the same.
//
// Inputs are illustrative (see examples/lib/youwuzhen.mjs); the stream threshold is 100 cells (9 ha).
// Checks (exit 1 when one fails): every valid cell is in exactly one unit and the unit areas add up to the land
// area; the units' export adds up to the cells' export; 0 ≤ SDR ≤ 0.8 off the streams.
//
// Run: npm run build && node examples/small-watersheds.mjs
import { Raster, sedimentDelivery, watershedCodes, watershedUnits, watershedTable } from '../dist/index.js';
import { youwuzhenSoilLoss } from './lib/youwuzhen.mjs';

const { dem: fullDem, factors: { C }, A } = await youwuzhenSoilLoss();
// the DEM reaches beyond the land-use map: delineate on the cells that have a soil loss
const dem = new Raster(A.grid, Float32Array.from(fullDem.data, (z, i) => (A.data[i] === A.data[i] ? z : NaN)));

const codes = watershedCodes(dem);
const { labels, units } = watershedUnits(codes, { minAreaKm2: 0.5, maxAreaKm2: 2 });
const sdr = sedimentDelivery(dem, { soilLoss: A, c: C, thresholdCells: 100 });
const table = watershedTable(labels, {
  soilLoss: A, units: 't/ha/yr', tolerance: 'red-soil', sedimentExport: sdr.export, sdr: sdr.sdr, unitInfo: units,
});

console.log(`${units.length} units; ${units.filter((u) => u.small).length} below 0.5 km², ${units.filter((u) => u.small && u.edge).length} of them fragments draining straight off the mapped area (not ranked)`);
console.log('rank  unit  area km²  rate %  modulus t/km²/yr  export t/yr  routed export t/yr  mean SDR  drains to');
for (const r of table.rows.filter((r) => r.rank > 0).sort((a, b) => a.rank - b.rank).slice(0, 8)) {
  console.log(`${String(r.rank).padStart(4)}  ${String(r.id).padStart(4)}  ${r.landAreaKm2.toFixed(2).padStart(8)}  ${r.rate.toFixed(1).padStart(6)}  ${r.meanModulus.toFixed(0).padStart(16)}  ${r.exportT.toFixed(1).padStart(11)}  ${r.routedExportT.toFixed(1).padStart(18)}  ${r.meanSdr.toFixed(3).padStart(8)}  ${r.downstreamId || 'outlet'}`);
}

// checks
let failed = 0;
const fail = (m) => { console.error(`FAILED: ${m}`); failed++; };
const areas = dem.grid.rowCellAreasM2();
let land = 0, cellExport = 0;
for (let i = 0; i < labels.data.length; i++) {
  const valid = codes.data[i] !== 255;
  if (valid !== (labels.data[i] > 0)) fail(`cell ${i}: valid ${valid} but label ${labels.data[i]}`);
  if (valid) land += areas[Math.floor(i / dem.width)] / 1e6;
  const e = sdr.export.data[i];
  if (e === e && labels.data[i] > 0 && A.data[i] === A.data[i]) cellExport += e * 100 * areas[Math.floor(i / dem.width)] / 1e6;
  const s = sdr.sdr.data[i];
  if (s === s && sdr.streams.data[i] !== 1 && !(s >= 0 && s <= 0.8)) fail(`SDR ${s} at cell ${i}`);
}
const unitArea = units.reduce((s, u) => s + u.areaKm2, 0);
if (Math.abs(unitArea - land) > 1e-9 * land) fail(`unit areas ${unitArea} km² ≠ land ${land} km²`);
const unitExport = table.rows.reduce((s, r) => s + r.exportT, 0);
if (Math.abs(unitExport - cellExport) > 1e-6 * cellExport) fail(`unit export ${unitExport} ≠ cell export ${cellExport}`);
const atOutlets = table.rows.filter((r) => r.downstreamId === 0).reduce((s, r) => s + r.routedExportT, 0);
if (Math.abs(atOutlets - unitExport) > 1e-6 * unitExport) fail(`routed export at the outlets ${atOutlets} ≠ ${unitExport}`);
console.log(`total sediment export ${unitExport.toFixed(1)} t/yr of ${table.rows.reduce((s, r) => s + r.soilLossT, 0).toFixed(0)} t/yr eroded`);
process.exit(failed ? 1 : 0);
