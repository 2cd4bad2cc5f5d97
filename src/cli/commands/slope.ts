/**
 * `rusle slope`: slope of a DEM (Horn or Zevenbergen–Thorne), true distances from the grid.
 * @module
 */
import { resolve } from 'node:path';
import type { Command } from '../command.js';
import { requireValidCells } from '../checks.js';
import { choiceFlag } from '../flags.js';
import { readRaster, writeRaster } from '../../io/index.js';
import { RusleError } from '../../raster/errors.js';
import { slope, type SlopeEdgeRule, type SlopeMethod, type SlopeUnits } from '../../terrain/slope.js';

export const slopeCommand: Command = {
  name: 'slope',
  summary: 'slope of a DEM (Horn 1981 or Zevenbergen & Thorne 1987) in degrees, radians or percent',
  help: `Usage: rusle slope <dem.tif> -o slope.tif [--units degrees|radians|percent] [--method horn|zevenbergen-thorne]
                   [--edges nodata|compute|extrapolate] [--z-factor F]

Slope from a 3 × 3 window with true horizontal distances from the grid: the cell size times the CRS unit in a
projected grid; ellipsoidal east-west and north-south distances per row in a geographic grid (degrees are never
treated as metres). Horn equals gdaldem slope. Output: Float32 GeoTIFF on the DEM's grid, nodata NaN.

Flags:
  -o, --output FILE   output GeoTIFF (required)
  --units U           degrees (default), radians or percent (100 · tan θ)
  --method M          horn (default) or zevenbergen-thorne
  --edges E           cells whose window leaves the grid or meets nodata: nodata (default, like gdaldem),
                      compute (like gdaldem -compute_edges), extrapolate (like SAGA: mirror through the centre)
  --z-factor F        metres per elevation unit (default 1; 0.3048 for a DEM in feet)

Example:
  rusle slope data/willamette/dem_30m.tif -o slope.tif --units percent`,
  options: {
    output: { type: 'string', short: 'o' },
    units: { type: 'string' },
    method: { type: 'string' },
    edges: { type: 'string' },
    'z-factor': { type: 'string' },
  },
  async run(args, ctx) {
    const input = args.positionals[0];
    const output = args.values['output'];
    if (!input || typeof output !== 'string') throw new RusleError('BAD_ARGUMENT', 'usage: rusle slope <dem.tif> -o slope.tif [--units …] [--method …]');
    const units = choiceFlag<SlopeUnits>(args.values, 'units', ['degrees', 'radians', 'percent'], 'degrees', 'BAD_UNITS');
    const method = choiceFlag<SlopeMethod>(args.values, 'method', ['horn', 'zevenbergen-thorne'], 'horn');
    const edges = choiceFlag<SlopeEdgeRule>(args.values, 'edges', ['nodata', 'compute', 'extrapolate'], 'nodata');
    const zf = args.values['z-factor'];
    const zFactor = zf === undefined ? 1 : Number(zf);
    if (!(zFactor > 0) || !Number.isFinite(zFactor)) throw new RusleError('BAD_VALUE', `--z-factor must be a positive number of metres per elevation unit, got '${String(zf)}'`);
    const t0 = performance.now();
    const dem = await readRaster(resolve(ctx.cwd, input));
    requireValidCells(dem, input);
    const out = slope(dem, { units, method, edges, zFactor });
    await writeRaster(resolve(ctx.cwd, output), out);
    const seconds = (performance.now() - t0) / 1000;
    ctx.out(`slope (${method}, ${units}) of ${dem.width} × ${dem.height} cells → ${output} in ${seconds.toFixed(2)} s`);
    return { json: { output, width: dem.width, height: dem.height, units, method, edges, zFactor, seconds } };
  },
};
