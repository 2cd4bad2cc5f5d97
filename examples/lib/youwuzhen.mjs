// Shared by the examples: RUSLE soil loss on the bundled Youwuzhen catchment, from the DEM, soil and land-use rasters.
//
// The land-use raster starts 60 m (2 rows) lower than the DEM and has 125 of its 127 columns, so the DEM is read with
// the window that matches the land-use grid. Illustrative inputs (stated so nobody mistakes them for measured
// values): R is a constant 6000 MJ·mm·ha⁻¹·h⁻¹·yr⁻¹; K from the soil table (EPIC); C from the illustrative land-use
// table examples/pipelines/youwuzhen-landuse-b.csv; P from the SEIMS land-cover table (USLE_P); LS with rusle-aml.
import { readFileSync } from 'node:fs';
import {
  readRaster, lsFactor, soilTableFromSeims, kFactorFromSoilTable, parseLookupTable, lookupRaster, soilLoss,
} from '../../dist/index.js';

const here = (p) => new URL(p, import.meta.url).pathname;
const text = (p) => readFileSync(here(p), 'utf8');

/** Reads the Youwuzhen rasters and returns `{ dem, landUse, factors: { R, K, LS, C, P }, A }` (A in t/ha/yr). */
export async function youwuzhenSoilLoss() {
  const landUse = await readRaster(here('../../data/youwuzhen/ywzlanduse30m_upd.tif'));
  const dem = await readRaster(here('../../data/youwuzhen/ywzdem30m.tif'), { window: { x: 0, y: 2, width: 125, height: 85 } });
  const soils = await readRaster(here('../../data/youwuzhen/ywzsoil30m.tif'));
  const { ls } = lsFactor(dem, { preset: 'rusle-aml' });
  const K = kFactorFromSoilTable(soils, soilTableFromSeims(text('../../data/youwuzhen/soil_properties_lookup.csv')), { method: 'epic' }).raster;
  const C = lookupRaster(landUse, parseLookupTable(text('../pipelines/youwuzhen-landuse-b.csv'), { keyColumn: 'LANDUSE_ID', valueColumn: 'B' })).raster;
  const P = lookupRaster(landUse, parseLookupTable(text('../../data/youwuzhen/landcover_initial_parameters.csv'), { keyColumn: 'LANDUSE_ID', valueColumn: 'USLE_P' })).raster;
  const factors = { R: 6000, K, LS: ls, C, P };
  const { raster: A } = await soilLoss(factors, { units: 't/ha/yr' });
  return { dem, landUse, factors, A };
}
