// Reaching a target conservation rate: where to act first.
//
// Jiangxi aims at a soil and water conservation rate of 86.57 % by 2025. This example predicts RUSLE soil loss on
// the Youwuzhen catchment (red-soil hills, tolerance 500 t·km⁻²·yr⁻¹), then asks planTarget for the least treated
// area that brings each zone to 86.57 % with three candidate measures: afforestation of orchards (C → 0.03),
// terraces on slopes of 8° or more (P → 0.084, the value SEIMS gives its terraced paddies) and understorey
// restoration of the thin forest on eroded red soil (C → 0.006). The measure values are illustrative. With these
// inputs the target is out of reach in both zones: planTarget still ranks the cells, and reports the best rate the
// measures allow and the area short — the answer a planner needs before adding measures.
//
// Inputs: R is a constant (illustrative, 6000 MJ·mm·ha⁻¹·h⁻¹·yr⁻¹); K from the soil table (EPIC); C by land use from
// the illustrative table examples/pipelines/youwuzhen-landuse-b.csv; P by land use from SEIMS (USLE_P); zones are
// two illustrative halves (examples/pipelines/youwuzhen-zones.geojson). The land-use raster starts 60 m lower and
// has 2 fewer columns than the DEM, so the DEM is read with the window that matches the land-use grid.
//
// Run: npm run build && node examples/reach-target.mjs
import { readFileSync } from 'node:fs';
import { slope, zonesFromGeoJson, conservationRate, planTarget } from '../dist/index.js';
import { youwuzhenSoilLoss } from './lib/youwuzhen.mjs';

const here = (p) => new URL(p, import.meta.url).pathname;
const text = (p) => readFileSync(here(p), 'utf8');

// Soil loss on the land-use grid (examples/lib/youwuzhen.mjs).
const { dem, landUse, factors: { C, P }, A } = await youwuzhenSoilLoss();

const zones = zonesFromGeoJson(JSON.parse(text('pipelines/youwuzhen-zones.geojson')), A.grid, { zoneField: 'code', nameField: 'name' });
const before = conservationRate(A, zones, { units: 't/ha/yr', tolerance: 'red-soil' });
console.log(`conservation rate now: ${before.rows.map((r) => `${r.name} ${r.rate.toFixed(2)} %`).join(', ')}`);

const plan = planTarget(A, {
  units: 't/ha/yr', tolerance: 'red-soil', targetRate: 86.57, zones,
  factors: { C, P }, landCover: landUse, slopeDegrees: slope(dem, { units: 'degrees' }),
  measures: [
    { name: 'afforestation of orchards', factor: 'C', value: 0.03, landCover: [4] },
    { name: 'terraces on slopes ≥ 8°', factor: 'P', value: 0.084, minSlopeDegrees: 8 },
    { name: 'understorey restoration in forest', factor: 'C', value: 0.006, landCover: [6, 8] },
  ],
});

console.log('\nzone               land km²  rate now  need km²  treated km²  rate reached  reachable');
for (const r of plan.rows) {
  console.log(`${String(r.name).padEnd(17)}${r.landAreaKm2.toFixed(2).padStart(10)}${r.rateBefore.toFixed(2).padStart(10)}${r.needKm2.toFixed(3).padStart(10)}${r.treatedAreaKm2.toFixed(3).padStart(13)}${r.rateReached.toFixed(2).padStart(14)}  ${r.reachable}`);
}
for (const w of plan.warnings) console.log(`warning: ${w}`);
// plan.priority ranks the treated cells (1 = treat first); plan.measure says which measure each one gets.
let first = 0;
for (const v of plan.priority.data) if (v >= 1 && v <= 100) first++;
const zonesWithCells = plan.rows.filter((r) => r.zone !== 'total' && r.treatedAreaKm2 > 0).length;
console.log(`\n${first} cells are ranked 1–100 within their zone (the first 100 to treat in each of ${zonesWithCells} zones; priority raster: plan.priority).`);
