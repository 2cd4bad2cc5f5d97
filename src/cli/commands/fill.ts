/**
 * `rusle fill`: depression filling by Priority-Flood (Barnes et al. 2014).
 * @module
 */
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { BAND_HELP, BAND_OPTION, readDem, Z_FACTOR_HELP } from '../checks.js';
import { writeRaster } from '../../io/index.js';
import { RusleError } from '../../raster/errors.js';
import { fillDepressionsWithStats } from '../../terrain/fill.js';

export const fillCommand: Command = {
  name: 'fill',
  summary: 'fill the depressions of a DEM (Priority-Flood, Barnes et al. 2014; optional ε gradient)',
  help: `Usage: rusle fill <dem.tif> -o filled.tif [--epsilon] [--z-factor F] [--band N]

Fills every depression to its spill elevation by Priority-Flood (Barnes, Lehman & Mulla 2014), so that every cell
drains to the grid edge or to nodata. Outlets: valid cells on the grid edge and valid cells beside nodata (as SAGA's
Fill Sinks (Wang & Liu)); nodata stays nodata. The result equals SAGA ta_preprocessor 4 -MINSLOPE 0.
Output: Float32 GeoTIFF (Float64 for a Float64 DEM) on the DEM's grid, nodata NaN.

Flags:
  -o, --output FILE   output GeoTIFF (required)
  --epsilon           raise filled cells by one float ulp per step (Barnes 2014 Priority-Flood+ε) so that no flat
                      remains (default off: flats stay flat; routing resolves them with the flat mask, which keeps
                      artificial slope out of S)
${Z_FACTOR_HELP}; the filled DEM is then in metres
${BAND_HELP}

Example:
  rusle fill data/bigtujunga/srtm_bigtujunga30m_utm11.tif -o filled.tif`,
  options: {
    output: { type: 'string', short: 'o' },
    epsilon: { type: 'boolean' },
    'z-factor': { type: 'string' },
    ...BAND_OPTION,
  },
  async run(args, ctx) {
    const input = args.positionals[0];
    const output = args.values['output'];
    if (!input || typeof output !== 'string') throw new RusleError('BAD_ARGUMENT', 'usage: rusle fill <dem.tif> -o filled.tif [--epsilon]');
    const t0 = performance.now();
    const { dem, zFactor } = await readDem(ctx, input, args.values, 'fill');
    const { filled, stats } = fillDepressionsWithStats(dem, { epsilon: args.values['epsilon'] === true, ...(zFactor !== undefined ? { zFactor } : {}) });
    await writeRaster(resolve(ctx.cwd, output), filled);
    const seconds = (performance.now() - t0) / 1000;
    ctx.out(`filled ${dem.width} × ${dem.height} cells (${stats.raisedCells} raised) → ${output} in ${seconds.toFixed(2)} s`);
    return { json: { output, width: dem.width, height: dem.height, raisedCells: stats.raisedCells, epsilon: args.values['epsilon'] === true, seconds } };
  },
};
