// K from a soil table: the Youwuzhen soil lookup table (SEIMS, texture and organic matter of each soil class) and
// the soil-class raster, with the EPIC equation (Williams 1995) and the geometric-mean-diameter equation of AH703
// (Renard et al. 1997, eq. 3-5, after Shirazi & Boersma 1984).
//
// SEIMS gives sand, silt and clay as % of the whole soil including rock fragments; soilTableFromSeims rescales them
// to the fine earth (sum 100 %) and keeps the printed sum. K is in SI units, t·ha·h·ha⁻¹·MJ⁻¹·mm⁻¹
// (divide by 0.1317 for US customary units).
//
// Run: npm run build && node examples/k-from-soil-table.mjs
import { readFileSync } from 'node:fs';
import { readRaster, soilTableFromSeims, kFactorFromSoilTable } from '../dist/index.js';

const here = (p) => new URL(p, import.meta.url).pathname;
const soils = soilTableFromSeims(readFileSync(here('../data/youwuzhen/soil_properties_lookup.csv'), 'utf8'));
const classes = await readRaster(here('../data/youwuzhen/ywzsoil30m.tif'));

console.log('class  sand %  silt %  clay %  OM %   (printed sand+silt+clay %)');
for (const [code, s] of soils) {
  console.log(`${String(code).padEnd(7)}${s.sandPct.toFixed(1).padStart(6)}${s.siltPct.toFixed(1).padStart(8)}${s.clayPct.toFixed(1).padStart(8)}${s.organicMatterPct.toFixed(2).padStart(7)}   (${s.textureSumPct.toFixed(2)})`);
}

for (const method of ['epic', 'shiraziBoersma']) {
  const { raster, perClass, report } = kFactorFromSoilTable(classes, soils, { method });
  // Mean K over the valid cells of the soil raster.
  let sum = 0;
  for (const v of raster.data) if (Number.isFinite(v)) sum += v;
  const mean = sum / report.validCells;
  const per = [...perClass].map(([c, k]) => `${c}: ${k.toFixed(4)}`).join(', ');
  console.log(`\nK.${method}: ${per}`);
  console.log(`  mean over ${report.validCells} cells = ${mean.toFixed(4)} SI = ${(mean / 0.1317).toFixed(3)} US units`);
}
