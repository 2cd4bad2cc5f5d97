/**
 * `rusle flow`: flow accumulation of a DEM (fill, flats, routing, accumulation) written as a GeoTIFF.
 * @module
 */
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { readRaster, writeRaster } from '../../io/index.js';
import { RusleError } from '../../raster/errors.js';
import { Raster } from '../../raster/raster.js';
import { flowAccumulation, type FlowRoutingMethod } from '../../terrain/routing/chain.js';
import type { AccumulationOutput } from '../../terrain/accumulate.js';
import { choiceFlag, numberFlag } from '../flags.js';

const ROUTINGS: readonly FlowRoutingMethod[] = ['d8', 'mfd', 'dinf'];
const OUTPUTS: readonly AccumulationOutput[] = ['cells', 'm2', 'sca'];

/** True when the DEM holds at least one valid elevation (not NaN, not the declared nodata of an integer DEM). */
function hasValidCell(dem: Raster): boolean {
  const d = dem.data;
  const nd = dem.nodata;
  for (let i = 0; i < d.length; i++) {
    const v = d[i] as number;
    if (v === v && v !== nd) return true;
  }
  return false;
}

export const flowCommand: Command = {
  name: 'flow',
  summary: 'flow accumulation of a DEM: contributing cells, upslope area (m²) or specific catchment area (m)',
  help: `Usage: rusle flow <dem.tif> -o out.tif [--routing d8|mfd|dinf] [--exponent P] [--output cells|m2|sca] [--no-fill]

Fills depressions (Priority-Flood, Barnes et al. 2014), resolves flats (Barnes et al. 2014), routes flow and
accumulates it with one in-degree accumulator. Every output counts the cell itself.

Flags:
  -o, --output-file FILE  output GeoTIFF (required; written to a temporary file and renamed)
  --routing R             d8 (O'Callaghan & Mark 1984, default), mfd (Freeman 1991) or dinf (Tarboton 1997)
  --exponent P            MFD exponent, dimensionless, > 0 (default 1.1; --routing mfd only)
  --output O              cells: contributing cells (default); m2: upslope area in m² (true cell areas, per row on
                          geographic grids); sca: specific catchment area in m = upslope area / cell width
  --no-fill               skip depression filling (the DEM is already filled); flats are still resolved
  --float64               write Float64 (default: Float32, or Float64 for 'cells' on grids over 2^24 cells, so
                          that every count stays exact)

Example:
  rusle flow data/willamette/dem_30m.tif -o flow_m2.tif --output m2
  rusle flow dem.tif -o sca.tif --routing mfd --exponent 1.1 --output sca`,
  options: {
    'output-file': { type: 'string', short: 'o' },
    routing: { type: 'string' },
    exponent: { type: 'string' },
    output: { type: 'string' },
    'no-fill': { type: 'boolean' },
    float64: { type: 'boolean' },
  },
  async run(args, ctx) {
    const input = args.positionals[0];
    const outPath = args.values['output-file'];
    if (!input || typeof outPath !== 'string') throw new RusleError('BAD_ARGUMENT', 'usage: rusle flow <dem.tif> -o out.tif [--routing d8|mfd|dinf] [--output cells|m2|sca]');
    const routing = choiceFlag<FlowRoutingMethod>(args.values, 'routing', ROUTINGS, 'd8');
    const output = choiceFlag<AccumulationOutput>(args.values, 'output', OUTPUTS, 'cells');
    if (args.values['exponent'] !== undefined && routing !== 'mfd') throw new RusleError('BAD_ARGUMENT', '--exponent applies to --routing mfd only');
    const exponent = numberFlag(args.values, 'exponent', { above: 0, code: 'BAD_VALUE' });
    const t0 = performance.now();
    const dem = await readRaster(resolve(ctx.cwd, input));
    if (!hasValidCell(dem)) {
      throw new RusleError('BAD_VALUE', `${input}: every one of the ${dem.width} × ${dem.height} cells is nodata; there is no terrain to route (check the file's nodata value)`);
    }
    const acc = flowAccumulation(dem, {
      routing,
      output,
      fill: args.values['no-fill'] !== true,
      ...(exponent !== undefined ? { exponent } : {}),
    });
    const n = acc.data.length;
    const f64 = args.values['float64'] === true || (output === 'cells' && n > 2 ** 24);
    const outRaster = f64 ? acc : new Raster(acc.grid, Float32Array.from(acc.data), NaN);
    await writeRaster(resolve(ctx.cwd, outPath), outRaster);
    let max = 0;
    for (let i = 0; i < n; i++) if (acc.data[i]! > max) max = acc.data[i]!;
    const seconds = (performance.now() - t0) / 1000;
    const unit = output === 'cells' ? 'cells' : output === 'm2' ? 'm²' : 'm';
    ctx.out(`wrote ${outPath}: ${routing} ${output}, ${acc.width} × ${acc.height}, max ${max} ${unit}, ${seconds.toFixed(2)} s`);
    return { json: { output: outPath, routing, quantity: output, width: acc.width, height: acc.height, max, seconds, type: f64 ? 'Float64' : 'Float32' } };
  },
};
