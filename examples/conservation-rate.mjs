// The conservation rate (水土保持率) of a region with GeoJSON zones, end to end, on real data.
//
// Youwuzhen is a small red-soil catchment (DEM 30 m, Beijing 1954 / 3-degree Gauss-Krüger zone 39, false easting
// 39 500 000 m — a CRS without an EPSG code in the file). This script:
//   1. predicts RUSLE soil loss A (t/ha/yr) from the bundled DEM, soil and land-use rasters;
//   2. reads zones drawn by hand as GeoJSON in longitude/latitude (examples/data/youwuzhen-zones.geojson: a west zone
//      with a pond cut out as a hole, a north-east zone, a south-east zone drawn as a MultiPolygon, and the pond as a
//      zone of its own) — they are reprojected to the grid's Gauss-Krüger CRS with proj4 and rasterised (cell centres);
//   3. grades A with SL 190-2007 (red-soil hills: tolerance 500 t/km²/yr) and computes the table per zone and for the
//      whole catchment, with an explicit hierarchy (every zone under the catchment);
//   4. computes the same table again inside the engine's single pass (soilLoss with an onBlock hook) and checks that
//      both are identical — the accumulation is exact, so blocking never changes a number;
//   5. writes the table as a bulletin-style CSV (Chinese and English headers) and as JSON into the system temp folder.
//
// Illustrative inputs (stated so nobody mistakes them for measured values): R is a constant 6000 MJ·mm·ha⁻¹·h⁻¹·yr⁻¹;
// K from the soil table (EPIC); C from the illustrative land-use table examples/pipelines/youwuzhen-landuse-b.csv;
// P from the SEIMS land-cover table (USLE_P); LS with the rusle-aml preset. The zones are not official boundaries.
//
// Run: npm run build && node examples/conservation-rate.mjs
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  soilLoss, zonesFromGeoJson, conservationRate, RateAccumulator, rateBlockHook, rateTableToCsv, rateTableToJson,
} from '../dist/index.js';
import { youwuzhenSoilLoss } from './lib/youwuzhen.mjs';

const here = (p) => new URL(p, import.meta.url).pathname;
const text = (p) => readFileSync(here(p), 'utf8');

// 1. Soil loss (examples/lib/youwuzhen.mjs: DEM window matching the land-use grid, K, C, P from the bundled tables).
const { factors, A } = await youwuzhenSoilLoss();

// 2. Zones from GeoJSON (lon/lat → Beijing 1954 GK zone 39), under one parent zone for the whole catchment.
const hierarchy = {
  nodes: [
    { id: 0, name: '游屋镇示例流域 Youwuzhen sample catchment', level: 'catchment', parent: null },
    ...[1, 2, 3, 4].map((id) => ({ id, level: 'zone', parent: 0 })),
  ],
};
const zones = zonesFromGeoJson(JSON.parse(text('data/youwuzhen-zones.geojson')), A.grid, { zoneField: 'code', nameField: 'name', hierarchy });

// 3. The table in memory.
const options = { units: 't/ha/yr', tolerance: 'red-soil' };
const table = conservationRate(A, zones, options);

// 4. The same table inside the engine's single pass (small bands on purpose), then compared.
const acc = new RateAccumulator(options, zones);
await soilLoss(factors, { units: 't/ha/yr', blockRows: 16, extraInputs: { zones: zones.raster }, onBlock: rateBlockHook(acc) });
const streamed = acc.finish();
const same = JSON.stringify(streamed.rows) === JSON.stringify(table.rows);
if (!same) throw new Error('the streamed table differs from the in-memory table');

// 5. Files and a printout.
const dir = mkdtempSync(join(tmpdir(), 'rusle-conservation-rate-'));
writeFileSync(join(dir, 'rate.csv'), rateTableToCsv(table, { headers: 'both' }));
writeFileSync(join(dir, 'rate.json'), rateTableToJson(table));

console.log('zone                                           level      land km²  loss km²  rate %   soil loss t/yr  mean t/km²/yr');
for (const r of table.rows) {
  console.log(`${String(r.name).padEnd(44)} ${r.level.padEnd(10)}${r.landAreaKm2.toFixed(3).padStart(9)}${r.lossAreaKm2.toFixed(3).padStart(10)}${r.rate.toFixed(2).padStart(8)}${r.soilLossT.toFixed(0).padStart(17)}${r.meanModulus.toFixed(0).padStart(15)}`);
}
for (const w of table.warnings) console.log(`warning: ${w}`);
console.log(`\nstreamed single pass gives the identical table: ${same}`);
console.log(`wrote ${join(dir, 'rate.csv')} and ${join(dir, 'rate.json')}`);
