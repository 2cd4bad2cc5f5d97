/**
 * `rusle csle`: CSLE A = R·K·L·S·B·E·T (Liu et al. 2002) from factor GeoTIFFs or numbers, streamed to a GeoTIFF.
 * Flag handling is shared with `rusle soil-loss`. No science here: the library's `csleSoilLoss` does the work.
 * @module
 */
import type { Command } from '../command.js';
import { csleRun, ENGINE_FLAGS, ENGINE_FLAGS_HELP } from './soil-loss.js';

/** `rusle csle`. */
export const csleCommand: Command = {
  name: 'csle',
  summary: 'CSLE soil loss A = R·K·L·S·B·E·T from factor GeoTIFFs or numbers (streamed, statistics included)',
  help: `Usage: rusle csle --r R.tif|NUM --k K.tif|NUM --l L.tif|NUM --s S.tif|NUM --b B.tif|NUM --e E.tif|NUM --t T.tif|NUM -o A.tif [flags]

The Chinese Soil Loss Equation (Liu Baoyuan et al. 2002): A = R · K · L · S · B · E · T per cell, streamed in
bands within a memory budget, with min, max, area-weighted mean and total tonnes per year (true cell areas) in
the same pass. Cropland takes T with B = 1; other land takes B with T = 1 (prepare the rasters accordingly).

Factors (each a GeoTIFF path or a number for a constant):
  --r   rainfall erosivity, MJ·mm·ha⁻¹·h⁻¹·yr⁻¹
  --k   soil erodibility, t·ha·h·ha⁻¹·MJ⁻¹·mm⁻¹
  --l   slope length factor, dimensionless
  --s   slope steepness factor, dimensionless
  --b   biological measures, dimensionless
  --e   engineering measures, dimensionless
  --t   tillage measures, dimensionless

Flags:
${ENGINE_FLAGS_HELP}

Example:
  rusle csle --r 4500 --k K.tif --l L.tif --s S.tif --b B.tif --e E.tif --t T.tif -o A.tif --units t/km2/yr`,
  options: {
    r: { type: 'string' },
    k: { type: 'string' },
    l: { type: 'string' },
    s: { type: 'string' },
    b: { type: 'string' },
    e: { type: 'string' },
    t: { type: 'string' },
    ...ENGINE_FLAGS,
  },
  run: csleRun,
};
